"""The whole yearly round in Chromium: staff drafts, head submits, the coordinator returns it,
staff fixes it, head resubmits, the coordinator accepts. Each step checked as a person sees it."""

import pytest
from playwright.sync_api import expect

from reports.models import ReportStatus, TaskReport
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def open_report_from_home(page):
    page.get_by_role("link", name="1. Đẩy mạnh công tác thông tin, tuyên truyền").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Báo cáo kết quả thực hiện nhiệm vụ 1 — Năm 2026"
    )


def test_the_yearly_round_from_draft_to_accepted(before_deadline, page, world):
    report = world.report("ttkhcn", 1)

    # Staff sees what the unit owes and how long is left, and drafts the report.
    log_in(page, world.ttkhcn_staff)
    home = page.locator("main")
    expect(home).to_contain_text("Việc của Trung tâm Khoa học và Công nghệ năm 2026")
    expect(home).to_contain_text("còn 26 ngày")
    open_report_from_home(page)
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)  # staff cannot submit
    page.get_by_role("link", name="Soạn, sửa báo cáo").click()
    page.get_by_label("Kết quả đạt được").fill("Tổ chức 2 hội nghị quán triệt Kết luận 463-KL/TU.")
    page.get_by_label("Hội nghị, sự kiện, lớp tập huấn tổ chức").fill("2")
    page.get_by_label("Đang thực hiện").check()
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Kinh phí dự trù (đồng)").fill("15000000")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo.")
    expect(page.locator("main")).to_contain_text("15.000.000 đ")
    expect(page.locator(".status-draft")).to_have_text("Đang soạn")

    # The head submits: asked first, a refusal sends nothing, then confirmed.
    log_in(page, world.ttkhcn_head)
    open_report_from_home(page)
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status-draft")).to_have_text("Đang soạn")
    assert asked and asked[0].startswith("Gửi báo cáo nhiệm vụ 1 đến Phòng Quản lý Khoa học?")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo đến Phòng Quản lý Khoa học.")
    expect(page.locator(".status-submitted")).to_have_text("Đã gửi, chờ duyệt")

    # The coordinator finds it in the queue and returns it with a comment.
    log_in(page, world.coordinator)
    page.get_by_role("link", name="Duyệt báo cáo").click()
    page.get_by_role("link", name="1. Đẩy mạnh công tác thông tin, tuyên truyền").click()
    page.get_by_label("Ý kiến").fill("Đề nghị bổ sung số lượt người tham dự.")
    page.get_by_role("button", name="Trả lại").click()
    expect(page.locator(".messages")).to_contain_text("Đã trả lại báo cáo")
    expect(page.locator(".events")).to_contain_text("Đề nghị bổ sung số lượt người tham dự.")

    # Staff reads the comment, on the home page already, and fixes the report.
    log_in(page, world.ttkhcn_staff)
    expect(page.locator("main .notice-returned").first).to_contain_text(
        "Đề nghị bổ sung số lượt người tham dự."
    )
    open_report_from_home(page)
    expect(page.locator(".events")).to_contain_text("Đề nghị bổ sung số lượt người tham dự.")
    page.get_by_role("link", name="Soạn, sửa báo cáo").click()
    page.get_by_label("Lượt người tham dự").fill("350")
    page.get_by_label("Đã hoàn thành").check()
    page.get_by_label("Ngày hoàn thành").fill("15/10/2026")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator("table.indicators tr", has_text="Lượt người tham dự")).to_contain_text("350")

    # The head resubmits.
    log_in(page, world.ttkhcn_head)
    open_report_from_home(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status-submitted")).to_be_visible()

    # The coordinator accepts; the task is done on time and the report is read-only.
    log_in(page, world.coordinator)
    page.goto(f"/bao-cao/{report.pk}/")
    page.get_by_role("button", name="Chấp nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã chấp nhận báo cáo.")
    expect(page.locator(".state-done_on_time")).to_have_text("Hoàn thành đúng hạn")

    log_in(page, world.ttkhcn_staff)
    page.goto(f"/bao-cao/{report.pk}/")
    expect(page.get_by_role("link", name="Soạn, sửa báo cáo")).to_have_count(0)
    expect(page.locator(".events li")).to_have_count(
        7
    )  # opened, saved, submitted, returned, saved, submitted, accepted

    stored = TaskReport.objects.get(pk=report.pk)
    assert stored.status == ReportStatus.ACCEPTED
    assert [e.kind for e in stored.events.all()] == [
        "opened",
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "accepted",
    ]


def test_the_home_page_is_usable_on_a_phone(browser, live_server, world):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, world.ttkhcn_staff)
    # No horizontal scrolling: the page fits the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    open_report_from_home(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
