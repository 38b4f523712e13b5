"""A return's figures as one tidy table (period, scope, measure, breakdown, value), in CSV and XLSX.

Text cells that a spreadsheet would read as a formula (starting with =, +, -,
@, tab or carriage return) are prefixed with an apostrophe. Suppressed values
read ``[c]``; a value that cannot be computed (a percentage of nothing) is blank.
"""

import csv
import io

from django.conf import settings
from openpyxl import Workbook

from outreach.exports import csv_safe

from .suppression import SUPPRESSED

HEADER = ["period", "scope", "measure", "breakdown", "value"]


def display_value(row: dict) -> str | int | float:
    if row.get("suppressed"):
        return SUPPRESSED
    return "" if row["value"] is None else row["value"]


def tidy_rows(rows: list[dict]) -> list[list]:
    return [[row["period"], row["scope"], row["measure_label"], row["breakdown"], display_value(row)] for row in rows]


def csv_bytes(rows: list[dict], *, marking: str | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"# {marking or settings.PROTECTIVE_MARKING}"])
    writer.writerow(HEADER)
    for values in tidy_rows(rows):
        writer.writerow([csv_safe(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[dict], *, marking: str | None = None) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Return")
    sheet.append([marking or settings.PROTECTIVE_MARKING])
    sheet.append(HEADER)
    for values in tidy_rows(rows):
        # openpyxl writes strings as strings, but Excel still evaluates "=…" typed later: neutralise it anyway.
        sheet.append([csv_safe(v) for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_csv(data: bytes) -> list[dict]:
    """The tidy rows back from CSV bytes (for tests and the command's checks)."""
    lines = data.decode("utf-8-sig").splitlines()
    return list(csv.DictReader(lines[1:]))
