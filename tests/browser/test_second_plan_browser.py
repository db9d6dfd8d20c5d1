"""A plan of another shape, in Chromium, from the plan files alone: the Nghị quyết 57 plan reports
every six months to Văn phòng Sở. Its coordinator opens the year, a unit reports on the second
half, the coordinator accepts it, the year's consolidated report carries it, and closing a period
asks first."""

import datetime
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import ReportingPeriod, ReportStatus, TaskReport
from tasks.models import Plan, Role, Unit
from tasks.services import plan_load_file
from tests.factories import UserFactory
from tests.helpers import PLANS, plan_load_seed

from .test_report_round_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(db):
    plan_load_seed()
    plan_load_file(PLANS / "ke-hoach-nq57.json")

    def user(username, unit_code, role):
        return UserFactory(username=username, unit=Unit.objects.get(code=unit_code), role=role)

    return {
        "coordinator": user("vp.dieuphoi", "vp-so", Role.COORDINATOR),
        "staff": user("ttkhcn.canbo", "ttkhcn", Role.STAFF),
        "head": user("ttkhcn.giamdoc", "ttkhcn", Role.HEAD),
    }


@pytest.fixture
def late_november(time_machine):
    """20/11/2026: the first half's deadline (05/06) is past, the second's (05/12) ahead."""
    time_machine.move_to(
        datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
        tick=False,
    )


def test_a_six_monthly_plan_runs_its_cycle(late_november, page, people):
    plan = Plan.objects.get(code="kh-nq57")

    # The coordinator of Văn phòng Sở opens 2026: both halves.
    log_in(page, people["coordinator"])
    page.get_by_role("link", name="Kỳ báo cáo").click()
    page.locator("#id_plan").select_option(str(plan.pk))
    page.locator("#id_year").fill("2026")
    page.get_by_role("button", name="Mở các kỳ").click()
    messages = page.locator(".messages")
    expect(messages).to_contain_text("6 tháng đầu năm 2026")
    expect(messages).to_contain_text("6 tháng cuối năm 2026")
    second_half = ReportingPeriod.objects.get(plan=plan, key="2026-h2")
    report = TaskReport.objects.get(period=second_half, task__number="1", unit__code="ttkhcn")

    # The unit drafts its report on the second half; its head sends it to Văn phòng Sở.
    log_in(page, people["staff"])
    expect(page.locator("main")).to_contain_text("6 tháng cuối năm 2026")
    page.goto(f"/bao-cao/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("nhiệm vụ 1 — 6 tháng cuối năm 2026")
    page.get_by_role("link", name="Soạn, sửa báo cáo").click()
    page.get_by_label("Kết quả đạt được").fill("Đưa 12 tin, bài về Nghị quyết 57 lên cổng thông tin.")
    page.get_by_label("Đang thực hiện").check()
    page.get_by_label("Tiến độ (%)").fill("50")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo.")
    log_in(page, people["head"])
    page.goto(f"/bao-cao/{report.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text(
        "Đã gửi báo cáo đến Văn phòng Sở Khoa học và Công nghệ."
    )

    # The coordinator finds it in the queue and accepts it.
    log_in(page, people["coordinator"])
    page.get_by_role("link", name="Duyệt báo cáo").click()
    expect(page.locator("main")).to_contain_text("6 tháng cuối năm 2026")
    page.goto(f"/bao-cao/{report.pk}/")
    page.get_by_role("button", name="Chấp nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã chấp nhận báo cáo.")
    assert TaskReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED

    # The board of the second half counts it; the matrix lists the sub-tasks.
    page.get_by_role("link", name="Theo dõi", exact=True).click()
    page.locator("#loc-ky").select_option("2026-h2")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=2, name="kh-nq57 — 6 tháng cuối năm 2026")).to_be_visible()
    expect(page.locator("table.matrix thead")).to_contain_text("NV 4.1")

    # The half's and the year's consolidated reports, on the page and in Word and Excel.
    page.get_by_role("link", name="Báo cáo tổng hợp").click()
    expect(page.locator("main")).to_contain_text("6 tháng cuối năm 2026")
    page.goto(f"/tong-hop/{plan.pk}/2026/")
    expect(page.locator("main")).to_contain_text(
        "Trung tâm Khoa học và Công nghệ (phối hợp): [6 tháng cuối năm 2026] Đưa 12 tin, bài"
    )
    for key in ("2026-h2", "2026"):
        page.goto(f"/tong-hop/{plan.pk}/{key}/")
        with page.expect_download() as word:
            page.get_by_role("link", name="Tải Word (.docx)").click()
        text = "\n".join(p.text for p in Document(word.value.path()).paragraphs)
        assert "Đưa 12 tin, bài về Nghị quyết 57 lên cổng thông tin." in text
        with page.expect_download() as excel:
            page.get_by_role("link", name="Tải phụ lục Excel (.xlsx)").click()
        cells = [
            cell
            for sheet in load_workbook(io.BytesIO(excel.value.path().read_bytes()), read_only=True).worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        ]
        assert "6 tháng cuối năm 2026" in cells

    # Closing a period asks first: refused, it stays open; agreed, it closes.
    page.goto("/ky-bao-cao/")
    row = page.locator("tr", has_text="6 tháng đầu năm 2026")
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    row.get_by_role("button", name="Đóng kỳ").click()
    expect(row.get_by_role("button", name="Đóng kỳ")).to_be_visible()
    page.wait_for_load_state()
    assert asked and asked[0].startswith("Đóng kỳ 6 tháng đầu năm 2026 của kh-nq57?")
    assert ReportingPeriod.objects.get(plan=plan, key="2026-h1").is_open
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Đóng kỳ").click()
    expect(page.locator(".messages")).to_contain_text("Kỳ 6 tháng đầu năm 2026 của kh-nq57 đã đóng.")
    assert not ReportingPeriod.objects.get(plan=plan, key="2026-h1").is_open
