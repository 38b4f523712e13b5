"""The regional summary return (figures + PDF) on the demo data and on ten times it: time and peak memory.

Aim (issue 8): at most 1.5 s and 200 MB for the summary. ``python -m benchmarks returns [--scale N ...]``
(default: 1 and 10). For each scale a scratch database of its own (SQLite, or PostgreSQL beside the one
``DATABASE_URL`` names) is migrated and filled by ``seed_demo --scale N`` in a child process, so the measuring
process holds Django and the return only. The time is the best of ``--runs``, after one warm-up (imports, fonts,
templates); CPU time (``time.process_time``) is reported beside wall time, as the machine may be shared.
"""

import argparse
import io
import resource
import subprocess
import sys
import time
import tracemalloc

from benchmarks.scratch import analyze, scratch_database


def main(argv: list[str] | None = None) -> None:
    options = _args(argv)
    for scale in options.scale:
        # Each scale in a process of its own: Django is configured once per process, for one database.
        code = f"from benchmarks.returns import measure; measure({scale}, {options.runs})"
        if subprocess.call([sys.executable, "-c", code]):  # noqa: S603
            sys.exit(f"the benchmark at scale {scale} failed")


def measure(scale: int, runs: int) -> None:
    with scratch_database() as label:
        started = time.perf_counter()
        for command in (["migrate", "--verbosity", "0"], ["seed_demo", "--verbosity", "0", "--scale", str(scale)]):
            subprocess.run([sys.executable, "manage.py", *command], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        seeded = time.perf_counter() - started
        import django

        django.setup()
        analyze()
        volume = _volume()
        peak = timed_summary(trace=True)["peak"]  # also the warm-up: imports, fonts, templates
        best = min((timed_summary() for _ in range(runs)), key=lambda result: result["wall"])
        sys.stdout.write(
            f"regional summary return, {scale}x seed_demo on {label} ({volume}; seeded in {seeded:.0f} s):\n"
            f"  {best['pages']} pages, wall {best['wall']:.2f} s (figures {best['figures_wall']:.2f}),"
            f" CPU {best['cpu']:.2f} s (figures {best['figures_cpu']:.2f}),"
            f" tracemalloc peak {peak / 2**20:.1f} MB, process peak RSS {best['maxrss'] / 1024:.0f} MB\n"
        )


def _args(argv):
    parser = argparse.ArgumentParser(description="Time the regional summary return.")
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10], help="times the demo volume (seed_demo)")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args(argv)


def _volume() -> str:
    from outreach.models import OutreachEvent
    from partners.models import Partner
    from subjects.models import Case

    counts = (Case.objects.count(), OutreachEvent.objects.count(), Partner.objects.count())
    return "{:,} cases, {:,} events, {:,} partners".format(*counts)


def timed_summary(*, trace: bool = False) -> dict:
    from django.utils import timezone
    from pypdf import PdfReader

    from outreach.quarters import FinancialQuarter
    from reporting.pdf import render_pdf
    from reporting.services import return_figures

    quarter = FinancialQuarter.current().previous()
    if trace:  # tracemalloc slows Python several times over: memory is measured in a run of its own
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    rows = return_figures(quarter=quarter, scope_code="region", external=False)
    figures_wall, figures_cpu = time.perf_counter() - wall, time.process_time() - cpu
    data = render_pdf(rows=rows, title="Benchmark", scope_code="region", external=False,
                      generated_at=timezone.now(), version=1)  # fmt: skip
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    return {
        "wall": wall,
        "cpu": cpu,
        "figures_wall": figures_wall,
        "figures_cpu": figures_cpu,
        "peak": peak,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "pages": len(PdfReader(io.BytesIO(data)).pages),
    }


if __name__ == "__main__":
    main()
