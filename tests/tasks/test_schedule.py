"""A plan's reporting schedule (tasks.schedule): the periods of a year, their windows of data and
deadlines, for every kind of schedule."""

import datetime

import pytest

from tasks.schedule import ScheduleKind, deadline_rule_text, periods_of_year, working_days_between


def day(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()


def spell(specs) -> list[tuple]:
    return [
        (s.key, s.name, f"{s.cutoff_from:%d/%m/%Y}", f"{s.cutoff_to:%d/%m/%Y}", f"{s.deadline:%d/%m/%Y}")
        for s in specs
    ]


def test_a_yearly_plan_due_on_15_11_keeps_the_window_it_always_had():
    specs = periods_of_year(
        kind=ScheduleKind.YEARLY, year=2026, report_day=15, report_month_offset=-1, cutoff_days=5
    )
    assert spell(specs) == [("2026", "Năm 2026", "11/11/2025", "10/11/2026", "15/11/2026")]


def test_six_monthly_reports_due_on_05_06_and_05_12():
    specs = periods_of_year(
        kind=ScheduleKind.HALF_YEARLY, year=2026, report_day=5, report_month_offset=0, cutoff_days=5
    )
    assert spell(specs) == [
        ("2026-h1", "6 tháng đầu năm 2026", "01/12/2025", "31/05/2026", "05/06/2026"),
        ("2026-h2", "6 tháng cuối năm 2026", "01/06/2026", "30/11/2026", "05/12/2026"),
    ]


def test_a_yearly_report_due_in_january_of_the_next_year_covers_the_calendar_year():
    specs = periods_of_year(
        kind=ScheduleKind.YEARLY, year=2026, report_day=15, report_month_offset=1, cutoff_days=5
    )
    assert spell(specs) == [("2026", "Năm 2026", "01/01/2026", "31/12/2026", "15/01/2027")]


def test_quarterly_reports_due_the_15th_of_the_month_after():
    specs = periods_of_year(
        kind=ScheduleKind.QUARTERLY, year=2026, report_day=15, report_month_offset=1, cutoff_days=5
    )
    assert [s.name for s in specs] == ["Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026"]
    assert [f"{s.deadline:%d/%m/%Y}" for s in specs] == [
        "15/04/2026",
        "15/07/2026",
        "15/10/2026",
        "15/01/2027",
    ]
    assert [(f"{s.cutoff_from:%d/%m}", f"{s.cutoff_to:%d/%m}") for s in specs] == [
        ("01/01", "31/03"),
        ("01/04", "30/06"),
        ("01/07", "30/09"),
        ("01/10", "31/12"),
    ]


def test_monthly_reports_due_the_25th_of_the_month():
    specs = periods_of_year(
        kind=ScheduleKind.MONTHLY, year=2026, report_day=25, report_month_offset=0, cutoff_days=5
    )
    assert len(specs) == 12
    assert (specs[0].key, specs[0].name) == ("2026-m01", "Tháng 1/2026")
    assert (specs[1].cutoff_from, specs[1].cutoff_to, specs[1].deadline) == (
        day("21/01/2026"),
        day("20/02/2026"),
        day("25/02/2026"),
    )


@pytest.mark.parametrize(
    "kind", [ScheduleKind.YEARLY, ScheduleKind.HALF_YEARLY, ScheduleKind.QUARTERLY, ScheduleKind.MONTHLY]
)
@pytest.mark.parametrize("report_day, offset", [(15, -1), (5, 0), (15, 1), (31, 0), (1, 2)])
def test_windows_follow_each_other_day_after_day_across_years(kind, report_day, offset):
    if kind == ScheduleKind.YEARLY and offset == 2:
        offset = -3
    specs = [
        spec
        for year in (2025, 2026, 2027)
        for spec in periods_of_year(
            kind=kind, year=year, report_day=report_day, report_month_offset=offset, cutoff_days=5
        )
    ]
    for before, after in zip(specs, specs[1:], strict=False):
        assert after.cutoff_from == before.cutoff_to + datetime.timedelta(days=1), (before, after)
    for spec in specs:
        assert spec.cutoff_from <= spec.cutoff_to < spec.deadline
        assert working_days_between(spec.cutoff_to, spec.deadline) >= 1, spec


def test_a_custom_schedule_has_no_period_of_its_own():
    assert (
        periods_of_year(
            kind=ScheduleKind.CUSTOM, year=2026, report_day=5, report_month_offset=0, cutoff_days=5
        )
        == []
    )


@pytest.mark.parametrize(
    "kind, report_day, offset, words",
    [
        (ScheduleKind.YEARLY, 15, -1, "ngày 15/11 hằng năm"),
        (ScheduleKind.YEARLY, 15, 1, "ngày 15/01 năm sau"),
        (ScheduleKind.HALF_YEARLY, 5, 0, "ngày 05 của tháng cuối mỗi 6 tháng"),
        (ScheduleKind.QUARTERLY, 15, 1, "ngày 15 của tháng sau mỗi quý"),
        (ScheduleKind.MONTHLY, 25, 0, "ngày 25 của tháng đó"),
        (ScheduleKind.CUSTOM, 1, 0, "theo hạn riêng của từng kỳ"),
    ],
)
def test_the_deadline_rule_in_words(kind, report_day, offset, words):
    assert deadline_rule_text(kind=kind, report_day=report_day, report_month_offset=offset) == words
