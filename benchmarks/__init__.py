"""Benchmarks run by ``make bench`` (``python -m benchmarks.run``); they write BENCHMARKS.md.

Nothing here is a test: pytest collects only ``tests/`` and no module here is named ``test_*``.
"""
