"""The `stacklab` command: validate and bench experiments; report, table, compare, timeline results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stacklab.analysis.aggregate import aggregate
from stacklab.analysis.compare import compare
from stacklab.analysis.plots import save, timeline_plot
from stacklab.analysis.report import analyse, write_report
from stacklab.analysis.tables import RENDERERS, STD_KINDS, build_tables
from stacklab.analysis.timeline import build_timelines, verdicts
from stacklab.results.reader import Samples, load_results
from stacklab.spec.experiment import SpecError, load, missing_workloads


def _warn(samples: Samples) -> None:
    for problem in samples.problems:
        print(f"warning: {problem}", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    analysis = analyse(args.results, axis=args.axis, baseline=args.baseline)
    _warn(analysis.samples)
    print(write_report(analysis))
    return 0


def cmd_table(args: argparse.Namespace) -> int:
    samples = load_results(args.results)
    _warn(samples)
    tables = build_tables(aggregate(samples), metric=args.metric, axis=args.axis, std=args.std, extended=args.extended)
    sys.stdout.write(RENDERERS[args.format](tables))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    side_a, side_b = load_results(args.results_a), load_results(args.results_b)
    _warn(side_a)
    _warn(side_b)
    comparisons = [c for c in compare(aggregate(side_a), aggregate(side_b)) if args.metric in (None, c.metric)]
    if not comparisons:
        print("error: the two runs share no configuration to compare", file=sys.stderr)
        return 1
    for comparison in comparisons:
        print(comparison.sentence)
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    samples = load_results(args.results)
    _warn(samples)
    timelines = build_timelines(samples, step=args.step)
    if timelines is None:
        print(
            "error: no timeline samples (active_tasks, cpus, mem_mb, pending_tasks with labels.framework)",
            file=sys.stderr,
        )
        return 1
    for verdict in verdicts(timelines, args.starvation_s, args.deadlock_s, args.fair_index):
        print(f"{verdict.kind}: {verdict.text}")
    paths = save(timeline_plot(timelines), args.results / "report" / "figures", "timeline")
    print(f"figure: {paths[0]}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.specs:
        try:
            plan = load(path)
        except SpecError as error:
            print(error, file=sys.stderr)
            failed += 1
            continue
        points = len(plan.cells) // (plan.spec["warmups"] + plan.spec["trials"])
        print(
            f"{path}: valid: {len(plan.cells)} cells ({points} matrix points x {plan.spec['trials']} trials"
            f" + {plan.spec['warmups']} warm-ups), {len(plan.spec['tenants'])} tenants, target {plan.spec['target']}"
        )
        for reason in missing_workloads(plan.cells):
            print(f"{path}: note: cannot run yet: {reason}")
    return 1 if failed else 0


def cmd_inventory(args: argparse.Namespace) -> int:
    from stacklab.runner.playbook import default_inventory, spark_mode

    try:
        spec = load(args.spec).spec
    except SpecError as error:
        print(error, file=sys.stderr)
        return 1
    print(default_inventory(Path(), args.target or spec["target"], spec["stack"]["frameworks"], spark_mode(spec)))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from stacklab.runner.playbook import run_bench

    return run_bench(
        args.spec,
        target=args.target,
        run_id=args.run_id,
        inventory=args.inventory,
        project=args.project,
        teardown=args.teardown,
        extra_vars=args.extra_vars,
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="stacklab", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check experiment specs; exit 1 naming each bad field")
    validate.add_argument("specs", type=Path, nargs="+", metavar="SPEC")
    validate.set_defaults(run=cmd_validate)

    bench = commands.add_parser("bench", help="run an experiment (bench.yml through ansible-runner); resumes a run id")
    bench.add_argument("spec", type=Path, metavar="SPEC")
    bench.add_argument(
        "--target", choices=["local", "ec2", "eucalyptus", "static"], help="where to run (default: the spec's target)"
    )
    bench.add_argument("--run-id", help="the run to start or resume (default: <spec name>-<UTC time>)")
    bench.add_argument(
        "--inventory",
        type=Path,
        help="default: inventories/<target>; local with Mesos: local-mesos, with Hadoop: local-interference",
    )
    bench.add_argument("--project", type=Path, default=Path.cwd(), help="the stacklab checkout (default: here)")
    bench.add_argument("--teardown", action="store_true", help="remove the hosts afterwards")
    bench.add_argument(
        "-e",
        "--extra-vars",
        action="append",
        default=[],
        metavar="KEY=VALUE|@FILE",
        help="a variable for bench.yml, as ansible-playbook -e takes it (e.g. -e cloud_admin_cidr=203.0.113.7/32, "
        "-e @inventories/ec2/layouts/sparkos-osv.yml); repeatable",
    )
    bench.set_defaults(run=cmd_bench)

    inventory = commands.add_parser("inventory", help="print the inventory stacklab bench and make bench use for SPEC")
    inventory.add_argument("spec", type=Path, metavar="SPEC")
    inventory.add_argument("--target", choices=["local", "ec2", "eucalyptus", "static"])
    inventory.set_defaults(run=cmd_inventory)

    report = commands.add_parser("report", help="write RESULTS/report/report.html")
    report.add_argument("results", type=Path)
    report.add_argument("--axis", help="the matrix axis of tables and plots (default: the label that varies most)")
    report.add_argument("--baseline", type=Path, help="another results folder to compare against")
    report.set_defaults(run=cmd_report)

    table = commands.add_parser("table", help="print tables in the papers' layout")
    table.add_argument("results", type=Path)
    table.add_argument("--format", choices=sorted(RENDERERS), default="md")
    table.add_argument("--metric")
    table.add_argument("--axis")
    table.add_argument("--std", choices=STD_KINDS, default="sample")
    table.add_argument("--extended", action="store_true", help="add median, its 95%% CI, n and warm-ups")
    table.set_defaults(run=cmd_table)

    comparison = commands.add_parser("compare", help="B against A, point by point")
    comparison.add_argument("results_a", type=Path)
    comparison.add_argument("results_b", type=Path)
    comparison.add_argument("--metric")
    comparison.set_defaults(run=cmd_compare)

    timeline = commands.add_parser("timeline", help="multi-tenant verdicts and the allocation timeline")
    timeline.add_argument("results", type=Path)
    timeline.add_argument("--step", type=float, help="grid step in seconds (default: the sampling interval)")
    timeline.add_argument("--starvation-s", type=float, default=10.0)
    timeline.add_argument("--deadlock-s", type=float, default=30.0)
    timeline.add_argument("--fair-index", type=float, default=0.9, help="Jain's index below which sharing failed")
    timeline.set_defaults(run=cmd_timeline)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (FileNotFoundError, KeyError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
