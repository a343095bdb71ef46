"""Each role's README.md is generated from its argument specs and defaults, and CI notices drift."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts/role_readmes.py"


def check(roles: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), "--check", "--roles", str(roles)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_every_roles_readme_is_current_and_names_each_variable_with_its_default() -> None:
    assert check(ROOT / "roles").returncode == 0
    readme = (ROOT / "roles/zookeeper/README.md").read_text()
    options = yaml.safe_load((ROOT / "roles/zookeeper/meta/argument_specs.yml").read_text())
    for name in options["argument_specs"]["main"]["options"]:
        assert f"| `{name}` |" in readme
    assert "| `zookeeper_client_port` | int | `2181` |" in readme


def test_a_changed_argument_spec_makes_the_check_fail_naming_the_readme(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "roles/java", tmp_path / "java")
    specs = tmp_path / "java/meta/argument_specs.yml"
    specs.write_text(specs.read_text().replace("description:", "description: Changed.", 1))
    stale = check(tmp_path)
    assert stale.returncode == 1
    assert "java/README.md" in stale.stderr
