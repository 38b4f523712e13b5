"""The regional summary return (figures + PDF): wall time, CPU time and peak memory.

Aim (issue 8): at most 1.5 s and 200 MB for the summary. Run with
``DATABASE_URL=... python -m benchmarks.returns [--scale N]``: it uses the
database DATABASE_URL names (``seed_demo`` is run only when it holds no case),
or a scratch SQLite database when DATABASE_URL is unset. ``--scale 10`` first
adds clearly synthetic copies (references ``SYN-...``, names "Synthetic") of the
quarter's subjects, cases and outreach events until there are N times as many:
use it on a scratch database only. The machine is shared, so CPU time
(``time.process_time``) is reported beside wall time.
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc


def main(argv: list[str] | None = None) -> None:
    options = _args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
        import django

        django.setup()
        from django.core.management import call_command

        from subjects.models import Case

        call_command("migrate", verbosity=0)
        if not Case.objects.exists():
            call_command("seed_demo", verbosity=0)
        if options.scale > 1:
            _scale_up(options.scale)
        peak = timed_summary(trace=True)["peak"]  # also the warm-up: imports, fonts, templates
        for _ in range(options.runs):
            result = {**timed_summary(), "peak": peak}
            sys.stdout.write(
                f"regional summary return, {options.scale}x demo: {result['pages']} pages,"
                f" wall {result['wall']:.2f} s (figures {result['figures_wall']:.2f}),"
                f" CPU {result['cpu']:.2f} s (figures {result['figures_cpu']:.2f}),"
                f" tracemalloc peak {result['peak'] / 2**20:.1f} MB, ru_maxrss {result['maxrss'] / 1024:.0f} MB\n"
            )


def _args(argv):
    parser = argparse.ArgumentParser(description="Time the regional summary return.")
    parser.add_argument("--scale", type=int, default=1, help="add synthetic records up to N times the quarter's")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args(argv)


def _scale_up(scale: int) -> None:
    """Synthetic copies of the reported quarter's subjects, cases and events (never real-looking people)."""
    from outreach.models import OutreachEvent
    from outreach.quarters import FinancialQuarter
    from subjects.models import Case, Subject

    quarter = FinancialQuarter.current().previous()
    start, end = quarter.start, quarter.end
    if Subject.objects.filter(reference__startswith="SYN-").exists():
        return
    cases = list(Case.objects.filter(referral_date__gte=start, referral_date__lte=end).select_related("subject"))
    events = list(OutreachEvent.objects.filter(date__gte=start, date__lte=end))
    for copy in range(1, scale):
        subjects = []
        for case in cases:
            subject = case.subject
            subject.pk = None
            subject.reference = f"SYN-{copy:02d}-{case.pk:06d}"
            subject.first_name, subject.last_name = "Synthetic", f"Copy{copy}"
            subjects.append(subject)
        Subject.objects.bulk_create(subjects)
        new_cases = []
        for case, subject in zip(cases, subjects, strict=True):
            case.pk, case.subject_id, case.subject, case.number = None, subject.pk, subject, 1
            new_cases.append(case)
        Case.objects.bulk_create(new_cases)
        for event in events:
            event.pk = None
        OutreachEvent.objects.bulk_create(events)


def timed_summary(*, trace: bool = False) -> dict:
    from django.utils import timezone
    from pypdf import PdfReader

    from outreach.quarters import FinancialQuarter
    from reporting.pdf import render_pdf
    from reporting.services import return_figures

    quarter = FinancialQuarter.current().previous()
    if trace:  # tracemalloc slows Python several times over: measure memory in a run of its own
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
