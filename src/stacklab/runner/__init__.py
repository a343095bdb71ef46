"""Running an experiment: bench.yml through ansible-runner, and what one cell runs and records."""
