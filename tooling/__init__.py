"""Developer tooling: training, running the three processes, benchmarks."""
