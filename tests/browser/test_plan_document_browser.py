"""A plan read from its Word document, in Chromium: the administrator uploads Kế hoạch 463's .docx,
maps the one body the registry does not know by that name (the Ban Tuyên giáo Tỉnh ủy, merged in
2025 into the Ban Tuyên giáo và Dân vận), confirms, opens the year and finds the plan on the board."""

import pytest
from playwright.sync_api import expect

from tasks.models import Assignment, Plan, Unit
from tasks.plan_document.services import IMPORT_REASON
from tests.factories import PASSWORD, UserFactory
from tests.tasks.plan_document.documents import docx_463, registry_from, seed_463

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry():
    data = seed_463()
    data["units"] = [row for row in data["units"] if row["code"] != "ban-tuyen-giao"]
    registry_from(data)
    return Unit.objects.create(code="ban-tgdv", name="Ban Tuyên giáo và Dân vận Tỉnh ủy", kind="party")


def test_the_administrator_imports_a_plan_from_its_document_and_finds_it_on_the_board(
    before_deadline, page, registry, tmp_path
):
    document = tmp_path / "ke-hoach-463.docx"
    document.write_bytes(docx_463())
    UserFactory(username="quantri", unit=None, role="admin", is_staff=True, is_superuser=True)

    page.goto("/admin/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Kế hoạch", exact=True).first.click()
    page.get_by_role("link", name="Nhập từ văn bản (.docx)").click()

    # Upload: the draft, nothing saved yet.
    page.get_by_label("Tệp văn bản kế hoạch (.docx)").set_input_files(str(document))
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản nháp kế hoạch đọc từ văn bản")
    main = page.locator("#content-main")
    expect(main).to_contain_text("5 nhiệm vụ")
    expect(main).to_contain_text("Đẩy mạnh công tác thông tin, tuyên truyền")
    expect(main).to_contain_text("“Trong quý I/2024”")
    expect(main).to_contain_text("“Ban Tuyên giáo Tỉnh ủy” — chưa khớp")
    page.screenshot(path=str(tmp_path / "ban-nhap.png"), full_page=True)
    assert not Plan.objects.exists()

    # The one unknown name is mapped to the body that carries it on.
    page.get_by_label("Đơn vị cho “Ban Tuyên giáo Tỉnh ủy”").select_option(
        label="Ban Tuyên giáo và Dân vận Tỉnh ủy (ban-tgdv)"
    )
    page.get_by_role("button", name="Xác nhận nhập kế hoạch").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Đã nhập kế hoạch kh-463 từ văn bản “ke-hoach-463.docx”"
    )
    plan = Plan.objects.get(code="kh-463")
    assert Assignment.objects.filter(
        task__plan=plan, task__number="1", unit=registry, role="partner"
    ).exists()
    assert plan.history.get().history_change_reason == IMPORT_REASON

    # The year opened, the plan is on the board.
    page.goto("/ky-bao-cao/")
    page.locator("#id_plan").select_option(str(plan.pk))
    page.locator("#id_year").fill("2026")
    page.get_by_role("button", name="Mở các kỳ").click()
    expect(page.locator(".messages")).to_contain_text("Đã mở kỳ năm 2026")
    page.goto("/theo-doi/")
    expect(page.locator("main")).to_contain_text("kh-463 — Năm 2026")
    expect(page.locator("table.matrix")).to_contain_text("Trung tâm Khoa học và Công nghệ")
