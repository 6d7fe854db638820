"""One module per benchmark scenario; ``benchmarks.run.SCENARIOS`` lists them in order."""
