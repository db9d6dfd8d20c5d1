"""reports.permissions: each predicate agrees with the queryset beside it, the workflow's steps follow
the transitions table, and "administrator" means one thing."""

import pytest

from reports import permissions
from reports.models import ReportingPeriod, ReportStatus, TaskReport
from reports.states import TRANSITIONS
from tasks.models import PlanRole, Role, Unit
from tests.conftest import ROLES
from tests.factories import UserFactory

USERS = [name for name in ROLES.values() if name]


@pytest.fixture
def every_status(world):
    """Reports of the world's period spread over every status, one period closed."""
    reports = list(TaskReport.objects.filter(period=world.period).order_by("pk"))
    statuses = list(ReportStatus.values)
    for index, report in enumerate(reports):
        report.status = statuses[index % len(statuses)]
    TaskReport.objects.bulk_update(reports, ["status"])
    return world


@pytest.mark.parametrize("who", USERS)
def test_seeing_a_report_and_the_visible_reports_agree(every_status, who):
    user = getattr(every_status, who)
    visible = set(permissions.reports_visible_to(user).values_list("pk", flat=True))
    for report in TaskReport.objects.select_related("period__plan"):
        assert permissions.can_view_report(user, report) == (report.pk in visible), (who, report)


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("who", USERS)
def test_reviewing_a_report_and_the_review_queue_agree(every_status, who, closed):
    ReportingPeriod.objects.filter(pk=every_status.period.pk).update(is_open=not closed)
    user = getattr(every_status, who)
    queue = set(permissions.review_queue_for(user).values_list("pk", flat=True))
    for report in TaskReport.objects.select_related("period__plan"):
        assert permissions.can_review_report(user, report) == (report.pk in queue), (who, report)
    assert not closed or not queue


# Who coordinates the plan besides (or instead of) its coordinating unit's coordinator: whether that
# one is active, the units of people named coordinator of the plan (None: a person without a unit),
# and the units whose reports the leadership then reviews (None: every unit's).
COORDINATIONS = {
    "the unit's coordinator": (True, [], {"qlkh"}),
    "nobody": (False, [], None),
    "one named, of a reporting unit": (False, ["ttkhcn"], {"qlkh", "ttkhcn"}),
    "one named, without a unit": (False, [None], {"qlkh"}),
    "named in two units": (False, ["ttkhcn", "qlcn"], {"qlkh"}),
    "the unit's and one named of it": (True, ["qlkh"], {"qlkh"}),
    "the unit's and one named elsewhere": (True, ["ttkhcn"], {"qlkh"}),
}


@pytest.mark.parametrize("coordination", list(COORDINATIONS))
def test_the_leaderships_queue_agrees_with_reviewing_whoever_coordinates(world, coordination):
    """The leadership reviews the coordinating unit's own reports and those no active coordinator
    outside the reporting unit may review: the queue, decided plan by plan, says the same."""
    unit_coordinator_active, named, expected = COORDINATIONS[coordination]
    TaskReport.objects.filter(period=world.period).update(status=ReportStatus.SUBMITTED)
    world.coordinator.is_active = unit_coordinator_active
    world.coordinator.save(update_fields=["is_active"])
    for code in named:
        person = UserFactory(role=Role.STAFF, unit=Unit.objects.get(code=code) if code else None)
        PlanRole.objects.create(user=person, plan=world.plan, kind=PlanRole.Kind.COORDINATOR)

    queue = set(permissions.review_queue_for(world.leadership).values_list("pk", flat=True))

    reports = list(TaskReport.objects.select_related("period__plan", "unit"))
    for report in reports:
        assert permissions.can_review_report(world.leadership, report) == (report.pk in queue), report
    every_unit = {report.unit.code for report in reports}
    assert {"qlkh", "ttkhcn", "qlcn"} <= every_unit
    assert {report.unit.code for report in reports if report.pk in queue} == (expected or every_unit)


@pytest.mark.parametrize("step", list(TRANSITIONS))
@pytest.mark.parametrize("who", USERS)
def test_every_step_follows_the_transitions_table(every_status, who, step):
    user = getattr(every_status, who)
    transition = TRANSITIONS[step]
    for report in TaskReport.objects.select_related("period__plan"):
        allowed = permissions.can(user, step, report)
        if report.status not in transition.sources:
            assert not allowed
            if permissions.may_act(user, step, report):
                assert "trạng thái" in permissions.refusal(user, step, report)
        else:
            assert allowed == permissions.may_act(user, step, report)
        assert allowed == (permissions.refusal(user, step, report) == "")


def test_a_closed_period_is_the_reason_given(world):
    report = world.report("ttkhcn", 1)
    ReportingPeriod.objects.filter(pk=world.period.pk).update(is_open=False)
    report = TaskReport.objects.select_related("period__plan").get(pk=report.pk)

    assert not permissions.can_edit_report(world.ttkhcn_staff, report)
    assert "đã đóng" in permissions.refusal(world.ttkhcn_staff, "edit", report)


@pytest.mark.parametrize(
    "check",
    [
        permissions.can_manage_periods,
        permissions.follows_up,
        permissions.can_remind,
        permissions.can_view_funds,
        permissions.can_prepare_consolidated,
        permissions.sees_every_report,
    ],
)
@pytest.mark.parametrize(
    "account",
    [{"role": Role.ADMIN, "is_superuser": False}, {"role": Role.STAFF, "is_superuser": True}],
    ids=["admin-role", "superuser"],
)
def test_an_administrator_is_one_thing(db, check, account):
    user = UserFactory(unit=None, is_staff=True, **account)
    assert permissions.is_admin(user)
    assert check(user)


@pytest.mark.parametrize(
    "check",
    [
        permissions.can_manage_periods,
        permissions.follows_up,
        permissions.can_remind,
        permissions.can_view_funds,
        permissions.can_prepare_consolidated,
        permissions.sees_every_report,
    ],
)
def test_staff_status_alone_opens_no_page_of_the_application(db, check):
    user = UserFactory(role=Role.STAFF, is_staff=True)
    assert not permissions.is_admin(user)
    assert not check(user)
