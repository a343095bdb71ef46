"""Experiment specs: load and validate them, the workloads they name, the cells they expand into."""
