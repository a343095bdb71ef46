#!/usr/bin/env python3
"""Write each role's README.md from its meta/argument_specs.yml (entry points, variables, types,
descriptions), its defaults/main.yml (each variable's default, as written there) and its
meta/main.yml (what it depends on), so that the role documentation cannot drift from the roles.

    make role-readmes                       (or: python scripts/role_readmes.py)
    python scripts/role_readmes.py --check  (exit 1 naming every README that is out of date: CI)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = "stacklab.bigdata"
DEFAULT_WIDTH = 60  # longer defaults are cut: the role's defaults/main.yml has the whole value


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text()) if path.exists() else None


def _cell(text: Any) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _default(value: Any) -> str:
    if isinstance(value, str):
        shown = value
    else:
        shown = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
        shown = shown.removesuffix("\n...").removesuffix("...").strip()
    shown = " ".join(shown.split())
    if len(shown) > DEFAULT_WIDTH:
        shown = shown[: DEFAULT_WIDTH - 1] + "…"
    return f"`{_cell(shown)}`" if shown else '`""`'


def _type(option: dict[str, Any]) -> str:
    kind = str(option.get("type", "str"))
    if "elements" in option:
        kind = f"{kind} of {option['elements']}"
    if "choices" in option:
        kind += " (" + ", ".join(str(choice) for choice in option["choices"]) + ")"
    return kind


def render(role: Path) -> str:
    specs = (_load(role / "meta/argument_specs.yml") or {}).get("argument_specs", {})
    defaults = _load(role / "defaults/main.yml") or {}
    meta = _load(role / "meta/main.yml") or {}
    name = f"{COLLECTION}.{role.name}"
    main = specs.get("main", {})
    lines = [f"# {name}", "", _cell(main.get("short_description") or meta.get("galaxy_info", {}).get("description"))]
    for paragraph in _paragraphs(main.get("description")):
        lines += ["", paragraph]
    dependencies = [d if isinstance(d, str) else d.get("role") for d in meta.get("dependencies") or []]
    if dependencies:
        lines += ["", "Depends on: " + ", ".join(f"`{d}`" for d in dependencies) + "."]
    for entry, spec in specs.items():
        lines += ["", f"## Entry point `{entry}`"]
        if entry != "main":
            lines += ["", _cell(spec.get("short_description", ""))]
            for paragraph in _paragraphs(spec.get("description")):
                lines += ["", paragraph]
            lines += ["", f"`ansible.builtin.include_role: {{name: {name}, tasks_from: {entry}}}`"]
        options = spec.get("options") or {}
        if not options:
            lines += ["", "No variables."]
            continue
        lines += ["", "| variable | type | default | description |", "|---|---|---|---|"]
        for option, about in options.items():
            if about.get("required"):
                default = "required"
            elif option in defaults:
                default = _default(defaults[option])
            else:
                default = "(none)"
            lines.append(f"| `{option}` | {_cell(_type(about))} | {default} | {_cell(_description(about))} |")
    lines += [
        "",
        "---",
        "Generated from `meta/argument_specs.yml`, `defaults/main.yml` and `meta/main.yml` by",
        "`make role-readmes`; edit those, not this file.",
        "",
    ]
    return "\n".join(lines)


def _description(option: dict[str, Any]) -> str:
    text = option.get("description", "")
    return " ".join(text) if isinstance(text, list) else str(text)


def _paragraphs(description: Any) -> list[str]:
    if not description:
        return []
    items = description if isinstance(description, list) else [description]
    return [" ".join(str(item).split()) for item in items]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; fail naming the READMEs out of date")
    parser.add_argument("--roles", type=Path, default=ROOT / "roles", help="the roles folder (default: this tree's)")
    args = parser.parse_args(argv)
    stale = []
    for role in sorted(path.parent.parent for path in args.roles.glob("*/meta/argument_specs.yml")):
        readme, text = role / "README.md", render(role)
        if readme.exists() and readme.read_text() == text:
            continue
        if args.check:
            stale.append(str(readme))
        else:
            readme.write_text(text)
            print(f"wrote {readme}")
    if stale:
        print("out of date (run `make role-readmes`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
