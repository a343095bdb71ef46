"""Make the project's Ansible plugins importable as plain Python for unit tests."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in ("plugins/filter", "plugins/modules"):
    sys.path.insert(0, str(ROOT / folder))
