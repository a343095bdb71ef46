"""Where a module of the installed stacklab package is, with the __init__ files of its packages."""

from __future__ import annotations

DOCUMENTATION = r"""
name: package_files
short_description: The files that ship one module of the installed stacklab package to a host
description:
  - For a dotted module name, the module's source file and the __init__.py of each package above
    it, each as src (its path on the controller) and path (relative to a folder that, put on
    sys.path, makes the module importable by that name).
  - How roles/cell_metrics ships stacklab.results.schema with the sampler, so that the hosts
    write samples with the controller's own code.
options:
  _terms: {description: Dotted module names of the stacklab package., required: true}
"""

RETURN = r"""
_raw: {description: "One {src, path} per file, the packages' __init__ files first.", type: list, elements: dict}
"""

import importlib.util
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase


def package_files(name: str) -> list[dict[str, str]]:
    if name != "stacklab" and not name.startswith("stacklab."):
        raise AnsibleLookupError(f"{name} is not a module of the stacklab package")
    parts = name.split(".")
    files = []
    for depth in range(1, len(parts) + 1):
        dotted = ".".join(parts[:depth])
        found = importlib.util.find_spec(dotted)
        if found is None or found.origin is None:
            raise AnsibleLookupError(f"{dotted} is not importable by the controller's Python; run `make venv`")
        origin = Path(found.origin)
        relative = (
            Path(*parts[:depth], "__init__.py")
            if origin.name == "__init__.py"
            else Path(*parts[:depth]).with_suffix(".py")
        )
        files.append({"src": str(origin), "path": str(relative)})
    return files


class LookupModule(LookupBase):  # type: ignore[misc]  # Ansible is untyped
    def run(self, terms: list[Any], variables: Any = None, **kwargs: Any) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        for term in terms:
            found += [file for file in package_files(str(term)) if file not in found]
        return found
