"""reports.permissions: each predicate agrees with the queryset beside it, the workflow's steps follow
the transitions table, and "administrator" means one thing."""

import pytest

from reports import permissions
from reports.models import ReportingPeriod, ReportStatus, TaskReport
from reports.states import TRANSITIONS
from tasks.models import Role
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
