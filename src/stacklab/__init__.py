"""stacklab's Python core: experiment specs in, benchmark runs through bench.yml, results and their
analysis out.

    spec      experiment specs: schema, cross-field rules, the workload catalogue, the matrix of cells
    runner    bench.yml through ansible-runner, and one cell's commands and samples
    results   samples.jsonl: the sample schema, the one writer (atomic appends, the attempt, the
              ledger) and the one reader
    analysis  tables, statistics, comparisons, timelines and verdicts, plots, the HTML report
    cli       the `stacklab` command
"""
