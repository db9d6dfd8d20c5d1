"""What people are told, in Chromium: the mail of each step of a report (Django's locmem outbox,
filled by the live server once each step commits), the page "Thông báo", each confirmation asked
before a costly step, and the coordinator's menu on a 390 px phone.

Screenshots of the pages go to var/screenshots/ (to look at, not compared)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from reports.calendar.services import calendar_token_issue
from reports.models import ReportingPeriod, ReportStatus
from tasks.models import User
from tests.factories import PASSWORD
from tests.helpers import report_in

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = settings.BASE_DIR / "var" / "screenshots"


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def addressed(world):
    for user in User.objects.all():
        user.email = f"{user.username}@donvi.example"
        user.save(update_fields=["email"])
    return world


def mails_since(outbox, start):
    return {(address, message.subject) for message in outbox[start:] for address in message.to}


def recipients_since(outbox, start):
    return {address for message in outbox[start:] for address in message.to}


def test_each_step_is_mailed_to_the_people_concerned_with_a_link(
    before_deadline, page, addressed, mailoutbox
):
    world = addressed
    report = report_in(
        world, "draft", "ttkhcn", 1, escalate=True, difficulties="Thiếu kinh phí tổ chức hội thảo."
    )
    link = f"/bao-cao/{report.pk}/"

    # The head sends: the coordinator is told.
    log_in(page, world.ttkhcn_head)
    page.goto(link)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo đến Phòng Quản lý Khoa học.")
    assert recipients_since(mailoutbox, 0) == {"dieuphoi@donvi.example"}
    assert link in mailoutbox[-1].body

    # The coordinator returns it: the unit's staff and head are told, with the reason.
    sent = len(mailoutbox)
    log_in(page, world.coordinator)
    page.goto(link)
    page.get_by_label("Ý kiến").fill("Đề nghị bổ sung số lượt người tham dự.")
    page.get_by_role("button", name="Trả lại").click()
    expect(page.locator(".messages")).to_contain_text("Đã trả lại báo cáo")
    assert recipients_since(mailoutbox, sent) == {
        "ttkhcn.canbo@donvi.example",
        "ttkhcn.giamdoc@donvi.example",
    }
    assert all("Đề nghị bổ sung số lượt người tham dự." in m.body for m in mailoutbox[sent:])

    # Staff reads it on the page "Thông báo".
    log_in(page, world.ttkhcn_staff)
    page.get_by_role("link", name="Thông báo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông báo")
    expect(page.locator("main tbody")).to_contain_text("Đề nghị bổ sung số lượt người tham dự.")
    expect(page.locator("main tbody .status-new").first).to_have_text("mới")
    shot(page, "notifications-1366")

    # Resent, then accepted: the unit is told.
    log_in(page, world.ttkhcn_head)
    page.goto(link)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status-submitted")).to_be_visible()
    sent = len(mailoutbox)
    log_in(page, world.coordinator)
    page.goto(link)
    page.get_by_role("button", name="Chấp nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã chấp nhận báo cáo.")
    assert mails_since(mailoutbox, sent) == {
        (address, mailoutbox[-1].subject)
        for address in ("ttkhcn.canbo@donvi.example", "ttkhcn.giamdoc@donvi.example")
    }
    assert "đã được chấp nhận" in mailoutbox[-1].subject

    # The Director directs: the unit and the coordinator are told.
    sent = len(mailoutbox)
    log_in(page, world.leadership)
    page.goto(link)
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Kế hoạch Tài chính bố trí kinh phí.")
    page.get_by_role("button", name="Ghi ý kiến chỉ đạo").click()
    expect(page.locator(".direction")).to_contain_text("Giao Phòng Kế hoạch Tài chính bố trí kinh phí.")
    assert recipients_since(mailoutbox, sent) == {
        "ttkhcn.canbo@donvi.example",
        "ttkhcn.giamdoc@donvi.example",
        "dieuphoi@donvi.example",
    }

    # Staff turns the mails off; the coordinator reopens: only the head is told.
    log_in(page, world.ttkhcn_staff)
    page.get_by_role("link", name="Thông báo").click()
    page.get_by_role("link", name="Cài đặt thông báo").click()
    page.get_by_label("Nhận thư thông báo").uncheck()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("sẽ không nhận thư thông báo")
    sent = len(mailoutbox)
    log_in(page, world.coordinator)
    page.goto(link)
    page.get_by_label("Ý kiến").fill("Cần cập nhật số liệu quý IV.")
    page.get_by_role("button", name="Mở lại để đơn vị sửa").click()
    expect(page.locator(".messages")).to_contain_text("Đã mở lại báo cáo")
    assert recipients_since(mailoutbox, sent) == {"ttkhcn.giamdoc@donvi.example"}
    assert "mở lại" in mailoutbox[-1].subject


def test_each_costly_step_asks_first(before_deadline, page, world):
    # Closing a period: refused, nothing changes; agreed, it closes.
    log_in(page, world.coordinator)
    page.goto("/ky-bao-cao/")
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.get_by_role("button", name="Đóng kỳ").first.click()
    expect(page.get_by_role("button", name="Đóng kỳ").first).to_be_visible()
    assert asked and asked[0].startswith("Đóng kỳ Năm 2026 của kh-463?")
    assert ReportingPeriod.objects.get(pk=world.period.pk).is_open
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Đóng kỳ").first.click()
    expect(page.locator(".messages")).to_contain_text("đã đóng")
    assert not ReportingPeriod.objects.get(pk=world.period.pk).is_open
    page.get_by_role("button", name="Mở lại kỳ").first.click()  # reopening asks nothing
    expect(page.locator(".messages")).to_contain_text("mở lại")

    # Sending a report: refused, it stays a draft.
    report = report_in(world, "draft", "ttkhcn", 1)
    log_in(page, world.ttkhcn_head)
    page.goto(f"/bao-cao/{report.pk}/")
    page.once("dialog", refuse)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status-draft")).to_be_visible()
    assert asked[-1].startswith("Gửi báo cáo nhiệm vụ 1 đến Phòng Quản lý Khoa học?")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT

    # A new calendar address: refused, the address in use stays valid; agreed, it is replaced.
    calendar_token_issue(user=world.ttkhcn_head)
    token = User.objects.get(pk=world.ttkhcn_head.pk).calendar_token
    page.goto("/lich/")
    renew = page.get_by_role("button", name="Cấp địa chỉ mới (hủy địa chỉ cũ)")
    page.once("dialog", refuse)
    renew.click()
    expect(renew).to_be_visible()
    assert asked[-1].startswith("Cấp địa chỉ lịch mới?")
    assert User.objects.get(pk=world.ttkhcn_head.pk).calendar_token == token
    page.once("dialog", lambda dialog: dialog.accept())
    renew.click()
    expect(page.get_by_role("link", name="Mở trong ứng dụng lịch")).to_be_visible()
    assert User.objects.get(pk=world.ttkhcn_head.pk).calendar_token != token


def test_the_coordinators_menu_folds_on_a_phone_and_the_board_stays_usable(
    before_deadline, browser, live_server, world
):
    report_in(world, "submitted", "ttkhcn", 1)
    report_in(world, "returned", "qlcn", 3)
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, world.coordinator)
        navigation = page.get_by_role("navigation", name="Điều hướng chính")
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(navigation).to_be_hidden()
        header = page.locator("header.topbar").bounding_box()
        assert header["height"] < 120, header
        shot(page, "home-390")

        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(navigation).to_be_visible()
        shot(page, "menu-390")
        navigation.get_by_role("link", name="Theo dõi").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bảng theo dõi thực hiện kế hoạch")
        expect(navigation).to_be_hidden()

        # The page does not run wider than the phone; the matrix scrolls inside its own box.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        matrix = page.locator("table.matrix")
        expect(matrix).to_be_visible()
        expect(matrix.locator("tbody tr").first.locator("th")).to_be_visible()
        cell = matrix.locator("a.state").first
        cell.scroll_into_view_if_needed()
        cell.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo kết quả thực hiện nhiệm vụ")
        shot(page, "report-390")
        page.goto("/theo-doi/")
        shot(page, "board-390")
    finally:
        context.close()


def test_screenshots_at_1366(before_deadline, page, world):
    report = report_in(world, "returned", "ttkhcn", 1)
    report_in(world, "submitted", "qlcn", 3)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, world.coordinator)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
    shot(page, "home-coordinator-1366")
    page.goto("/theo-doi/")
    shot(page, "board-1366")
    log_in(page, world.ttkhcn_staff)
    shot(page, "home-staff-1366")
    page.goto(f"/bao-cao/{report.pk}/")
    shot(page, "report-1366")
    page.goto(f"/bao-cao/{report.pk}/sua/")
    expect(page.get_by_label("Thêm tệp khi lưu")).to_be_visible()
    shot(page, "report-edit-1366")
