"""A run's results folder (DESIGN.md): the sample schema, the writer of samples.jsonl and its reader.

Kept free of imports: the hosts' metric sampler is shipped with stacklab.results.schema and this
package's __init__ (roles/cell_metrics), and runs on a bare Python.
"""
