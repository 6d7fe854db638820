"""``python -m benchmarks.harness.fresh module:function [args…]``: ``django.setup()``, one call
of the function with the arguments (strings), then its peak memory as one line of JSON (see
``measure.peak_memory``). Imports nothing of the project before ``django.setup()``."""

import importlib
import json
import resource
import sys
import time

from .measure import vm_hwm_kb


def main(target: str, *args: str) -> int:
    import django

    django.setup()
    setup_kb = vm_hwm_kb()
    module, name = target.split(":")
    function = getattr(importlib.import_module(module), name)
    started = time.perf_counter()
    function(*args)
    seconds = time.perf_counter() - started
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    values = {"setup_kb": setup_kb, "hwm_kb": vm_hwm_kb(), "maxrss_kb": maxrss_kb}
    print(json.dumps({**values, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
