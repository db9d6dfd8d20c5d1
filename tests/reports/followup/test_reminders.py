"""Reminders (đôn đốc): reports.reminders and `manage.py send_reminders`.

The 2026 period of Kế hoạch 463 is due on 15/11/2026. With the default settings a unit that still
owes reports gets one digest 14, 7, 3 and 1 days before, then once in each week overdue; a day
the cron missed is caught up once; nothing goes twice, nothing goes empty, and every mail sent is
recorded with what it said and to whom. The coordinator may also remind a unit at once.
"""

import datetime
import io
import re
import smtplib
from collections import defaultdict

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command

from reports.followup import services as reminders
from reports.followup.reminders import stage_for
from reports.followup.services import reminder_send_now
from reports.models import Reminder, ReminderKind, ReminderStage, TaskReport
from reports.workflow.services import period_set_open
from tasks.models import AssignmentRole, Role, Task, Unit
from tests.factories import UserFactory
from tests.helpers import report_in

ICT = datetime.timezone(datetime.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving
DEADLINE = datetime.date(2026, 11, 15)
COORDINATOR = "dieuphoi.qlkh@dongnai.gov.vn"

# Who must receive each unit's reminders (see the `addresses` fixture); the unit's own address first.
TO = {
    "ttkhcn": ["ttkhcn@dongnai.gov.vn", "an.ttkhcn@dongnai.gov.vn"],
    "qlcn": ["cuong.qlcn@dongnai.gov.vn"],
    "qlkh": ["dung.qlkh@dongnai.gov.vn"],
    "lhh": ["lienhiephoi@dongnai.gov.vn"],
}
UNIT_OF = {tuple(to): code for code, to in TO.items()}

# The days a unit that never sends its reports gets mail, from 25/10 to 31/12/2026.
EVERY_STAGE = [
    datetime.date(2026, 11, 1),  # 14 days before
    datetime.date(2026, 11, 8),  # 7 days before
    datetime.date(2026, 11, 12),  # 3 days before
    datetime.date(2026, 11, 14),  # 1 day before
    datetime.date(2026, 11, 16),  # 1st week overdue
    datetime.date(2026, 11, 23),
    datetime.date(2026, 11, 30),
    datetime.date(2026, 12, 7),
    datetime.date(2026, 12, 14),
    datetime.date(2026, 12, 21),
    datetime.date(2026, 12, 28),  # 7th week overdue
]


@pytest.fixture
def addresses(world):
    """Mail addresses of the 2026 world: who should and who should not get reminders.

    ttkhcn: its own address, its staff's, and its head who reads the unit's mailbox (the same
    address, spelt in capitals), plus a former staff member no longer active; qlcn: only its head
    (its staff has none); qlkh: its head; lhh: only its own address; khtc: none (its finance officer's
    address is his own, not the unit's).
    The coordinator (qlkh) has an address; so do people who must never be written to.
    """

    def unit_email(code, email):
        Unit.objects.filter(code=code).update(email=email)

    def user_email(user, email):
        user.email = email
        user.save(update_fields=["email"])

    unit_email("ttkhcn", "ttkhcn@dongnai.gov.vn")
    unit_email("lhh", "lienhiephoi@dongnai.gov.vn")
    unit_email("nhom-so-ban-nganh", "cacso@dongnai.gov.vn")
    user_email(world.ttkhcn_staff, "an.ttkhcn@dongnai.gov.vn")
    user_email(world.ttkhcn_head, "TTKHCN@dongnai.gov.vn")
    user_email(world.qlcn_head, "cuong.qlcn@dongnai.gov.vn")
    user_email(world.qlkh_head, "dung.qlkh@dongnai.gov.vn")
    user_email(world.coordinator, COORDINATOR)
    user_email(world.leadership, "giamdoc@dongnai.gov.vn")
    user_email(world.finance, "ketoan.khtc@dongnai.gov.vn")
    qlkh, ttkhcn, khtc = (Unit.objects.get(code=code) for code in ("qlkh", "ttkhcn", "khtc"))
    UserFactory(
        username="ttkhcn.nghiviec",
        unit=ttkhcn,
        role=Role.STAFF,
        email="cu.ttkhcn@dongnai.gov.vn",
        is_active=False,
    )
    UserFactory(
        username="dieuphoi.cu",
        unit=qlkh,
        role=Role.COORDINATOR,
        email="cu.qlkh@dongnai.gov.vn",
        is_active=False,
    )
    UserFactory(
        username="dieuphoi.khac", unit=khtc, role=Role.COORDINATOR, email="dieuphoi.khtc@dongnai.gov.vn"
    )


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def on(time_machine, day: datetime.date, hour: int = 7, minute: int = 0) -> datetime.datetime:
    moment = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ICT)
    time_machine.move_to(moment, tick=False)
    return moment


def cron(time_machine, day: datetime.date, *args: str) -> str:
    """Run `send_reminders` at 07:00 on `day`, as the daily cron does; return what it printed."""
    on(time_machine, day)
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


def send_all(world, unit: str, status: str = "submitted") -> None:
    """Every report `unit` owes in the 2026 period made `status`."""
    for number in TaskReport.objects.filter(period=world.period, unit__code=unit).values_list(
        "task__number", flat=True
    ):
        report_in(world, status, unit, number)


def days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def unit_of(message) -> str:
    return UNIT_OF[tuple(message.to)]


def cron_days(time_machine, run_on) -> dict[str, list[datetime.date]]:
    """Run the cron on each day of `run_on`; the days each unit got mail."""
    received = defaultdict(list)
    for day in run_on:
        before = len(mail.outbox)
        cron(time_machine, day)
        for message in mail.outbox[before:]:
            received[unit_of(message)].append(day)
    return dict(received)


def report_url(world, unit_code: str, task_number: int) -> str:
    return f"http://127.0.0.1:8000/bao-cao/{world.report(unit_code, task_number).pk}/"


class RefusingBackend(EmailBackend):
    """The local test backend, but the server refuses any mail to an address in `refused`."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if self.refused & set(message.recipients()):
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(self.refused, (550, b"No such user")))
        return super().send_messages(messages)


# ------------------------------------------------------------------------------
# The stages
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "today, every, stage",
    [
        (datetime.date(2026, 10, 31), 7, None),  # 15 days left: too early
        (datetime.date(2026, 11, 1), 7, 14),
        (datetime.date(2026, 11, 2), 7, 14),  # 13 days left: still the 14-day stage (a missed day)
        (datetime.date(2026, 11, 7), 7, 14),
        (datetime.date(2026, 11, 8), 7, 7),
        (datetime.date(2026, 11, 11), 7, 7),
        (datetime.date(2026, 11, 12), 7, 3),
        (datetime.date(2026, 11, 13), 7, 3),
        (datetime.date(2026, 11, 14), 7, 1),
        (datetime.date(2026, 11, 15), 7, 1),  # the deadline itself
        (datetime.date(2026, 11, 16), 7, -1),  # 1 day overdue
        (datetime.date(2026, 11, 22), 7, -1),  # 7 days overdue
        (datetime.date(2026, 11, 23), 7, -2),
        (datetime.date(2026, 11, 29), 7, -2),
        (datetime.date(2026, 11, 30), 7, -3),
        (datetime.date(2027, 1, 4), 7, -8),  # 50 days overdue
        (datetime.date(2026, 11, 18), 3, -1),
        (datetime.date(2026, 11, 19), 3, -2),
    ],
)
def test_the_stage_of_a_day_is_the_next_offset_before_the_deadline_then_the_week_overdue(today, every, stage):
    assert stage_for(DEADLINE, today, [14, 7, 3, 1], every) == stage


# ------------------------------------------------------------------------------
# The scheduled run, day by day
# ------------------------------------------------------------------------------
def test_a_unit_that_never_reports_is_reminded_on_each_stage_and_weekly_overdue(
    world, addresses, time_machine
):
    # Given four units with addresses that never send their 2026 reports
    # When the cron runs every day from 25/10 to 31/12/2026
    received = cron_days(time_machine, days(datetime.date(2026, 10, 25), datetime.date(2026, 12, 31)))

    # Then each gets mail 14, 7, 3 and 1 days before 15/11, then once a week overdue, and on no other day
    assert received == {"ttkhcn": EVERY_STAGE, "qlcn": EVERY_STAGE, "qlkh": EVERY_STAGE, "lhh": EVERY_STAGE}


def test_a_unit_that_sends_its_reports_is_no_longer_reminded(world, addresses, time_machine):
    # Given qlcn's head sends its four reports on 10/11
    received = cron_days(time_machine, days(datetime.date(2026, 10, 25), datetime.date(2026, 11, 9)))
    on(time_machine, datetime.date(2026, 11, 10), hour=15)
    send_all(world, "qlcn")

    # When the cron goes on until 31/12
    later = cron_days(time_machine, days(datetime.date(2026, 11, 10), datetime.date(2026, 12, 31)))

    # Then qlcn got the 14- and 7-day reminders only; the others every one
    assert received["qlcn"] == [datetime.date(2026, 11, 1), datetime.date(2026, 11, 8)]
    assert "qlcn" not in later
    assert received["ttkhcn"] + later["ttkhcn"] == EVERY_STAGE


def test_running_twice_the_same_day_sends_nothing_more(world, addresses, time_machine):
    # Given the 14-day reminders went out this morning
    cron(time_machine, datetime.date(2026, 11, 1))
    sent, recorded = len(mail.outbox), Reminder.objects.count()
    assert sent == 4

    # When the cron runs again the same day
    on(time_machine, datetime.date(2026, 11, 1), hour=18)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)

    # Then nothing more is sent or recorded; the units without an address are named again
    assert len(mail.outbox) == sent
    assert Reminder.objects.count() == recorded
    assert out.getvalue().splitlines()[0] == "Ngày 01/11/2026: đã gửi 0 thư đôn đốc."
    assert "  - Phòng Kế hoạch Tài chính: 4 báo cáo còn nợ" in out.getvalue().splitlines()


def test_missed_cron_days_are_caught_up_once(world, addresses, time_machine):
    # Given a cron that did not run on 1/11 (14 days before) nor from 4/11 to 9/11 (8/11: 7 days before)
    run_on = [datetime.date(2026, 11, day) for day in (2, 3, 10, 11, 12, 13)]

    # When it runs on the other days
    received = cron_days(time_machine, run_on)

    # Then the 14-day reminder goes on 2/11, the 7-day one on 10/11, each once, and the 3-day one on time
    assert received["ttkhcn"] == [
        datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 10),
        datetime.date(2026, 11, 12),
    ]
    assert list(
        ReminderStage.objects.filter(unit__code="ttkhcn")
        .order_by("reminder__sent_at")
        .values_list("stage", flat=True)
    ) == [14, 7, 3]


def test_stages_follow_the_settings(world, addresses, time_machine, settings):
    # Given reminders 5 days before, then every 3 days overdue
    settings.REMINDER_OFFSETS = [5]
    settings.REMINDER_OVERDUE_EVERY_DAYS = 3

    # When the cron runs every day from 25/10 to 26/11
    received = cron_days(time_machine, days(datetime.date(2026, 10, 25), datetime.date(2026, 11, 26)))

    # Then
    assert received["ttkhcn"] == [
        datetime.date(2026, 11, 10),
        datetime.date(2026, 11, 16),
        datetime.date(2026, 11, 19),
        datetime.date(2026, 11, 22),
        datetime.date(2026, 11, 25),
    ]


def test_a_closed_period_sends_nothing(world, addresses, time_machine):
    # Given the 2026 period closed
    period_set_open(period=world.period, is_open=False, by=world.coordinator)

    # When the cron runs on 1/11 and on 16/11
    outputs = [cron(time_machine, day) for day in (datetime.date(2026, 11, 1), datetime.date(2026, 11, 16))]

    # Then no mail goes, nothing is recorded, and the output says so
    assert mail.outbox == []
    assert not Reminder.objects.exists()
    assert outputs == [
        "Ngày 01/11/2026: không có thư đôn đốc nào đến hạn gửi.\n",
        "Ngày 16/11/2026: không có thư đôn đốc nào đến hạn gửi.\n",
    ]


# ------------------------------------------------------------------------------
# Who gets what
# ------------------------------------------------------------------------------
def test_no_mail_to_a_unit_that_owes_nothing_nor_to_a_group(world, addresses, time_machine):
    # Given qlcn sent its reports, and a group of bodies ("Các sở, ban, ngành") with an address
    # has a report row (groups never report)
    on(time_machine, datetime.date(2026, 10, 20))
    send_all(world, "qlcn")
    TaskReport.objects.create(
        period=world.period,
        task=Task.objects.get(plan=world.plan, number=1),
        unit=Unit.objects.get(code="nhom-so-ban-nganh"),
        unit_name="Các sở, ban, ngành tỉnh",
        role=AssignmentRole.PARTNER,
        deadline=DEADLINE,
    )

    # When the cron runs on 1/11
    cron(time_machine, datetime.date(2026, 11, 1))

    # Then neither gets mail; the units that owe reports and have an address do
    assert sorted(unit_of(message) for message in mail.outbox) == ["lhh", "qlkh", "ttkhcn"]
    assert not Reminder.objects.filter(unit__code__in=["qlcn", "nhom-so-ban-nganh"]).exists()


def test_a_unit_with_only_a_returned_report_is_reminded(world, addresses, time_machine):
    # Given qlcn's reports were sent, then the one on task 3 returned by the coordinator
    on(time_machine, datetime.date(2026, 10, 20))
    for number in (1, 4, 5):
        report_in(world, "submitted", "qlcn", number)
    report_in(world, "returned", "qlcn", 3)

    # When the cron runs on 1/11
    cron(time_machine, datetime.date(2026, 11, 1))

    # Then qlcn is reminded, and its mail says the report was returned
    (message,) = [message for message in mail.outbox if unit_of(message) == "qlcn"]
    assert message.subject == "[Kế hoạch 463] Đôn đốc báo cáo năm 2026: còn 1 báo cáo chưa gửi"
    assert (
        "Báo cáo bị trả lại: đề nghị sửa theo ý kiến của Phòng Quản lý Khoa học rồi gửi lại." in message.body
    )


def test_a_mail_lists_every_report_still_owed_and_copies_the_coordinator(world, addresses, time_machine):
    # Given qlkh sent its report on task 4 but not those on tasks 1, 2, 3 and 5
    on(time_machine, datetime.date(2026, 10, 20))
    report_in(world, "submitted", "qlkh", 4)

    # When the cron runs on 1/11
    cron(time_machine, datetime.date(2026, 11, 1))

    # Then each unit gets one mail, to its staff, head and own address, copied to the active
    # coordinator of the coordinating unit, to whom replies go
    messages = {unit_of(message): message for message in mail.outbox}
    assert len(mail.outbox) == len(messages) == 4
    assert {code: message.to for code, message in messages.items()} == TO
    assert {code: message.cc for code, message in messages.items()} == {code: [COORDINATOR] for code in TO}
    assert {code: message.reply_to for code, message in messages.items()} == {
        code: [COORDINATOR] for code in TO
    }
    qlkh = messages["qlkh"]
    assert qlkh.subject == "[Kế hoạch 463] Đôn đốc báo cáo năm 2026: còn 4 báo cáo chưa gửi"
    assert all(f"nhiệm vụ {n}:" in qlkh.body for n in (1, 2, 3, 5))
    assert "nhiệm vụ 4:" not in qlkh.body


def test_a_coordinator_already_among_the_recipients_is_not_copied_again(world, addresses, time_machine):
    # Given the coordinating unit's own mailbox is the coordinator's address
    Unit.objects.filter(code="qlkh").update(email=COORDINATOR.upper())

    # When the cron runs on 1/11
    cron(time_machine, datetime.date(2026, 11, 1))

    # Then qlkh's mail goes to that address once, with no copy
    (message,) = [message for message in mail.outbox if "dung.qlkh@dongnai.gov.vn" in message.to]
    assert (message.to, message.cc) == ([COORDINATOR.upper(), "dung.qlkh@dongnai.gov.vn"], [])


def test_the_mail_in_full(world, addresses, time_machine, settings):
    # Given ttkhcn owes only its report on task 1 (it sent those on tasks 3, 4 and 5), lhh its reports
    # on tasks 1, 2, 4 and 5
    on(time_machine, datetime.date(2026, 10, 20))
    for number in (3, 4, 5):
        report_in(world, "submitted", "ttkhcn", number)
    # When the cron runs on 1/11
    cron(time_machine, datetime.date(2026, 11, 1))

    # Then ttkhcn's mail reads
    (message,) = [message for message in mail.outbox if unit_of(message) == "ttkhcn"]
    assert message.subject == "[Kế hoạch 463] Đôn đốc báo cáo năm 2026: còn 1 báo cáo chưa gửi"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.body == (
        "Kính gửi: Trung tâm Khoa học và Công nghệ\n"
        "\n"
        "Phòng Quản lý Khoa học, Sở Khoa học và Công nghệ tỉnh Đồng Nai đề nghị đơn vị hoàn thành và gửi 1 báo cáo "
        "kết quả thực hiện nhiệm vụ dưới đây.\n"
        "\n"
        "1. Kế hoạch 463, nhiệm vụ 1: Đẩy mạnh công tác thông tin, tuyên truyền\n"
        "   Vai trò: chủ trì. Hạn gửi báo cáo năm 2026: 15/11/2026 (còn 14 ngày).\n"
        f"   Xem báo cáo: {report_url(world, 'ttkhcn', 1)}\n"
        "\n"
        "Cán bộ đơn vị soạn báo cáo trên hệ thống; lãnh đạo đơn vị xem lại và gửi báo cáo. Nếu có khó khăn, "
        "vướng mắc, đề nghị đơn vị trả lời thư này hoặc liên hệ Phòng Quản lý Khoa học.\n"
        "\n"
        "Trân trọng.\n"
        "Phòng Quản lý Khoa học — Sở Khoa học và Công nghệ tỉnh Đồng Nai\n"
    )
    # and lhh's, once overdue on 16/11, lists its four reports with the partner role and urges
    (lhh,) = [message for message in mail.outbox if unit_of(message) == "lhh"]
    assert lhh.subject == "[Kế hoạch 463] Đôn đốc báo cáo năm 2026: còn 4 báo cáo chưa gửi"
    cron(time_machine, datetime.date(2026, 11, 16))
    (lhh,) = [message for message in mail.outbox[4:] if unit_of(message) == "lhh"]
    assert [
        line for line in lhh.body.splitlines() if line.startswith(("1.", "2.", "3.", "4.", "5.", "   Vai"))
    ] == [
        "1. Kế hoạch 463, nhiệm vụ 1: Đẩy mạnh công tác thông tin, tuyên truyền",
        "   Vai trò: phối hợp. Hạn gửi báo cáo năm 2026: 15/11/2026 (quá hạn 1 ngày).",
        "2. Kế hoạch 463, nhiệm vụ 2: Rà soát quy định, xây dựng chính sách đãi ngộ chuyên gia, trí thức khoa học "
        "và công nghệ",
        "   Vai trò: phối hợp. Hạn gửi báo cáo năm 2026: 15/11/2026 (quá hạn 1 ngày).",
        "3. Kế hoạch 463, nhiệm vụ 4: Hàng năm đặt hàng Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh và các Hội "
        "thành viên",
        "   Vai trò: phối hợp. Hạn gửi báo cáo năm 2026: 15/11/2026 (quá hạn 1 ngày).",
        "4. Kế hoạch 463, nhiệm vụ 5: Hỗ trợ, nêu nhu cầu nghiên cứu khoa học và công nghệ của tỉnh",
        "   Vai trò: phối hợp. Hạn gửi báo cáo năm 2026: 15/11/2026 (quá hạn 1 ngày).",
    ]
    assert "Thời hạn gửi báo cáo đã qua, đề nghị đơn vị khẩn trương gửi báo cáo." in lhh.body


def test_each_mail_sent_is_recorded_with_its_stage(world, addresses, time_machine):
    # When the cron runs on 1/11 at 07:00
    cron(time_machine, datetime.date(2026, 11, 1))

    # Then one scheduled reminder per unit mailed records to whom, when and what, with its stage
    sent = {unit_of(message): message for message in mail.outbox}
    rows = {
        reminder.unit.code: reminder
        for reminder in Reminder.objects.select_related("unit").prefetch_related("stages")
    }
    assert set(rows) == set(TO)
    for code, reminder in rows.items():
        assert reminder.kind == ReminderKind.SCHEDULED
        assert reminder.sent_by is None
        assert reminder.sent_at == datetime.datetime(2026, 11, 1, 7, 0, tzinfo=ICT)
        assert reminder.recipients.splitlines() == TO[code]
        assert reminder.copy_to.splitlines() == [COORDINATOR]
        assert (reminder.subject, reminder.body) == (sent[code].subject, sent[code].body)
        assert [(stage.period_id, stage.unit_id, stage.stage) for stage in reminder.stages.all()] == [
            (world.period.pk, reminder.unit_id, 14)
        ]
    assert {code: reminder.report_count for code, reminder in rows.items()} == {
        "ttkhcn": 4,
        "qlcn": 4,
        "qlkh": 5,
        "lhh": 4,
    }


def test_the_command_tells_what_went_where_and_which_units_have_no_address(world, addresses, time_machine):
    # When the cron runs on 1/11
    out = cron(time_machine, datetime.date(2026, 11, 1))

    # Then it lists the mails sent, and the units that owe reports but have no address
    stage = "Năm 2026 — kh-463: trước hạn 14 ngày"
    assert out.splitlines() == [
        "Ngày 01/11/2026: đã gửi 4 thư đôn đốc.",
        f"  - Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai: 4 báo cáo ({stage}); "
        f"gửi đến: lienhiephoi@dongnai.gov.vn; đồng gửi: {COORDINATOR}",
        f"  - Phòng Quản lý Chuyên ngành: 4 báo cáo ({stage}); gửi đến: cuong.qlcn@dongnai.gov.vn; "
        f"đồng gửi: {COORDINATOR}",
        f"  - Phòng Quản lý Khoa học: 5 báo cáo ({stage}); gửi đến: dung.qlkh@dongnai.gov.vn; "
        f"đồng gửi: {COORDINATOR}",
        f"  - Trung tâm Khoa học và Công nghệ: 4 báo cáo ({stage}); "
        f"gửi đến: ttkhcn@dongnai.gov.vn, an.ttkhcn@dongnai.gov.vn; đồng gửi: {COORDINATOR}",
        "Không gửi được cho 1 đơn vị vì chưa có địa chỉ thư điện tử (của đơn vị hoặc của cán bộ, lãnh đạo "
        "đơn vị); hãy bổ sung địa chỉ, lần chạy sau sẽ gửi:",
        "  - Phòng Kế hoạch Tài chính: 4 báo cáo còn nợ",
    ]
    # and a unit without an address is not recorded, so it is reminded once it has one
    assert not Reminder.objects.filter(unit__code="khtc").exists()
    Unit.objects.filter(code="khtc").update(email="khtc@dongnai.gov.vn")
    cron(time_machine, datetime.date(2026, 11, 2))
    assert [message.to for message in mail.outbox[4:]] == [["khtc@dongnai.gov.vn"]]


def test_a_failing_mail_records_nothing_and_is_sent_by_the_next_run(
    world, addresses, time_machine, settings, monkeypatch
):
    # Given a mail server that refuses lhh's address
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "refused", {"lienhiephoi@dongnai.gov.vn"})

    # When the cron runs on 1/11
    with pytest.raises(CommandError, match="1 thư đôn đốc không gửi được"):
        cron(time_machine, datetime.date(2026, 11, 1))

    # Then the other units got their mail, and nothing is recorded for lhh
    assert sorted(unit_of(message) for message in mail.outbox) == ["qlcn", "qlkh", "ttkhcn"]
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["qlcn", "qlkh", "ttkhcn"]
    assert not ReminderStage.objects.filter(unit__code="lhh").exists()

    # and once the server accepts it, the next day's run sends lhh its 14-day mail, and only that
    monkeypatch.setattr(RefusingBackend, "refused", set())
    cron(time_machine, datetime.date(2026, 11, 2))
    assert [unit_of(message) for message in mail.outbox[3:]] == ["lhh"]
    assert list(ReminderStage.objects.filter(unit__code="lhh").values_list("stage", flat=True)) == [14]


def test_two_runs_at_once_send_each_mail_once(world, addresses, time_machine, monkeypatch):
    # Given a run that has worked out the mails of 1/11 but not sent them yet
    on(time_machine, datetime.date(2026, 11, 1))
    worked_out = reminders.reminders_due()
    # and another run that sends them meanwhile
    assert len(reminders.reminders_send_scheduled().sent) == 4

    # When the first run goes on with what it worked out
    monkeypatch.setattr(reminders, "reminders_due", lambda today=None: worked_out)
    run = reminders.reminders_send_scheduled()

    # Then it sends and records nothing more
    assert (run.sent, run.failed) == ([], [])
    assert len(mail.outbox) == 4
    assert Reminder.objects.count() == ReminderStage.objects.count() == 4


def test_a_dry_run_lists_the_mails_but_sends_and_records_nothing(world, addresses, time_machine):
    # When the cron runs on 1/11 with --dry-run
    out = cron(time_machine, datetime.date(2026, 11, 1), "--dry-run")

    # Then it tells what would go, but nothing goes and nothing is recorded
    lines = out.splitlines()
    assert lines[0] == "Chạy thử ngày 01/11/2026: sẽ gửi 4 thư đôn đốc (không gửi, không ghi nhận gì)."
    assert lines[4] == (
        "  - Trung tâm Khoa học và Công nghệ: 4 báo cáo (Năm 2026 — kh-463: trước hạn 14 ngày); "
        f"gửi đến: ttkhcn@dongnai.gov.vn, an.ttkhcn@dongnai.gov.vn; đồng gửi: {COORDINATOR}"
    )
    assert "  - Phòng Kế hoạch Tài chính: 4 báo cáo còn nợ" in lines
    assert mail.outbox == []
    assert not Reminder.objects.exists() and not ReminderStage.objects.exists()

    # and the real run of the day still sends them, after which a dry run finds nothing left to send
    cron(time_machine, datetime.date(2026, 11, 1))
    assert len(mail.outbox) == 4
    out = cron(time_machine, datetime.date(2026, 11, 1), "--dry-run")
    assert (
        out.splitlines()[0]
        == "Chạy thử ngày 01/11/2026: sẽ gửi 0 thư đôn đốc (không gửi, không ghi nhận gì)."
    )


@pytest.mark.parametrize("date", ["01/11/2026", "2026-11-01"])
def test_the_date_can_be_given(world, addresses, time_machine, date):
    # Given the clock on 20/10/2026
    # When the command runs for 1/11 given either way
    cron(time_machine, datetime.date(2026, 10, 20), "--date", date)

    # Then the 14-day reminders go
    assert len(mail.outbox) == 4
    assert set(ReminderStage.objects.values_list("stage", flat=True)) == {14}


@pytest.mark.parametrize("date", ["31/02/2026", "1 tháng 11", "2026/11/01", ""])
def test_a_bad_date_is_refused_clearly(world, addresses, time_machine, date):
    with pytest.raises(CommandError, match=r"không hợp lệ: hãy ghi theo dạng dd/mm/yyyy"):
        cron(time_machine, datetime.date(2026, 11, 1), "--date", date)
    assert mail.outbox == []
    assert not Reminder.objects.exists()


# ------------------------------------------------------------------------------
# The coordinator's "remind now"
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "who, allowed",
    [
        ("ttkhcn_staff", False),
        ("ttkhcn_head", False),
        ("qlcn_head", False),
        ("qlkh_head", False),
        ("leadership", False),
        ("finance", False),
        ("coordinator", True),
        ("admin", True),
    ],
)
def test_only_the_coordinator_and_administrators_remind_at_once(world, addresses, time_machine, who, allowed):
    on(time_machine, datetime.date(2026, 10, 20), hour=9)
    unit = Unit.objects.get(code="ttkhcn")
    by = getattr(world, who)

    if not allowed:
        with pytest.raises(PermissionDenied):
            reminder_send_now(period=world.period, unit=unit, by=by)
        assert mail.outbox == []
        assert not Reminder.objects.exists()
        return

    reminder = reminder_send_now(period=world.period, unit=unit, by=by)
    (message,) = mail.outbox
    assert (message.to, message.cc) == (TO["ttkhcn"], [COORDINATOR])
    assert message.body.endswith(
        "Phòng Quản lý Khoa học — Sở Khoa học và Công nghệ tỉnh Đồng Nai\nNgười gửi: Nguyễn Văn An\n"
    )
    assert (reminder.kind, reminder.sent_by, reminder.report_count, reminder.body) == (
        ReminderKind.MANUAL,
        by,
        4,
        message.body,
    )
    assert not reminder.stages.exists()


def test_reminding_at_once_does_not_take_the_place_of_a_scheduled_stage(world, addresses, time_machine):
    # Given the coordinator reminded ttkhcn by hand on 31/10
    on(time_machine, datetime.date(2026, 10, 31), hour=9)
    reminder_send_now(period=world.period, unit=Unit.objects.get(code="ttkhcn"), by=world.coordinator)

    # When the cron runs on 1/11
    cron(time_machine, datetime.date(2026, 11, 1))

    # Then ttkhcn still gets its 14-day reminder
    assert [unit_of(message) for message in mail.outbox].count("ttkhcn") == 2


@pytest.mark.parametrize("minutes_later, sent", [(1, False), (9, False), (10, True)])
def test_a_unit_is_not_reminded_again_within_the_pause(world, addresses, time_machine, minutes_later, sent):
    # Given the coordinator reminded ttkhcn at 09:00 on 20/10/2026
    unit = Unit.objects.get(code="ttkhcn")
    on(time_machine, datetime.date(2026, 10, 20), hour=9)
    reminder_send_now(period=world.period, unit=unit, by=world.coordinator)

    # When they click again some minutes later
    on(time_machine, datetime.date(2026, 10, 20), hour=9, minute=minutes_later)
    if sent:
        reminder_send_now(period=world.period, unit=unit, by=world.coordinator)
    else:
        with pytest.raises(ValidationError) as raised:
            reminder_send_now(period=world.period, unit=unit, by=world.coordinator)
        assert raised.value.messages == [
            "Đơn vị “Trung tâm Khoa học và Công nghệ” vừa được đôn đốc lúc 09:00 20/10/2026; "
            "chỉ gửi lại sau 10 phút."
        ]

    # Then a second mail goes only after the pause
    assert len(mail.outbox) == Reminder.objects.count() == (2 if sent else 1)


def test_the_pause_follows_a_scheduled_reminder_too(world, addresses, time_machine):
    # Given the cron reminded ttkhcn at 07:00 on 1/11
    cron(time_machine, datetime.date(2026, 11, 1))

    # When the coordinator clicks "remind now" at 07:05
    on(time_machine, datetime.date(2026, 11, 1), minute=5)
    with pytest.raises(ValidationError, match="vừa được đôn đốc lúc 07:00 01/11/2026"):
        reminder_send_now(period=world.period, unit=Unit.objects.get(code="ttkhcn"), by=world.coordinator)

    # Then nothing more goes
    assert len(mail.outbox) == 4


@pytest.mark.parametrize(
    "unit_code, given, error",
    [
        (
            "qlcn",
            "sent",
            "Đơn vị “Phòng Quản lý Chuyên ngành” không còn báo cáo nào phải gửi trong kỳ Năm 2026",
        ),
        ("ttkhcn", "closed", "Kỳ Năm 2026 đã đóng: không đôn đốc báo cáo của kỳ này"),
        ("nhom-so-ban-nganh", "", "“Các sở, ban, ngành tỉnh” là nhóm đơn vị, không tự gửi báo cáo"),
        ("khtc", "", "chưa có địa chỉ thư điện tử (của đơn vị hoặc của cán bộ, lãnh đạo đơn vị)"),
        # named in the plan only: it owes no report
        (
            "mttq",
            "",
            "Đơn vị “Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Đồng Nai” không còn báo cáo nào phải gửi trong kỳ Năm 2026",
        ),
    ],
)
def test_reminding_at_once_is_refused_when_there_is_nothing_to_say_or_nobody_to_tell(
    world, addresses, time_machine, unit_code, given, error
):
    on(time_machine, datetime.date(2026, 10, 20), hour=9)
    if given == "sent":
        send_all(world, "qlcn")
    if given == "closed":
        period_set_open(period=world.period, is_open=False, by=world.coordinator)

    with pytest.raises(ValidationError, match=re.escape(error)):
        reminder_send_now(period=world.period, unit=Unit.objects.get(code=unit_code), by=world.coordinator)

    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_reminding_at_once_records_nothing_when_the_mail_fails(
    world, addresses, time_machine, settings, monkeypatch
):
    # Given a mail server that refuses ttkhcn's address
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "refused", {"an.ttkhcn@dongnai.gov.vn"})
    on(time_machine, datetime.date(2026, 10, 20), hour=9)

    # When the coordinator reminds ttkhcn
    with pytest.raises(
        ValidationError, match="Không gửi được thư đôn đốc đến đơn vị “Trung tâm Khoa học và Công nghệ”"
    ):
        reminder_send_now(period=world.period, unit=Unit.objects.get(code="ttkhcn"), by=world.coordinator)

    # Then nothing is recorded, so the pause does not hold back a new try
    assert not Reminder.objects.exists()
    monkeypatch.setattr(RefusingBackend, "refused", set())
    reminder_send_now(period=world.period, unit=Unit.objects.get(code="ttkhcn"), by=world.coordinator)
    assert len(mail.outbox) == 1
