"""The consolidated report, once issued, stays as issued (issue 15), in Chromium: the coordinator
issues the 2026 report with its number, date and signer, then reopens a unit report whose result the
report carries; the issued report, its page and its Word file, are unchanged. A corrected report is
a new edition, and the list shows both."""

import datetime
import io

import pytest
from docx import Document
from playwright.sync_api import expect

from reports.models import Completion, ConsolidatedReport
from tasks.models import Plan
from tests.conftest import world_build
from tests.helpers import plan_load_seed, report_in

from .test_report_round_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

RESULT = "Tổ chức 2 hội nghị quán triệt, đăng 12 tin bài."


@pytest.fixture
def world(db, time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
        tick=False,
    )
    plan_load_seed()
    world = world_build(Plan.objects.get(code="kh-463"))
    report_in(
        world,
        "accepted",
        "ttkhcn",
        1,
        results=RESULT,
        completion=Completion.DONE,
        completed_on=datetime.date(2026, 10, 1),
    )
    return world


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_an_issued_report_is_unchanged_after_a_unit_report_is_reopened(world, page):
    detail = f"/tong-hop/{world.plan.pk}/{world.period.key}/"
    log_in(page, world.coordinator)
    page.goto(detail)
    expect(page.locator("article.document")).to_contain_text(RESULT)

    # Issue it: number, date and signer.
    page.get_by_role("link", name="Đánh dấu đã ban hành").click()
    page.get_by_label("Số").fill("415")
    page.get_by_label("Ngày ký").fill("20/11/2026")
    page.get_by_label("Họ tên người ký").fill("Đoàn Tấn Đạt")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Đánh dấu đã ban hành").click()
    expect(page.locator("#issued-note")).to_contain_text("Đã ban hành: số 415/BC-SKHCN, ngày 20/11/2026")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Word đã ban hành (.docx)").click()
    issued_word = download.value.path().read_bytes()
    header = Document(io.BytesIO(issued_word)).tables[0].rows[0].cells[0].text
    assert "Số: 415/BC-SKHCN" in header
    assert RESULT in _docx_text(issued_word)

    # Reopen the unit report the report carries.
    report = world.report("ttkhcn", 1)
    page.goto(f"/bao-cao/{report.pk}/")
    page.locator("#id_comment").fill("Cần cập nhật số liệu.")
    page.get_by_role("button", name="Mở lại để đơn vị sửa").click()
    expect(page.locator(".messages")).to_be_visible()

    # The issued report is as it was: its page and its Word file.
    page.goto(detail)
    expect(page.locator("#issued-note")).to_be_visible()
    expect(page.locator("article.document")).to_contain_text(RESULT)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Word đã ban hành (.docx)").click()
    assert download.value.path().read_bytes() == issued_word
    issued = ConsolidatedReport.objects.get(plan=world.plan, scope=world.period.key)
    assert bytes(issued.docx_file) == issued_word

    # A corrected report is a new edition; the issued one is kept and listed.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Soạn bản sửa đổi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Soạn báo cáo tổng hợp")
    page.goto("/tong-hop/")
    row = page.locator("tr", has_text=world.period.name).first
    expect(row).to_contain_text("Lần 2: đang soạn")
    expect(row).to_contain_text("Lần 1: đã ban hành, số 415/BC-SKHCN, ngày 20/11/2026")
    # The unit report, reopened, no longer feeds the edition being prepared.
    page.goto(detail)
    expect(page.locator("article.document")).not_to_contain_text(RESULT)
