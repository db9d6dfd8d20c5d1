"""The funds page's cache (reports.followup.funds): the page's body and its sums served again while
none of the reports summed changed, drawn afresh on the next request after any change, never
shared between people shown different plans.

Transactional tests: the cache is only used outside a transaction, and PostgreSQL replaces a stamp
when the change is committed, as in production.
"""

import datetime

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ReportStatus, TaskReport
from tasks.models import PlanRole, Role
from tests.factories import PlanFactory, ReportingPeriodFactory, TaskReportFactory, UserFactory
from tests.reports.followup.test_board_cache import without_token
from tests.reports.followup.test_followup import SENT_AT, make

pytestmark = pytest.mark.django_db(transaction=True)


def get(client, user, query=""):
    """The funds page as `user` sees it: (page, drawn afresh rather than served, queries)."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:funds") + query)
    assert response.status_code == 200
    return response.content.decode(), response.context.get("funds") is not None, len(queries)


@pytest.fixture
def sent(before_deadline, world):
    make(world, "ttkhcn", 1, status=ReportStatus.ACCEPTED, funds_planned=50_000_000, funds_spent=20_000_000)
    make(world, "lhh", 1, funds_planned=10_000_000, funds_spent=12_500_000)
    return world


def test_the_funds_asked_again_are_served_from_the_cache_until_a_report_changes(client, sent):
    page, drawn, first = get(client, sent.finance)
    again, drawn_again, served = get(client, sent.finance)

    assert drawn and not drawn_again
    assert without_token(again) == without_token(page) and "60.000.000 đ" in page
    assert served < first

    # A report sent (even by a bulk update) shows on the next request, then is served again
    make(sent, "qlkh", 2, funds_planned=5_000_000)
    changed, drawn, _ = get(client, sent.finance)
    assert drawn and "65.000.000 đ" in changed
    assert not get(client, sent.finance)[1]

    # So does a report taken back to its unit, whose figures no longer count
    TaskReport.objects.filter(pk=sent.report("lhh", 1).pk).update(status=ReportStatus.RETURNED)
    returned, drawn, _ = get(client, sent.finance)
    assert drawn and "55.000.000 đ" in returned


def test_each_filter_and_page_is_drawn_on_its_own(client, sent):
    get(client, sent.finance)
    page, drawn, _ = get(client, sent.finance, "?year=")

    assert drawn
    assert '<option value="" selected>Mọi năm</option>' in page


def test_people_shown_other_plans_never_share_a_page(client, sent):
    TaskReportFactory(
        status=ReportStatus.SUBMITTED,
        submitted_at=SENT_AT,
        last_submitted_at=SENT_AT,
        funds_planned=777_000_000,
    )
    every, _, _ = get(client, sent.leadership)
    mine, drawn, _ = get(client, sent.coordinator)

    assert "837.000.000 đ" in every
    assert drawn and "777.000.000" not in mine and "837.000.000" not in mine


def test_the_funds_served_again_cost_the_same_queries_at_any_size(client, sent):
    get(client, sent.finance)
    _, drawn, served = get(client, sent.finance)
    assert not drawn

    # Given forty more sent reports with funds
    first = TaskReportFactory(
        status=ReportStatus.SUBMITTED, submitted_at=SENT_AT, last_submitted_at=SENT_AT, funds_planned=1
    )
    TaskReportFactory.create_batch(
        39,
        period=first.period,
        task=first.task,
        status=ReportStatus.SUBMITTED,
        submitted_at=SENT_AT,
        last_submitted_at=SENT_AT,
        funds_planned=1,
    )
    page, drawn, _ = get(client, sent.finance)
    _, drawn_again, served_large = get(client, sent.finance)

    assert drawn and not drawn_again and "60.000.040 đ" in page
    assert served_large == served


def test_two_followers_of_one_plan_share_no_page_when_they_may_choose_other_plans(client, sent):
    # Given the coordinator, who also follows the funds of another plan, and a person who follows the
    # funds of plan 463 alone
    other = PlanFactory(code="kh-rieng")
    PlanRole.objects.create(user=sent.coordinator, plan=other, kind=PlanRole.Kind.FINANCE)
    follower = UserFactory(username="theodoi.kinhphi", unit=sent.coordinator.unit, role=Role.STAFF)
    PlanRole.objects.create(user=follower, plan=sent.plan, kind=PlanRole.Kind.FINANCE)
    query = f"?plan={sent.plan.pk}"

    coordinators, _, _ = get(client, sent.coordinator, query)
    followers, drawn, _ = get(client, follower, query)

    # Then both see plan 463's funds, but only the coordinator is offered the other plan
    assert "60.000.000 đ" in coordinators and "60.000.000 đ" in followers
    assert "kh-rieng" in coordinators
    assert drawn and "kh-rieng" not in followers


def test_a_cache_that_cannot_be_read_or_written_draws_the_funds(client, sent, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("bảng bộ nhớ đệm bị khóa")

    monkeypatch.setattr("kehoach.cache.cache.get", broken)
    monkeypatch.setattr("kehoach.cache.cache.set", broken)

    for _ in range(2):
        page, drawn, _ = get(client, sent.finance)
        assert drawn
        assert "60.000.000 đ" in page


def test_a_new_year_draws_the_funds_of_that_year_when_none_is_asked(client, sent, time_machine):
    hanoi = datetime.timezone(datetime.timedelta(hours=7))
    ReportingPeriodFactory(plan=sent.period.plan, year=2027)  # before the first page: no change between
    time_machine.move_to(datetime.datetime(2026, 12, 31, 23, 55, tzinfo=hanoi), tick=False)
    before, drawn, _ = get(client, sent.finance)
    assert drawn and '<option value="2026" selected>' in before

    # Ten minutes later, the same address, no row changed: the year it stands for did
    time_machine.move_to(datetime.datetime(2027, 1, 1, 0, 5, tzinfo=hanoi), tick=False)
    after, drawn, _ = get(client, sent.finance)

    assert drawn
    assert '<option value="2027" selected>' in after
