"""Indicators (chỉ tiêu): the judging rule (reports.states), the values units report on the report
form, and the verdict wherever a task's results appear: the report page, the task page, the board,
the review queue, the plan's indicator page and the plain data of the consolidated report."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import permissions
from reports.models import IndicatorValue, ReportingPeriod, TaskReport
from reports.states import ReportedValue, Verdict, indicator_result, indicator_verdict, target_for
from reports.workflow.selectors import plan_indicator_lines, reports_indicator_results
from tasks.models import (
    Indicator,
    IndicatorAccumulation,
    IndicatorAggregation,
    IndicatorDirection,
    IndicatorTarget,
    TargetScope,
)
from tests.helpers import report_in, report_save, report_snapshot, rows

AT_LEAST, AT_MOST = IndicatorDirection.AT_LEAST, IndicatorDirection.AT_MOST


# ------------------------------------------------------------------------------
# The rule, on plain values
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "actual, target, direction, verdict",
    [
        (Decimal("83.4"), Decimal(80), AT_LEAST, Verdict.EXCEEDED),
        (Decimal(80), Decimal(80), AT_LEAST, Verdict.MET),
        (Decimal("79.9"), Decimal(80), AT_LEAST, Verdict.NOT_MET),
        (Decimal(3), Decimal(5), AT_MOST, Verdict.EXCEEDED),
        (Decimal(5), Decimal(5), AT_MOST, Verdict.MET),
        (Decimal(6), Decimal(5), AT_MOST, Verdict.NOT_MET),
        (None, Decimal(80), AT_LEAST, Verdict.NO_DATA),
        (Decimal(0), Decimal(80), AT_LEAST, Verdict.NOT_MET),
        (Decimal(12), None, AT_LEAST, Verdict.NO_TARGET),
    ],
)
def test_an_actual_value_against_its_target(actual, target, direction, verdict):
    assert indicator_verdict(actual=actual, target=target, direction=direction) == verdict
    assert Verdict.EXCEEDED.label == "vượt" and Verdict.NOT_MET.label == "chưa đạt"
    assert Verdict.MET.label == "đạt" and Verdict.NO_DATA.label == "chưa có số liệu"


PERIODS = {
    key: SimpleNamespace(pk=pk, key=key, year=int(key[:4]), cutoff_to=cutoff_to)
    for pk, key, cutoff_to in [
        (1, "2025-h1", datetime.date(2025, 6, 10)),
        (2, "2025-h2", datetime.date(2025, 12, 10)),
        (3, "2026-h1", datetime.date(2026, 6, 10)),
        (4, "2026-h2", datetime.date(2026, 12, 10)),
    ]
}


def target(scope, value, *, year=None, period_key=""):
    return SimpleNamespace(scope=scope, year=year, period_key=period_key, value=Decimal(value))


def test_the_target_of_a_period_is_its_own_else_its_years_else_the_plans():
    plan, year, own = (
        target(TargetScope.PLAN, 500),
        target(TargetScope.YEAR, 200, year=2026),
        target(TargetScope.PERIOD, 90, period_key="2026-h1"),
    )
    assert target_for([plan, year, own], PERIODS["2026-h1"]) is own
    assert target_for([plan, year, own], PERIODS["2026-h2"]) is year
    assert target_for([plan, year, own], PERIODS["2025-h2"]) is plan
    assert target_for([], PERIODS["2025-h2"]) is None


def indicator(**fields):
    values = {
        "direction": AT_LEAST,
        "aggregation": IndicatorAggregation.SUM,
        "accumulation": IndicatorAccumulation.CUMULATIVE,
    }
    return SimpleNamespace(**values | fields)


def reported(unit, period_key, value):
    period = PERIODS[period_key]
    return ReportedValue(unit, period.pk, period.year, period.cutoff_to, Decimal(value))


VALUES = [
    reported(1, "2025-h2", 40),  # last year: outside a yearly target of 2026
    reported(1, "2026-h1", 30),
    reported(2, "2026-h1", 20),
    reported(1, "2026-h2", 60),
    reported(2, "2026-h2", 10),
]


def test_a_cumulative_count_adds_every_units_values_over_the_targets_span():
    yearly = [target(TargetScope.YEAR, 100, year=2026)]
    counted = indicator()

    # In the first half: 30 + 20 of the year's 100 so far
    first = indicator_result(counted, yearly, PERIODS["2026-h1"], VALUES)
    assert (first.actual, first.verdict) == (Decimal(50), Verdict.NOT_MET)
    # by the end of the year: 30 + 20 + 60 + 10, last year's 40 left out
    year = indicator_result(counted, yearly, PERIODS["2026-h2"], VALUES)
    assert (year.actual, year.verdict) == (Decimal(120), Verdict.EXCEEDED)
    # over the whole plan, last year counts too
    whole = indicator_result(counted, [target(TargetScope.PLAN, 160)], PERIODS["2026-h2"], VALUES)
    assert (whole.actual, whole.verdict) == (Decimal(160), Verdict.MET)
    # and without a target, the period's own values are shown, not judged
    alone = indicator_result(counted, [], PERIODS["2026-h2"], VALUES)
    assert (alone.actual, alone.verdict) == (Decimal(70), Verdict.NO_TARGET)
    # nothing reported yet
    assert indicator_result(counted, yearly, PERIODS["2026-h1"], []).verdict == Verdict.NO_DATA


def test_a_level_that_each_unit_must_reach_is_judged_on_each_units_latest_value():
    share = indicator(aggregation=IndicatorAggregation.EACH_UNIT, accumulation=IndicatorAccumulation.LEVEL)

    result = indicator_result(share, [target(TargetScope.YEAR, 25, year=2026)], PERIODS["2026-h2"], VALUES)

    # unit 1's latest is 60 ("vượt"), unit 2's is 10 ("chưa đạt"): the task is its worst unit's
    assert result.units == {1: (Decimal(60), Verdict.EXCEEDED), 2: (Decimal(10), Verdict.NOT_MET)}
    assert (result.actual, result.verdict) == (Decimal(10), Verdict.NOT_MET)


# ------------------------------------------------------------------------------
# The report form: values typed the Vietnamese way, checked against the indicator
# ------------------------------------------------------------------------------
def edit_post(report, **fields):
    data = {
        "version": str(TaskReport.objects.get(pk=report.pk).version),
        "results": "Đã triển khai.",
        "completion": "in_progress",
        "progress": "40",
    }
    return data | fields


def test_a_unit_reports_83_comma_4_against_80_and_sees_it_exceeded(before_deadline, world, share, client):
    report = world.report("ttkhcn", 1)
    client.force_login(world.ttkhcn_staff)
    form = client.get(reverse("reports:report_edit", args=[report.pk])).content.decode()
    # The form shows the target beside the field
    assert "Mức chỉ tiêu: 80,0 % (năm 2026)" in form

    response = client.post(
        reverse("reports:report_edit", args=[report.pk]),
        edit_post(report, **{f"indicator_{share.pk}": "83,4"}),
    )

    assert response.status_code == 302
    assert IndicatorValue.objects.get(report=report, indicator=share).value == Decimal("83.4")
    page = client.get(response["Location"]).content.decode()
    assert "83,4" in page and "vượt" in page
    # and the form shows it back as it was typed
    again = client.get(reverse("reports:report_edit", args=[report.pk])).content.decode()
    assert 'value="83,4"' in again


def test_the_page_and_the_form_list_indicators_in_one_order_with_grouped_numbers(
    before_deadline, world, share, client
):
    # A count made after the share but ordered before it: the order, not the creation, decides
    visitors = Indicator.objects.create(
        task=share.task, name="Lượt người dự tập huấn", unit_of_measure="lượt", order=0
    )
    report = world.report("ttkhcn", 1)
    report_save(report, world.ttkhcn_staff, values={visitors.pk: 1250, share.pk: Decimal("83.4")})
    client.force_login(world.ttkhcn_staff)

    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    form = client.get(reverse("reports:report_edit", args=[report.pk])).content.decode()

    names = [indicator.name for indicator in share.task.indicators.all()]
    assert names.index("Lượt người dự tập huấn") < names.index(share.name)
    assert [name for name in sorted(names, key=page.find) if name in page] == names
    assert [name for name in sorted(names, key=form.find) if name in form] == names
    assert "1.250" in page and "1250" not in page
    assert 'value="1.250"' in form


@pytest.mark.parametrize(
    "typed, message",
    [
        ("nhiều", "Hãy ghi một số"),
        ("83.4", "dấu phẩy trước phần thập phân"),
        ("-1", "Số liệu không được âm."),
        ("83,45", "Chỉ tiêu này ghi tối đa 1 chữ số thập phân."),
        ("100,1", "Tỷ lệ phần trăm không vượt quá 100."),
        ("1e3", "Hãy ghi một số"),
    ],
)
def test_a_bad_value_is_refused_beside_its_field_and_saves_nothing(
    before_deadline, world, share, client, typed, message
):
    report = world.report("ttkhcn", 1)
    report_save(report, world.ttkhcn_staff, values={share.pk: Decimal("50.5")})
    before = rows(TaskReport, IndicatorValue)
    client.force_login(world.ttkhcn_staff)

    response = client.post(
        reverse("reports:report_edit", args=[report.pk]),
        edit_post(report, **{f"indicator_{share.pk}": typed}),
    )

    assert response.status_code == 400
    assert message in response.context["form"].errors[f"indicator_{share.pk}"][0]
    assert rows(TaskReport, IndicatorValue) == before


@pytest.mark.parametrize(
    "value, message",
    [
        (Decimal("100.5"), "Tỷ lệ phần trăm không vượt quá 100."),
        (Decimal("-0.5"), "Số liệu không được âm."),
        (Decimal("12.25"), "tối đa 1 chữ số thập phân"),
        ("83,4", "Hãy ghi một số."),
    ],
)
def test_the_service_refuses_what_the_form_would_and_changes_nothing(
    before_deadline, world, share, value, message
):
    report = world.report("ttkhcn", 1)
    report_save(report, world.ttkhcn_staff, values={share.pk: Decimal(50)})
    before = report_snapshot(report)

    with pytest.raises(ValidationError) as raised:
        report_save(report, world.ttkhcn_staff, results="Khác.", values={share.pk: value})

    assert message in raised.value.message_dict[f"indicator_{share.pk}"][0]
    assert report_snapshot(report) == before


def test_a_whole_number_indicator_refuses_a_decimal(before_deadline, world):
    report = world.report("ttkhcn", 1)
    events = report.task.indicators.get(name__startswith="Hội nghị")

    with pytest.raises(ValidationError) as raised:
        report_save(report, world.ttkhcn_staff, values={events.pk: Decimal("2.5")})

    assert "số nguyên" in raised.value.message_dict[f"indicator_{events.pk}"][0]
    assert not IndicatorValue.objects.filter(report=report).exists()


# ------------------------------------------------------------------------------
# Where the verdict appears
# ------------------------------------------------------------------------------
@pytest.fixture
def sent(before_deadline, world, share):
    """ttkhcn sent 83,4% (over 80); the task's 2026 target of events is 10, and 4 were sent."""
    events = world.plan.tasks.get(number="1").indicators.get(name__startswith="Hội nghị")
    IndicatorTarget.objects.create(indicator=events, scope=TargetScope.YEAR, year=2026, value=10)
    report_in(world, "submitted", values={share.pk: Decimal("83.4"), events.pk: 4})
    return SimpleNamespace(world=world, share=share, events=events)


def test_the_board_shows_each_indicator_and_filters_the_tasks_not_meeting_theirs(client, sent):
    world = sent.world
    client.force_login(world.coordinator)

    page = client.get(reverse("reports:board")).content.decode()
    board = client.get(reverse("reports:board")).context["board"]

    verdicts = {
        result.indicator.name: (result.actual, result.verdict)
        for result in board.indicators
        if result.indicator.task.number == "1"
    }
    assert verdicts["Tỷ lệ hồ sơ trực tuyến toàn trình"] == (Decimal("83.4"), Verdict.EXCEEDED)
    assert verdicts["Hội nghị, sự kiện, lớp tập huấn tổ chức"] == (Decimal(4), Verdict.NOT_MET)
    assert "vượt" in page and "1 nhiệm vụ chưa đạt chỉ tiêu" in page
    # The filter "chưa đạt chỉ tiêu" keeps task 1 only, with its units
    filtered = client.get(reverse("reports:board") + "?chi_tieu=chua_dat").context["board"]
    assert [task.number for task in filtered.tasks] == ["1"]
    assert {row.name for row in filtered.rows} >= {"Trung tâm Khoa học và Công nghệ"}
    assert all(result.indicator.task_id == filtered.tasks[0].pk for result in filtered.indicators)
    # a bad value of the filter is said, not guessed
    bad = client.get(reverse("reports:board") + "?chi_tieu=abc")
    assert bad.status_code == 400 and "Bộ lọc chỉ tiêu không hợp lệ." in bad.content.decode()


def test_the_task_page_the_review_queue_and_the_plan_page_judge_the_same(client, sent):
    world = sent.world
    client.force_login(world.coordinator)
    task = world.plan.tasks.get(number="1")

    task_page = client.get(reverse("reports:task_detail", args=[task.pk]))
    queue = client.get(reverse("reports:review_queue"))
    plan_page = client.get(reverse("reports:plan_indicators", args=[world.plan.pk]))

    task_verdicts = {r.indicator.name: r.verdict for r in task_page.context["indicator_results"]}
    assert task_verdicts["Tỷ lệ hồ sơ trực tuyến toàn trình"] == Verdict.EXCEEDED
    assert "năm 2026 80,0" in task_page.content.decode()  # the targets listed
    (queued,) = [
        r for r in queue.context["page"].object_list if r.task_id == task.pk and r.unit.code == "ttkhcn"
    ]
    assert {r.indicator.name: r.verdict for r in queued.indicator_results} == task_verdicts
    rows_by_name = {indicator.name: results for indicator, results in plan_page.context["rows"]}
    ((period, result),) = rows_by_name["Tỷ lệ hồ sơ trực tuyến toàn trình"]
    assert (period.key, result.actual, result.verdict) == ("2026", Decimal("83.4"), Verdict.EXCEEDED)
    assert "83,4 / 80,0" in plan_page.content.decode()


def test_another_units_staff_sees_no_number_of_ttkhcn(client, sent):
    world = sent.world
    client.force_login(world.qlcn_staff)

    plan_page = client.get(reverse("reports:plan_indicators", args=[world.plan.pk]))

    rows_by_name = {indicator.name: results for indicator, results in plan_page.context["rows"]}
    ((_, result),) = rows_by_name["Tỷ lệ hồ sơ trực tuyến toàn trình"]
    assert result.verdict == Verdict.NO_DATA and "83,4" not in plan_page.content.decode()


def test_the_plain_lines_for_the_consolidated_report(sent):
    world = sent.world

    lines = plan_indicator_lines(plan=world.plan, year=2026)

    line = next(line for line in lines if line.name == "Tỷ lệ hồ sơ trực tuyến toàn trình")
    assert (line.task_number, line.target, line.actual, line.verdict_label) == (
        "1",
        80,
        Decimal("83.4"),
        "vượt",
    )
    assert (line.target_text, line.actual_text, line.unit_of_measure) == ("80,0", "83,4", "%")
    assert plan_indicator_lines(plan=world.plan, year=2031) == []
    assert plan_indicator_lines(plan=world.plan, period=ReportingPeriod.objects.get(plan=world.plan)) == lines


@pytest.fixture
def two_years(sent):
    """A 2025 period before 2026's, in which ttkhcn sent 6 events; task 1 also counts its
    documents, with a target over the whole plan (20), 5 sent in 2025 and 7 in 2026."""
    world = sent.world
    task = world.plan.tasks.get(number="1")
    documents = Indicator.objects.create(
        task=task, name="Văn bản ban hành", unit_of_measure="văn bản", order=20
    )
    IndicatorTarget.objects.create(indicator=documents, scope=TargetScope.PLAN, value=20)
    period_2025 = ReportingPeriod.objects.create(
        plan=world.plan,
        key="2025",
        name="Năm 2025",
        year=2025,
        deadline=datetime.date(2025, 11, 15),
        cutoff_from=datetime.date(2024, 11, 11),
        cutoff_to=datetime.date(2025, 11, 10),
        is_open=False,
    )
    this_year = world.report("ttkhcn", 1)
    last_year = TaskReport.objects.create(
        period=period_2025,
        task=task,
        unit=this_year.unit,
        unit_name=this_year.unit_name,
        role=this_year.role,
        deadline=period_2025.deadline,
        status="accepted",
        results="Đã thực hiện.",
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(report=last_year, indicator=sent.events, value=6),
            IndicatorValue(report=last_year, indicator=documents, value=5),
            IndicatorValue(report=this_year, indicator=documents, value=7),
        ]
    )
    return SimpleNamespace(**vars(sent), documents=documents, period_2025=period_2025)


def test_a_plan_wide_target_counts_every_year_and_a_yearly_one_its_year_only(client, two_years):
    world = two_years.world
    client.force_login(world.coordinator)
    task = world.plan.tasks.get(number="1")

    task_page = client.get(reverse("reports:task_detail", args=[task.pk]))

    results = {r.indicator.name: r for r in task_page.context["indicator_results"]}
    # 2026's events: the 4 of 2026 against 10, not the 6 of 2025 as well
    assert (results[two_years.events.name].actual, results[two_years.events.name].verdict) == (
        4,
        Verdict.NOT_MET,
    )
    # the documents over the whole plan: 5 + 7 against 20
    assert results["Văn bản ban hành"].actual == 12
    lines = {
        line.name: line
        for line in plan_indicator_lines(plan=world.plan, year=2026)
        if line.task_number == "1"
    }
    assert (lines["Văn bản ban hành"].actual, lines[two_years.events.name].actual) == (12, 4)


def test_the_plan_indicator_page_shows_one_year_at_a_time(client, two_years):
    world = two_years.world
    client.force_login(world.leadership)
    url = reverse("reports:plan_indicators", args=[world.plan.pk])

    this_year = client.get(url)
    last_year = client.get(url + "?nam=2025")
    unknown = client.get(url + "?nam=2019")

    assert [p.key for p in this_year.context["periods"]] == ["2026"]
    assert this_year.context["years"] == [2026, 2025]
    rows = {(i.task.number, i.name): results for i, results in last_year.context["rows"]}
    ((period, result),) = rows["1", two_years.events.name]
    assert (period.key, result.actual) == ("2025", 6)
    ((_, documents),) = rows["1", "Văn bản ban hành"]
    assert documents.actual == 5  # what the plan had reached by the end of 2025
    assert unknown.status_code == 400
    assert "không có kỳ báo cáo nào của năm “2019”" in unknown.content.decode()


def test_the_plan_indicator_page_lists_a_page_of_indicators(client, world):
    task = world.plan.tasks.get(number="2")
    Indicator.objects.bulk_create(
        Indicator(task=task, name=f"Chỉ tiêu thử {n:02}", unit_of_measure="lần", order=100 + n)
        for n in range(45)
    )
    client.force_login(world.ttkhcn_staff)
    url = reverse("reports:plan_indicators", args=[world.plan.pk])

    first, last = client.get(url), client.get(url + "?page=99")

    total = Indicator.objects.filter(task__plan=world.plan).count()
    assert len(first.context["rows"]) == 20
    assert first.context["page"].paginator.count == total > 45
    assert len(last.context["rows"]) == total - 20 * (first.context["page"].paginator.num_pages - 1)
    assert "Trang sau" in first.content.decode()


def test_the_plan_indicator_page_judges_each_cell_as_the_rule_does_on_every_value(client, two_years):
    """The page hands each result only the values its target's span can count: the same results as
    the rule given every value reported for the indicator."""
    world = two_years.world
    client.force_login(world.coordinator)
    url = reverse("reports:plan_indicators", args=[world.plan.pk])

    for year in ("2026", "2025"):
        page = client.get(url, {"nam": year})
        for indicator, results in page.context["rows"]:
            every_value = [
                ReportedValue(v.report.unit_id, v.report.period_id, v.report.period.year,
                              v.report.period.cutoff_to, v.value)
                for v in IndicatorValue.objects.filter(
                    indicator=indicator, report__status__in=["submitted", "accepted"]
                ).select_related("report__period")
            ]  # fmt: skip
            for period, result in results:
                expected = indicator_result(indicator, indicator.target_list, period, every_value)
                assert (result.actual, result.verdict) == (expected.actual, expected.verdict)
    cells = client.get(url).content.decode()
    assert "12 / 20<br>" in cells  # the documents over the whole plan, as the page writes a cell
    assert '<span class="verdict verdict-not_met">chưa đạt</span>' in cells


def test_the_units_numbers_added_up_by_the_database_are_exact(before_deadline, world):
    """A cumulative indicator summed over units is added up by the database (one sum a period):
    0,1 from one unit and 0,2 from another are exactly 0,3 (not the float 0,30000000000000004), so
    the target of 0,3 is met, on the consolidated report's lines as on each report's page."""
    task = world.plan.tasks.get(number="1")
    first, second = (
        TaskReport.objects.filter(period=world.period, task=task)
        .exclude(unit__code="qlkh")
        .order_by("pk")[:2]
    )
    tenths = Indicator.objects.create(
        task=task, name="Tỷ lệ thử", unit_of_measure="điểm", decimals=1, order=50
    )  # cumulative and summed over units: the defaults
    assert (tenths.accumulation, tenths.aggregation) == (
        IndicatorAccumulation.CUMULATIVE,
        IndicatorAggregation.SUM,
    )
    IndicatorTarget.objects.create(indicator=tenths, scope=TargetScope.YEAR, year=2026, value=Decimal("0.3"))
    report_in(world, "submitted", unit=first.unit.code, values={tenths.pk: Decimal("0.1")})
    report_in(world, "submitted", unit=second.unit.code, values={tenths.pk: Decimal("0.2")})

    (line,) = [line for line in plan_indicator_lines(plan=world.plan, year=2026) if line.name == "Tỷ lệ thử"]
    assert (line.actual, line.verdict, line.actual_text) == (Decimal("0.3"), Verdict.MET, "0,3")
    results = reports_indicator_results([first, second], permissions.ALL)
    for report in (first, second):
        (result,) = [r for r in results[report.pk] if r.indicator.pk == tenths.pk]
        assert (result.actual, result.verdict) == (Decimal("0.3"), Verdict.MET)
