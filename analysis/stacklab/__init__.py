"""stacklab's analysis: results folders in, tables, plots, comparisons and verdicts out."""
