"""Every role documents its public variables twice, and the two must agree (as in
prometheus-community/ansible): defaults/main.yml with a comment, and meta/argument_specs.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROLES = sorted(path for path in (Path(__file__).resolve().parent.parent / "roles").iterdir() if path.is_dir())


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_defaults_and_argument_specs_agree(role: Path) -> None:
    defaults = yaml.safe_load((role / "defaults/main.yml").read_text()) or {}
    specs = yaml.safe_load((role / "meta/argument_specs.yml").read_text())
    options = {name for entry in specs["argument_specs"].values() for name in entry.get("options") or {}}
    assert set(defaults) <= options, f"{role.name}: defaults without an argument spec"
    assert set(specs["argument_specs"]["main"]["options"]) <= set(defaults), f"{role.name}: specs without a default"


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_public_variables_carry_the_role_prefix(role: Path) -> None:
    defaults = yaml.safe_load((role / "defaults/main.yml").read_text()) or {}
    assert all(name.startswith(role.name + "_") for name in defaults), role.name


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_every_default_has_a_comment(role: Path) -> None:
    """A variable, or the paragraph of variables it belongs to, is explained by a comment above it."""
    lines = (role / "defaults/main.yml").read_text().splitlines()
    for number, line in enumerate(lines):
        if not line or line[0] in " #-":
            continue
        paragraph_above = []
        for previous in reversed(lines[:number]):
            if not previous.strip() or previous == "---":
                break
            paragraph_above.append(previous)
        assert any(p.startswith("#") for p in paragraph_above), f"{role.name}: {line.split(':')[0]} has no comment"
