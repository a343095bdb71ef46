"""A local EC2 endpoint for the cloud tests and bench/provision.py: moto_server on loopback (no cloud
is reachable from this machine; moto answers the EC2 API over real HTTP, as a private cloud's
endpoint would), plus ansible-playbook runs pointed at it through AWS_URL."""

from __future__ import annotations

import base64
import collections
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
# An Ubuntu image moto ships (owner: Canonical), so the lookup by name and owner runs for real.
IMAGE_NAME = "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MotoEc2:
    """moto_server on 127.0.0.1, started on entry and stopped (its whole process group) on exit.
    With record=True it records requests, and api_calls() counts them by EC2 action."""

    def __init__(self, workdir: Path, record: bool = False) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.recording = workdir / "moto-recording.jsonl"
        self.record = record
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MotoEc2:
        server = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
        env = {**os.environ, "MOTO_RECORDER_FILEPATH": str(self.recording)}
        if self.record:
            env["MOTO_ENABLE_RECORDING"] = "1"
        log = (self.workdir / "moto_server.log").open("wb")
        self.process = subprocess.Popen(
            [server, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2).close()
                return self
            except (urllib.error.URLError, OSError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError(
                        f"moto_server did not answer on {self.url}; see {self.workdir}/moto_server.log"
                    ) from None
                time.sleep(0.2)

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    @property
    def env(self) -> dict[str, str]:
        """Environment pointing boto3, the amazon.aws modules and the inventory plugin at moto."""
        return {
            **os.environ,
            "AWS_URL": self.url,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "STACKLAB_PROGRESS": "0",
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "ec2",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def playbook(self, name: str, *extra: str, inventory: str = "inventories/ec2") -> subprocess.CompletedProcess[str]:
        """ansible-playbook playbooks/<name> against moto; output captured, never raises on failure."""
        command = ["ansible-playbook", f"playbooks/{name}", "-i", inventory, *extra]
        return subprocess.run(
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
        )

    def reset_recording(self) -> None:
        urllib.request.urlopen(
            urllib.request.Request(f"{self.url}/moto-api/recorder/reset-recording", method="POST")
        ).close()

    def api_calls(self) -> collections.Counter[str]:
        """EC2 API calls recorded since the last reset, by action."""
        calls: collections.Counter[str] = collections.Counter()
        if not self.recording.exists():
            return calls
        for line in self.recording.read_text().splitlines():
            entry = json.loads(line)
            body = entry.get("body") or ""
            if entry.get("body_encoded"):
                body = base64.b64decode(body).decode("utf-8", "replace")
            query = urllib.parse.urlparse(entry.get("url", "")).query
            action = urllib.parse.parse_qs(f"{body}&{query}").get("Action", ["?"])[0]
            calls[action] += 1
        return calls


def provision_args(run_id: str, key_dir: Path, results_dir: Path, *extra: str) -> list[str]:
    """Extra vars for provision.yml against moto: its instances are records, not machines, so
    nothing answers on SSH and the wait for it is off unless a test turns it on."""
    return [
        "-e",
        f"run_id={run_id}",
        "-e",
        "cloud_admin_cidr=203.0.113.7/32",
        "-e",
        f"cloud_image_name={IMAGE_NAME}",
        "-e",
        f"cloud_key_dir={key_dir}",
        "-e",
        f"bench_results_dir={results_dir}",
        "-e",
        "cloud_wait_for_ssh=false",
        "-e",
        "cloud_poll_interval=0.2",
        *extra,
    ]
