"""The documentation stays true: the README's example is the experiment `make bench` runs, and
every relative link of the README and docs/ points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_the_readmes_example_is_the_default_experiment() -> None:
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```yaml\n(name: sparkos-scheduler-local\n.*?)```", readme, re.S)
    assert example, "the README shows the default experiment"
    shipped = yaml.safe_load((ROOT / "experiments/sparkos-scheduler-local.yml").read_text())
    assert yaml.safe_load(example.group(1)) == shipped


def test_every_relative_link_resolves() -> None:
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" not in target and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken, broken
