"""Other shapes the reader understands: sub-tasks 4.1 in prose, "Chủ trì: …; phối hợp: …" on one
line, a numbered list inside a task's text, a table with a title row, a two-row header, a row
numbering the columns, a group row and a row continuing the task above."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tasks.plan_document.services import plan_document_read

from .documents import registry_from, seed_463

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def registry():
    return registry_from(seed_463())


def _document(build) -> bytes:
    document = Document()
    document.add_paragraph("Số: 07/KH-SKHCN")
    document.add_paragraph("Đồng Nai, ngày 05 tháng 01 năm 2026")
    document.add_paragraph().add_run("KẾ HOẠCH").bold = True
    document.add_paragraph().add_run("Chuyển đổi số năm 2026").bold = True
    document.add_paragraph("Sở Khoa học và Công nghệ ban hành Kế hoạch như sau:")
    build(document)
    document.add_paragraph().add_run("IV. TỔ CHỨC THỰC HIỆN").bold = True
    document.add_paragraph(
        "Các phòng, đơn vị thuộc Sở báo cáo kết quả 6 tháng (trước ngày 05/6) và hằng năm (trước ngày 05/12) về "
        "Văn phòng Sở để tổng hợp, báo cáo UBND tỉnh."
    )
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Lưu: VT.")
    document.add_paragraph().add_run("GIÁM ĐỐC").bold = True
    document.add_paragraph("Nguyễn Văn Giám")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_prose_with_sub_tasks_and_lines_of_every_kind():
    def build(document):
        document.add_paragraph().add_run("II. NHIỆM VỤ, GIẢI PHÁP").bold = True
        document.add_paragraph("1. Số hóa hồ sơ")
        document.add_paragraph("Số hóa toàn bộ hồ sơ khoa học và công nghệ, gồm:")
        document.add_paragraph("1) hồ sơ nhiệm vụ;")
        document.add_paragraph("2) hồ sơ đề tài.")
        document.add_paragraph("- Chủ trì: Trung tâm KH&CN; phối hợp: Phòng QLKH.")
        document.add_paragraph("- Tiến độ: Quý II/2026")
        document.add_paragraph("- Sản phẩm: Cơ sở dữ liệu hồ sơ")
        document.add_paragraph("2. Phát triển doanh nghiệp khoa học và công nghệ")
        document.add_paragraph("2.1. Khảo sát doanh nghiệp")
        document.add_paragraph("Đơn vị chủ trì: Phòng Quản lý Chuyên ngành, Phòng Quản lý Khoa học.")
        document.add_paragraph("Thời hạn: Trước ngày 30/6/2026.")
        document.add_paragraph("2.2. Hỗ trợ doanh nghiệp")
        document.add_paragraph("Đơn vị chủ trì: Phòng Quản lý Chuyên ngành.")
        document.add_paragraph("Đơn vị phối hợp: các doanh nghiệp, tổ chức, cá nhân.")

    draft = plan_document_read(_document(build), "ke-hoach-07.docx")

    assert [task.number for task in draft.tasks] == ["1", "2", "2.1", "2.2"]
    first, second, survey, support = draft.tasks
    assert (first.title, first.title_guessed) == ("Số hóa hồ sơ", False)
    assert first.content == (
        "Số hóa toàn bộ hồ sơ khoa học và công nghệ, gồm:\n1) hồ sơ nhiệm vụ;\n2) hồ sơ đề tài.\n"
        "Sản phẩm: Cơ sở dữ liệu hồ sơ"
    )
    assert (first.lead_text, first.partner_text) == ("Trung tâm KH&CN", "Phòng QLKH.")
    assert ([m.unit for m in first.leads], [m.unit for m in first.partners]) == (["ttkhcn"], ["qlkh"])
    assert (first.deadline.text, first.deadline.kind, first.deadline.due_date) == (
        "Quý II/2026",
        "fixed",
        "2026-06-30",
    )
    assert (second.title, second.content, second.leads) == (
        "Phát triển doanh nghiệp khoa học và công nghệ",
        "Phát triển doanh nghiệp khoa học và công nghệ",
        [],
    )
    assert [m.unit for m in survey.leads] == ["qlcn", "qlkh"]  # co-leads
    assert (survey.deadline.text, survey.deadline.due_date) == ("Trước ngày 30/6/2026", "2026-06-30")
    assert [m.unit for m in support.partners] == ["nhom-doanh-nghiep"]
    # The plan reports every six months, by 05/06 and 05/12; to Văn phòng Sở, which the registry
    # of Kế hoạch 463 does not hold: said, not guessed.
    assert (draft.schedule, draft.report_day, draft.report_month_offset) == ("half_yearly", 5, 0)
    assert (draft.number, draft.issued_on) == ("07/KH-SKHCN", "2026-01-05")


def test_a_table_with_a_title_row_a_two_row_header_a_numbering_row_and_a_continued_row():
    def build(document):
        document.add_paragraph().add_run("II. NHIỆM VỤ CỤ THỂ").bold = True
        table = document.add_table(rows=0, cols=5)
        title = table.add_row().cells
        title[0].merge(title[-1]).text = "DANH MỤC NHIỆM VỤ NĂM 2026"
        top, sub = table.add_row().cells, table.add_row().cells
        for index, text in enumerate(["STT", "Nội dung công việc"]):
            top[index].merge(sub[index]).text = text
        top[2].merge(top[3]).text = "Đơn vị thực hiện"
        sub[2].text, sub[3].text = "Chủ trì", "Phối hợp"
        top[4].merge(sub[4]).text = "Thời gian hoàn thành"
        for cell, text in zip(table.add_row().cells, ["(1)", "(2)", "(3)", "(4)", "(5)"], strict=True):
            cell.text = text
        rows = [
            ["I", "DỮ LIỆU KHOA HỌC", "", "", ""],
            ["1", "Xây dựng kho dữ liệu", "Trung tâm Khoa học và Công nghệ", "Phòng QLKH", "Năm 2026"],
            ["", "gồm dữ liệu nhiệm vụ và đề tài.", "", "", ""],
            ["1.1", "Chuẩn hóa dữ liệu", "Phòng QLKH", "", "Quý III/2026"],
        ]
        for values in rows:
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text

    draft = plan_document_read(_document(build), "ke-hoach-07.docx")

    assert draft.shape == "table"
    assert [task.number for task in draft.tasks] == ["1", "1.1"]
    store, clean = draft.tasks
    assert store.content == "Xây dựng kho dữ liệu\ngồm dữ liệu nhiệm vụ và đề tài."
    assert store.group == clean.group == "I DỮ LIỆU KHOA HỌC"
    assert ([m.unit for m in store.leads], [m.unit for m in store.partners]) == (["ttkhcn"], ["qlkh"])
    assert (store.deadline.text, clean.deadline.text, clean.deadline.due_date) == (
        "Năm 2026",
        "Quý III/2026",
        "2026-09-30",
    )
