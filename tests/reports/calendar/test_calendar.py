"""The private calendar of deadlines: its secret address, and the ICS file a calendar program reads.

The file is read back with the real iCalendar parser, as a calendar program would. The address is
the only credential of the feed: renewing it revokes the old one, and a wrong one says nothing.
The database keeps only the token's digest (tests/reports/calendar/test_token.py): the plain token
is what `calendar_token_issue` returns, kept here on the account as `plain_token`.
"""

import dataclasses
import datetime
import re
import urllib.parse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from reports.calendar.selectors import user_for_token
from reports.calendar.services import calendar_token_issue
from reports.models import ReportStatus, TaskReport
from reports.workflow.services import period_open, period_set_open
from tasks.models import DeadlineKind, Role, User
from tests.conftest import ROLES
from tests.factories import ReportingPeriodFactory, TaskFactory, TaskReportFactory, UserFactory

pytestmark = pytest.mark.usefixtures("before_deadline")

TASK_1 = "Nhiệm vụ 1: Đẩy mạnh công tác thông tin, tuyên truyền"
TASK_2 = (
    "Nhiệm vụ 2: Rà soát quy định, xây dựng chính sách đãi ngộ chuyên gia, trí thức khoa học và công nghệ"
)
PAGE, RENEW = reverse("reports:calendar"), reverse("reports:calendar_renew")


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def feed_url(token: str) -> str:
    return reverse("reports:calendar_feed", args=[token])


def issue(user: User) -> User:
    """Give `user` a calendar address; the plain token, which the database never holds, kept aside."""
    user.plain_token = calendar_token_issue(user=user)
    return user


def shown_token(response) -> str:
    """The token of the address a page shows (the response to issuing it)."""
    found = re.findall(r"/lich/([A-Za-z0-9_-]+)\.ics", response.content.decode())
    assert found and len(set(found)) == 1, found
    return found[0]


def fetch(user) -> bytes:
    """The user's feed as a calendar program gets it: no session, only the address."""
    response = Client().get(feed_url(user.plain_token))
    assert response.status_code == 200
    return response.content


def events(user) -> dict[str, object]:
    """The user's calendar events, by UID."""
    calendar = Calendar.from_ical(fetch(user))
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def day(event, name="DTSTART"):
    return event.decoded(name)


def report_uid(report: TaskReport, kind="deadline") -> str:
    return f"report-{report.pk}-{kind}@127.0.0.1"


def login_redirect(url: str) -> str:
    return "/dang-nhap/?next=" + urllib.parse.quote(url, safe="/")


@pytest.fixture
def with_tokens(world):
    """Every account of the world has a calendar address."""
    for field in dataclasses.fields(world):
        account = getattr(world, field.name)
        if isinstance(account, User):
            issue(account)
    return world


# ------------------------------------------------------------------------------
# The file
# ------------------------------------------------------------------------------
def test_feed_is_an_icalendar_file_a_calendar_program_accepts(with_tokens):
    # Given a unit officer's address; when a calendar program fetches it without a session
    world = with_tokens
    response = Client().get(feed_url(world.ttkhcn_staff.plain_token))

    # Then it gets a private, uncached-by-proxies iCalendar file
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="han-bao-cao.ics"'
    assert response["Cache-Control"].startswith("private, max-age=")
    assert response["X-Content-Type-Options"] == "nosniff"
    calendar = Calendar.from_ical(response.content)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Sở Khoa học và Công nghệ tỉnh Đồng Nai//")
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert str(calendar["X-WR-CALNAME"]) == "Hạn báo cáo của Trung tâm KH&CN — Theo dõi thực hiện kế hoạch"
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL"):
            assert required in event
        assert day(event, "DTSTAMP").tzinfo is not None  # a UTC time, as RFC 5545 requires


def test_lines_end_with_crlf_and_long_vietnamese_text_is_folded_at_75_octets(with_tokens):
    # Given the coordinating unit's head, whose task 2 has a long Vietnamese title
    raw = fetch(with_tokens.qlkh_head)

    # Then every line ends with CRLF and none is longer than 75 octets, folding never splits a letter
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "long lines must be folded"
    for line in lines:
        line.decode("utf-8")
    # And unfolding gives the text back whole, and the file survives a round trip unchanged
    calendar = Calendar.from_ical(raw)
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert f"Hạn gửi báo cáo năm 2026 — {TASK_2}" in summaries
    assert calendar.to_ical() == raw


# ------------------------------------------------------------------------------
# What a unit sees
# ------------------------------------------------------------------------------
def test_unit_officer_gets_one_all_day_event_per_report_of_the_unit(with_tokens):
    # Given the 2026 period open; Trung tâm KH&CN leads task 1 and, as a unit of the department,
    # reports on tasks 3, 4 and 5
    world = with_tokens
    own = list(TaskReport.objects.filter(unit=world.ttkhcn_staff.unit).order_by("task__number"))
    assert [report.task.number for report in own] == ["1", "3", "4", "5"]

    # When its officer's calendar is read
    found = events(world.ttkhcn_staff)

    # Then one event per report of the unit, on the period's deadline, all day, in Vietnamese
    assert set(found) == {report_uid(report) for report in own}
    event = found[report_uid(own[0])]
    assert day(event) == datetime.date(2026, 11, 15)
    assert not isinstance(day(event), datetime.datetime)
    assert day(event, "DTEND") == datetime.date(2026, 11, 16)
    assert str(event["SUMMARY"]) == f"Hạn gửi báo cáo năm 2026 — {TASK_1}"
    description = str(event["DESCRIPTION"])
    assert "Hạn gửi báo cáo: 15/11/2026" in description
    assert "(Chủ trì)" in description
    assert "Báo cáo: Đang soạn" in description
    assert "Tình trạng nhiệm vụ: Chưa thực hiện" in description
    assert str(event["URL"]) == settings.SITE_URL + reverse("reports:report_detail", args=[own[0].pk])


def test_another_units_reports_are_not_in_a_unit_calendar(with_tokens):
    world = with_tokens
    others = TaskReport.objects.exclude(unit=world.ttkhcn_staff.unit)
    assert others.exists()

    found = events(world.ttkhcn_head)

    assert not set(found) & {report_uid(report) for report in others}
    # task 2 is the coordinating division's and the federation's only
    assert "Nhiệm vụ 2" not in fetch(world.ttkhcn_head).decode()


def test_a_report_still_owed_rings_a_week_and_a_day_before(with_tokens):
    world = with_tokens
    event = events(world.ttkhcn_staff)[report_uid(world.report("ttkhcn", 1))]

    alarms = event.walk("VALARM")

    # 8:00 seven days and one day before the all-day event's midnight
    assert sorted(alarm.decoded("TRIGGER") for alarm in alarms) == [
        datetime.timedelta(days=-7, hours=8),
        datetime.timedelta(days=-1, hours=8),
    ]
    assert {str(alarm["ACTION"]) for alarm in alarms} == {"DISPLAY"}
    assert all(str(alarm["DESCRIPTION"]).startswith("Còn ") for alarm in alarms)


def test_a_report_already_sent_no_longer_rings(with_tokens):
    # Given the unit has sent its report
    world = with_tokens
    report = world.report("ttkhcn", 1)
    TaskReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)

    # Then its deadline stays in the calendar, without alarms, saying it waits for review
    event = events(world.ttkhcn_staff)[report_uid(report)]
    assert event.walk("VALARM") == []
    assert "Báo cáo: Đã gửi, chờ duyệt" in str(event["DESCRIPTION"])


def test_uids_are_stable_between_two_fetches(with_tokens):
    world = with_tokens
    first, second = events(world.qlkh_head), events(world.qlkh_head)
    assert first and set(first) == set(second)
    assert {uid: day(event) for uid, event in first.items()} == {uid: day(e) for uid, e in second.items()}


def test_a_task_due_earlier_in_the_year_has_its_own_event(with_tokens):
    # Given a 2024 period still open: task 2 (fixed, 31/03/2024) falls due before the 15/11 report
    world = with_tokens
    period_2024 = period_open(plan=world.plan, year=2024, by=world.coordinator).period
    report_2024 = TaskReport.objects.get(period=period_2024, task__number=2, unit__code="qlkh")
    report_2026 = world.report("qlkh", 2)

    found = events(world.qlkh_head)

    # Then 2024 has both deadlines on their exact days
    task_due = found[report_uid(report_2024, "task-deadline")]
    assert day(task_due) == datetime.date(2024, 3, 31)
    assert str(task_due["SUMMARY"]) == f"Hạn hoàn thành nhiệm vụ năm 2024 — {TASK_2}"
    assert day(found[report_uid(report_2024)]) == datetime.date(2024, 11, 15)
    # And the 2026 report is due on 15/11/2026; the 2024 task deadline is not repeated for it
    assert day(found[report_uid(report_2026)]) == datetime.date(2026, 11, 15)
    assert report_uid(report_2026, "task-deadline") not in found
    assert "Hạn hoàn thành nhiệm vụ: 31/03/2024" in str(found[report_uid(report_2026)]["DESCRIPTION"])


def test_closed_past_periods_leave_the_calendar(with_tokens):
    world = with_tokens
    period_2024 = period_open(plan=world.plan, year=2024, by=world.coordinator).period
    report_2024 = TaskReport.objects.get(period=period_2024, task__number=5, unit__code="qlkh")
    assert report_uid(report_2024) in events(world.qlkh_head)

    # When both the 2024 and the current year's periods are closed
    period_set_open(period=period_2024, is_open=False, by=world.coordinator)
    period_set_open(period=world.period, is_open=False, by=world.coordinator)

    # Then 2024 is gone; this year's deadline stays
    found = events(world.qlkh_head)
    assert report_uid(report_2024) not in found
    assert report_uid(world.report("qlkh", 5)) in found


# ------------------------------------------------------------------------------
# What those who follow every unit see
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("account", ["coordinator", "leadership", "finance", "admin"])
def test_who_follows_every_unit_gets_one_event_per_period_with_its_counts(with_tokens, account):
    # Given one report of the 2026 period accepted and one waiting for review
    world = with_tokens
    TaskReport.objects.filter(pk=world.report("ttkhcn", 1).pk).update(status=ReportStatus.ACCEPTED)
    TaskReport.objects.filter(pk=world.report("qlcn", 3).pk).update(status=ReportStatus.SUBMITTED)

    found = events(getattr(world, account))

    # Then a single event for the period, not one per report, with the counts
    assert list(found) == [f"period-{world.period.pk}-deadline@127.0.0.1"]
    event = found[f"period-{world.period.pk}-deadline@127.0.0.1"]
    assert day(event) == datetime.date(2026, 11, 15)
    assert str(event["SUMMARY"]) == "Hạn các đơn vị gửi báo cáo năm 2026 — kh-463"
    description = str(event["DESCRIPTION"])
    assert "Số báo cáo của các đơn vị: 21" in description
    assert "Đã chấp nhận: 1" in description
    assert "Chờ duyệt: 1" in description
    assert "Chưa gửi hoặc bị trả lại: 19" in description
    assert len(event.walk("VALARM")) == 2


# ------------------------------------------------------------------------------
# The address
# ------------------------------------------------------------------------------
def test_renewing_revokes_the_old_address(client, with_tokens):
    # Given an officer whose calendar program reads the current address
    world = with_tokens
    user = world.ttkhcn_staff
    old, old_digest = user.plain_token, user.calendar_token
    assert Client().get(feed_url(old)).status_code == 200

    # When the officer asks for a new address
    client.force_login(user)
    response = client.post(RENEW)

    # Then the page says so and shows the new address; the old one is dead, the new one works
    new = shown_token(response)
    user.refresh_from_db()
    assert new != old and user.calendar_token and user.calendar_token != old_digest
    assert "Đã cấp địa chỉ lịch mới; địa chỉ cũ không còn dùng được." in response.content.decode()
    assert f"http://testserver{feed_url(new)}" in response.content.decode()
    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(feed_url(new)).status_code == 200
    assert user_for_token(old) is None


def test_the_first_address_is_issued_on_request(client, world):
    client.force_login(world.ttkhcn_staff)
    page = client.get(PAGE).content.decode()
    assert "Tạo địa chỉ lịch" in page and ".ics" not in page

    response = client.post(RENEW)

    token = shown_token(response)
    page = response.content.decode()
    assert "Đã cấp địa chỉ lịch riêng của bạn." in page
    assert f"http://testserver{feed_url(token)}" in page
    assert f"webcal://testserver{feed_url(token)}" in page
    assert "Đừng gửi cho người khác" in page
    assert "15/11/2026" in page and TASK_1 in page
    assert f'href="{reverse("reports:report_detail", args=[world.report("ttkhcn", 1).pk])}"' in page


def test_the_page_with_the_address_is_never_cached(client, with_tokens):
    client.force_login(with_tokens.ttkhcn_staff)
    assert "no-store" in client.get(PAGE)["Cache-Control"]


@pytest.mark.parametrize(
    "token",
    [
        "x",  # too short
        "A" * 43,  # well formed, nobody's
        "A" * 65,  # too long
        "A" * 42 + "!",  # outside token_urlsafe's alphabet
        "A" * 40 + ".ab",
        "%00" + "A" * 40,
    ],
)
def test_an_unknown_or_malformed_address_is_not_found(with_tokens, token):
    response = Client().get(feed_url(token))
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("text/calendar")


@pytest.mark.parametrize("token", ["x", "A" * 65, "A" * 42 + "!", "A" * 40 + ".ab", "", None])
def test_a_malformed_token_is_refused_without_asking_the_database(db, django_assert_num_queries, token):
    with django_assert_num_queries(0):
        assert user_for_token(token) is None


def test_an_inactive_users_address_is_not_found(with_tokens):
    user = with_tokens.ttkhcn_staff
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get(feed_url(user.plain_token)).status_code == 404


def test_every_address_is_different(world):
    tokens = {calendar_token_issue(user=UserFactory()) for _ in range(20)}
    assert len(tokens) == 20
    assert all(user_for_token(token) is not None for token in tokens)


def test_the_feed_answers_head_and_refuses_post(with_tokens):
    url = feed_url(with_tokens.ttkhcn_staff.plain_token)
    assert Client().head(url).status_code == 200
    assert Client().post(url).status_code == 405


def test_renewing_takes_a_post(client, with_tokens):
    user = with_tokens.ttkhcn_staff
    old = user.calendar_token
    client.force_login(user)

    assert client.get(RENEW).status_code == 405

    user.refresh_from_db()
    assert user.calendar_token == old


def test_a_user_of_no_unit_gets_an_empty_but_valid_calendar(world):
    user = issue(UserFactory(unit=None, role=Role.STAFF))
    calendar = Calendar.from_ical(fetch(user))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


# ------------------------------------------------------------------------------
# Who may do what: one row per role, one column per URL
# ------------------------------------------------------------------------------
# role → (GET page, POST renew, GET own feed); renewing answers with the page showing the new
# address once; the anonymous visitor has no feed of its own, and asks for a made-up one.
MATRIX = dict.fromkeys(ROLES, (200, 200, 200)) | {"anonymous": (302, 302, 404)}


@pytest.mark.parametrize("role", list(ROLES))
def test_access_matrix(client, with_tokens, role):
    world = with_tokens
    user = getattr(world, ROLES[role]) if ROLES[role] else None
    if user is not None:
        client.force_login(user)
    old = user.calendar_token if user else None
    page, renew, feed = MATRIX[role]

    response = client.get(PAGE)
    assert response.status_code == page
    if user is None:
        assert response["Location"] == login_redirect(PAGE)

    response = client.post(RENEW)
    assert response.status_code == renew
    if user is None:
        assert response["Location"] == login_redirect(RENEW)
        token = "B" * 43
    else:
        token = shown_token(response)
        user.refresh_from_db()
        assert user.calendar_token != old
    response = client.get(feed_url(token))
    assert response.status_code == feed


# ------------------------------------------------------------------------------
# Query budget
# ------------------------------------------------------------------------------
def _grow(world) -> None:
    """Thirty more reports for Trung tâm KH&CN, over two open periods; some tasks due mid-year."""
    unit = world.ttkhcn_staff.unit
    period_2027 = ReportingPeriodFactory(plan=world.plan, year=2027)
    for n in range(30):
        fixed = n % 3 == 0
        task = TaskFactory(
            plan=world.plan,
            number=100 + n,
            title=f"Nhiệm vụ thử tải số {n}",
            deadline_kind=DeadlineKind.FIXED if fixed else DeadlineKind.ONGOING,
            due_date=datetime.date(2027, 6, 30) if fixed else None,
        )
        period = period_2027 if n % 2 else world.period
        TaskReportFactory(period=period, task=task, unit=unit, deadline=task.due_date or period.deadline)
    ReportingPeriodFactory(plan=TaskFactory().plan, year=2026)


@pytest.mark.parametrize("account", ["ttkhcn_staff", "coordinator"])
def test_the_feed_costs_a_fixed_number_of_queries(with_tokens, django_assert_max_num_queries, account):
    world = with_tokens
    user = getattr(world, account)
    # the periods in view have their reports counted in a query of their own
    with django_assert_max_num_queries(5):
        small = len(events(user))

    _grow(world)

    with django_assert_max_num_queries(5):
        large = len(events(user))
    assert large > small


def test_the_page_costs_a_fixed_number_of_queries(client, with_tokens, django_assert_max_num_queries):
    world = with_tokens
    client.force_login(world.ttkhcn_staff)
    _grow(world)
    with django_assert_max_num_queries(6):
        page = client.get(PAGE).content.decode()
    assert "Nhiệm vụ thử tải số 29" in page


def test_the_page_lists_fifty_deadlines_a_page_from_the_next_one(client, world):
    """A monthly plan gives a unit hundreds of deadlines a year: the page shows fifty, starting from
    the page of the next deadline; the feed still holds every one."""
    unit = world.ttkhcn_staff.unit
    past = ReportingPeriodFactory(
        plan=world.plan, year=2025, deadline=datetime.date(2025, 11, 15), is_open=True
    )
    for n in range(60):
        task = TaskFactory(plan=world.plan, number=200 + n, title=f"Nhiệm vụ lịch số {n}")
        TaskReportFactory(period=past, task=task, unit=unit, deadline=past.deadline)
    issue(world.ttkhcn_staff)
    client.force_login(world.ttkhcn_staff)

    first = client.get(PAGE)
    earlier = client.get(PAGE + "?page=1")

    deadlines = first.context["deadlines"]
    total = deadlines.paginator.count
    assert total == len(events(world.ttkhcn_staff)) > 60
    assert deadlines.number == deadlines.paginator.num_pages > 1  # the page of the next deadlines
    assert [d.day.year for d in deadlines.object_list].count(2026) == total - 60  # this year's, after 2025's
    assert all(deadline.day.year == 2025 for deadline in earlier.context["deadlines"].object_list)
    assert len(earlier.context["deadlines"].object_list) == 50
    assert "← Hạn trước đó" in first.content.decode()
    assert f'href="{PAGE}?page={deadlines.number - 1}"' in first.content.decode()


def test_the_page_lists_what_the_feed_holds_without_its_descriptions(client, with_tokens):
    """The page writes no description (it shows only each entry's day and title), and judges no
    task's state for one: its entries are the feed's, day, title and address alike."""
    world = with_tokens
    client.force_login(world.ttkhcn_staff)

    listed = client.get(PAGE).context["deadlines"].paginator.object_list

    feed = events(world.ttkhcn_staff)
    assert len(listed) == len(feed) == 4
    for deadline in listed:
        event = feed[deadline.uid]
        assert (deadline.day, deadline.summary, settings.SITE_URL + deadline.path) == (
            day(event),
            str(event["SUMMARY"]),
            str(event["URL"]),
        )
        assert deadline.description == "" and "Tình trạng nhiệm vụ" in str(event["DESCRIPTION"])
