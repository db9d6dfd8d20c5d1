"""A plan's reporting schedule: the periods of a year, each with its name, key, window of data and
deadline (docs/domain.md, "Reporting regime (Nghị định 09/2019/NĐ-CP)").

Periods follow the calendar: the year, its halves, its quarters or its months. Each is due on the
plan's day of a month counted from the period's last month (0: that month, 1: the month after,
-1: the month before), so "on 20/10 each year" is day 20, offset -2 of a yearly schedule; "05/06 and
05/12" is day 5, offset 0 of a six-monthly one; "15/01 of the next year" is day 15, offset 1.

The window of data (cut-off) of a period ends with the period, or `cutoff_days` before its deadline
when the deadline falls inside the period, and starts the day after the previous period's window
ends: windows follow each other without gap or overlap, and at least one working day separates the
end of the window from the deadline. Nothing here reads the database.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db import models


class ScheduleKind(models.TextChoices):
    YEARLY = "yearly", "Hằng năm"
    HALF_YEARLY = "half_yearly", "6 tháng một lần"
    QUARTERLY = "quarterly", "Hằng quý"
    MONTHLY = "monthly", "Hằng tháng"
    CUSTOM = "custom", "Theo các kỳ đặt riêng"


def day_month_in_year(day: int, month: int, year: int) -> datetime.date:
    """The date of day/month in `year`; 29/02 falls on 28/02 in a common year."""
    if month == 2 and day == 29:
        try:
            return datetime.date(year, 2, 29)
        except ValueError:
            return datetime.date(year, 2, 28)
    return datetime.date(year, month, day)


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Months of each period of a year, by schedule: (first month, last month).
SPANS = {
    ScheduleKind.YEARLY: [(1, 12)],
    ScheduleKind.HALF_YEARLY: [(1, 6), (7, 12)],
    ScheduleKind.QUARTERLY: [(1, 3), (4, 6), (7, 9), (10, 12)],
    ScheduleKind.MONTHLY: [(month, month) for month in range(1, 13)],
}


@dataclass(frozen=True)
class PeriodSpec:
    """A reporting period as the schedule defines it, before it is opened."""

    key: str  # "2026", "2026-h1", "2026-q3", "2026-m05"
    name: str  # "Năm 2026", "6 tháng đầu năm 2026", "Quý III/2026", "Tháng 5/2026"
    kind: str  # ScheduleKind of the schedule that made it
    year: int
    cutoff_from: datetime.date
    cutoff_to: datetime.date
    deadline: datetime.date


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _name(kind: str, year: int, index: int, first: int) -> tuple[str, str]:
    if kind == ScheduleKind.YEARLY:
        return str(year), f"Năm {year}"
    if kind == ScheduleKind.HALF_YEARLY:
        return f"{year}-h{index}", f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
    if kind == ScheduleKind.QUARTERLY:
        return f"{year}-q{index}", f"Quý {ROMAN[index]}/{year}"
    return f"{year}-m{first:02d}", f"Tháng {first}/{year}"


def _deadline(year: int, last_month: int, day: int, offset: int) -> datetime.date:
    deadline_year, deadline_month = _add_months(year, last_month, offset)
    return day_month_in_year(
        min(day, calendar.monthrange(deadline_year, deadline_month)[1]), deadline_month, deadline_year
    )


def _window_end(year: int, last_month: int, deadline: datetime.date, cutoff_days: int) -> datetime.date:
    return min(_last_day(year, last_month), deadline - datetime.timedelta(days=cutoff_days))


def periods_of_year(
    *, kind: str, year: int, report_day: int, report_month_offset: int, cutoff_days: int
) -> list[PeriodSpec]:
    """The periods a schedule of `kind` gives `year`, in order; none for a custom schedule."""
    spans = SPANS.get(kind)
    if not spans:
        return []
    specs = []
    # The window of the first period starts where the previous year's last one ended.
    previous_last = spans[-1][1]
    previous_deadline = _deadline(year - 1, previous_last, report_day, report_month_offset)
    start = _window_end(year - 1, previous_last, previous_deadline, cutoff_days) + datetime.timedelta(days=1)
    for index, (first, last) in enumerate(spans, start=1):
        deadline = _deadline(year, last, report_day, report_month_offset)
        end = _window_end(year, last, deadline, cutoff_days)
        key, name = _name(kind, year, index, first)
        specs.append(PeriodSpec(key, name, kind, year, start, end, deadline))
        start = end + datetime.timedelta(days=1)
    return specs


def deadline_rule_text(*, kind: str, report_day: int, report_month_offset: int) -> str:
    """The schedule's deadline in words: "ngày 20/10 hằng năm", "ngày 05 của tháng cuối mỗi 6 tháng"."""
    if kind == ScheduleKind.CUSTOM:
        return "theo hạn riêng của từng kỳ"
    if kind == ScheduleKind.YEARLY:
        year_offset, month = divmod(12 + report_month_offset - 1, 12)
        when = f"ngày {report_day:02d}/{month + 1:02d}"
        return when + (" năm sau" if year_offset > 0 else " năm trước" if year_offset < 0 else " hằng năm")
    every = {
        ScheduleKind.HALF_YEARLY: "mỗi 6 tháng",
        ScheduleKind.QUARTERLY: "mỗi quý",
        ScheduleKind.MONTHLY: "mỗi tháng",
    }[kind]
    month = {0: "tháng cuối", 1: "tháng sau", -1: "tháng trước tháng cuối"}.get(
        report_month_offset, f"tháng thứ {report_month_offset} tính từ tháng cuối"
    )
    if kind == ScheduleKind.MONTHLY:
        month = {0: "của tháng đó", 1: "của tháng sau"}.get(report_month_offset, month)
        return f"ngày {report_day:02d} {month}"
    return f"ngày {report_day:02d} của {month} {every}"


def plan_periods(plan, year: int) -> list[PeriodSpec]:
    """The periods `plan`'s schedule gives `year`."""
    return periods_of_year(
        kind=plan.schedule,
        year=year,
        report_day=plan.report_day,
        report_month_offset=plan.report_month_offset,
        cutoff_days=plan.cutoff_days,
    )


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday days strictly between `start` and `end`."""
    day, count = start + datetime.timedelta(days=1), 0
    while day < end:
        count += day.weekday() < 5
        day += datetime.timedelta(days=1)
    return count
