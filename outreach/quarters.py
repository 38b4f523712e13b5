"""UK public-sector financial-year quarters, in Europe/London local dates.

The financial year starting in April of ``year`` is "``year``/``year+1``":
Q1 April to June, Q2 July to September, Q3 October to December, Q4 January to March of
the next calendar year. Returns and targets count by *local* date, so a record
stamped 23:30 UTC on 30 June (00:30 BST on 1 July) belongs to Q2. Dates need
no conversion; datetimes go through ``local_date`` or ``quarter_datetime_range``.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
FIRST_MONTH = 4  # April
QUARTER_START_MONTHS = {1: 4, 2: 7, 3: 10, 4: 1}
MONTH_NAMES = {1: "April to June", 2: "July to September", 3: "October to December", 4: "January to March"}
QUARTER_HELP = "Q1 April to June, Q2 July to September, Q3 October to December, Q4 January to March."
# The years a target or a return may be set for; anything else is a typing slip.
MIN_YEAR = 2000
MAX_YEAR = 2099
_KEY = re.compile(r"^(\d{4})-Q([0-9])$")


class QuarterError(ValueError):
    """A quarter that does not exist (quarter 5, or a year out of range)."""


def financial_year_label(year: int) -> str:
    """``2026`` → ``"2026/27"``."""
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_of(day: date) -> int:
    """The financial year (by its starting calendar year) that ``day`` falls in."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def local_date(moment: datetime) -> date:
    """The Europe/London calendar date of an aware datetime (BST or GMT as it was then)."""
    if timezone.is_naive(moment):
        raise ValueError("local_date() needs an aware datetime; a naive one has no defined local date.")
    return moment.astimezone(LONDON).date()


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in QUARTER_START_MONTHS:
            raise QuarterError(f"There is no quarter {self.quarter}: a financial year has quarters 1 to 4.")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise QuarterError(
                f"{self.year} is out of range: enter a financial year from {MIN_YEAR} to {MAX_YEAR}"
                f" (the year it starts, e.g. 2026 for 2026/27)."
            )

    # -- construction ----------------------------------------------------------
    @classmethod
    def containing(cls, day: date) -> "FinancialQuarter":
        year = financial_year_of(day)
        return cls(year, (day.month - FIRST_MONTH) % 12 // 3 + 1)

    @classmethod
    def current(cls, now: datetime | None = None) -> "FinancialQuarter":
        """The quarter of today's date in London (or of ``now``, when given)."""
        return cls.containing(local_date(now) if now is not None else timezone.localdate())

    @classmethod
    def parse(cls, key: str) -> "FinancialQuarter":
        """``"2026-Q1"`` → ``FinancialQuarter(2026, 1)``; raises QuarterError otherwise."""
        match = _KEY.match(key.strip())
        if not match:
            raise QuarterError("Give the quarter as the year it starts and the quarter, like 2026-Q1.")
        return cls(int(match.group(1)), int(match.group(2)))

    # -- what it covers --------------------------------------------------------
    @property
    def start(self) -> date:
        month = QUARTER_START_MONTHS[self.quarter]
        return date(self.year + (1 if self.quarter == 4 else 0), month, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter (inclusive)."""
        start = self.start
        last_month = start.month + 2
        return date(start.year, last_month, monthrange(start.year, last_month)[1])

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def datetime_range(self) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: London midnight on the first day and on the day after the last.

        For filtering datetime columns with ``__gte``/``__lt``. UTC, because
        Python subtracts two datetimes of the same zone by wall clock: in UTC
        the span is true, and it is not a whole number of days when the clocks
        change inside it (Q3 gains an hour in October, Q4 loses one in March).
        """
        after = self.end + timedelta(days=1)
        return _local_midnight(self.start), _local_midnight(after)

    # -- neighbours and names --------------------------------------------------
    def next(self) -> "FinancialQuarter":
        return (
            FinancialQuarter(self.year + 1, 1) if self.quarter == 4 else FinancialQuarter(self.year, self.quarter + 1)
        )

    def previous(self) -> "FinancialQuarter":
        return (
            FinancialQuarter(self.year - 1, 4) if self.quarter == 1 else FinancialQuarter(self.year, self.quarter - 1)
        )

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        """``"2026/27 Q1"``."""
        return f"{financial_year_label(self.year)} Q{self.quarter}"

    @property
    def long_label(self) -> str:
        """``"2026/27 Q1 (April to June 2026)"``."""
        return f"{self.label} ({MONTH_NAMES[self.quarter]} {self.start.year})"

    def __str__(self) -> str:
        return self.label


def quarter_datetime_range(quarter: FinancialQuarter) -> tuple[datetime, datetime]:
    return quarter.datetime_range()


def quarters_of_year(year: int) -> list[FinancialQuarter]:
    return [FinancialQuarter(year, number) for number in (1, 2, 3, 4)]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)
