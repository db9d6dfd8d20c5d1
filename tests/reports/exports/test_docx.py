"""The consolidated report as a Word document in the administrative format of Nghị định 30/2020/NĐ-CP:
read back with python-docx, then printed by LibreOffice to check what a reader of the PDF sees."""

import dataclasses
import datetime
import io
import os
import shutil
import subprocess

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from reports.exports.document import AppendixRow, ReportDocument, TaskPart
from reports.exports.docx import document_docx

HOSTILE = '=HYPERLINK("http://example.com")'
SUBJECT = (
    "Kết quả thực hiện Kế hoạch thực hiện Kết luận số 463-KL/TU ngày 17/11/2023 của Thường trực "
    "Tỉnh ủy về đẩy mạnh phát triển khoa học, công nghệ, đổi mới sáng tạo năm 2026"
)
ROMAN_HEADINGS = [
    "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI",
    "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
    "III. ĐÁNH GIÁ CHUNG",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027",
    "V. KIẾN NGHỊ, ĐỀ XUẤT",
]
TTKHCN = "Trung tâm Khoa học và Công nghệ"
QLKH = "Phòng Quản lý Khoa học"
QLCN = "Phòng Quản lý Chuyên ngành"
LHH = "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai"
MTTQ = "Ủy ban MTTQ Việt Nam tỉnh"
STATES = [
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang thực hiện trong hạn",
    "Đang thực hiện quá hạn",
    "Chưa thực hiện",
]
TITLES = {
    1: "Đẩy mạnh công tác thông tin, tuyên truyền",
    2: "Rà soát quy định, xây dựng chính sách đãi ngộ cho chuyên gia, trí thức khoa học và công nghệ",
    3: "Hỗ trợ đổi mới công nghệ, thương mại hóa kết quả nghiên cứu khoa học và phát triển công nghệ",
    4: "Hằng năm đặt hàng Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh và các Hội thành viên",
    5: "Hỗ trợ, nêu nhu cầu nghiên cứu khoa học và công nghệ của tỉnh",
}


def tasks() -> list[TaskPart]:
    groups = ["các sở, ban, ngành", "UBND các huyện, thành phố"]
    first = (
        "Trung tâm Khoa học và Công nghệ (chủ trì): Tổ chức 2 hội nghị quán triệt.\n\n"
        "Đăng 12 tin, bài trên Cổng thông tin điện tử của Sở."
    )
    return [
        TaskPart(1, TITLES[1], [TTKHCN], [LHH, MTTQ, *groups], "Thường xuyên", first),
        TaskPart(
            2,
            TITLES[2],
            [QLKH],
            [LHH],
            "Trong quý I/2024",
            "Đã trình dự thảo chính sách đãi ngộ; đang lấy ý kiến góp ý.",
        ),
        TaskPart(
            3,
            TITLES[3],
            [QLCN],
            ["các doanh nghiệp, tổ chức, cá nhân"],
            "Hằng năm, trước ngày 15/11",
            HOSTILE,
        ),
        TaskPart(4, TITLES[4], [QLKH], [], "Hằng năm", "Đặt hàng 3 nhiệm vụ khoa học và công nghệ cấp tỉnh."),
        TaskPart(
            5,
            TITLES[5],
            [QLKH],
            [LHH],
            "Thường xuyên",
            "Công bố danh mục nhu cầu: xử lý rác thải, bảo vệ sông ngòi, phủ xanh đô thị.",
        ),
    ]


def appendix() -> list[AppendixRow]:
    units = [
        (1, TTKHCN, "Chủ trì"),
        (1, LHH, "Phối hợp"),
        (1, MTTQ, "Phối hợp"),
        (2, QLKH, "Chủ trì"),
        (2, LHH, "Phối hợp"),
        (3, QLCN, "Chủ trì"),
        (3, "Phòng Kế hoạch Tài chính", "Phối hợp"),
        (4, QLKH, "Chủ trì"),
        (4, LHH, "Phối hợp"),
        (5, QLKH, "Chủ trì"),
        (5, LHH, "Phối hợp"),
    ]
    return [
        AppendixRow(
            order=order,
            task_number=number,
            task_title=TITLES[number],
            unit=unit,
            role=role,
            deadline="15/11/2026",
            deadline_date=datetime.date(2026, 11, 15),
            summary=HOSTILE if number == 3 else "Tổ chức 2 hội nghị quán triệt; đăng 12 tin, bài.",
            state=STATES[order % len(STATES)],
        )
        for order, (number, unit, role) in enumerate(units, start=1)
    ]


def report(**changes) -> ReportDocument:
    """The 2026 report of Kế hoạch 463 as the office would export it."""
    rows = appendix()
    document = ReportDocument(
        authority="UBND TỈNH ĐỒNG NAI",
        issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        issuer_name="Sở Khoa học và Công nghệ",
        author="Sở Khoa học và Công nghệ tỉnh Đồng Nai",
        number="245/BC-SKHCN",
        place="Đồng Nai",
        date=datetime.date(2026, 11, 20),
        year=2026,
        span="Năm 2026",
        next_span="NĂM 2027",
        subject=SUBJECT,
        introduction=(
            "Thực hiện Kế hoạch năm 2024 của Sở Khoa học và Công nghệ về thực hiện Kết luận số "
            "463-KL/TU ngày 17/11/2023 của Thường trực Tỉnh ủy, Sở Khoa học và Công nghệ báo cáo "
            "kết quả thực hiện năm 2026 như sau:"
        ),
        direction="Sở đã ban hành kế hoạch, giao nhiệm vụ cho từng phòng, đơn vị.\nĐịnh kỳ đôn đốc.",
        tasks=tasks(),
        strengths="Các đơn vị chủ động phối hợp; báo cáo đúng hạn.",
        weaknesses="Một số nhiệm vụ chậm tiến độ.",
        causes="Kinh phí bố trí chậm.",
        next_year="Tiếp tục đẩy mạnh tuyên truyền; hoàn thiện chính sách đãi ngộ.",
        proposals="",
        signer_title=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        signer_name="Đoàn Tấn Đạt",
        recipients=[
            "UBND tỉnh (b/c);",
            "Giám đốc và các Phó Giám đốc Sở;",
            "Phòng Quản lý Khoa học;",
            "Lưu: VT, QLKH.",
        ],
        appendix_title="PHỤ LỤC\nKết quả thực hiện các nhiệm vụ năm 2026",
        appendix=rows,
        state_counts=[(state, sum(row.state == state for row in rows)) for state in STATES],
        accepted_count=9,
    )
    return dataclasses.replace(document, **changes)


def read(document: ReportDocument):
    return Document(io.BytesIO(document_docx(document)))


def mm(*lengths) -> list[float]:
    """Lengths in millimetres, to the tenth: Word stores them in twentieths of a point."""
    return [round(Length(length).mm, 1) for length in lengths]


def texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs if p.text.strip()]


def all_text(docx) -> str:
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in docx.paragraphs] + cells)


def paragraph(docx, text: str):
    return next(p for p in docx.paragraphs if p.text == text)


def bold(paragraph) -> bool:
    return all(run.bold for run in paragraph.runs if run.text)


def size(paragraph) -> set:
    return {run.font.size for run in paragraph.runs if run.text}


@pytest.fixture(scope="module")
def docx():
    return read(report())


# ------------------------------------------------------------------------------
# Page, fonts, properties
# ------------------------------------------------------------------------------
def test_the_report_is_on_a4_portrait_and_the_appendix_on_a4_landscape(docx):
    report_section, appendix_section = docx.sections

    assert report_section.orientation == WD_ORIENT.PORTRAIT
    assert mm(report_section.page_width, report_section.page_height) == [210, 297]
    assert mm(
        report_section.top_margin,
        report_section.bottom_margin,
        report_section.left_margin,
        report_section.right_margin,
    ) == [20, 20, 30, 15]
    assert appendix_section.orientation == WD_ORIENT.LANDSCAPE
    assert mm(appendix_section.page_width, appendix_section.page_height) == [297, 210]
    # bound by its top edge: the binding margin of the portrait pages goes to the top
    assert mm(
        appendix_section.top_margin,
        appendix_section.bottom_margin,
        appendix_section.left_margin,
        appendix_section.right_margin,
    ) == [30, 15, 20, 20]
    assert appendix_section.start_type == 2  # WD_SECTION.NEW_PAGE


def test_every_script_is_set_in_times_new_roman_14_in_vietnamese(docx):
    normal = docx.styles["Normal"]
    fonts = normal.element.rPr.rFonts

    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {"Times New Roman"}
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    assert normal.paragraph_format.space_after >= Pt(6)
    assert 1.0 <= normal.paragraph_format.line_spacing <= 1.5
    defaults = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.rFonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert defaults.rFonts.get(qn("w:asciiTheme")) is None  # a theme font would override Times New Roman


def test_the_file_is_titled_and_authored_by_the_department(docx):
    properties = docx.core_properties

    assert properties.title == SUBJECT
    assert properties.author == "Sở Khoa học và Công nghệ tỉnh Đồng Nai"
    assert properties.language == "vi-VN"


# ------------------------------------------------------------------------------
# Header, title, date
# ------------------------------------------------------------------------------
def test_the_header_names_the_issuer_on_the_left_and_the_motto_on_the_right(docx):
    left, right = docx.tables[0].rows[0].cells

    assert texts(left.paragraphs) == ["UBND TỈNH ĐỒNG NAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 245/BC-SKHCN"]
    assert texts(right.paragraphs) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đồng Nai, ngày 20 tháng 11 năm 2026",
    ]
    authority, issuer = left.paragraphs[:2]
    assert not bold(authority) and bold(issuer) and size(issuer) == {Pt(13)}
    assert bold(right.paragraphs[0]) and bold(right.paragraphs[1])
    assert all(run.italic for run in right.paragraphs[-1].runs)
    # a line under the issuer and under the motto: a paragraph bottom border
    assert all(len(cell._tc.xpath(".//w:pBdr/w:bottom")) == 1 for cell in (left, right))


def test_the_title_and_subject_are_bold_and_centred(docx):
    title = paragraph(docx, "BÁO CÁO")
    subject = paragraph(docx, SUBJECT)

    assert bold(title) and size(title) == {Pt(14)} and bold(subject)
    assert title.alignment == subject.alignment == 1  # WD_ALIGN_PARAGRAPH.CENTER


@pytest.mark.parametrize(
    "date, words",
    [
        (datetime.date(2026, 2, 5), "Đồng Nai, ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 1, 9), "Đồng Nai, ngày 09 tháng 01 năm 2026"),
        (datetime.date(2026, 3, 5), "Đồng Nai, ngày 05 tháng 3 năm 2026"),
        (datetime.date(2026, 11, 20), "Đồng Nai, ngày 20 tháng 11 năm 2026"),
        (datetime.date(2027, 1, 12), "Đồng Nai, ngày 12 tháng 01 năm 2027"),
    ],
)
def test_the_date_is_written_with_a_zero_before_small_days_and_january_february(date, words):
    docx = read(report(date=date))

    assert docx.tables[0].rows[0].cells[1].paragraphs[-1].text == words


def test_an_unsigned_report_leaves_number_day_and_month_blank_for_the_clerk():
    docx = read(report(date=None, number="        /BC-SKHCN"))

    left, right = docx.tables[0].rows[0].cells
    assert left.paragraphs[-1].text == "Số:         /BC-SKHCN"  # room for the number the clerk writes
    assert right.paragraphs[-1].text == "Đồng Nai, ngày      tháng      năm 2026"
    reference = (
        "(Kèm theo Báo cáo số         /BC-SKHCN ngày      tháng      năm 2026 của Sở Khoa học và Công nghệ)"
    )
    assert reference in [p.text for p in docx.paragraphs]


# ------------------------------------------------------------------------------
# Body
# ------------------------------------------------------------------------------
def test_the_sections_follow_in_order_with_bold_14_pt_headings(docx):
    headings = [p for p in docx.paragraphs if p.text.startswith(("I.", "II.", "III.", "IV.", "V."))]

    assert [p.text for p in headings] == ROMAN_HEADINGS
    assert all(bold(p) and size(p) == {Pt(14)} for p in headings)


def test_each_task_has_its_part_with_lead_partners_deadline_and_result(docx):
    lines = [p.text for p in docx.paragraphs]

    start = lines.index("1. Đẩy mạnh công tác thông tin, tuyên truyền")
    assert lines[start : start + 6] == [
        "1. Đẩy mạnh công tác thông tin, tuyên truyền",
        "Đơn vị chủ trì: Trung tâm Khoa học và Công nghệ",
        (
            "Đơn vị phối hợp: Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai; Ủy ban MTTQ Việt Nam tỉnh; "
            "các sở, ban, ngành; UBND các huyện, thành phố"
        ),
        "Thời hạn: Thường xuyên",
        "Kết quả:",
        "Trung tâm Khoa học và Công nghệ (chủ trì): Tổ chức 2 hội nghị quán triệt.",
    ]
    # the blank line between the two paragraphs is skipped
    assert lines[start + 6] == "Đăng 12 tin, bài trên Cổng thông tin điện tử của Sở."
    parts = [p for p in docx.paragraphs if p.text[:2] in {f"{n}." for n in range(1, 6)} and bold(p)]
    # the five tasks, then III.1–3
    assert [p.text.split(".")[0] for p in parts] == ["1", "2", "3", "4", "5", "1", "2", "3"]
    assert "Đơn vị phối hợp: không có" in lines  # task 4 has no partner
    assert lines.index("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027") > lines.index("3. Nguyên nhân")


def test_an_empty_section_says_so_in_italics(docx):
    lines = [p.text for p in docx.paragraphs]

    placeholder = docx.paragraphs[lines.index("V. KIẾN NGHỊ, ĐỀ XUẤT") + 1]
    assert placeholder.text == "(Chưa có nội dung.)" and all(run.italic for run in placeholder.runs)


def test_without_accepted_reports_section_ii_says_the_results_are_not_consolidated():
    docx = read(report(accepted_count=0))

    lines = [p.text for p in docx.paragraphs]
    notice = (
        "Năm 2026 chưa có báo cáo nào của các đơn vị được chấp nhận; kết quả dưới đây chưa được tổng hợp."
    )
    assert lines[lines.index("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ") + 1] == notice
    assert "1. Đẩy mạnh công tác thông tin, tuyên truyền" in lines
    assert notice not in [p.text for p in read(report()).paragraphs]


def test_hostile_text_is_kept_as_text_and_control_characters_are_dropped():
    docx = read(
        report(
            direction="<script>alert(1)</script>\x00\x07 và \x1b[31m",
            proposals=HOSTILE + "\x0b\x0c",
            subject="Báo cáo\x01 năm 2026",
            recipients=["UBND tỉnh\x1f (b/c);"],
        )
    )

    text = all_text(docx)
    assert "<script>alert(1)</script> và [31m" in text
    assert HOSTILE in text
    assert "Báo cáo năm 2026" in text and "- UBND tỉnh (b/c);" in text
    assert not any(chr(c) in text for c in range(32) if chr(c) not in "\t\n")


# ------------------------------------------------------------------------------
# Signature, page numbers
# ------------------------------------------------------------------------------
def test_the_signature_block_has_the_recipients_left_and_the_signer_right(docx):
    left, right = docx.tables[2].rows[0].cells

    assert texts(left.paragraphs) == [
        "Nơi nhận:",
        "- UBND tỉnh (b/c);",
        "- Giám đốc và các Phó Giám đốc Sở;",
        "- Phòng Quản lý Khoa học;",
        "- Lưu: VT, QLKH.",
    ]
    heading = left.paragraphs[0]
    assert bold(heading) and all(run.italic for run in heading.runs) and size(heading) == {Pt(12)}
    assert size(left.paragraphs[1]) == {Pt(11)}
    assert texts(right.paragraphs) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đoàn Tấn Đạt"]
    blanks = [p for p in right.paragraphs if not p.text]
    assert len(blanks) >= 3  # room for the signature and the seal
    assert all(bold(p) and size(p) == {Pt(14)} for p in right.paragraphs if p.text)


def test_pages_are_numbered_in_the_header_except_the_first(docx):
    section = docx.sections[0]

    assert section.different_first_page_header_footer
    assert texts(section.first_page_header.paragraphs) == []
    instructions = section.header._element.xpath(".//w:instrText/text() | .//w:fldSimple/@w:instr")
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1  # centred
    appendix_section = docx.sections[1]
    assert not appendix_section.different_first_page_header_footer  # its first page is numbered too
    assert appendix_section.header.is_linked_to_previous


# ------------------------------------------------------------------------------
# Appendix
# ------------------------------------------------------------------------------
def test_the_appendix_lists_one_row_per_unit_under_a_repeated_header(docx):
    table = docx.tables[3]

    assert [cell.text for cell in table.rows[0].cells] == [
        "TT",
        "Nhiệm vụ",
        "Đơn vị",
        "Vai trò",
        "Thời hạn",
        "Kết quả thực hiện",
        "Kinh phí (đồng)",
        "Tình trạng",
    ]
    assert len(table.rows) == 1 + 11
    assert [cell.text for cell in table.rows[1].cells] == [
        "1",
        "1. Đẩy mạnh công tác thông tin, tuyên truyền",
        TTKHCN,
        "Chủ trì",
        "15/11/2026",
        "Tổ chức 2 hội nghị quán triệt; đăng 12 tin, bài.",
        "",
        "Hoàn thành quá hạn",
    ]
    assert table.rows[6].cells[5].text == HOSTILE
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert mm(sum(column.width for column in table.columns)) == [257]  # the landscape text width
    assert table._tbl.xpath("./w:tblPr/w:tblStyle/@w:val") == ["TableGrid"]


def test_a_long_result_is_written_line_by_line_with_its_text_as_text():
    """A task's result of many lines (a monthly plan's yearly report composes hundreds) is written
    one paragraph a line, in order, each laid out as a result's single line is, past the pieces the
    file is written in; text that XML must escape, or that looks like the marks the file is built
    with, is kept as text."""
    lines = [f"Đơn vị <{n}> & “con”: a < b && c > d; ]]> KEHOACH-0-ROWS-0-CELL-0-" for n in range(1_234)]
    parts = tasks()
    parts[1] = dataclasses.replace(parts[1], result="\n".join(lines))
    docx = read(report(tasks=parts))

    paragraphs = docx.paragraphs
    texts_ = [p.text for p in paragraphs]
    start = texts_.index(lines[0])
    assert texts_[start : start + len(lines)] == lines
    assert texts_[start - 1] == "Kết quả:" and texts_[start + len(lines)].startswith("3. ")
    single = paragraphs[texts_.index("Đăng 12 tin, bài trên Cổng thông tin điện tử của Sở.")]
    for written in (paragraphs[start], paragraphs[start + 1_000]):
        assert written._p.pPr.xml == single._p.pPr.xml
        assert [run._r.rPr.xml for run in written.runs] == [run._r.rPr.xml for run in single.runs]


def test_a_long_appendix_is_written_row_by_row_with_its_text_as_text():
    # Rows past several of the pieces the file is written in, with text that XML must escape
    rows = [
        dataclasses.replace(
            appendix()[0], order=n, unit=f"Đơn vị <{n}> & “con”", summary=f"Kết quả {n}: a < b && c > d; ]]>"
        )
        for n in range(1, 1_234)
    ]

    table = read(report(appendix=rows)).tables[3]

    assert len(table.rows) == 1 + len(rows)
    assert [cell.text for cell in table.rows[1_000].cells[:3]] == [
        "1000",
        "1. Đẩy mạnh công tác thông tin, tuyên truyền",
        "Đơn vị <1000> & “con”",
    ]
    assert [row.cells[5].text for row in table.rows[1:]] == [row.summary for row in rows]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_the_appendix_is_titled_and_refers_to_the_report(docx):
    lines = [p.text for p in docx.paragraphs]

    start = lines.index("PHỤ LỤC")
    assert lines[start : start + 3] == [
        "PHỤ LỤC",
        "Kết quả thực hiện các nhiệm vụ năm 2026",
        "(Kèm theo Báo cáo số 245/BC-SKHCN ngày 20 tháng 11 năm 2026 của Sở Khoa học và Công nghệ)",
    ]
    assert bold(paragraph(docx, "PHỤ LỤC"))


def test_the_appendix_counts_the_states_with_a_total(docx):
    counts = docx.tables[4]

    assert [[cell.text for cell in row.cells] for row in counts.rows] == [
        ["Tình trạng", "Số lượng"],
        ["Hoàn thành đúng hạn", "2"],
        ["Hoàn thành quá hạn", "3"],
        ["Đang thực hiện trong hạn", "2"],
        ["Đang thực hiện quá hạn", "2"],
        ["Chưa thực hiện", "2"],
        ["Tổng cộng", "11"],
    ]
    assert "Tổng hợp tình trạng theo nhiệm vụ và đơn vị" in [p.text for p in docx.paragraphs]


def test_an_empty_appendix_says_there_is_no_data():
    docx = read(report(appendix=[], state_counts=[(state, 0) for state in STATES]))

    table = docx.tables[3]
    assert len(table.rows) == 2
    assert {cell.text for cell in table.rows[1].cells} == {"Không có số liệu."}  # one cell across the row
    assert len(table.rows[1]._tr.tc_lst) == 1
    assert [cell.text for cell in docx.tables[4].rows[-1].cells] == ["Tổng cộng", "0"]


# ------------------------------------------------------------------------------
# What LibreOffice prints
# ------------------------------------------------------------------------------
def run(*command: str, timeout: int = 120) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout).stdout


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    """The sample report printed to PDF by LibreOffice; missing tools fail under CI, skip elsewhere."""
    missing = [tool for tool in ("soffice", "pdftotext", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        reason = (
            f"{', '.join(missing)} not installed: "
            "apt-get install libreoffice-writer-nogui poppler-utils fonts-liberation2"
        )
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("pdf")
    source = folder / "bao-cao.docx"
    source.write_bytes(document_docx(report()))
    # a profile of its own, so that parallel runs and an open LibreOffice do not clash
    output = run(
        "soffice",
        f"-env:UserInstallation=file://{folder}/lo-profile",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(source),
    )
    printed = folder / "bao-cao.pdf"
    assert printed.exists(), output
    return printed


def page_text(pdf, page: int) -> str:
    return run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")


def page_size(pdf, page: int) -> tuple[float, float]:
    line = next(
        line
        for line in run("pdfinfo", "-f", str(page), "-l", str(page), str(pdf)).splitlines()
        if line.startswith("Page") and "size:" in line
    )
    width, _, height = line.split("size:")[1].split()[:3]
    return float(width), float(height)


def pages(pdf) -> int:
    info = run("pdfinfo", str(pdf)).splitlines()
    return int(next(line.split()[-1] for line in info if line.startswith("Pages:")))


def first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def test_libreoffice_prints_the_vietnamese_headings_intact(pdf):
    text = "\n".join(page_text(pdf, page) for page in range(1, pages(pdf) + 1))

    # each on one line: a header line that wrapped in its column would be cut in two here
    for heading in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Đồng Nai, ngày 20 tháng 11 năm 2026",
        "BÁO CÁO",
        "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
        "PHỤ LỤC",
        "Đoàn Tấn Đạt",
        "Nơi nhận:",
        "15/11/2026",
    ):
        assert heading in text, heading


def test_libreoffice_numbers_the_pages_from_the_second(pdf):
    first, second = page_text(pdf, 1), page_text(pdf, 2)

    assert first_line(first).startswith("UBND TỈNH ĐỒNG NAI")
    assert first_line(second) == "2"


def test_libreoffice_prints_the_appendix_on_landscape_pages_numbered_on_their_own(pdf):
    count = pages(pdf)
    appendix_page = next(page for page in range(1, count + 1) if "PHỤ LỤC" in page_text(pdf, page))

    assert appendix_page > 1
    width, height = page_size(pdf, appendix_page)
    assert abs(width - 842) < 2 and abs(height - 595) < 2
    assert page_size(pdf, 1) == pytest.approx((595, 842), abs=2)
    assert first_line(page_text(pdf, appendix_page)) == "1"
    assert first_line(page_text(pdf, appendix_page - 1)) == str(appendix_page - 1)
