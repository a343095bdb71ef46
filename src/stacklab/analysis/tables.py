"""Tables in the papers' layout: one row per value of the matrix axis ("NUM_TASKS | Mean | Std Dev |
Min | Max"), one table per metric and configuration of the other labels."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from stacklab.analysis.aggregate import Aggregate, LabelKey

STD_KINDS = ("sample", "population")


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)


def axis_sort_key(value: Any) -> tuple[int, Any]:
    """Numbers in numeric order, then everything else as text."""
    return (0, value) if isinstance(value, (int, float)) else (1, str(value))


def choose_axis(aggregates: list[Aggregate]) -> str | None:
    """The label that varies most across configurations (numeric labels first), or None."""
    seen: dict[str, set[Any]] = defaultdict(set)
    for item in aggregates:
        for key, value in item.config.labels:
            seen[key].add(value)
    varying = [key for key, values in seen.items() if len(values) > 1]
    if not varying:
        return None
    return max(varying, key=lambda k: (all(isinstance(v, (int, float)) for v in seen[k]), len(seen[k]), k))


def build_tables(
    aggregates: list[Aggregate],
    metric: str | None = None,
    axis: str | None = None,
    std: str = "sample",
    extended: bool = False,
) -> list[Table]:
    if std not in STD_KINDS:
        raise ValueError(f"std must be one of {', '.join(STD_KINDS)}, not {std!r}")
    by_metric: dict[tuple[str, str], list[Aggregate]] = defaultdict(list)
    for item in aggregates:
        if metric is None or item.config.metric == metric:
            by_metric[(item.config.metric, item.config.unit)].append(item)
    if metric is not None and not by_metric:
        raise KeyError(f"no samples of metric {metric!r}")
    tables = []
    without_axis: list[Aggregate] = []
    for (name, unit), items in sorted(by_metric.items()):
        table_axis = axis or choose_axis(items)
        if table_axis is None:
            without_axis += items  # a single configuration: one row of the run's summary table
            continue
        groups: dict[LabelKey, list[Aggregate]] = defaultdict(list)
        for item in items:
            groups[tuple((k, v) for k, v in item.config.labels if k != table_axis)].append(item)
        for rest, members in sorted(groups.items(), key=lambda g: repr(g[0])):
            tables.append(_table(f"{name} ({unit})", table_axis, rest, members, std, extended))
    if without_axis:
        shared = tuple(sorted(set.intersection(*(set(item.config.labels) for item in without_axis))))
        tables.append(_table("summary", "metric", shared, without_axis, std, extended))
    return tables


def _row_label(item: Aggregate, axis: str) -> Any:
    if axis == "metric":
        return f"{item.config.metric} ({item.config.unit})"
    return item.config.label(axis, "-")


def _table(subject: str, axis: str, rest: LabelKey, members: list[Aggregate], std: str, extended: bool) -> Table:
    columns = [axis.upper(), "Mean", "Std Dev", "Min", "Max"]
    if extended:
        columns += ["Median", "Median CI low", "Median CI high", "n", "Warm-ups"]
    rows = []
    for item in sorted(members, key=lambda m: axis_sort_key(_row_label(m, axis))):
        s = item.summary
        row: list[Any] = [_row_label(item, axis), s.mean, getattr(s, f"std_{std}"), s.min, s.max]
        if extended:
            row += [s.median, s.median_ci[0], s.median_ci[1], s.n, item.warmups]
        rows.append(row)
    context = ", ".join(f"{k}={v}" for k, v in rest)
    title = f"RESULTS: {subject}" + (f" — {context}" if context else "")
    notes = [f"Std Dev is the {std} standard deviation ({'n - 1' if std == 'sample' else 'n'} in the denominator)"]
    return Table(title, columns, rows, notes)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def to_markdown(tables: list[Table]) -> str:
    parts = []
    for table in tables:
        lines = [f"### {table.title}", "", "| " + " | ".join(table.columns) + " |"]
        lines.append("|" + "---|" * len(table.columns))
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows]
        lines += [""] + [f"_{note}_" for note in table.notes]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def to_csv(tables: list[Table]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for table in tables:
        writer.writerow(["table", *table.columns])
        for row in table.rows:
            writer.writerow([table.title, *(_cell(v) for v in row)])
    return out.getvalue()


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
}


def _latex(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def to_latex(tables: list[Table]) -> str:
    parts = []
    for table in tables:
        lines = [
            r"\begin{table}[ht]",
            r"\centering",
            r"\caption{" + _latex(table.title) + "}",
            r"\begin{tabular}{" + "r" * len(table.columns) + "}",
            r"\hline",
            " & ".join(_latex(c) for c in table.columns) + r" \\",
            r"\hline",
        ]
        lines += [" & ".join(_latex(_cell(v)) for v in row) + r" \\" for row in table.rows]
        lines += [r"\hline", r"\end{tabular}", r"\end{table}"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


RENDERERS = {"md": to_markdown, "csv": to_csv, "latex": to_latex}
