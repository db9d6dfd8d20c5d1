"""Telling people what happened: a mail at each step of the workflow to those concerned, after the
commit only, that each person may turn off; the page "Thông báo" of what happened since the last visit.

The world: Kế hoạch 463 with 2026 open, on 20/10/2026; everyone has an address.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reports.followup.services import direction_give
from reports.workflow import views as workflow_views
from reports.workflow.selectors import notifications_for
from reports.workflow.services import notification_settings_update, report_return, report_submit
from tasks.models import Role, Unit, User
from tests.factories import UserFactory
from tests.helpers import RETURN_COMMENT, head_of, report_in, report_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(world):
    """Every person of the world with an address of their own."""
    for user in User.objects.all():
        user.email = f"{user.username}@donvi.example"
        user.save(update_fields=["email"])
    return world


def sent_to(outbox) -> set[str]:
    return {address for message in outbox for address in message.to}


def test_a_sent_report_is_told_to_its_reviewer_with_a_link(
    addressed, before_deadline, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://127.0.0.1:8101"
    report = report_in(addressed, "draft", "ttkhcn", 1)

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, by=addressed.ttkhcn_head)

    assert sent_to(mail.outbox) == {"dieuphoi@donvi.example"}
    (message,) = mail.outbox
    assert "Trung tâm" in message.subject and "nhiệm vụ 1" in message.subject
    assert f"http://127.0.0.1:8101/bao-cao/{report.pk}/" in message.body
    assert "Kính gửi: Nguyễn Văn An" in message.body
    assert "http://127.0.0.1:8101/thong-bao/cai-dat/" in message.body


def test_the_coordinating_units_own_report_is_told_to_the_leadership(
    addressed, before_deadline, django_capture_on_commit_callbacks
):
    report = report_in(addressed, "draft", "qlkh", 2)

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, by=addressed.qlkh_head)

    assert sent_to(mail.outbox) == {"giamdoc@donvi.example"}


@pytest.mark.parametrize(
    ("status", "words"),
    [("returned", "bị trả lại"), ("accepted", "đã được chấp nhận"), ("reopened", "mở lại")],
)
def test_a_return_an_acceptance_and_a_reopening_are_told_to_the_units_staff_and_head(
    addressed, before_deadline, django_capture_on_commit_callbacks, status, words
):
    with django_capture_on_commit_callbacks(execute=True):
        report_in(addressed, status, "ttkhcn", 1)

    last = [message for message in mail.outbox if words in message.subject]
    assert sent_to(last) == {"ttkhcn.canbo@donvi.example", "ttkhcn.giamdoc@donvi.example"}
    assert len(last) == 2


def test_a_return_carries_the_reason(addressed, before_deadline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_in(addressed, "returned", "ttkhcn", 1)

    (to_staff,) = [m for m in mail.outbox if m.to == ["ttkhcn.canbo@donvi.example"]]
    assert f"Ý kiến: {RETURN_COMMENT}" in to_staff.body
    assert "trả lại" in to_staff.body


def test_a_direction_is_told_to_the_unit_and_the_coordinator(
    addressed, before_deadline, django_capture_on_commit_callbacks
):
    report = report_in(addressed, "submitted", "ttkhcn", 1, escalate=True, difficulties="Thiếu kinh phí.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        direction_give(report=report, by=addressed.leadership, text="Giao Phòng KHTC bố trí kinh phí.")

    assert sent_to(mail.outbox) == {
        "ttkhcn.canbo@donvi.example",
        "ttkhcn.giamdoc@donvi.example",
        "dieuphoi@donvi.example",
    }
    assert all("Ý kiến chỉ đạo: Giao Phòng KHTC" in message.body for message in mail.outbox)


def test_a_failed_transaction_sends_nothing(addressed, before_deadline, django_capture_on_commit_callbacks):
    report = report_in(addressed, "draft", "ttkhcn", 1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                report_submit(report=report, by=addressed.ttkhcn_head)
                raise RuntimeError("something after the step fails")
        except RuntimeError:
            pass

    assert callbacks == []
    assert mail.outbox == []


def test_nothing_leaves_before_the_commit(addressed, before_deadline, django_capture_on_commit_callbacks):
    report = report_in(addressed, "draft", "ttkhcn", 1)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report_submit(report=report, by=addressed.ttkhcn_head)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_person_who_turned_mails_off_gets_none_and_the_actor_gets_none(
    addressed, before_deadline, django_capture_on_commit_callbacks
):
    notification_settings_update(
        user=addressed.ttkhcn_staff, by=addressed.ttkhcn_staff, notify_by_email=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        report_in(addressed, "returned", "ttkhcn", 1)

    returned = [m for m in mail.outbox if "bị trả lại" in m.subject]
    assert sent_to(returned) == {"ttkhcn.giamdoc@donvi.example"}
    # the head's own submission was not told to the head, nor to the staff
    submitted = [m for m in mail.outbox if "đã gửi" in m.subject]
    assert sent_to(submitted) == {"dieuphoi@donvi.example"}


def test_nobody_chooses_for_someone_else(addressed):
    with pytest.raises(PermissionDenied):
        notification_settings_update(
            user=addressed.ttkhcn_staff, by=addressed.coordinator, notify_by_email=False
        )
    addressed.ttkhcn_staff.refresh_from_db()
    assert addressed.ttkhcn_staff.notify_by_email is True


def test_the_settings_page_turns_mails_off_and_on(client, addressed):
    client.force_login(addressed.ttkhcn_staff)

    page = client.get("/thong-bao/cai-dat/").content.decode()
    assert "Cài đặt thông báo" in page and 'name="notify_by_email"' in page and "checked" in page

    response = client.post("/thong-bao/cai-dat/", {}, follow=True)
    assert "sẽ không nhận thư thông báo" in response.content.decode()
    addressed.ttkhcn_staff.refresh_from_db()
    assert addressed.ttkhcn_staff.notify_by_email is False

    client.post("/thong-bao/cai-dat/", {"notify_by_email": "on"})
    addressed.ttkhcn_staff.refresh_from_db()
    assert addressed.ttkhcn_staff.notify_by_email is True


# ------------------------------------------------------------------------------
# The page "Thông báo"
# ------------------------------------------------------------------------------
def test_the_page_lists_what_happened_since_the_last_visit(client, world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC), tick=False)
    report_in(world, "submitted", "ttkhcn", 1)
    client.force_login(world.ttkhcn_staff)
    client.get("/thong-bao/")  # a visit on 01/10
    time_machine.move_to(datetime.datetime(2026, 10, 2, 9, tzinfo=datetime.UTC), tick=False)
    report_in(world, "returned", "qlcn", 3)  # another unit's: not seen by ttkhcn
    report_return(report=world.report("ttkhcn", 1), by=world.coordinator, comment="Thiếu số liệu quý III.")

    client.force_login(world.ttkhcn_staff)  # the next day, a new session

    html = client.get("/thong-bao/").content.decode()

    assert "Thiếu số liệu quý III." in html
    assert "trả lại" in html and "mới" in html
    assert "Quản lý Chuyên ngành" not in html
    # the submission of 01/10 came before the last visit
    assert html.count('<tr class="new">') == 1
    assert "gửi báo cáo" not in html.split("<tbody>")[1]
    # and now it is seen: nothing new on the next visit, everything on "Xem tất cả"
    assert "Không có việc gì mới" in client.get("/thong-bao/").content.decode()
    everything = client.get("/thong-bao/?tat_ca=1").content.decode()
    assert "Thiếu số liệu quý III." in everything and "gửi báo cáo" in everything


def test_the_page_costs_the_same_queries_for_many_events(
    client, world, before_deadline, django_assert_max_num_queries
):
    client.force_login(world.coordinator)
    reports = list(
        world.period.reports.exclude(unit__code="qlkh").select_related("unit", "period__plan")[:12]
    )
    for report in reports:
        head = head_of(world, report)
        report_save(report, head)
        report_submit(report=report, by=head)
    for report in reports[:6]:
        report_return(report=report, by=world.coordinator, comment="Bổ sung.")

    with django_assert_max_num_queries(12):
        response = client.get("/thong-bao/?tat_ca=1")
    assert response.status_code == 200
    assert response.content.decode().count("<tr") >= 13


def test_the_events_are_paged_without_being_counted(client, world, before_deadline, monkeypatch):
    # Given pages of 5 events, and 12 reports sent to the coordinator
    monkeypatch.setattr(workflow_views, "NOTIFICATIONS_PER_PAGE", 5)
    for report in world.period.reports.exclude(unit__code="qlkh").select_related("unit", "period__plan")[:12]:
        head = head_of(world, report)
        report_save(report, head)
        report_submit(report=report, by=head)
    client.force_login(world.coordinator)

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/thong-bao/?tat_ca=1").content.decode()
    third = client.get("/thong-bao/?tat_ca=1&page=3").content.decode()
    beyond = client.get("/thong-bao/?tat_ca=1&page=9").content.decode()
    wrong = client.get("/thong-bao/?tat_ca=1&page=abc")

    # Then no query counts them: a page reads one row more to know whether another follows
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)
    assert first.count("<tr") == 6 and "Trang 1" in first and "page=2" in first and "Trang trước" not in first
    assert third.count("<tr") == 3 and "Trang 3" in third and "page=2" in third and "Trang sau" not in third
    assert "Trang này không còn việc nào." in beyond and "page=8" in beyond
    assert wrong.status_code == 200 and "Trang 1" in wrong.content.decode()


def test_a_unit_member_without_a_unit_of_the_plan_sees_nothing_of_it(client, world, before_deadline):
    report_in(world, "submitted", "ttkhcn", 1)
    outsider = UserFactory(username="ngoai", unit=Unit.objects.get(code="lhh"), role=Role.STAFF)
    client.force_login(outsider)

    html = client.get("/thong-bao/?tat_ca=1").content.decode()

    assert "Chưa có việc nào." in html


def test_who_sees_every_report_is_told_of_every_plans_reports_but_their_own_steps(
    client, world, before_deadline
):
    report = report_in(world, "submitted", "ttkhcn", 1, escalate=True, difficulties="Thiếu kinh phí.")
    report_in(world, "submitted", "qlcn", 3)
    direction_give(report=report, by=world.leadership, text="Đề nghị khẩn trương.")
    inactive = UserFactory(
        username="giamdoc-cu", unit=world.leadership.unit, role=Role.LEADERSHIP, is_active=False
    )

    client.force_login(world.leadership)
    html = client.get("/thong-bao/?tat_ca=1").content.decode()
    client.force_login(world.finance)
    finance = client.get("/thong-bao/?tat_ca=1").content.decode()

    assert "Trung tâm Khoa học và Công nghệ" in html and "Quản lý Chuyên ngành" in html
    assert "Đề nghị khẩn trương." not in html  # the leadership's own direction
    assert "Đề nghị khẩn trương." in finance
    assert not notifications_for(inactive).exists()
