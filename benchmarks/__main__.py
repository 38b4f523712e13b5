"""``make bench`` / ``python -m benchmarks [reminders|returns]``: timings that are not tests.

A machine's speed is no pass or fail, so these run outside the test suite.

- ``reminders``: the reminder sweep over 20,000 due follow-ups, then a second
  sweep that must create nothing, in a scratch database of its own (a temporary
  SQLite file, or a fresh PostgreSQL database beside the one DATABASE_URL names,
  dropped afterwards).
- ``returns``: the regional summary PDF of a quarterly return, wall and CPU time
  and peak memory, on ``seed_demo`` and ``seed_demo --scale 10`` (``returns
  --scale N ...`` for others), each in a scratch database of its own.

Each runs in a process of its own, since each configures Django for its own database.
"""

import subprocess
import sys

BENCHMARKS = ("reminders", "returns")

if __name__ == "__main__":
    chosen = sys.argv[1:2] or list(BENCHMARKS)
    options = sys.argv[2:]  # passed on to the one benchmark named, e.g. ``returns --scale 10``
    failed = 0
    for name in chosen:
        sys.stdout.write(f"== {name}\n")
        sys.stdout.flush()
        code = f"from benchmarks.{name} import main; main()"
        failed |= subprocess.call([sys.executable, "-c", code, *options])  # noqa: S603
    sys.exit(failed)
