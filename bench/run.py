"""Run Pocket Council's benchmarks: ``make bench`` (all) or ``make bench BENCH=areas``.

Each ``bench/bench_<name>.py`` has a ``main()`` that prints its results. Benchmarks are never
part of ``make test``; their results and the machine they ran on go in docs/benchmarks.md.
"""

import importlib.util
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main() -> int:
    only = set(filter(None, os.environ.get("BENCH", "").split(",")))
    print(
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(f"Database: {os.environ.get('BENCH_DATABASE_URL') or 'SQLite (a scratch file)'}\n")
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {name}")
        started = time.perf_counter()
        module.main()
        print(f"({name} took {time.perf_counter() - started:.1f} s)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
