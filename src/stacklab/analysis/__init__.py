"""What a run's samples say: aggregates, statistics, tables, comparisons, timelines, plots, the report."""
