"""One self-contained report.html per results folder: run metadata, input problems, tables, inline
figures, comparisons and multi-tenant verdicts. Only report/ is written; samples are never touched."""

from __future__ import annotations

import base64
import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from stacklab.analysis.aggregate import Aggregate, aggregate
from stacklab.analysis.compare import Comparison, compare
from stacklab.analysis.eventlog import EventLog, parse_event_log
from stacklab.analysis.plots import figures_for, save, timeline_plot
from stacklab.analysis.tables import Table, build_tables
from stacklab.analysis.timeline import Timelines, Verdict, build_timelines, verdicts
from stacklab.results.reader import Samples, load_results


@dataclass
class Analysis:
    folder: Path
    samples: Samples
    aggregates: list[Aggregate]
    tables: list[Table]
    timelines: Timelines | None = None
    verdicts: list[Verdict] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    event_logs: dict[str, EventLog] = field(default_factory=dict)


# Spark event logs that a run keeps (spark.eventLog.dir pointed into the results folder).
EVENT_LOG_DIR = "raw/eventlogs"


def analyse(folder: Path, axis: str | None = None, baseline: Path | None = None) -> Analysis:
    samples = load_results(folder)
    aggregates = aggregate(samples)
    analysis = Analysis(folder, samples, aggregates, build_tables(aggregates, axis=axis) if aggregates else [])
    analysis.timelines = build_timelines(samples)
    if analysis.timelines is not None:
        analysis.verdicts = verdicts(analysis.timelines)
    logs = folder / EVENT_LOG_DIR
    if logs.is_dir():
        analysis.event_logs = {path.name: parse_event_log(path) for path in sorted(logs.iterdir()) if path.is_file()}
    if baseline is not None:
        analysis.comparisons = compare(aggregate(load_results(baseline)), aggregates)
    return analysis


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(f'{v:.3f}' if isinstance(v, float) else str(v))}</td>" for v in row)
        + "</tr>"
        for row in table.rows
    )
    notes = "".join(f"<p class=note>{html.escape(n)}</p>" for n in table.notes)
    return f"<h3>{html.escape(table.title)}</h3><table><tr>{head}</tr>{body}</table>{notes}"


def _event_logs_html(logs: dict[str, EventLog]) -> str:
    head = "".join(f"<th>{c}</th>" for c in ("application", "jobs", "tasks", "failed tasks", "executors", "start-up s"))
    rows = []
    for name, log in logs.items():
        startup = "-" if log.startup_seconds is None else f"{log.startup_seconds:.3f}"
        cells = (f"{log.app_name or name}", len(log.jobs), log.tasks, log.failed_tasks, log.executors_added, startup)
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    unreadable = sum(log.unreadable_lines for log in logs.values())
    note = f"<p class=note>{unreadable} unreadable event lines skipped</p>" if unreadable else ""
    return f"<h2>Spark event logs</h2><table><tr>{head}</tr>{''.join(rows)}</table>{note}"


def _figure_html(title: str, png: Path) -> str:
    encoded = base64.b64encode(png.read_bytes()).decode("ascii")
    caption = html.escape(title)
    image = f'<img alt="{caption}" src="data:image/png;base64,{encoded}">'
    return f"<figure>{image}<figcaption>{caption}</figcaption></figure>"


def _metadata_html(folder: Path) -> str:
    parts = [f"<p>Results folder: <code>{html.escape(str(folder))}</code></p>"]
    spec = folder / "spec.yml"
    if spec.exists():
        parts.append(f"<details><summary>Spec as run</summary><pre>{html.escape(spec.read_text())}</pre></details>")
    environment = folder / "environment.json"
    if environment.exists():
        try:
            pretty = json.dumps(json.loads(environment.read_text()), indent=2)
        except ValueError:
            pretty = "(environment.json is not valid JSON)"
        parts.append(f"<details><summary>Environment</summary><pre>{html.escape(pretty)}</pre></details>")
    return "".join(parts)


STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
    "th{background:#eee}figure{margin:1em 0}img{max-width:100%}.note{color:#666;font-size:90%}"
    ".problem{color:#a40}"
)


def write_report(analysis: Analysis, out: Path | None = None) -> Path:
    out = out or analysis.folder / "report"
    figures = figures_for(analysis.aggregates, out / "figures")
    timelines = build_timelines(analysis.samples)
    if timelines is not None:
        figures.append(
            ("Allocation per framework over time", save(timeline_plot(timelines), out / "figures", "timeline"))
        )
    sections = [f"<h1>stacklab report: {html.escape(analysis.folder.name)}</h1>", _metadata_html(analysis.folder)]
    sections.append(f"<p>{len(analysis.samples)} samples, {len(analysis.aggregates)} configurations.</p>")
    if analysis.samples.problems:
        items = "".join(f"<li class=problem>{html.escape(p)}</li>" for p in analysis.samples.problems)
        sections.append(f"<h2>Input problems (the rest was analysed)</h2><ul>{items}</ul>")
    if analysis.verdicts:
        items = "".join(f"<li><b>{v.kind}</b>: {html.escape(v.text)}</li>" for v in analysis.verdicts)
        sections.append(f"<h2>Verdicts</h2><ul>{items}</ul>")
    if analysis.comparisons:
        items = "".join(f"<li>{html.escape(c.sentence)}</li>" for c in analysis.comparisons)
        sections.append(f"<h2>Comparison</h2><ul>{items}</ul>")
    if analysis.event_logs:
        sections.append(_event_logs_html(analysis.event_logs))
    sections.append("<h2>Tables</h2>" + "".join(_table_html(t) for t in analysis.tables))
    sections.append("<h2>Figures</h2>" + "".join(_figure_html(title, files[0]) for title, files in figures))
    title = f"<title>stacklab {html.escape(analysis.folder.name)}</title>"
    document = f"<!doctype html><meta charset=utf-8>{title}<style>{STYLE}</style>"
    document += "\n".join(sections)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "report.html"
    partial = target.with_suffix(".html.partial")
    partial.write_text(document, encoding="utf-8")
    os.replace(partial, target)
    return target
