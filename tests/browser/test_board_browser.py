"""The follow-up board in Chromium: the coordinator filters it, opens a cell, reminds a unit now; the
Director answers a difficulty raised to him, and the unit reads the direction."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from reports.models import Reminder, ReportStatus, TaskReport
from tests.browser.test_report_round_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_follows_up_and_reminds_a_unit(before_deadline, page, world):
    world.qlcn_staff.email = "canbo.qlcn@example.vn"
    world.qlcn_staff.save()
    TaskReport.objects.filter(pk=world.report("ttkhcn", 1).pk).update(
        status=ReportStatus.ACCEPTED,
        completion="done",
        completed_on=datetime.date(2026, 10, 1),
        progress=100,
        submitted_at=datetime.datetime(2026, 10, 2, tzinfo=datetime.UTC),
    )

    log_in(page, world.coordinator)
    page.get_by_role("link", name="Theo dõi", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng theo dõi thực hiện kế hoạch")
    main = page.locator("main")
    expect(main).to_contain_text("kh-463 — Năm 2026")
    expect(main).to_contain_text("còn 26 ngày")

    # The matrix tells each state in words; a cell opens its report.
    matrix = page.locator("table.matrix")
    expect(matrix.get_by_role("link", name="Xong đúng hạn · CT")).to_have_count(1)
    expect(matrix.get_by_role("link", name="Trễ hạn · CT")).to_have_count(1)  # task 2, due 31/03/2024

    # Filtering by state keeps only the units in that state.
    page.get_by_label("Tình trạng", exact=True).select_option(label="Hoàn thành đúng hạn")
    page.get_by_role("button", name="Xem").click()
    expect(matrix.locator("tbody tr")).to_have_count(1)
    expect(matrix).to_contain_text("Trung tâm Khoa học và Công nghệ")
    matrix.get_by_role("link", name="Xong đúng hạn · CT").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Báo cáo kết quả thực hiện nhiệm vụ 1 — Năm 2026"
    )

    # Remind one unit now: one mail, logged, shown on the board.
    page.get_by_role("link", name="Theo dõi", exact=True).click()
    page.get_by_role("button", name="Nhắc Phòng Quản lý Chuyên ngành ngay").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi thư đôn đốc đến Phòng Quản lý Chuyên ngành")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["canbo.qlcn@example.vn"]
    reminder = Reminder.objects.get()
    row = page.locator("tr", has_text="Phòng Quản lý Chuyên ngành").first
    expect(row).to_contain_text(
        reminder.sent_at.astimezone(datetime.timezone(datetime.timedelta(hours=7))).strftime("%d/%m/%Y")
    )

    # A second click at once is refused: the unit was just reminded.
    page.get_by_role("button", name="Nhắc Phòng Quản lý Chuyên ngành ngay").click()
    expect(page.locator(".messages")).to_contain_text("vừa được")
    assert Reminder.objects.count() == 1

    # The log shows to whom, when and what.
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhật ký đôn đốc")
    expect(page.locator("main")).to_contain_text("canbo.qlcn@example.vn")
    page.get_by_text(reminder.subject).click()
    expect(page.locator("pre.mail")).to_contain_text("Phòng Quản lý Khoa học")


def test_the_director_answers_a_difficulty_and_the_unit_reads_it(before_deadline, page, world):
    report = world.report("ttkhcn", 1)
    TaskReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED,
        difficulties="Thiếu kinh phí tổ chức hội thảo.",
        escalate=True,
        results="Đã tổ chức 1 hội thảo.",
        submitted_at=datetime.datetime(2026, 10, 2, tzinfo=datetime.UTC),
        last_submitted_at=datetime.datetime(2026, 10, 2, tzinfo=datetime.UTC),
    )

    log_in(page, world.leadership)
    page.get_by_role("link", name="Kiến nghị lên Giám đốc").click()
    expect(page.locator("main")).to_contain_text("Thiếu kinh phí tổ chức hội thảo.")
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Kế hoạch Tài chính cân đối kinh phí.")
    page.get_by_role("button", name="Ghi ý kiến chỉ đạo").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi ý kiến chỉ đạo")

    log_in(page, world.ttkhcn_staff)
    page.goto(f"/bao-cao/{report.pk}/")
    expect(page.locator(".direction")).to_contain_text("Giao Phòng Kế hoạch Tài chính cân đối kinh phí.")
