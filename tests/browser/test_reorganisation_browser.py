"""The administrator reorganises a unit in the admin, in Chromium: the action on the unit list, the
successor and the date, the preview in words, the confirmation; then the coordinator's board shows
the new centre owing the old one's part, and the old centre's sent report "(nay là …)"."""

import pytest
from playwright.sync_api import expect

from reports.models import ReportStatus, TaskReport
from tasks.models import Unit, UnitKind
from tests.browser.test_report_round_browser import log_in
from tests.factories import PASSWORD
from tests.helpers import report_in, report_save

pytestmark = pytest.mark.django_db(transaction=True)

OLD = "Trung tâm Khoa học và Công nghệ"
NEW = "Trung tâm Ứng dụng và Đổi mới sáng tạo"


def test_the_administrator_replaces_a_centre_and_the_board_follows(before_deadline, page, world):
    # Given the centre has sent its task 3 report and drafted its task 1 report
    Unit.objects.create(code="ttud", name=NEW, kind=UnitKind.CENTRE)
    report_in(world, ReportStatus.SUBMITTED, "ttkhcn", 3)
    report_save(world.report("ttkhcn", 1), world.ttkhcn_staff, results="Nháp của Trung tâm cũ.")

    page.goto("/admin/")
    page.get_by_label("Tên đăng nhập").fill(world.admin.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Đơn vị", exact=True).click()

    # When the administrator chooses the centre and the action
    page.locator("tr", has_text=OLD).first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(
        label="Tổ chức lại các đơn vị đã chọn (xem trước rồi xác nhận)"
    )
    page.locator("button[name=index]").click()
    page.get_by_label(f"Đơn vị kế thừa của {OLD}").select_option(label=NEW)
    page.get_by_label("Đơn vị kế thừa tiếp nhận từ ngày").fill("01/07/2026")
    page.get_by_role("button", name="Xem trước").click()

    # Then the preview says what would change, and nothing has changed yet
    main = page.locator("#content-main")
    expect(main).to_contain_text(f"{OLD} kết thúc hoạt động ngày 30/06/2026; đơn vị kế thừa: {NEW}.")
    expect(main).to_contain_text(f"Nhiệm vụ 1 (kh-463): phân công chủ trì của {OLD} chuyển sang {NEW}.")
    expect(main).to_contain_text("Kỳ đang mở: giữ 1 báo cáo đã gửi dưới tên đơn vị cũ")
    assert Unit.objects.get(code="ttkhcn").valid_to is None

    # When it is confirmed
    page.get_by_role("button", name="Xác nhận tổ chức lại").click()
    expect(page.locator(".messagelist")).to_contain_text("Đã tổ chức lại 1 đơn vị.")
    draft = TaskReport.objects.get(period=world.period, task__number="1", role="lead")
    assert (draft.unit.code, draft.results) == ("ttud", "Nháp của Trung tâm cũ.")

    # Then the coordinator's board lists the new centre, and the old one under its name, now the new
    log_in(page, world.coordinator)
    page.get_by_role("link", name="Theo dõi", exact=True).click()
    matrix = page.locator("table.matrix")
    expect(matrix.locator("th", has_text=NEW).first).to_be_visible()
    expect(matrix).to_contain_text(f"{OLD} (nay là {NEW})")
