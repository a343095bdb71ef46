"""YAML for specs: plain data only. Anchors and aliases are refused (a kilobyte of nested aliases
expands exponentially: the "billion laughs"), and so are duplicate keys (YAML keeps the last one
silently, so a second `trials:` would win unnoticed)."""

from __future__ import annotations

from typing import Any

import yaml


class StrictYamlError(yaml.YAMLError):
    """A construct a spec may not use, with where it is."""


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
        line = event.start_mark.line + 1 if event.start_mark else "?"
        if isinstance(event, yaml.AliasEvent):
            raise StrictYamlError(f"line {line}: alias *{event.anchor}: aliases are not allowed")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise StrictYamlError(f"line {line}: anchor &{anchor}: anchors are not allowed")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                hash(key)
            except TypeError:
                continue  # the constructor refuses an unhashable key itself
            if key in seen:
                raise StrictYamlError(f"line {line}: key {key!r} appears twice in one mapping (also line {seen[key]})")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> Any:
    """The document in `text`; StrictYamlError (a yaml.YAMLError) for aliases, anchors and
    duplicate keys, yaml.YAMLError for anything that is not YAML."""
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: plain data, no Python objects
