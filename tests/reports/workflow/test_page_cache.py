"""The review queue's cache (reports.workflow.page_cache): served again while nothing it shows has
changed, drawn afresh on the next request after a report is sent, reviewed or changed in place, and
never shared between people who review or see other reports.

Transactional tests: the cache is only used outside a transaction, and PostgreSQL replaces a stamp
when the change is committed, as in production.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import Completion, IndicatorValue, ReportStatus, TaskReport
from reports.workflow import views
from tasks.models import (
    Indicator,
    PlanDuty,
    PlanRole,
    Role,
    Task,
    Unit,
)
from tests.factories import UserFactory
from tests.helpers import calls_of, report_in
from tests.reports.workflow.test_review_queue import QUEUE, _listed, _reviewed_by_coordinator, _send

pytestmark = pytest.mark.django_db(transaction=True)

SENT = datetime.datetime(2026, 10, 1, 8, tzinfo=datetime.UTC)


@pytest.fixture
def drawn(monkeypatch):
    """How many times the queue's body was drawn rather than served."""
    return calls_of(monkeypatch, views, "_review_queue_body")


def get(client, user, query=""):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE + query)
    return response, len(queries)


def test_the_queue_asked_again_is_served_until_a_report_is_sent_or_reviewed(client, world, drawn):
    reports = _reviewed_by_coordinator(world)[:4]
    sent = _send(reports[:3], SENT)
    first, drawing = get(client, world.coordinator)
    again, serving = get(client, world.coordinator)

    assert len(drawn) == 1 and serving < drawing
    assert _listed(again.content.decode()) == _listed(first.content.decode()) == sent

    # A report sent shows on the next request, then is served again
    _send([reports[3]], SENT + datetime.timedelta(hours=1))
    assert _listed(get(client, world.coordinator)[0].content.decode()) == [*sent, reports[3].pk]
    get(client, world.coordinator)
    assert len(drawn) == 2

    # So does a report reviewed, and a waiting report changed in place (its unit's name here)
    TaskReport.objects.filter(pk=sent[0]).update(status=ReportStatus.ACCEPTED)
    assert _listed(get(client, world.coordinator)[0].content.decode()) == [*sent[1:], reports[3].pk]
    TaskReport.objects.filter(pk=sent[1]).update(unit_name="Tên mới của đơn vị")
    assert "Tên mới của đơn vị" in get(client, world.coordinator)[0].content.decode()
    assert len(drawn) == 4


def test_people_who_review_other_reports_never_share_a_queue(client, world, drawn):
    # Given a report of the coordinating unit itself, which the leadership reviews and the
    # coordinator does not, and one of another unit, which the coordinator reviews
    own = TaskReport.objects.get(period=world.period, unit=world.plan.coordinating_unit, task__number=1)
    other = _reviewed_by_coordinator(world)[0]
    _send([own, other], SENT)

    coordinators = _listed(get(client, world.coordinator)[0].content.decode())
    leaderships = _listed(get(client, world.leadership)[0].content.decode())

    assert len(drawn) == 2
    assert coordinators == [other.pk] and own.pk in leaderships


def test_a_bad_filter_served_again_is_still_refused(client, world, drawn):
    _send(_reviewed_by_coordinator(world)[:2], SENT)
    first, _ = get(client, world.coordinator, "?unit=999999")
    again, _ = get(client, world.coordinator, "?unit=999999")

    assert len(drawn) == 1
    assert first.status_code == again.status_code == 400
    assert "Đơn vị này không có báo cáo chờ bạn duyệt" in again.content.decode()


def test_two_coordinators_whose_queues_look_alike_never_share_one(client, world, drawn):
    # Given a second coordinator of the plan, in another unit (lhh): each coordinator reviews the
    # other's unit's report, and both reports were sent at the same moment, so both queues have one
    # report of the same period sent at the same time
    second = UserFactory(username="dieuphoi.lhh", unit=Unit.objects.get(code="lhh"), role=Role.STAFF)
    PlanRole.objects.create(user=second, plan=world.plan, kind=PlanRole.Kind.COORDINATOR)
    coordinating = world.plan.coordinating_unit.code
    of_coordinating_unit, of_lhh = world.report(coordinating, 1), world.report("lhh", 1)
    TaskReport.objects.filter(pk__in=[of_coordinating_unit.pk, of_lhh.pk]).update(
        status=ReportStatus.SUBMITTED, submitted_at=SENT, last_submitted_at=SENT
    )

    firsts = _listed(get(client, world.coordinator)[0].content.decode())
    seconds = _listed(get(client, second)[0].content.decode())

    assert len(drawn) == 2
    assert firsts == [of_lhh.pk] and seconds == [of_coordinating_unit.pk]


# ------------------------------------------------------------------------------
# A plan's indicators
# ------------------------------------------------------------------------------
@pytest.fixture
def indicators_drawn(monkeypatch):
    """How many times the indicators' trends were judged rather than served."""
    return calls_of(monkeypatch, views.selectors, "indicator_trends")


def indicators_page(client, user, plan, query=""):
    client.force_login(user)
    response = client.get(reverse("reports:plan_indicators", args=[plan.pk]) + query)
    return response.status_code, response.content.decode()


def test_the_indicators_are_served_until_a_value_changes_and_never_to_who_may_not_see_it(
    client, before_deadline, world, share, indicators_drawn
):
    report_in(world, "submitted", values={share.pk: Decimal("83.4")})
    _, first = indicators_page(client, world.coordinator, world.plan)
    _, again = indicators_page(client, world.coordinator, world.plan)
    assert len(indicators_drawn) == 1 and "83,4 / 80,0" in first and "83,4 / 80,0" in again

    # A value corrected in place shows on the next request
    IndicatorValue.objects.filter(indicator=share).update(value=Decimal("78.5"))
    _, corrected = indicators_page(client, world.coordinator, world.plan)
    assert len(indicators_drawn) == 2 and "78,5 / 80,0" in corrected

    # Another unit's staff, who may not see ttkhcn's report, is drawn a page of their own
    _, others = indicators_page(client, world.qlcn_staff, world.plan)
    assert len(indicators_drawn) == 3 and "78,5" not in others


def test_a_year_the_plan_has_not_is_refused_each_time_it_is_asked(
    client, before_deadline, world, indicators_drawn
):
    for _ in range(2):
        status, page = indicators_page(client, world.coordinator, world.plan, "?nam=1999")
        assert status == 400 and "không có kỳ báo cáo nào của năm “1999”" in page


# ------------------------------------------------------------------------------
# The counts of the current periods on the home page of those who see every report
# ------------------------------------------------------------------------------
@pytest.fixture
def counted(monkeypatch):
    """How many times the current periods' reports were counted rather than served."""
    return calls_of(monkeypatch, views.selectors, "current_counts")


def home_counts(client, user) -> tuple[dict, list]:
    client.force_login(user)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    states = {state.value: count for state, count in response.context["state_counts"]}
    periods = [(p.pk, p.total, p.submitted, p.accepted) for p in response.context["periods"]]
    return states, periods


def test_the_home_counts_are_served_until_a_report_of_the_current_periods_changes(
    client, before_deadline, world, counted
):
    states, periods = home_counts(client, world.leadership)
    assert home_counts(client, world.finance) == (states, periods)
    assert len(counted) == 1

    # A report done and accepted (by a bulk update, as any path may write it) shows on the next
    # request
    report = _reviewed_by_coordinator(world)[0]
    TaskReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.ACCEPTED,
        submitted_at=SENT,
        last_submitted_at=SENT,
        completion=Completion.DONE,
        completed_on=datetime.date(2026, 10, 1),
    )
    changed_states, changed_periods = home_counts(client, world.leadership)

    assert len(counted) == 2
    accepted_before = {pk: accepted for pk, _, _, accepted in periods}[world.period.pk]
    assert {pk: accepted for pk, _, _, accepted in changed_periods}[world.period.pk] == accepted_before + 1
    assert changed_states["done_on_time"] == states["done_on_time"] + 1


# ------------------------------------------------------------------------------
# What a unit has to do now, on the home page of its members
# ------------------------------------------------------------------------------
@pytest.fixture
def unit_drawn(monkeypatch):
    """How many times a unit's list on the home page was drawn rather than served."""
    return calls_of(monkeypatch, views, "_unit_section")


def home_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_units_list_is_served_to_its_members_until_one_of_its_reports_changes(
    client, before_deadline, world, unit_drawn
):
    report = world.report("ttkhcn", 1)
    first = home_page(client, world.ttkhcn_head)
    again = home_page(client, world.ttkhcn_staff)

    assert len(unit_drawn) == 1
    assert f'href="/bao-cao/{report.pk}/"' in first and f'href="/bao-cao/{report.pk}/"' in again
    assert "Đang soạn" in first

    # A report sent (by a bulk update, as any path may write it) shows on the next request
    TaskReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=SENT, last_submitted_at=SENT
    )
    sent = home_page(client, world.ttkhcn_head)
    assert len(unit_drawn) == 2 and "đã gửi 01/10/2026" in sent

    # Another unit's members are drawn their own list, without ttkhcn's reports
    others = home_page(client, world.qlcn_staff)
    assert len(unit_drawn) == 3 and f'href="/bao-cao/{report.pk}/"' not in others


# ------------------------------------------------------------------------------
# A plan's page and a task's page
# ------------------------------------------------------------------------------
@pytest.fixture
def plans_drawn(monkeypatch):
    """How many times a plan's body was drawn rather than served."""
    return calls_of(monkeypatch, views, "_plan_body")


@pytest.fixture
def tasks_drawn(monkeypatch):
    """How many times a task's body was drawn rather than served."""
    return calls_of(monkeypatch, views, "_task_body")


def page(client, user, name, pk, query="") -> tuple[int, str]:
    """The page's status and what it shows in its main part (the menu around it is each person's)."""
    client.force_login(user)
    response = client.get(reverse(name, args=[pk]) + query)
    content = response.content.decode()
    return response.status_code, content[content.index("<main>") : content.index("</main>")]


def test_a_plans_page_is_served_to_everyone_until_the_plan_its_tasks_or_duties_change(
    client, before_deadline, world, plans_drawn
):
    first = page(client, world.coordinator, "reports:plan_detail", world.plan.pk)
    again = page(client, world.ttkhcn_staff, "reports:plan_detail", world.plan.pk)
    assert first == again and first[0] == 200 and len(plans_drawn) == 1

    # A task renamed, a duty rewritten: each shows on the next request
    Task.objects.filter(plan=world.plan, number="1").update(title="Nhiệm vụ đổi tên")
    assert "Nhiệm vụ đổi tên" in page(client, world.coordinator, "reports:plan_detail", world.plan.pk)[1]
    PlanDuty.objects.filter(plan=world.plan).update(content="Trách nhiệm viết lại")
    assert "Trách nhiệm viết lại" in page(client, world.coordinator, "reports:plan_detail", world.plan.pk)[1]
    # So does a unit renamed, and another page of tasks is another entry
    lead = Unit.objects.get(code="ttkhcn")
    Unit.objects.filter(pk=lead.pk).update(name="Trung tâm đổi tên")
    assert "Trung tâm đổi tên" in page(client, world.coordinator, "reports:plan_detail", world.plan.pk)[1]
    page(client, world.coordinator, "reports:plan_detail", world.plan.pk, "?page=2")
    assert len(plans_drawn) == 5


def test_a_tasks_page_is_served_until_its_reports_change_and_never_to_who_sees_other_reports(
    client, before_deadline, world, tasks_drawn
):
    task = Task.objects.get(plan=world.plan, number="1")
    report = world.report("ttkhcn", 1)
    first = page(client, world.coordinator, "reports:task_detail", task.pk)
    again = page(client, world.coordinator, "reports:task_detail", task.pk)
    assert first == again and f'href="/bao-cao/{report.pk}/"' in first[1] and len(tasks_drawn) == 1

    # A report sent (by a bulk update, as any path may write it) shows on the next request
    TaskReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=SENT, last_submitted_at=SENT
    )
    sent = page(client, world.coordinator, "reports:task_detail", task.pk)[1]
    assert len(tasks_drawn) == 2 and sent != first[1]

    # Another unit's staff, who may not see ttkhcn's report, is drawn a page of their own
    others = page(client, world.qlcn_staff, "reports:task_detail", task.pk)[1]
    assert len(tasks_drawn) == 3 and f'href="/bao-cao/{report.pk}/"' not in others

    # A period the plan has not is refused each time it is asked
    for _ in range(2):
        status, refused = page(client, world.coordinator, "reports:task_detail", task.pk, "?ky=khong-co")
        assert status == 400 and "không có kỳ báo cáo “khong-co”" in refused


def test_a_reports_indicators_are_served_until_a_value_changes_and_never_to_who_sees_other_reports(
    client, before_deadline, world, share, monkeypatch
):
    judged = calls_of(monkeypatch, views.selectors, "report_indicator_results")
    report = report_in(world, "submitted", values={share.pk: Decimal("83.4")})

    def indicators(user) -> str:
        status, shown = page(client, user, "reports:report_detail", report.pk)
        assert status == 200
        return shown[shown.index("<h3>Chỉ tiêu</h3>") : shown.index("</table>")]

    first = indicators(world.coordinator)
    assert indicators(world.coordinator) == first and len(judged) == 1
    assert "Tỷ lệ hồ sơ trực tuyến" in first and first.count("83,4") == 2  # the unit's, and the result

    # A value corrected in place shows on the next request
    IndicatorValue.objects.filter(indicator=share).update(value=Decimal("78.5"))
    corrected = indicators(world.coordinator)
    assert len(judged) == 2 and corrected.count("78,5") == 2 and "83,4" not in corrected
    # So does the indicator renamed
    Indicator.objects.filter(pk=share.pk).update(name="Tỷ lệ hồ sơ số hóa")
    assert "Tỷ lệ hồ sơ số hóa" in indicators(world.coordinator)

    # The unit's head, who sees only the unit's reports, is drawn indicators of their own
    indicators(world.ttkhcn_head)
    assert len(judged) == 4


# ------------------------------------------------------------------------------
# The periods' page: its periods' reports counted
# ------------------------------------------------------------------------------
@pytest.fixture
def periods_counted(monkeypatch):
    """How many times the shown periods' reports were counted rather than served."""
    return calls_of(monkeypatch, views.selectors, "report_counts")


def period_counts(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("reports:period_list"))
    assert response.status_code == 200
    return {p.pk: (p.total, p.submitted, p.accepted) for p in response.context["page"].object_list}


def test_the_periods_counts_are_served_until_one_of_their_reports_changes(
    client, before_deadline, world, periods_counted
):
    counts = period_counts(client, world.coordinator)
    assert period_counts(client, world.coordinator) == counts and len(periods_counted) == 1

    TaskReport.objects.filter(pk=world.report("ttkhcn", 1).pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=SENT, last_submitted_at=SENT
    )
    changed = period_counts(client, world.coordinator)
    total, submitted, accepted = counts[world.period.pk]
    assert len(periods_counted) == 2 and changed[world.period.pk] == (total, submitted + 1, accepted)
