"""`manage.py import_plan`: the draft shown, nothing saved without --confirm, names mapped, created or
skipped, and the same plan never loaded twice."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tasks.models import Assignment, LegalDocument, Plan, PlanDuty, Task, Unit
from tasks.plan_document.services import plan_document_import, plan_document_read
from tests.factories import PlanFactory
from tests.helpers import plan_load_seed, rows

from .documents import docx_463, docx_table_plan, registry_from, seed_463, table_plan_rows

pytestmark = pytest.mark.django_db

TABLES = (Unit, Plan, Task, Assignment, LegalDocument, PlanDuty)


@pytest.fixture
def file_463(tmp_path):
    registry_from(seed_463())
    path = tmp_path / "ke-hoach-463.docx"
    path.write_bytes(docx_463())
    return path


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import_plan", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_the_command_shows_the_draft_and_saves_nothing_without_confirm(file_463):
    before = rows(*TABLES)

    shown = _run(file_463)

    assert rows(*TABLES) == before
    for words in (
        "Bản nháp kế hoạch đọc từ “ke-hoach-463.docx” (nhiệm vụ viết thành đoạn văn)",
        "Số, ký hiệu: /KH-SKHCN",
        "Kết luận số 463-KL/TU ngày 17/11/2023:",
        "Công văn số 1394/UBND-KGVX ngày 05/02/2024:",
        "1. Đẩy mạnh công tác thông tin, tuyên truyền",
        "Chủ trì (nguyên văn): Phòng Quản lý Khoa học phối hợp với Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai.",
        "Thời hạn: “Trong quý I/2024” → Một thời hạn cố định: 31/03/2024",
        "Thời hạn: “Hàng năm” → Hằng năm vào một ngày: 15/11 [đoán:",
        "Kỳ báo cáo: Hằng năm, hạn ngày 15/11 hằng năm",
        "Người ký: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC — Đoàn Tấn Đạt",
        "- Liên Hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai (để phối hợp);",
        "Tên đơn vị chưa khớp hoặc cần xem lại (1)",
        "“địa phương” → Ủy ban nhân dân các huyện, thành phố (nhom-ubnd-cap-huyen) [khớp nhưng cần xem lại",
        "Chưa lưu gì.",
    ):
        assert words in shown


def test_the_same_file_imported_twice_makes_one_plan(file_463):
    assert "Đã nhập kế hoạch kh-463: 5 nhiệm vụ, 26 phân công, 2 văn bản căn cứ." in _run(
        file_463, "--confirm"
    )
    after_first = rows(*TABLES)

    shown = _run(file_463)
    assert "Kế hoạch này đã được nạp (kh-463: Kế hoạch Tổ chức thực hiện Kết luận số 463" in shown
    with pytest.raises(CommandError, match="đã được nạp"):
        _run(file_463, "--confirm")

    assert rows(*TABLES) == after_first
    assert Plan.objects.count() == 1


def test_a_plan_loaded_from_its_plan_file_is_found_in_its_document(tmp_path):
    plan_load_seed()
    path = tmp_path / "ke-hoach-463.docx"
    path.write_bytes(docx_463())
    before = rows(*TABLES)

    with pytest.raises(CommandError, match=r"Kế hoạch này đã được nạp \(kh-463"):
        _run(path, "--confirm")
    assert rows(*TABLES) == before


def test_a_confirmed_draft_confirmed_again_is_refused(file_463):
    draft = plan_document_read(file_463.read_bytes(), file_463.name)
    plan_document_import(draft=draft)
    with pytest.raises(ValidationError, match="đã được nạp"):
        plan_document_import(draft=draft)
    assert Plan.objects.count() == 1


def test_a_plan_code_already_taken_gets_another(file_463):
    PlanFactory(code="kh-463", title="Một kế hoạch khác", issued_year=2020)
    assert plan_document_read(file_463.read_bytes(), file_463.name).code == "kh-463-2"


def test_names_not_matched_stop_the_import_until_they_are_mapped_created_or_skipped(tmp_path):
    registry_from(seed_463())
    path = tmp_path / "ke-hoach-125.docx"
    path.write_bytes(docx_table_plan(table_plan_rows(10, unknown_every=4)))
    before = rows(*TABLES)

    with pytest.raises(CommandError) as refused:
        _run(path, "--confirm")
    assert "chưa chọn đơn vị cho: “Bộ Chính trị”; “Sở Tài chính”; “Sở Văn hóa, Thể thao và Du lịch”" in str(
        refused.value
    )
    assert rows(*TABLES) == before

    shown = _run(
        path,
        "--confirm",
        "--map",
        "so tai chinh=ubnd-tinh",
        "--new",
        "Sở Văn hóa, Thể thao và Du lịch=department",
        "--new",
        "Bộ Chính trị=party",
        "--skip",
        "Công an tỉnh",
    )
    assert "Đã nhập kế hoạch kh-125-2025: 10 nhiệm vụ" in shown
    plan = Plan.objects.get(code="kh-125-2025")
    assert Unit.objects.get(name="Sở Văn hóa, Thể thao và Du lịch").kind == "department"
    assert Assignment.objects.filter(task__plan=plan, task__number="1", unit__code="ubnd-tinh").exists()


def test_an_unknown_unit_code_or_kind_is_refused_in_words(file_463):
    with pytest.raises(CommandError, match="không có đơn vị mã “khong-co”"):
        _run(file_463, "--map", "địa phương=khong-co")
    with pytest.raises(CommandError, match="loại đơn vị “tinh” không có"):
        _run(file_463, "--new", "địa phương=tinh")


def test_a_plan_of_another_number_or_year_is_another_plan(tmp_path):
    registry_from(seed_463())
    draft = plan_document_read(docx_table_plan(table_plan_rows(3)), "ke-hoach-125.docx")
    assert (draft.number, draft.issued_year) == ("125/KH-SKHCN", 2025)

    PlanFactory(code="kh-khac-so", number="126/KH-SKHCN", issued_year=2025, title=draft.title)
    PlanFactory(code="kh-nam-truoc", number="125/KH-SKHCN", issued_year=2024, title=draft.title)
    assert plan_document_read(docx_table_plan(table_plan_rows(3)), "ke-hoach-125.docx").existing_plan == ""

    PlanFactory(code="kh-cung-so", number="125/KH-SKHCN", issued_year=2025, title="Tên khác")
    assert plan_document_read(
        docx_table_plan(table_plan_rows(3)), "ke-hoach-125.docx"
    ).existing_plan.startswith("kh-cung-so: ")
