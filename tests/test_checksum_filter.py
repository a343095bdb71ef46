from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.stacklab.bigdata.plugins.filter.checksums import checksum_from_file

DIGEST = "ab" * 64
NAME = "apache-zookeeper-3.9.4-bin.tar.gz"


@pytest.mark.parametrize(
    "text",
    [
        f"{DIGEST}  {NAME}\n",  # sha512sum
        f"{DIGEST} *{NAME}\n",  # sha512sum --binary
        f"SHA512 ({NAME}) = {DIGEST}\n",  # BSD, as Hadoop publishes
        f"{DIGEST}\n",  # a bare digest
        f"{NAME}: "
        + " ".join(DIGEST.upper()[i : i + 8] for i in range(0, 64, 8))
        + "\n    "
        + " ".join(DIGEST.upper()[i : i + 8] for i in range(64, 128, 8))
        + "\n",  # gpg --print-md
        f"{'cd' * 64}  other.tar.gz\n{DIGEST}  {NAME}\n",  # a file listing several archives
    ],
)
def test_every_published_format_gives_the_digest(text: str) -> None:
    assert checksum_from_file(text, NAME) == f"sha512:{DIGEST}"


def test_sha256_is_recognised_by_length() -> None:
    assert checksum_from_file(f"{'0f' * 32}  {NAME}", NAME) == f"sha256:{'0f' * 32}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (f"{DIGEST}  other.tar.gz\n", "no checksum for"),
        ("<html>Not Found</html>", "no checksum for"),
    ],
)
def test_a_file_without_our_checksum_is_an_error(text: str, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        checksum_from_file(text, NAME)
