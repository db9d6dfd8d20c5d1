"""Word documents the tests build with python-docx: Kế hoạch 463 from its text
(fixtures/ke-hoach-463-KL-TU.txt), plans laid out as a task table, and files that are no plan."""

from __future__ import annotations

import datetime
import io
import json
import re
import struct
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK

from tasks.models import Unit

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
TEXT_463 = FIXTURES / "ke-hoach-463-KL-TU.txt"
PLAN_463 = FIXTURES / "plans" / "ke-hoach-463.json"
_MARKUP = re.compile(r"(\*\*.+?\*\*|\*[^*]+?\*)", re.S)


def _runs(paragraph, text: str, *, bold: bool = False) -> None:
    """`text` with the fixture's markup: **bold**, *italic*; a line break where the text breaks."""
    for part in _MARKUP.split(text):
        if not part:
            continue
        strong = part.startswith("**") and part.endswith("**")
        italic = not strong and part.startswith("*") and part.endswith("*") and len(part) > 1
        inner = part[2:-2] if strong else part[1:-1] if italic else part
        for number, line in enumerate(inner.split("\n")):
            run = paragraph.add_run(line)
            run.bold = bold or strong or None
            run.italic = italic or None
            if number < len(inner.split("\n")) - 1:
                run.add_break(WD_BREAK.LINE)


def _borderless(table) -> None:
    table.style = None


def docx_463(*, layout: str = "tables") -> bytes:
    """Kế hoạch 463 as the department would lay it out: the fixture's paragraphs in order; with
    `layout="tables"`, the header and the signature each in a two-column table without borders, as
    Nghị định 30/2020/NĐ-CP lays them out; with "paragraphs", every part a paragraph of its own."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", TEXT_463.read_text(encoding="utf-8"))]
    paragraphs = [part for part in paragraphs if part.strip()]
    document = Document()
    number, place_date = paragraphs[0], paragraphs[1]
    if layout == "tables":
        header = document.add_table(rows=1, cols=2)
        _borderless(header)
        _runs(header.cell(0, 0).paragraphs[0], number)
        right = header.cell(0, 1)
        _runs(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
        _runs(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc", bold=True)
        _runs(right.add_paragraph(), place_date)
    else:
        _runs(document.add_paragraph(), number)
        _runs(document.add_paragraph(), place_date)
    body = paragraphs[2:]
    receive = next(i for i, text in enumerate(body) if text.startswith("Nơi nhận"))
    for index, text in enumerate(body[:receive]):
        bold = text == "KẾ HOẠCH" or index == 1 or re.match(r"^[IVX]+\. ", text) is not None
        _runs(document.add_paragraph(), text, bold=bold)
    foot = body[receive:]
    signer = next(i for i, text in enumerate(foot) if text.startswith("**KT."))
    recipients, signature = foot[:signer], foot[signer:]
    if layout == "tables":
        table = document.add_table(rows=1, cols=2)
        _borderless(table)
        left, right = table.cell(0, 0), table.cell(0, 1)
        _runs(left.paragraphs[0], recipients[0], bold=True)
        for text in recipients[1:]:
            for line in text.split("\n"):
                _runs(left.add_paragraph(), line)
        _runs(right.paragraphs[0], signature[0])
        for text in signature[1:]:
            _runs(right.add_paragraph(), text)
    else:
        for text in foot:
            for line in text.split("\n") if not text.startswith("**") else [text]:
                _runs(document.add_paragraph(), line)
    return _saved(document)


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed_463() -> dict:
    return json.loads(PLAN_463.read_text(encoding="utf-8"))


def registry_from(data: dict) -> dict[str, Unit]:
    """The units of a plan file in the database, without its plan: the registry a document's names
    are matched against."""
    units = {}
    for row in data["units"]:
        units[row["code"]] = Unit.objects.create(
            code=row["code"],
            name=row["name"],
            short_name=row.get("short_name", ""),
            kind=row["kind"],
            valid_from=row.get("valid_from"),
            valid_to=row.get("valid_to"),
        )
    for row in data["units"]:
        unit = units[row["code"]]
        unit.parent = units.get(row.get("parent"))
        unit.save()
        unit.groups.set([units[code] for code in row.get("groups", [])])
    return units


# ------------------------------------------------------------------------------
# A plan laid out as a task table
# ------------------------------------------------------------------------------
# How plans write the units of the registry (tests/tasks/plan_document/test_table_plan.py): the
# registry's names in other spellings, abbreviations, capitals, missing diacritics, doubled spaces.
LEAD_SPELLINGS = [
    ("Phòng Quản lý Khoa học", "qlkh"),
    ("Phòng QLKH", "qlkh"),
    ("phòng quản lý khoa học", "qlkh"),
    ("Phòng Quản lý Chuyên ngành", "qlcn"),
    ("Phong Quan ly Chuyen nganh", "qlcn"),
    ("Phòng Kế hoạch Tài chính", "khtc"),
    ("Phòng  KHTC", "khtc"),
    ("Trung tâm Khoa học và Công nghệ", "ttkhcn"),
    ("Trung tâm KH&CN", "ttkhcn"),
    ("TRUNG TÂM KHOA HỌC VÀ CÔNG NGHỆ", "ttkhcn"),
    ("Sở KH&CN", "so-khcn"),
    ("Sở Khoa học và Công nghệ", "so-khcn"),
]
PARTNER_SPELLINGS = [
    ("Các sở, ban, ngành", "nhom-so-ban-nganh"),
    ("sở, ban ngành", "nhom-so-ban-nganh"),
    ("UBND các huyện, thành phố", "nhom-ubnd-cap-huyen"),
    ("UBND cấp huyện", "nhom-ubnd-cap-huyen"),
    ("Ủy ban MTTQ Việt Nam tỉnh", "mttq"),
    ("MTTQ tỉnh", "mttq"),
    ("LHH tỉnh", "lhh"),
    ("Liên hiệp các Hội KH&KT tỉnh", "lhh"),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai", "lhh"),
    ("Ban Tuyên giáo Tỉnh ủy", "ban-tuyen-giao"),
    ("các doanh nghiệp, tổ chức, cá nhân", "nhom-doanh-nghiep"),
    ("các Viện, Trường Đại học, tổ chức khoa học và công nghệ", "nhom-vien-truong"),
    ("các phòng, đơn vị thuộc Sở", "nhom-don-vi-thuoc-so"),
    ("Uy ban nhan dan tinh", "ubnd-tinh"),
    ("UBND tỉnh", "ubnd-tinh"),
    ("Phòng Quản lý Khoa học", "qlkh"),
]
# Names no registry holds: the plan names them, an administrator maps them.
UNKNOWN = ["Sở Tài chính", "Sở Văn hóa, Thể thao và Du lịch", "Công an tỉnh"]
DEADLINES = [
    ("Trong quý I/2025", "fixed"),
    ("Trước ngày 30/9/2025", "fixed"),
    ("Hằng năm", "yearly"),  # on the plan's yearly report deadline, a guess
    ("Thường xuyên", "ongoing"),
    ("Năm 2026", "fixed"),
    ("Hằng năm, trước ngày 30/11", "yearly"),
    ("Quý IV/2025", "fixed"),
    ("6 tháng đầu năm 2026", "fixed"),
    ("Tháng 10/2025", "fixed"),
    ("Định kỳ 6 tháng, hằng năm", "ongoing"),
]
TABLE_HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"]


def table_plan_rows(tasks: int = 80, *, unknown_every: int = 0) -> list[dict]:
    """`tasks` tasks in groups I, II…, each task "n" with sub-tasks "n.1", "n.2" for every third; the
    units and deadlines cycle through the spellings above. With `unknown_every`, every that many
    tasks name an unknown body as partner too."""
    rows, number, index = [], 0, 0
    while index < tasks:
        number += 1
        subtasks = 2 if number % 3 == 0 else 0
        for sub in range(subtasks + 1):
            if index >= tasks:
                break
            label = str(number) if sub == 0 else f"{number}.{sub}"
            lead_text, lead = LEAD_SPELLINGS[index % len(LEAD_SPELLINGS)]
            first_text, first = PARTNER_SPELLINGS[index % len(PARTNER_SPELLINGS)]
            second_text, second = PARTNER_SPELLINGS[(index * 7 + 3) % len(PARTNER_SPELLINGS)]
            partners = [(first_text, first)]
            if second not in (first, lead):
                partners.append((second_text, second))
            partners = [(text, code) for text, code in partners if code != lead]
            unknown = (
                UNKNOWN[(index // unknown_every) % len(UNKNOWN)]
                if unknown_every and index % unknown_every == 0
                else None
            )
            deadline, kind = DEADLINES[index % len(DEADLINES)]
            rows.append(
                {
                    "number": label,
                    "text": f"Nhiệm vụ số {label}: triển khai nội dung {index + 1} của kế hoạch về khoa học, công nghệ "
                    f"và đổi mới sáng tạo.",
                    "lead_text": lead_text,
                    "lead": lead,
                    "partner_text": ", ".join(
                        [text for text, _ in partners] + ([unknown] if unknown else [])
                    ),
                    "partners": [code for _, code in partners],
                    "unknown": unknown,
                    "deadline": deadline,
                    "kind": kind,
                    "product": f"Báo cáo kết quả nhiệm vụ {label}",
                    "group": (number - 1) // 10,
                }
            )
            index += 1
    return rows


def docx_table_plan(
    rows: list[dict], *, header: list[str] | None = None, number: str = "125/KH-SKHCN"
) -> bytes:
    """A plan whose tasks are in the table of its appendix, as plans implementing Nghị quyết 57 lay
    them out: a short body, "Phụ lục: Danh mục nhiệm vụ", group rows "I. …" across the table."""
    document = Document()
    header_table = document.add_table(rows=1, cols=2)
    _borderless(header_table)
    left, right = header_table.cell(0, 0), header_table.cell(0, 1)
    _runs(left.paragraphs[0], "UBND TỈNH ĐỒNG NAI")
    _runs(left.add_paragraph(), "SỞ KHOA HỌC VÀ CÔNG NGHỆ", bold=True)
    _runs(left.add_paragraph(), f"Số: {number}")
    _runs(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    _runs(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc", bold=True)
    _runs(right.add_paragraph(), "Đồng Nai, ngày 12 tháng 3 năm 2025")
    _runs(document.add_paragraph(), "KẾ HOẠCH", bold=True)
    _runs(
        document.add_paragraph(),
        "Triển khai thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa "
        "học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        bold=True,
    )
    _runs(
        document.add_paragraph(),
        "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, "
        "đổi mới sáng tạo và chuyển đổi số quốc gia; Sở Khoa học và Công nghệ ban hành Kế hoạch triển khai thực hiện "
        "như sau:",
    )
    _runs(document.add_paragraph(), "I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    _runs(document.add_paragraph(), "Cụ thể hóa các nhiệm vụ của Nghị quyết phù hợp với chức năng của Sở.")
    _runs(document.add_paragraph(), "II. NHIỆM VỤ CỤ THỂ", bold=True)
    _runs(document.add_paragraph(), "Các nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này.")
    _runs(document.add_paragraph(), "III. TỔ CHỨC THỰC HIỆN", bold=True)
    _runs(
        document.add_paragraph(),
        "Các phòng chuyên môn, đơn vị trực thuộc Sở báo cáo kết quả thực hiện hằng năm trước ngày 05/12 về Phòng "
        "Quản lý Khoa học để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
    )
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    _runs(table.cell(0, 0).paragraphs[0], "Nơi nhận:", bold=True)
    _runs(table.cell(0, 0).add_paragraph(), "- UBND tỉnh (b/c);")
    _runs(table.cell(0, 0).add_paragraph(), "- Lưu: VT, QLKH.")
    _runs(table.cell(0, 1).paragraphs[0], "GIÁM ĐỐC", bold=True)
    _runs(table.cell(0, 1).add_paragraph(), "Nguyễn Văn Giám", bold=True)
    document.add_page_break()
    _runs(document.add_paragraph(), "PHỤ LỤC: DANH MỤC NHIỆM VỤ", bold=True)
    columns = header or TABLE_HEADER
    tasks = document.add_table(rows=1, cols=len(columns))
    tasks.style = "Table Grid"
    for cell, text in zip(tasks.rows[0].cells, columns, strict=True):
        _runs(cell.paragraphs[0], text, bold=True)
    group = None
    for row in rows:
        if row["group"] != group:
            group = row["group"]
            cells = tasks.add_row().cells
            merged = cells[0].merge(cells[-1])
            merged.text = f"{_roman(group + 1)}. NHÓM NHIỆM VỤ THỨ {group + 1}"
        cells = tasks.add_row().cells
        values = [
            row["number"],
            row["text"],
            row["lead_text"],
            row["partner_text"],
            row["deadline"],
            row["product"],
        ]
        for cell, value in zip(cells, values[: len(columns)], strict=False):
            cell.text = value
    return _saved(document)


def _roman(number: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    result = ""
    for value, letters in numerals:
        while number >= value:
            result, number = result + letters, number - value
    return result


# ------------------------------------------------------------------------------
# Files that are no plan
# ------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def encrypted_docx() -> bytes:
    """What Word writes for a .docx protected by a password: not a zip but an OLE compound file
    (MS-CFB) holding the streams "EncryptionInfo" and "EncryptedPackage" (MS-OFFCRYPTO). A minimal
    but well-formed compound file with those two streams, their contents random."""
    sector = 512
    # Both streams at least the mini stream cutoff (4096 bytes), so that both are regular streams.
    info = (b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(range(256)) * 4).ljust(4096, b"\0")
    package = struct.pack("<Q", 4096) + bytes((i * 37) % 256 for i in range(4096))

    def entry(name: str, kind: int, start: int, size: int, child: int = -1, right: int = -1) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<H", len(encoded))
            + bytes([kind, 1])
            + struct.pack("<iii", -1, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<iI", start, size)
            + b"\0" * 4
        )

    # Sectors: 0 the FAT, 1 the directory, then EncryptionInfo, then EncryptedPackage.
    info_sectors = (len(info) + sector - 1) // sector
    package_sectors = (len(package) + sector - 1) // sector
    info_start, package_start = 2, 2 + info_sectors
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    for chain_start, count in ((info_start, info_sectors), (package_start, package_sectors)):
        for offset in range(count):
            fat.append(chain_start + offset + 1 if offset < count - 1 else 0xFFFFFFFE)
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    directory = (
        entry("Root Entry", 5, -2, 0, child=1)
        + entry("EncryptionInfo", 2, info_start, len(info), right=2)
        + entry("EncryptedPackage", 2, package_start, len(package))
        + entry("", 0, 0, 0)
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108
    return (
        header.ljust(sector, b"\0")
        + struct.pack(f"<{len(fat)}I", *fat)
        + directory
        + info.ljust(info_sectors * sector, b"\0")
        + package.ljust(package_sectors * sector, b"\0")
    )


def corrupt_docx() -> bytes:
    """A .docx cut short, as a download that stopped half way."""
    whole = docx_463()
    return whole[: len(whole) // 2]


def docx_without_tasks() -> bytes:
    document = Document()
    _runs(document.add_paragraph(), "KẾ HOẠCH", bold=True)
    _runs(document.add_paragraph(), "Tổ chức hội nghị tổng kết năm 2025", bold=True)
    _runs(document.add_paragraph(), "Sở Khoa học và Công nghệ tổ chức hội nghị tổng kết vào cuối năm.")
    _runs(document.add_paragraph(), "I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    _runs(document.add_paragraph(), "Đánh giá kết quả một năm hoạt động.")
    return _saved(document)


def today_iso() -> str:
    return datetime.date.today().isoformat()
