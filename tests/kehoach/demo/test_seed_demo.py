"""The demo data set (kehoach.demo, `manage.py seed_demo`): what it writes follows the rules of the
services, the same seed writes the same rows, it only adds to the database and removes only its own
rows, and its cost in queries does not grow with the number of reports. The shapes of its plans
(schedules, sub-tasks, co-leads, named partners, coordination) are tested in test_demo_shapes.py."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehoach.demo.accounts import demo_password
from kehoach.demo.generator import NAME_CLASH_MARK, demo_delete, demo_generate, vocabulary
from reports.models import (
    ConsolidatedReport,
    ConsolidatedTaskResult,
    Direction,
    Evidence,
    IndicatorValue,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
    TaskState,
)
from reports.states import state_expression
from reports.workflow.services import _owed, period_open
from tasks.models import (
    Assignment,
    AssignmentRole,
    DeadlineKind,
    GroupMembership,
    Indicator,
    IndicatorTarget,
    Plan,
    PlanDuty,
    PlanRole,
    Reporting,
    Role,
    Task,
    Unit,
    UnitKind,
    User,
)
from tasks.schedule import day_month_in_year

SMALL = {"units": 20, "plans": 2, "tasks_per_plan": 4, "years": 3, "last_year": 2026}
# Enough reports for every state and status to occur.
MEDIUM = {"units": 40, "plans": 4, "tasks_per_plan": 8, "years": 4, "last_year": 2026}


def demo_units():
    return Unit.objects.filter(code__startswith="demo-")


def demo_plans():
    return Plan.objects.filter(code__startswith="kh-demo-")


def demo_reports():
    return TaskReport.objects.filter(period__plan__code__startswith="kh-demo-")


def snapshot() -> dict[str, list[tuple]]:
    """Every demo row by natural keys (codes, usernames, numbers), ordered: equal snapshots are the
    same data whatever the primary keys."""
    report = (
        "report__period__plan__code",
        "report__period__key",
        "report__task__number",
        "report__unit__code",
    )
    reports = demo_reports()
    return {
        "units": list(
            demo_units()
            .order_by("code")
            .values_list(
                "code",
                "name",
                "short_name",
                "kind",
                "parent__code",
                "successor__code",
                "email",
                "valid_from",
                "valid_to",
            )
        ),
        "groups": list(
            GroupMembership.objects.filter(member__in=demo_units())
            .order_by("member__code", "group__code")
            .values_list("member__code", "group__code", "valid_from", "valid_to")
        ),
        "users": list(
            User.objects.filter(username__startswith="demo-")
            .order_by("username")
            .values_list(
                "username",
                "first_name",
                "last_name",
                "unit__code",
                "role",
                "position",
                "is_active",
                "password",
                "date_joined",
            )
        ),
        "plans": list(
            demo_plans()
            .order_by("code")
            .values_list(
                "code",
                "number",
                "issued_year",
                "issued_on",
                "title",
                "status",
                "signer_title",
                "signer_name",
                "coordinating_unit__code",
                "report_recipient__code",
                "schedule",
                "report_day",
                "report_month_offset",
                "organisation",
                "funding_note",
                "recipients",
                "filing_code",
            )
        ),
        "plan_roles": list(
            PlanRole.objects.filter(plan__in=demo_plans())
            .order_by("plan__code", "user__username")
            .values_list("plan__code", "user__username", "kind")
        ),
        "duties": list(
            PlanDuty.objects.filter(plan__in=demo_plans())
            .order_by("plan__code", "order")
            .values_list("plan__code", "kind", "unit__code", "recipient__code", "content")
        ),
        "tasks": list(
            Task.objects.filter(plan__in=demo_plans())
            .order_by("plan__code", "number")
            .values_list(
                "plan__code",
                "number",
                "parent__number",
                "sort_key",
                "title",
                "content",
                "lead_text",
                "partner_text",
                "deadline_kind",
                "due_date",
                "due_day",
                "due_month",
                "deadline_text",
            )
        ),
        "indicators": list(
            Indicator.objects.filter(task__plan__in=demo_plans())
            .order_by("task__plan__code", "task__number", "order")
            .values_list(
                "task__plan__code",
                "task__number",
                "name",
                "unit_of_measure",
                "decimals",
                "direction",
                "aggregation",
                "accumulation",
                "is_share",
                "order",
            )
        ),
        "targets": sorted(
            IndicatorTarget.objects.filter(indicator__task__plan__in=demo_plans()).values_list(
                "indicator__task__plan__code",
                "indicator__task__number",
                "indicator__name",
                "scope",
                "year",
                "value",
            )
        ),
        "assignments": list(
            Assignment.objects.filter(task__plan__in=demo_plans())
            .order_by("task__plan__code", "task__number", "order")
            .values_list(
                "task__plan__code", "task__number", "unit__code", "role", "reporting", "note", "order"
            )
        ),
        "periods": list(
            ReportingPeriod.objects.filter(plan__in=demo_plans())
            .order_by("plan__code", "key")
            .values_list(
                "plan__code",
                "key",
                "name",
                "kind",
                "year",
                "deadline",
                "cutoff_from",
                "cutoff_to",
                "is_open",
                "opened_at",
                "opened_by__username",
            )
        ),
        "reports": list(
            reports.order_by("period__plan__code", "period__key", "task__number", "unit__code").values_list(
                "period__plan__code",
                "period__key",
                "task__number",
                "unit__code",
                "unit_name",
                "role",
                "deadline",
                "status",
                "results",
                "completion",
                "completed_on",
                "progress",
                "difficulties",
                "escalate",
                "proposals",
                "funds_planned",
                "funds_spent",
                "version",
                "updated_at",
                "updated_by__username",
                "submitted_at",
                "last_submitted_at",
                "accepted_at",
            )
        ),
        "events": sorted(
            ReportEvent.objects.filter(report__in=reports).values_list(
                *report, "kind", "actor__username", "actor_name", "comment", "late", "created_at"
            )
        ),
        "values": sorted(
            IndicatorValue.objects.filter(report__in=reports).values_list(*report, "indicator__name", "value")
        ),
        "evidence": sorted(
            Evidence.objects.filter(report__in=reports).values_list(
                *report,
                "file",
                "original_name",
                "content_type",
                "size",
                "uploaded_by__username",
                "uploaded_at",
            )
        ),
        "directions": sorted(
            Direction.objects.filter(report__in=reports).values_list(
                *report, "text", "author__username", "created_at"
            )
        ),
    }


def exists_on(unit: Unit, day: datetime.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or day <= unit.valid_to
    )


# ------------------------------------------------------------------------------
# What is written
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_summary_counts_what_is_in_the_database():
    summary = demo_generate(seed=463, **SMALL)

    reports = demo_reports()
    assert summary.units == demo_units().count() == SMALL["units"]
    assert summary.groups == demo_units().filter(kind=UnitKind.GROUP).count() > 0
    assert summary.retired_units == demo_units().filter(valid_to__isnull=False).count() > 0
    assert summary.users == User.objects.filter(username__startswith="demo-").count()
    assert summary.plans == demo_plans().count() == SMALL["plans"]
    tasks = Task.objects.filter(plan__in=demo_plans()).count()
    assert summary.tasks == tasks == SMALL["plans"] * SMALL["tasks_per_plan"]
    assert summary.assignments == Assignment.objects.filter(task__plan__in=demo_plans()).count()
    assert summary.duties == PlanDuty.objects.filter(plan__in=demo_plans()).count()
    assert summary.periods == ReportingPeriod.objects.filter(plan__in=demo_plans()).count()
    assert summary.reports == reports.count() > 0
    assert summary.events == ReportEvent.objects.filter(report__in=reports).count()
    assert summary.outputs == IndicatorValue.objects.filter(report__in=reports).count()
    assert summary.indicators == Indicator.objects.filter(task__plan__in=demo_plans()).count()
    assert summary.targets == IndicatorTarget.objects.filter(indicator__task__plan__in=demo_plans()).count()
    assert summary.evidence == Evidence.objects.filter(report__in=reports).count()
    assert summary.directions == Direction.objects.filter(report__in=reports).count()
    assert summary.reports_by_status == dict(Counter(reports.values_list("status", flat=True))) | {
        status: 0 for status in ReportStatus.values if not reports.filter(status=status).exists()
    }
    assert (summary.first_year, summary.last_year, summary.as_of) == (2024, 2026, datetime.date(2026, 10, 20))


@pytest.mark.django_db
def test_every_row_passes_the_models_validation():
    demo_generate(seed=7, **SMALL)

    rows = [
        *demo_units(),
        *User.objects.filter(username__startswith="demo-"),
        *demo_plans(),
        *Task.objects.filter(plan__in=demo_plans()),
        *Assignment.objects.filter(task__plan__in=demo_plans()),
        *ReportingPeriod.objects.filter(plan__in=demo_plans()),
        *demo_reports(),
    ]
    for row in rows:
        row.full_clean()


@pytest.mark.django_db
def test_units_plans_and_accounts_look_like_a_province():
    demo_generate(seed=463, **MEDIUM)

    names = set(demo_units().values_list("name", flat=True))
    assert "Phòng Quản lý Khoa học" in names
    assert "Sở Tài chính tỉnh Đồng Nai" in names
    assert any(name.startswith(("Ủy ban nhân dân huyện ", "Ủy ban nhân dân thành phố ")) for name in names)
    assert any(name.startswith(("Ủy ban nhân dân xã ", "Ủy ban nhân dân phường ")) for name in names)
    assert any(name.startswith(("Công ty ", "Hợp tác xã ")) for name in names)
    for unit in demo_units().exclude(kind=UnitKind.GROUP):
        assert unit.email == f"vanthu.{unit.code}@dongnai.example"
    plan = demo_plans().order_by("code").first()
    assert plan.code == "kh-demo-001"
    assert plan.title.startswith("Triển khai ") and plan.title.endswith(f"năm {plan.issued_year}")
    assert plan.coordinating_unit.name == "Phòng Quản lý Khoa học"
    assert (plan.schedule, plan.report_day, plan.report_month_offset) == ("yearly", 15, -1)
    kinds = set(Task.objects.filter(plan__in=demo_plans()).values_list("deadline_kind", flat=True))
    assert kinds == set(DeadlineKind.values)
    partners = Assignment.objects.filter(task__plan__in=demo_plans(), role=AssignmentRole.PARTNER)
    assert partners.filter(unit__kind=UnitKind.GROUP).exists()
    for role in (Role.COORDINATOR, Role.LEADERSHIP, Role.FINANCE, Role.HEAD, Role.STAFF):
        assert User.objects.filter(username__startswith="demo-", role=role).exists(), role
    coordinator = User.objects.get(username="demo-dieuphoi")
    assert coordinator.check_password(demo_password())
    assert User.objects.get(username="demo-giamdoc").check_password(demo_password())


@pytest.mark.django_db
def test_each_task_has_a_lead_or_two_and_either_a_few_named_partners_or_every_body_of_a_kind():
    demo_generate(seed=463, **MEDIUM)

    wide = {scope["text"]: set(scope["kinds"]) for scope in vocabulary()["wide_scopes"]}
    seen = Counter()
    for task in Task.objects.filter(plan__in=demo_plans()).prefetch_related("assignments__unit"):
        assignments = list(task.assignments.all())
        leads = [a for a in assignments if a.role == AssignmentRole.LEAD]
        assert 1 <= len(leads) <= 2, task
        assert task.lead_text == ", ".join(a.unit.name for a in leads) + ".", task
        assert all(a.reporting == Reporting.REPORTS for a in leads), task
        partners = [a.unit for a in assignments if a.role == AssignmentRole.PARTNER]
        groups = [a for a in assignments if a.unit.kind == UnitKind.GROUP]
        if groups and task.partner_text == groups[0].unit.name:
            # The group of bodies the wording names, its members each reporting.
            assert [a.unit for a in groups] == partners, task
            assert groups[0].reporting == Reporting.MEMBERS, task
            seen["group"] += 1
        elif task.partner_text in wide:
            # Every body of those kinds that exists in the plan's year (the department itself and the
            # task's leads aside), each with its part.
            kinds = wide[task.partner_text]
            expected = set(
                demo_units()
                .filter(kind__in=kinds)
                .exclude(code="demo-so-khcn")
                .existing_in(task.plan.issued_year)
            ) - {a.unit for a in leads}
            assert expected <= set(partners), task
            assert partners, task
            seen["wide"] += 1
        else:
            # The wording names the partners chosen; the successors of merged ones follow them.
            names = [u.name for u in partners]
            named = next(k for k in range(len(names) + 1) if ", ".join(names[:k]) == task.partner_text)
            assert named <= 6, task
            for heir in partners[named:]:
                assert any(u.successor_id == heir.pk for u in partners[:named]), task
            seen["named"] += 1
    assert seen["wide"] and seen["named"] and seen["group"]


# ------------------------------------------------------------------------------
# Deterministic
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_same_seed_writes_the_same_rows_whenever_it_runs(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False)
    demo_generate(seed=463, **SMALL)
    first = snapshot()
    demo_delete()
    assert demo_units().count() == 0 and not demo_reports().exists()

    time_machine.move_to(datetime.datetime(2031, 12, 31, 23, tzinfo=datetime.UTC), tick=False)
    demo_generate(seed=463, **SMALL)

    assert first["reports"] and first["events"]
    assert snapshot() == first


@pytest.mark.django_db
def test_another_seed_writes_other_rows():
    # Twenty units are the core and the least of each kind: no unit is drawn at random below 25.
    sizes = {**SMALL, "units": 25}
    demo_generate(seed=463, **sizes)
    first = snapshot()
    demo_delete()

    demo_generate(seed=464, **sizes)
    second = snapshot()

    for table in ("units", "users", "plans", "tasks", "reports", "events"):
        assert second[table] != first[table], table


@pytest.mark.django_db
def test_the_last_year_is_this_year_unless_given(time_machine):
    time_machine.move_to(datetime.datetime(2027, 5, 1, 9, tzinfo=datetime.UTC), tick=False)

    summary = demo_generate(seed=1, **{**SMALL, "last_year": None})

    assert (summary.first_year, summary.last_year) == (2025, 2027)
    assert ReportingPeriod.objects.filter(plan__in=demo_plans(), year=2027).exists()
    assert not ReportingPeriod.objects.filter(plan__in=demo_plans(), year__gt=2027).exists()


# ------------------------------------------------------------------------------
# The rules of reporting
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_report_follows_the_rules_of_period_open():
    summary = demo_generate(seed=463, **MEDIUM)
    as_of_end = datetime.datetime.combine(summary.as_of, datetime.time(23, 59), tzinfo=datetime.UTC)

    for report in demo_reports().select_related("period__plan", "task__plan", "unit"):
        period, task, unit = report.period, report.task, report.unit
        if task.deadline_kind == DeadlineKind.ONGOING:
            assert report.deadline == period.deadline, report
        elif task.deadline_kind == DeadlineKind.FIXED:
            assert report.deadline == task.due_date, report
        else:
            assert report.deadline == day_month_in_year(task.due_day, task.due_month, period.year), report
        assert unit.kind != UnitKind.GROUP, report
        assert exists_on(unit, period.deadline), report
        assert report.unit_name == unit.name, report
        assert task.plan_id == period.plan_id and period.year >= period.plan.issued_year, report
        assert report.progress <= 100
        if report.completion == "done":
            assert report.completed_on is not None and report.progress == 100, report
        if report.completion == "not_started":
            assert report.progress == 0, report
        if report.status == ReportStatus.DRAFT:
            assert report.submitted_at is None and report.accepted_at is None, report
        else:
            assert report.results.strip(), report
            assert report.submitted_at <= report.last_submitted_at <= report.updated_at <= as_of_end, report
        if report.status == ReportStatus.ACCEPTED:
            assert report.last_submitted_at < report.accepted_at, report
        else:
            assert report.accepted_at is None, report
        if report.funds_planned is not None:
            assert report.funds_planned % 1000 == 0 and report.funds_spent % 1000 == 0, report
            assert report.funds_spent <= report.funds_planned, report

    # Each period holds exactly the reports the services' rule asks (`_owed`: units existing on its
    # deadline, members of groups whose members report, nobody for the named only), with their
    # roles, but for fixed-date tasks a unit completed and had accepted in an earlier period.
    periods = ReportingPeriod.objects.filter(plan__in=demo_plans()).select_related("plan")
    for period in periods:
        done_before = set(
            demo_reports()
            .filter(
                period__plan=period.plan,
                period__deadline__lt=period.deadline,
                task__deadline_kind=DeadlineKind.FIXED,
                status=ReportStatus.ACCEPTED,
                completion="done",
            )
            .values_list("task_id", "unit_id")
        )
        owed = {(a.task_id, unit.pk): a.role for a, unit in _owed(period)}
        expected = {key: role for key, role in owed.items() if key not in done_before}
        assert expected, period
        assert {(r.task_id, r.unit_id): r.role for r in period.reports.all()} == expected, period

    # A fixed-date task completed and accepted is not asked again of the same unit.
    fixed = demo_reports().filter(task__deadline_kind=DeadlineKind.FIXED)
    done: dict[tuple[int, int], datetime.date] = {}
    for task_id, unit_id, deadline in fixed.filter(
        status=ReportStatus.ACCEPTED, completion="done"
    ).values_list("task_id", "unit_id", "period__deadline"):
        done[task_id, unit_id] = min(deadline, done.get((task_id, unit_id), deadline))
    assert any(deadline.year < summary.last_year for deadline in done.values())
    for task_id, unit_id, deadline in fixed.values_list("task_id", "unit_id", "period__deadline"):
        assert deadline <= done.get((task_id, unit_id), deadline), (task_id, unit_id, deadline)

    # The service, asked by each plan's coordinator to open each year again, finds no period and no
    # report missing: the generator opened every period of the schedule and created every report.
    for plan_id, year in periods.values_list("plan", "year").distinct():
        plan = Plan.objects.get(pk=plan_id)
        coordinator = (
            User.objects.filter(role=Role.COORDINATOR, unit=plan.coordinating_unit)
            .order_by("username")
            .first()
        )
        opened = period_open(plan=plan, year=year, by=coordinator)
        assert opened.reports_created == 0 and not any(item.period_created for item in opened), (plan, year)


@pytest.mark.django_db
def test_events_are_at_most_three_per_report_with_actors_in_order():
    demo_generate(seed=463, **SMALL)

    per_report = Counter(
        ReportEvent.objects.filter(report__in=demo_reports()).values_list("report_id", flat=True)
    )
    assert set(per_report) == set(demo_reports().values_list("pk", flat=True))
    assert max(per_report.values()) <= 3
    for report in demo_reports().prefetch_related("events"):
        events = list(report.events.order_by("created_at", "pk"))
        assert all(event.actor_id and event.actor_name for event in events)
        if report.status == ReportStatus.ACCEPTED:
            assert events[-1].kind == "accepted" and events[-1].created_at == report.accepted_at
        if report.status in (ReportStatus.SUBMITTED, ReportStatus.RETURNED):
            assert events[-1].kind == report.status


@pytest.mark.django_db
def test_all_five_task_states_and_all_statuses_occur():
    summary = demo_generate(seed=463, **MEDIUM)

    states = set(
        demo_reports().annotate(state=state_expression(summary.as_of)).values_list("state", flat=True)
    )
    assert states == set(TaskState.values)
    assert set(demo_reports().values_list("status", flat=True)) == set(ReportStatus.values)
    current = demo_reports().filter(period__year=2026)
    assert set(current.values_list("status", flat=True)) == set(ReportStatus.values)
    assert demo_reports().filter(escalate=True).exists()
    assert demo_reports().exclude(difficulties="").exists()
    assert Direction.objects.filter(report__in=demo_reports(), report__escalate=True).exists()
    assert not Direction.objects.filter(report__in=demo_reports(), report__escalate=False).exists()
    assert IndicatorValue.objects.filter(report__in=demo_reports()).exists()
    # The default shape has indicators of both kinds: whole counts, and shares with one decimal that
    # each unit must reach, with targets, and values judged against them
    shares = Indicator.objects.filter(task__plan__in=demo_plans(), is_share=True, decimals=1)
    assert shares.exists() and Indicator.objects.filter(task__plan__in=demo_plans(), decimals=0).exists()
    assert IndicatorValue.objects.filter(indicator__in=shares, value__lt=80).exists()
    assert IndicatorValue.objects.filter(indicator__in=shares, value__gt=80).exists()
    assert IndicatorTarget.objects.filter(indicator__in=shares).exists()
    file = Evidence.objects.filter(report__in=demo_reports()).select_related("report__period").first()
    assert file.file.name.startswith(f"minh-chung/{file.report.period.year}/")
    assert file.content_type and file.size > 0 and "." in file.original_name


@pytest.mark.django_db
def test_merged_units_have_a_successor_and_report_no_more_after_their_end():
    demo_generate(seed=463, **MEDIUM)

    retired = list(demo_units().filter(valid_to__isnull=False).select_related("successor"))
    assert retired
    taken_over = 0
    for unit in retired:
        assert unit.successor is not None, unit
        assert unit.successor.valid_to is None
        starts = unit.successor.valid_from
        assert starts is None or starts == unit.valid_to + datetime.timedelta(days=1), unit
        assert not TaskReport.objects.filter(unit=unit, period__year__gt=unit.valid_to.year).exists(), unit
        for task_id in Assignment.objects.filter(unit=unit).values_list("task_id", flat=True):
            if unit.successor.kind == UnitKind.COMMUNE:
                assert Assignment.objects.filter(task_id=task_id, unit=unit.successor).exists(), unit
        taken_over += TaskReport.objects.filter(
            unit=unit.successor, period__year__gt=unit.valid_to.year
        ).exists()
    assert taken_over
    # A report keeps the name of its time even if the unit is no longer there.
    assert demo_reports().filter(unit__valid_to__isnull=False).exists()


# ------------------------------------------------------------------------------
# The command
# ------------------------------------------------------------------------------
def seed(*args, **options) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


SMALL_ARGS = ["--units", "20", "--plans", "2", "--tasks-per-plan", "4", "--years", "3", "--last-year", "2026"]


@pytest.mark.django_db
def test_the_command_prints_a_vietnamese_summary_with_the_rate():
    output = seed(*SMALL_ARGS)

    reports = demo_reports().count()
    assert f"Báo cáo nhiệm vụ: {reports:,}".replace(",", ".") in output
    assert "Đơn vị: 20 " in output
    assert f"Kỳ báo cáo: {ReportingPeriod.objects.filter(plan__in=demo_plans()).count()}" in output
    assert "báo cáo/giây" in output and "giây" in output.splitlines()[-2]
    assert demo_password() in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--units", "0", "Số đơn vị phải từ 20 đến 5.000"),
        ("--units", "-5", "Số đơn vị phải từ 20 đến 5.000"),
        ("--units", "5001", "Số đơn vị phải từ 20 đến 5.000"),
        ("--units", "mười", "Số đơn vị phải là số nguyên"),
        ("--units", "1.5", "Số đơn vị phải là số nguyên"),
        ("--plans", "0", "Số kế hoạch phải từ 1 đến 1.000"),
        ("--tasks-per-plan", "201", "Số nhiệm vụ mỗi kế hoạch phải từ 1 đến 200"),
        ("--years", "0", "Số năm phải từ 1 đến 30"),
        ("--years", "31", "Số năm phải từ 1 đến 30"),
        ("--last-year", "1999", "Năm cuối phải từ 2000 đến 2100"),
        ("--last-year", "2010", "bắt đầu trước năm 2000"),
        ("--seed", "abc", "Hạt giống phải là số nguyên"),
    ],
)
def test_the_command_refuses_bad_sizes_in_vietnamese_and_writes_nothing(option, value, message):
    args = [
        "--units",
        "20",
        "--plans",
        "2",
        "--tasks-per-plan",
        "4",
        "--years",
        "20" if value == "2010" else "3",
    ]
    with pytest.raises(CommandError, match=message):
        seed(*args, option, value)

    assert not demo_units().exists() and not User.objects.filter(username__startswith="demo-").exists()


@pytest.mark.django_db
def test_the_command_refuses_absurd_volumes():
    with pytest.raises(CommandError, match="vượt giới hạn"):
        seed("--plans", "1000", "--tasks-per-plan", "200", "--years", "30", "--last-year", "2026")


@pytest.mark.django_db
def test_a_second_run_is_refused_and_changes_nothing():
    seed(*SMALL_ARGS)
    before = snapshot()

    with pytest.raises(CommandError, match="đã có dữ liệu mẫu.*--replace"):
        seed(*SMALL_ARGS, "--seed", "9")

    assert snapshot() == before


@pytest.mark.django_db
def test_replace_rewrites_the_demo_data_and_leaves_the_rest_untouched(world):
    # Kế hoạch 463 as `make run` loads it, with its 2026 period open and a report under way.
    report = world.report("ttkhcn", 1)
    report.results = "Đã tổ chức hai hội nghị."
    report.save()

    def real_data():
        return (
            list(Unit.objects.exclude(code__startswith="demo-").order_by("code").values_list()),
            list(User.objects.exclude(username__startswith="demo-").order_by("username").values_list()),
            list(Plan.objects.exclude(code__startswith="kh-demo-").values_list()),
            list(Task.objects.exclude(plan__code__startswith="kh-demo-").values_list()),
            list(Assignment.objects.exclude(task__plan__code__startswith="kh-demo-").values_list()),
            list(ReportingPeriod.objects.exclude(plan__code__startswith="kh-demo-").values_list()),
            list(TaskReport.objects.exclude(period__plan__code__startswith="kh-demo-").values_list()),
            list(
                ReportEvent.objects.exclude(report__period__plan__code__startswith="kh-demo-").values_list()
            ),
        )

    before = real_data()
    seed(*SMALL_ARGS)
    # Names are unique: the demo's units named like Kế hoạch 463's are marked.
    assert Unit.objects.filter(code="demo-qlkh", name="Phòng Quản lý Khoa học" + NAME_CLASH_MARK).exists()

    output = seed(*SMALL_ARGS, "--seed", "464", "--replace")

    assert "Đã xóa dữ liệu mẫu cũ" in output
    assert real_data() == before
    fresh = snapshot()
    demo_delete()
    demo_generate(seed=464, **SMALL)
    assert snapshot() == fresh
    assert real_data() == before


@pytest.mark.django_db
def test_replace_refuses_when_real_data_depends_on_demo_data(plan_463):
    seed(*SMALL_ARGS)
    before = snapshot()
    task = plan_463.tasks.get(number=3)
    Assignment.objects.create(
        task=task, unit=Unit.objects.get(code="demo-so-tai-chinh"), role=AssignmentRole.PARTNER
    )

    with pytest.raises(CommandError, match="đang tham chiếu"):
        seed(*SMALL_ARGS, "--replace")

    assert snapshot() == before
    assert task.assignments.filter(unit__code="demo-so-tai-chinh").exists()


@pytest.mark.django_db
def test_replace_refuses_when_real_data_points_to_a_demo_task(world):
    # The office's consolidated report of Kế hoạch 463 quotes, by mistake, a task of a demo plan.
    seed(*SMALL_ARGS)
    before = snapshot()
    consolidated = ConsolidatedReport.objects.create(
        plan=world.plan, scope=world.period.key, subject="Báo cáo", signer_title="GIÁM ĐỐC"
    )
    demo_task = Task.objects.get(plan__code="kh-demo-001", number=1)
    ConsolidatedTaskResult.objects.create(consolidated=consolidated, task=demo_task, text="Đã thực hiện.")

    with pytest.raises(CommandError, match="đang tham chiếu"):
        seed(*SMALL_ARGS, "--replace")

    assert snapshot() == before
    assert consolidated.task_results.get().task == demo_task


# ------------------------------------------------------------------------------
# Cost
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_reports():
    def generate(**sizes):
        with CaptureQueriesContext(connection) as queries:
            summary = demo_generate(seed=463, units=20, years=3, last_year=2026, **sizes)
        demo_delete()
        return summary.reports, len(queries)

    few_reports, few_queries = generate(plans=2, tasks_per_plan=4)
    many_reports, many_queries = generate(plans=12, tasks_per_plan=40)

    assert many_reports >= 20 * few_reports
    # Written in batches: at most one more query for every hundred more reports, where a query
    # per report (or per task, per period) would be hundreds.
    assert many_queries - few_queries <= (many_reports - few_reports) / 100
