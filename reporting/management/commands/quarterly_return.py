"""Write one quarterly return (PDF, CSV or XLSX) to a file, for scripted use. Nothing is stored."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Force
from outreach.quarters import FinancialQuarter, QuarterError
from reporting import exports
from reporting.models import REGION
from reporting.pdf import render_pdf
from reporting.services import return_figures


class Command(BaseCommand):
    help = "Write the quarterly return of a force or the region as PDF, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The year the financial year starts, e.g. 2026.")
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--scope", required=True, help="'region' or a force code such as WM.")
        parser.add_argument("--format", required=True, choices=["pdf", "csv", "xlsx"], dest="fmt")
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument("--external", action="store_true", help="Suppress small numbers (for sharing outside).")

    def handle(self, *args, year, quarter, scope, fmt, output, external, **options):
        try:
            period = FinancialQuarter(year, quarter)
        except QuarterError as error:
            raise CommandError(str(error)) from error
        if scope != REGION and not Force.objects.filter(code=scope).exists():
            raise CommandError(f"No force with the code {scope!r}; use 'region' or one of the force codes.")
        rows = return_figures(quarter=period, scope_code=scope, external=external)
        Path(output).write_bytes(self._render(rows, period, scope, fmt, external))
        self.stdout.write(f"Wrote {len(rows)} figures for {period.label} {scope} to {output}")

    def _render(self, rows, period, scope, fmt, external) -> bytes:
        if fmt == "csv":
            return exports.csv_bytes(rows)
        if fmt == "xlsx":
            return exports.xlsx_bytes(rows)
        name = "Regional summary" if scope == REGION else Force.objects.get(code=scope).name
        return render_pdf(
            rows=rows,
            title=f"Prevent & Protect quarterly return {period.label}: {name}",
            scope_code=scope,
            external=external,
            generated_at=timezone.localtime(),
            version=0,
        )
