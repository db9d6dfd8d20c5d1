"""Indicators in Chromium: a unit reports 83,4% against a target of 80% and sees it exceeded; the
coordinator sees the same on the board, filters the tasks whose indicators are not met, and reads
the target and the value in the consolidated report's Word file."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from tasks.models import Indicator, IndicatorAggregation, IndicatorTarget, TargetScope
from tests.browser.test_report_round_browser import log_in, open_report_from_home

pytestmark = pytest.mark.django_db(transaction=True)

SHARE = "Tỷ lệ hồ sơ trực tuyến toàn trình"


def test_a_unit_exceeds_its_target_and_the_coordinator_sees_it(before_deadline, page, world):
    # Given task 1 with a share each unit must reach: at least 80% in 2026
    share = Indicator.objects.create(
        task=world.plan.tasks.get(number="1"),
        name=SHARE,
        unit_of_measure="%",
        decimals=1,
        is_share=True,
        aggregation=IndicatorAggregation.EACH_UNIT,
        order=10,
    )
    IndicatorTarget.objects.create(indicator=share, scope=TargetScope.YEAR, year=2026, value=80)

    # The staff sees the target beside the field and types 83,4 the Vietnamese way
    log_in(page, world.ttkhcn_staff)
    open_report_from_home(page)
    page.get_by_role("link", name="Soạn, sửa báo cáo").click()
    field = page.get_by_label(SHARE)
    expect(page.locator(".field", has=field)).to_contain_text("Mức chỉ tiêu: 80,0 % (năm 2026)")
    page.get_by_label("Kết quả đạt được").fill("Đưa 83,4% hồ sơ lên trực tuyến toàn trình.")
    page.get_by_label("Đang thực hiện").check()
    page.get_by_label("Tiến độ (%)").fill("60")
    field.fill("83,4")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo.")

    # and reads, on the report, the target, its value and "vượt"
    row = page.locator("table.indicators tr", has_text=SHARE)
    expect(row).to_contain_text("80,0")
    expect(row).to_contain_text("83,4")
    expect(row.locator(".verdict")).to_have_text("vượt")

    # A value over 100% is refused in words beside the field, and nothing is saved
    page.get_by_role("link", name="Soạn, sửa báo cáo").click()
    page.get_by_label(SHARE).fill("104,5")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".field", has=page.get_by_label(SHARE))).to_contain_text(
        "Tỷ lệ phần trăm không vượt quá 100."
    )

    # The head sends the report
    log_in(page, world.ttkhcn_head)
    open_report_from_home(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status-submitted")).to_be_visible()

    # The coordinator sees it on the board: the share exceeded, the counts without data yet
    log_in(page, world.coordinator)
    page.get_by_role("link", name="Theo dõi", exact=True).click()
    indicators = page.locator("#chi-tieu")
    row = indicators.locator("tr", has_text=SHARE)
    expect(row).to_contain_text("83,4")
    expect(row.locator(".verdict")).to_have_text("vượt")

    # and the filter "Chưa đạt chỉ tiêu" shows no task: none falls short
    page.get_by_label("Chỉ tiêu", exact=True).select_option(label="Chưa đạt chỉ tiêu")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("main")).to_contain_text("Không có đơn vị nào khớp bộ lọc.")

    # The plan's indicator page shows the trend: 83,4 of 80,0 in 2026, exceeded
    page.goto(f"/ke-hoach/{world.plan.pk}/chi-tieu/")
    trend = page.locator("table.indicators tr", has_text=SHARE)
    expect(trend).to_contain_text("83,4 / 80,0")
    expect(trend.locator(".verdict")).to_have_text("vượt")

    # The consolidated report's Word file, downloaded, gives task 1 its target, value and verdict
    page.goto(f"/tong-hop/{world.plan.pk}/{world.period.key}/")
    expect(page.locator("article.document")).to_contain_text(f"{SHARE}: chỉ tiêu 80,0 %, thực hiện 83,4 %")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Word (.docx)").click()
    word = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    assert f"{SHARE}: chỉ tiêu 80,0 %, thực hiện 83,4 % (vượt)" in text
