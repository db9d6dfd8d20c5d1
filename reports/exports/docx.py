"""The consolidated yearly report laid out as a Word document.

The layout is the administrative format of Nghị định 30/2020/NĐ-CP, Phụ lục I (docs/domain.md, "Document format"): A4
portrait, Times New Roman, the two-column header (authority and issuer / national motto), the
title, sections I–V, the signature block with "Nơi nhận", page numbers in the top margin from the
second page, and the appendix table on landscape pages. A clerk opens it, numbers and signs it.
"""

from __future__ import annotations

import copy
import datetime
import functools
import io
import re
import secrets
import zipfile
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from kehoach.text import number_text

from .document import AppendixRow, ReportDocument, TaskPart

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
PLACEHOLDER = "(Chưa có nội dung.)"
NO_ROWS = "Không có số liệu."

PAGE_SHORT, PAGE_LONG = Mm(210), Mm(297)
PORTRAIT_MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
# A landscape page is bound by its top edge: the portrait's 30 mm binding margin goes to the top,
# its 15 mm right margin to the bottom, and the sides keep a 20 mm margin.
LANDSCAPE_MARGINS = {"top": Mm(30), "bottom": Mm(15), "left": Mm(20), "right": Mm(20)}
HEADER_DISTANCE = Mm(10)
PORTRAIT_WIDTH_MM = 210 - 30 - 15  # 165 mm of text; 257 mm on a landscape page

# The header and the signature block share their columns, about 45 % / 55 % of the text width: the
# narrowest that hold "SỞ KHOA HỌC VÀ CÔNG NGHỆ" (13 pt bold, 70 mm) and the national name (12 pt
# bold, 88 mm) on one line each, with a few millimetres to spare.
LEFT_MM, RIGHT_MM = 73, 92

# What may follow w:pBdr in a paragraph's properties (ECMA-376, CT_PPrBase then CT_PPr).
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
# What may follow w:pgNumType in a section's properties (ECMA-376, CT_SectPr).
_AFTER_PGNUMTYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
# XML 1.0 forbids most C0 controls and lone surrogates; C1 controls never belong in Vietnamese text.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# ------------------------------------------------------------------------------
# Text
# ------------------------------------------------------------------------------
def _line(text: str) -> str:
    """One line of text, safe for XML, with its whitespace collapsed. Every character `_ILLEGAL`
    drops is one Python does not print: a printable text is searched no further."""
    text = text or ""
    return " ".join((text if text.isprintable() else _ILLEGAL.sub("", text)).split())


def _lines(text: str) -> list[str]:
    """The paragraphs of a plain text field: one per line, empty lines skipped."""
    return [line for line in map(_line, (text or "").splitlines()) if line]


def _number(value: int) -> str:
    """ "1.250.000": thousands grouped with dots, as Vietnamese readers write them."""
    return f"{value:,}".replace(",", ".")


def _funds(planned: int | None, spent: int | None) -> str:
    """ "Dự trù 1.250.000; đã sử dụng 1.000.000", or "" when nothing was reported."""
    parts = []
    if planned is not None:
        parts.append(f"dự trù {_number(planned)}")
    if spent is not None:
        parts.append(f"đã sử dụng {_number(spent)}")
    return "; ".join(parts).capitalize() if parts else ""


def _figures(figures) -> str:
    """ "Tỷ lệ hồ sơ trực tuyến: chỉ tiêu 80 %, thực hiện 83,4 % (vượt); Hội nghị: thực hiện 3 hội
    nghị (chưa đặt chỉ tiêu)" """
    lines = []
    for f in figures:
        unit = f" {f.unit}" if f.unit else ""
        parts = []
        if f.target is not None:
            parts.append(f"chỉ tiêu {number_text(f.target, f.decimals)}{unit}")
        if f.actual is not None:
            parts.append(f"thực hiện {number_text(f.actual, f.decimals)}{unit}")
        elif not f.verdict:
            parts.append("chưa báo cáo")
        if not parts:
            lines.append(f"{f.label}: {f.verdict}")
        else:
            lines.append(f"{f.label}: {', '.join(parts)}" + (f" ({f.verdict})" if f.verdict else ""))
    return "; ".join(lines)


def _date_words(date: datetime.date | None, year: int) -> str:
    """ "ngày 05 tháng 02 năm 2026": a zero before days under 10 and months 1 and 2 (Nghị định 30).

    Without a date the day and month are left blank for the clerk, and the year is the year
    reported: the report is due within that year.
    """
    if date is None:
        return f"ngày      tháng      năm {year}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


# ------------------------------------------------------------------------------
# Paragraphs and runs
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Look:
    """How a paragraph looks: its font and its place on the page."""

    size: float = 14
    bold: bool = False
    italic: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent: bool = False  # first line indented 1 cm, as body text
    before: float = 0
    after: float = 6
    line: float = 1.15
    keep: bool = False  # keep with the next paragraph (headings)
    outline: int | None = None  # level in Word's navigation pane


BODY = Look(indent=True)
HEADING = replace(BODY, bold=True, keep=True, before=6, outline=0)
SUBHEADING = replace(HEADING, before=0, outline=1)
LABEL = replace(BODY, keep=True)
HEAD = Look(size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, line=1.0)
TITLE = Look(bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, line=1.0, keep=True)
SIGNER = Look(bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, line=1.0)
CELL = Look(size=12, align=WD_ALIGN_PARAGRAPH.LEFT, before=2, after=2, line=1.0)
CELL_CENTRED = replace(CELL, align=WD_ALIGN_PARAGRAPH.CENTER)
CELL_HEADER = replace(CELL_CENTRED, bold=True)
CELL_JUSTIFIED = replace(CELL, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

# (heading, width in mm, look of the values): 257 mm, the landscape text width
APPENDIX_COLUMNS = [
    ("TT", 12, CELL_CENTRED),
    ("Nhiệm vụ", 44, CELL),
    ("Đơn vị", 38, CELL),
    ("Vai trò", 19, CELL_CENTRED),
    ("Thời hạn", 24, CELL_CENTRED),
    ("Kết quả thực hiện", 66, CELL_JUSTIFIED),
    ("Kinh phí (đồng)", 26, CELL),
    ("Tình trạng", 28, CELL),
]
COUNT_COLUMNS = [("Tình trạng", 90, CELL), ("Số lượng", 30, CELL_CENTRED)]
TASK_COUNT_COLUMNS = [("Tình trạng", 110, CELL), ("Số nhiệm vụ", 40, CELL_CENTRED)]


def _element(tag: str, text: str | None = None, **attributes: str):
    """An XML element python-docx has no API for; `attributes` keep their prefixes ("w:val")."""
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    element.text = text
    return element


def _new_paragraph(container):
    """A new paragraph in a document, cell or header; a cell's first, untouched paragraph is reused.

    In the body, the paragraph goes straight before the closing section properties, its last child:
    python-docx would look for them from the first child for every new paragraph, which made a long
    report quadratic."""
    if isinstance(container, DocxDocument):
        body = container.element.body
        p = OxmlElement("w:p")
        last = body[-1]  # lxml walks from the last child for a negative index; len() counts them all
        if last.tag == qn("w:sectPr"):
            last.addprevious(p)
        else:
            body.append(p)
        return Paragraph(p, container._body)
    paragraphs = container.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].runs and paragraphs[0]._p.pPr is None:
        return paragraphs[0]
    return container.add_paragraph()


@functools.cache
def _run_model(size: float, bold: bool, italic: bool):
    """An empty run of that font, laid out once by python-docx; every run of the report is a copy."""
    run = Run(OxmlElement("w:r"), None)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    return run._r


@functools.cache
def _paragraph_model(look: Look):
    """The paragraph properties of `look`, laid out once by python-docx; every paragraph of that
    look gets a copy (laying out each of thousands of paragraphs took most of a long report's time)."""
    paragraph = Paragraph(OxmlElement("w:p"), None)
    fmt = paragraph.paragraph_format
    fmt.alignment = look.align
    fmt.first_line_indent = Mm(10) if look.indent else None
    fmt.space_before = Pt(look.before)
    fmt.space_after = Pt(look.after)
    fmt.line_spacing = look.line
    fmt.keep_with_next = look.keep or None
    if look.outline is not None:
        paragraph._p.get_or_add_pPr().get_or_add_outlineLvl().val = look.outline
    return paragraph._p.pPr


def _run(paragraph, text: str, look: Look):
    r = copy.deepcopy(_run_model(look.size, look.bold, look.italic))
    paragraph._p.append(r)
    run = Run(r, paragraph)
    if any(char in text for char in "\t\n\r\f"):
        run.text = text  # python-docx turns these into tabs and breaks, character by character
    elif text:
        r.add_t(text)  # a task's composed result runs to thousands of characters
    return run


def _write(container, text: str, look: Look = BODY):
    """A paragraph holding `text` (one line, already clean) as `look` says."""
    paragraph = _new_paragraph(container)
    p = paragraph._p
    if p.pPr is not None:
        p.remove(p.pPr)
    p.insert(0, copy.deepcopy(_paragraph_model(look)))
    if text:
        _run(paragraph, text, look)
    return paragraph


def _placeholder(container, look: Look = BODY):
    return _write(container, PLACEHOLDER, replace(look, italic=True))


def _text(container, text: str, look: Look = BODY):
    """A plain text field as paragraphs, or the placeholder when it is empty. In the body, the
    paragraphs of a text of several lines are one model paragraph until the file is written
    (`_later`): a task's composed result in a monthly plan's yearly report runs to hundreds of
    lines, tens of thousands in all, which took most of the file's time to lay out one by one."""
    lines = _lines(text)
    if not lines:
        _placeholder(container, look)
    elif isinstance(container, DocxDocument) and len(lines) > 1:
        _later(container, "w:p", [[line] for line in lines], lambda marks: _write(container, marks[0], look))
    else:
        for line in lines:
            _write(container, line, look)


def _labelled(container, label: str, value: str, look: Look = LABEL):
    """ "Label: value" with the label in italics."""
    paragraph = _write(container, "", look)
    _run(paragraph, f"{label}: ", replace(look, italic=True))
    _run(paragraph, value, look)
    return paragraph


def _border(paragraph, edge: str = "bottom", size: int = 6):
    """A solid line of `size` eighths of a point along one edge of the paragraph."""
    borders = _element("w:pBdr")
    line = {"w:val": "single", "w:sz": str(size), "w:space": "1", "w:color": "000000"}
    borders.append(_element(f"w:{edge}", **line))
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _shrink(paragraph, size: float = 1):
    """Make an empty paragraph `size` points high: its height is its paragraph mark's font."""
    rPr = _element("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        rPr.append(_element(tag, **{"w:val": str(round(size * 2))}))
    paragraph._p.get_or_add_pPr().insert_element_before(rPr, "w:sectPr", "w:pPrChange")
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _rule(container, length_mm: float, area_mm: float, after: float = 0):
    """A short horizontal line of `length_mm`, centred in an area `area_mm` wide."""
    paragraph = _write(container, "", replace(HEAD, size=1, after=after))
    side = Mm(max(area_mm - length_mm, 0) / 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    _shrink(paragraph)
    # clear of the dots under Vietnamese letters (ạ, ệ) on the line above
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.paragraph_format.space_after = Pt(after)
    _border(paragraph)
    return paragraph


def _page_field(paragraph, look: Look):
    """A PAGE field, so Word and LibreOffice number the pages themselves ("2" until they do)."""
    for element in (
        _element("w:fldChar", **{"w:fldCharType": "begin"}),
        _element("w:instrText", " PAGE ", **{"xml:space": "preserve"}),
        _element("w:fldChar", **{"w:fldCharType": "separate"}),
        _element("w:t", "2"),
        _element("w:fldChar", **{"w:fldCharType": "end"}),
    ):
        _run(paragraph, "", look)._r.append(element)


# ------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------
def _table(document, widths_mm: list[float], *, grid: bool = False, padding_mm: float | None = None):
    """A one-row, fixed-layout table with columns `widths_mm`, centred, borderless unless `grid`."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    if grid:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    tblPr = table._tbl.tblPr
    # Word would otherwise size an "auto" table from its content, whatever the grid says.
    total = tblPr.find(qn("w:tblW"))
    total.set(qn("w:w"), _twips(sum(widths_mm)))
    total.set(qn("w:type"), "dxa")
    if padding_mm is not None:
        margins = _element("w:tblCellMar")
        for side in ("left", "right"):
            margins.append(_element(f"w:{side}", **{"w:w": _twips(padding_mm), "w:type": "dxa"}))
        tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    return table


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _row_flags(row, *, header: bool = False):
    """Never split the row across pages; repeat it on each page when it is the header row."""
    trPr = row._tr.get_or_add_trPr()
    for tag, wanted in (("w:cantSplit", True), ("w:tblHeader", header)):
        if wanted:
            trPr.append(_element(tag))


# ------------------------------------------------------------------------------
# The document's frame: styles, pages, properties
# ------------------------------------------------------------------------------
def _fonts(rPr):
    """Times New Roman for every script, and Vietnamese, on a style's run properties; theme fonts,
    which would win over the named font, are dropped."""
    fonts = rPr.get_or_add_rFonts()
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = _element("w:lang")
        rPr.append(lang)
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), LANGUAGE)


def _styles(document):
    """The defaults and the Normal style: Times New Roman 14 pt, black, Vietnamese, 6 pt after."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(defaults)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15


def _page(section, *, landscape: bool):
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_LONG, PAGE_SHORT) if landscape else (PAGE_SHORT, PAGE_LONG)
    section.page_width, section.page_height = width, height
    for side, length in (LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS).items():
        setattr(section, f"{side}_margin", length)
    section.header_distance = section.footer_distance = HEADER_DISTANCE
    section.gutter = Mm(0)


def _page_numbers(section):
    """Page numbers centred in the top margin from the second page; the first page has none."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.paragraph_format.alignment = HEAD.align
    paragraph.paragraph_format.space_after = Pt(0)
    _page_field(paragraph, HEAD)


def _core_text(properties, name: str, value: str):
    """A text property of the file, whole: python-docx refuses more than 255 characters, a limit the
    format does not have (a trích yếu may well be longer)."""
    properties._element._get_or_add(name).text = _line(value)


def _properties(document, doc: ReportDocument):
    properties = document.core_properties
    for name in ("title", "subject"):
        _core_text(properties, name, doc.subject)
    for name in ("creator", "lastModifiedBy"):
        _core_text(properties, name, doc.author)
    properties.language = LANGUAGE
    properties.comments = properties.keywords = properties.category = ""
    properties.created = properties.modified = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    properties.revision = 1
    # The template's thumbnail is python-docx's own picture, not this report.
    package = document.part.package
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            package.rels.pop(rId)


# ------------------------------------------------------------------------------
# The blocks of the report
# ------------------------------------------------------------------------------
def _header(document, doc: ReportDocument):
    """Authority, issuer and number on the left; national motto, place and date on the right."""
    table = _table(document, [LEFT_MM, RIGHT_MM], padding_mm=0)
    left, right = table.rows[0].cells
    _write(left, _line(doc.authority).upper(), HEAD)
    _write(left, _line(doc.issuer).upper(), replace(HEAD, bold=True))
    _rule(left, 30, LEFT_MM, after=6)  # 1/3 to 1/2 of the issuer's name
    _write(left, f"Số: {_ILLEGAL.sub('', doc.number)}", HEAD)
    _write(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", replace(HEAD, size=12, bold=True))
    _write(right, "Độc lập - Tự do - Hạnh phúc", replace(HEAD, bold=True))
    _rule(right, 56, RIGHT_MM, after=6)  # as long as the motto
    place_and_date = f"{_line(doc.place)}, {_date_words(doc.date, doc.year)}"
    _write(right, place_and_date, replace(HEAD, size=14, italic=True))


def _title(document, doc: ReportDocument):
    _write(document, "BÁO CÁO", replace(TITLE, before=18))
    for line in _lines(doc.subject) or [PLACEHOLDER]:
        _write(document, line, TITLE)
    _rule(document, 50, PORTRAIT_WIDTH_MM, after=12)  # 1/3 to 1/2 of the subject's line


def _section(document, heading: str, text: str | None = None):
    _write(document, heading, HEADING)
    if text is not None:
        _text(document, text)


def _task_part(document, part: TaskPart):
    """The heading keeps with its first line only: a chain of lines kept together longer than a page
    would be broken anywhere by the word processor."""
    _write(document, f"{part.number}. {_line(part.title)}", SUBHEADING)
    lines = []
    if part.short_title and _line(part.content):
        lines.append(("Nội dung nhiệm vụ theo Kế hoạch", _line(part.content)))
    lines.append(("Đơn vị chủ trì", "; ".join(map(_line, part.lead)) or "không có"))
    lines.append(("Đơn vị phối hợp", "; ".join(map(_line, part.partners)) or "không có"))
    if part.named:
        lines.append(
            (
                "Được nêu tên để phối hợp, không báo cáo cho Sở và không đánh giá",
                "; ".join(map(_line, part.named)),
            )
        )
    lines.append(("Thời hạn", _line(part.deadline) or "không có"))
    if part.state:
        lines.append(("Tình trạng", _line(part.state)))
    funds = _funds(part.funds_planned, part.funds_spent)
    if funds:
        lines.append(("Kinh phí (đồng)", funds))
    if part.figures:
        lines.append(("Chỉ tiêu", _figures(part.figures)))
    for index, (label, value) in enumerate(lines):
        _labelled(document, label, value, LABEL if index == 0 else BODY)
    _write(document, "Kết quả:", replace(LABEL, italic=True))
    _text(document, part.result)


def _body(document, doc: ReportDocument):
    _text(document, doc.introduction)
    _section(document, "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI", doc.direction)
    _section(document, "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ")
    if doc.accepted_count == 0:
        _write(
            document,
            f"{doc.span} chưa có báo cáo nào của các đơn vị được chấp nhận; "
            "kết quả dưới đây chưa được tổng hợp.",
            replace(BODY, bold=True, italic=True),
        )
    _task_counts(document, doc)
    if not doc.tasks:
        _placeholder(document)
    for part in doc.tasks:
        _task_part(document, part)
    _section(document, "III. ĐÁNH GIÁ CHUNG")
    for heading, text in (
        ("1. Ưu điểm", doc.strengths),
        ("2. Tồn tại, hạn chế", doc.weaknesses),
        ("3. Nguyên nhân", doc.causes),
    ):
        _write(document, heading, SUBHEADING)
        _text(document, text)
    _section(document, f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ {doc.next_span}", doc.next_year)
    _section(document, "V. KIẾN NGHỊ, ĐỀ XUẤT", doc.proposals)


def _task_counts(document, doc: ReportDocument):
    """How many tasks stand in each state, before the tasks one by one; the units' part of each task
    is in the appendix."""
    total = sum(count for _, count in doc.task_counts)
    _write(
        document,
        f"Kế hoạch có {total} nhiệm vụ được theo dõi; tình trạng thực hiện {_line(doc.span).lower()} "
        "như sau (có Phụ lục kèm theo):",
        replace(BODY, keep=True),
    )
    table = _grid(document, TASK_COUNT_COLUMNS)
    for label, count in doc.task_counts:
        _grid_row(table, TASK_COUNT_COLUMNS, [_line(label), str(count)])
    _grid_row(table, TASK_COUNT_COLUMNS, ["Tổng số nhiệm vụ", str(total)], bold=True)
    _keep_together(table)
    _write(document, "", replace(BODY, after=0))


def _keep_together(table):
    """Keep a short table on one page, with the paragraph before it: each row keeps with the next."""
    rows = table.rows
    for row in rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _signature(document, doc: ReportDocument):
    """ "Nơi nhận" on the left; the signer's authority, room to sign and name on the right."""
    table = _table(document, [LEFT_MM, RIGHT_MM], padding_mm=0)
    _row_flags(table.rows[0])
    left, right = table.rows[0].cells
    recipients = Look(size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0, line=1.0)
    _write(left, "Nơi nhận:", replace(recipients, size=12, bold=True, italic=True, before=6))
    for recipient in map(_line, doc.recipients):
        if recipient:
            _write(left, f"- {recipient}", recipients)
    titles = [_line(title).upper() for title in doc.signer_title]
    for index, title in enumerate(t for t in titles if t):
        _write(right, title, replace(SIGNER, before=6 if index == 0 else 0))
    for _ in range(4):
        _write(right, "", SIGNER)
    _write(right, _line(doc.signer_name), SIGNER)


def _end_of_section(document):
    """Flatten the paragraph that `add_section` leaves to close the report's section, so that it
    never pushes a page of its own after the signature block."""
    _shrink(document.paragraphs[-1])


def _appendix_title(document, doc: ReportDocument):
    for line in _lines(doc.appendix_title) or ["PHỤ LỤC"]:
        _write(document, line, TITLE)
    reference = (
        f"(Kèm theo Báo cáo số {_ILLEGAL.sub('', doc.number)} {_date_words(doc.date, doc.year)} "
        f"của {_line(doc.issuer_name)})"
    )
    _write(document, reference, replace(TITLE, bold=False, italic=True, after=12))


def _grid(document, columns):
    """A bordered table with a bold header row that repeats on every page it runs over."""
    table = _table(document, [width for _, width, _ in columns], grid=True)
    _row_flags(table.rows[0], header=True)
    for cell, (label, _, _) in zip(table.rows[0].cells, columns, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _write(cell, label, CELL_HEADER)
    return table


def _grid_row(table, columns, values: list[str], *, bold: bool = False):
    row = table.add_row()
    _row_flags(row)
    for cell, (_, width, _) in zip(row.cells, columns, strict=True):
        cell.width = Mm(width)
    for cell, (_, _, look), value in zip(row.cells, columns, values, strict=False):
        _write(cell, value, replace(look, bold=bold))
    return row


def _cell_mark(nonce: str, block: int, column: int) -> str:
    """The text standing in the model of block `block` for its column `column`: with the document's
    `nonce`, drawn at random, so that no text of the report can be taken for it."""
    return f"KEHOACH-{nonce}-ROWS-{block}-CELL-{column}-"


def _later(document, tag: str, rows: list[list[str]], model):
    """Many elements `tag` (table rows "w:tr", paragraphs "w:p") laid out alike: `model(marks)` lays
    out one element with a mark standing in each value, and the elements themselves,
    one per row of values, are written in its place, as text, when the file is written
    (`_write_later`). Laid out one by one, a thousand-row appendix took seconds; copied as XML
    elements, the rows of a monthly plan's yearly appendix (26,000) held 170 MB more than the
    report they write."""
    later = document.__dict__.setdefault("_later", [])
    nonce = document.__dict__.setdefault("_nonce", secrets.token_hex(8))
    block = len(later)
    model([_cell_mark(nonce, block, n) for n in range(len(rows[0]))])
    later.append((tag, rows))


def _grid_rows(document, table, columns, rows: list[list[str]]):
    """Many rows formatted alike (`_later`): one model row laid out by python-docx."""

    def model(marks):
        tr = _grid_row(table, columns, marks)._tr
        for t in tr.iter(qn("w:t")):  # every cell gets a run to fill, whose text may end in spaces
            t.set(qn("xml:space"), "preserve")

    if rows:
        _later(document, "w:tr", rows, model)


def _template(
    xml: str, nonce: str, tag: str, block: int, width: int, after: int
) -> tuple[int, int, list[str]]:
    """Where the model element `tag` of `block` lies in the document's XML, past `after` (start,
    end), and its text around each mark: an element's text is `parts[0] + value[0] + parts[1] + … +
    parts[width]`."""
    first = xml.index(_cell_mark(nonce, block, 0), after)
    start = max(xml.rfind(f"<{tag}>", after, first), xml.rfind(f"<{tag} ", after, first))
    end = xml.index(f"</{tag}>", first) + len(f"</{tag}>")
    parts, position = [], start
    for column in range(width):
        mark = _cell_mark(nonce, block, column)
        at = xml.index(mark, position, end)
        parts.append(xml[position:at])
        position = at + len(mark)
    parts.append(xml[position:end])
    return start, end, parts


ROWS_AT_ONCE = 500  # elements written to the file in one piece
# zlib's level 3, the last of its fast ones: a monthly plan's yearly report is 16 MB of XML, which
# level 3 packs into 550 KB in 0.05 s and the default level into 340 KB in 0.2 s.
COMPRESSION = 3


def _write_later(package: bytes, nonce: str, blocks: list[tuple[str, list[list[str]]]]) -> bytes:
    """The .docx `package` with each block of elements written in place of its model, streamed into
    the file a few hundred at a time (every other part of the package copied as it is)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info).decode("utf-8")
            with target.open(info.filename, "w") as stream:  # packed as `target` says
                position = 0
                for block, (tag, rows) in enumerate(blocks):
                    start, end, parts = _template(xml, nonce, tag, block, len(rows[0]), position)
                    stream.write(xml[position:start].encode())
                    for first in range(0, len(rows), ROWS_AT_ONCE):
                        text = "".join(
                            parts[0]
                            + "".join(
                                escape(value) + after for value, after in zip(row, parts[1:], strict=True)
                            )
                            for row in rows[first : first + ROWS_AT_ONCE]
                        )
                        stream.write(text.encode())
                    position = end
                stream.write(xml[position:].encode())
    return output.getvalue()


def _appendix_table(document, rows: list[AppendixRow]):
    table = _grid(document, APPENDIX_COLUMNS)
    if not rows:
        cells = _grid_row(table, APPENDIX_COLUMNS, []).cells
        _write(cells[0].merge(cells[-1]), NO_ROWS, replace(CELL_CENTRED, italic=True))
    _grid_rows(
        document,
        table,
        APPENDIX_COLUMNS,
        [
            [
                str(row.order),
                f"{row.task_number}. {_line(row.task_title)}",
                _line(row.unit),
                _line(row.role),
                _line(row.deadline),
                _line(row.summary) + (f" Số liệu: {_figures(row.figures)}." if row.figures else ""),
                _funds(row.funds_planned, row.funds_spent),
                _line(row.state),
            ]
            for row in rows
        ],
    )


def _state_counts(document, counts: list[tuple[str, int]]):
    _write(document, "Tổng hợp tình trạng theo nhiệm vụ và đơn vị", replace(TITLE, before=12, after=6))
    table = _grid(document, COUNT_COLUMNS)
    for label, count in counts:
        _grid_row(table, COUNT_COLUMNS, [_line(label), str(count)])
    _grid_row(table, COUNT_COLUMNS, ["Tổng cộng", str(sum(count for _, count in counts))], bold=True)
    _keep_together(table)


def _appendix(document, doc: ReportDocument):
    """The appendix on landscape pages, numbered on its own from 1."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _end_of_section(document)
    _page(section, landscape=True)
    # The new section copies the report's "different first page": its first page must be numbered.
    section.different_first_page_header_footer = False
    numbering = section._sectPr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = _element("w:pgNumType")
        section._sectPr.insert_element_before(numbering, *_AFTER_PGNUMTYPE)
    numbering.set(qn("w:start"), "1")
    _appendix_title(document, doc)
    _appendix_table(document, doc.appendix)
    _state_counts(document, doc.state_counts)


# ------------------------------------------------------------------------------
# The report
# ------------------------------------------------------------------------------
def document_docx(doc: ReportDocument) -> bytes:
    """The consolidated report `doc` as the bytes of a .docx file, ready to be numbered and signed."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    _page(section, landscape=False)
    _page_numbers(section)
    _properties(document, doc)
    _header(document, doc)
    _title(document, doc)
    _body(document, doc)
    _signature(document, doc)
    _appendix(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    later = document.__dict__.get("_later")
    return _write_later(buffer.getvalue(), document._nonce, later) if later else buffer.getvalue()
