"""Parse the checksum files that release archives publish beside their artifacts."""

from __future__ import annotations

import re
from typing import Any

from ansible.errors import AnsibleFilterError

# Digest length in hex characters -> the algorithm name get_url expects.
_ALGORITHMS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}

_GNU = re.compile(r"^(?P<digest>[0-9a-fA-F]{32,128})\s+\*?(?P<name>\S+)\s*$")  # sha512sum output
_BSD = re.compile(r"^(?P<alg>[A-Za-z0-9-]+)\s*\((?P<name>[^)]+)\)\s*=\s*(?P<digest>[0-9a-fA-F]+)\s*$")
_BARE = re.compile(r"^(?P<digest>[0-9a-fA-F]{32,128})\s*$")
# gpg --print-md output, used by older Apache releases: "name: 1A2B 3C4D ...", possibly folded.
_GPG = re.compile(r"^(?P<name>[^:\s]+)\s*:\s*(?P<digest>[0-9A-Fa-f\s]+)$")


def _result(digest: str, source: str) -> str:
    digest = digest.lower()
    algorithm = _ALGORITHMS.get(len(digest))
    if algorithm is None:
        raise AnsibleFilterError(f"checksum of unknown length {len(digest)} in {source}")
    return f"{algorithm}:{digest}"


def checksum_from_file(text: Any, filename: str) -> str:
    """Return 'algorithm:hexdigest' for `filename` from the text of a checksum file.

    Understands the formats release managers use: `sha512sum` ("digest  name"), BSD ("SHA512 (name) =
    digest"), gpg --print-md ("name: DIGEST IN GROUPS", folded over lines) and a bare digest.
    """
    if not isinstance(text, str) or not text.strip():
        raise AnsibleFilterError(f"the checksum file for {filename} is empty")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        for pattern in (_GNU, _BSD):
            match = pattern.match(line)
            if match and match.group("name").split("/")[-1] == filename:
                return _result(match.group("digest"), filename)
    if len(lines) == 1 and (match := _BARE.match(lines[0])):
        return _result(match.group("digest"), filename)
    match = _GPG.match(" ".join(lines))
    if match and match.group("name").split("/")[-1] == filename:
        return _result(re.sub(r"\s+", "", match.group("digest")), filename)
    raise AnsibleFilterError(f"no checksum for {filename} in checksum file: {lines[0][:120]!r}")


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"checksum_from_file": checksum_from_file}
