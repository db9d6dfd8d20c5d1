"""The parts of a plan read from its paragraphs and tables (docs/plan-document.md).

A plan laid out as Nghị định 30/2020/NĐ-CP lays out a document: the header (issuing body, "Số: …",
place and date), the type "KẾ HOẠCH" and its subject line, a preamble citing the documents it
carries out, sections numbered I, II… (the tasks in the one about "nhiệm vụ", or in a table of an
appendix), then "Nơi nhận" and the signer. Tasks come in two shapes:

- prose: "1. Heading" followed by its text and the lines "Đơn vị chủ trì thực hiện: …", "Đơn vị
  phối hợp: …", "Thời gian hoàn thành: …"; "4.1." under "4.";
- a table with the columns STT, Nhiệm vụ / Nội dung, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian
  hoàn thành, Sản phẩm, group rows "I. …" and sub-tasks "1.1".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.utils.text import slugify

from .deadlines import leading_frequency, read_deadline
from .draft import MATCHED, UNMATCHED, BasisDocument, Deadline, Draft, DraftTask, Duty, Mention
from .source import Paragraph, Table, UnreadableDocument
from .units import Registry
from .words import capitalise, fold, key, squash

ROMAN = r"(?:XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_SECTION = re.compile(rf"^(?:phan\s+)?({ROMAN.lower()})\s*[.:)-]\s*(\S.*)$")
_ROMAN_ONLY = re.compile(rf"^{ROMAN.lower()}\.?$")
# "1. …", "4.1. …", "4.1 …" begin a task; "1) …" is a list inside a task's text.
_TASK = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){1,3})\.?\s+(\S.*)$|^(\d{1,3})\.\s*(\S.*)$", re.S)
_NUMBER_CELL = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})\.?$")
_BULLET = re.compile(r"^[-–—+•*·]\s*")
_NUMBER_LINE = re.compile(r"^s[oố]\s*[:.]?\s*(.*)$", re.I)
_PLACE_DATE = re.compile(r"^(?P<place>[^,]{2,60}),\s*ngay\b(?P<rest>.*)$")
_DATE_PARTS = re.compile(r"ngay\s*(\d{1,2})?\s*thang\s*(\d{1,2})?\s*nam\s*(\d{4})")
_SIGNER = re.compile(
    r"^(kt|tm|tl|tuq|q|ktl)\.\s|^(pho\s+)?(giam doc|chu tich|truong phong|truong ban|bi thu|vien truong|"
    r"hieu truong|chanh van phong|thu truong)\b"
)
_FILING = re.compile(r"^(?=[^\s]*\d)[A-Za-z0-9][^\s]{5,}$")
_CITATION = re.compile(
    r"\b(ket luan|nghi quyet|chi thi|quyet dinh|cong van|ke hoach|thong tu|nghi dinh|thong bao|huong dan|luat)"
    r"\s+so\s+(\d[0-9a-z&\s/.\-]*?)\s*ngay\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
)
DOC_TYPES = {
    "ket luan": ("conclusion", "Kết luận"),
    "nghi quyet": ("resolution", "Nghị quyết"),
    "chi thi": ("directive", "Chỉ thị"),
    "quyet dinh": ("decision", "Quyết định"),
    "cong van": ("official_letter", "Công văn"),
    "ke hoach": ("plan", "Kế hoạch"),
    "thong tu": ("circular", "Thông tư"),
    "nghi dinh": ("decree", "Nghị định"),
}
_LABELS = [
    (
        "lead",
        re.compile(
            r"^(?:(?:don vi|co quan|bo phan|cac don vi)\s+)?(?:dong\s+)?chu tri(?:\s+thuc hien)?\s*[:：]"
        ),
    ),
    (
        "partner",
        re.compile(r"^(?:(?:don vi|co quan|bo phan|cac don vi)\s+)?phoi hop(?:\s+thuc hien)?\s*[:：]"),
    ),
    (
        "deadline",
        re.compile(
            r"^(?:thoi gian(?:\s+(?:hoan thanh|thuc hien|trien khai))?|thoi han(?:\s+hoan thanh)?|"
            r"tien do(?:\s+(?:thuc hien|hoan thanh))?|han hoan thanh)\s*[:：]"
        ),
    ),
    ("product", re.compile(r"^(?:san pham(?:\s+dau ra)?|ket qua(?:\s+dau ra)?)\s*[:：]")),
]
_PARTNER_IN_LEAD = re.compile(r"\s(phoi hop (?:voi|cung)|voi su phoi hop cua|cung voi)\s")
# Column headers of a task table, folded; a header names one column.
COLUMNS = {
    "number": ("stt", "tt", "so tt", "so thu tu"),
    "task": ("nhiem vu", "noi dung", "ten nhiem vu", "hoat dong", "de an", "giai phap"),
    "lead": ("chu tri",),
    "partner": ("phoi hop",),
    "deadline": ("thoi gian", "thoi han", "tien do", "han hoan thanh"),
    "product": ("san pham", "ket qua"),
    "note": ("ghi chu",),
}
COLUMN_WORDS = {
    "number": "số thứ tự (STT)",
    "task": "nhiệm vụ, nội dung",
    "lead": "cơ quan chủ trì",
    "partner": "cơ quan phối hợp",
    "deadline": "thời gian hoàn thành",
    "product": "sản phẩm",
    "note": "ghi chú",
}
TITLE_MAX = 200
SHORT_TITLE = 120
NO_TASKS = (
    "Không tìm thấy nhiệm vụ nào trong văn bản. Kế hoạch cần có mục nhiệm vụ (ví dụ “II. NHIỆM VỤ VÀ GIẢI PHÁP”) "
    "với các nhiệm vụ đánh số 1., 2. … kèm dòng “Đơn vị chủ trì thực hiện: …”, hoặc một bảng nhiệm vụ có các cột "
    "STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian hoàn thành."
)


class Line:
    """One line of the document: a paragraph, or one line of a paragraph broken by line breaks."""

    __slots__ = ("text", "bold", "folded", "paragraph")

    def __init__(self, text: str, bold: bool, paragraph: int):
        self.text = text.strip()
        self.bold = bold
        self.folded = fold(self.text)
        self.paragraph = paragraph

    def __repr__(self):
        return f"Line({self.text!r})"


def _lines(blocks) -> list[Line]:
    lines = []
    for index, block in enumerate(blocks):
        for part in block.text.split("\n"):
            if part.strip() and not re.fullmatch(r"[\s_\-–—=.*]+", part):
                lines.append(Line(part, block.bold, index))
    return lines


# ------------------------------------------------------------------------------
# Task tables
# ------------------------------------------------------------------------------
def _column_roles(header: list[str]) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {}
    previous = None
    for index, text in enumerate(header):
        words = squash(fold(text))
        if not words or text == previous:  # a header cell spanning two columns of the grid
            previous = text
            continue
        previous = text
        for role, names in COLUMNS.items():
            if role == "number":
                hit = words.rstrip(".") in names
            else:
                hit = any(re.search(rf"\b{name}\b", words) for name in names)
            if hit:
                roles.setdefault(role, []).append(index)
    return roles


def _header_row(table: Table) -> int | None:
    """The row of a task table's column headers (a title row across the table may come first), or
    None for a table of no tasks (the header's and the signature's layout)."""
    for index, row in enumerate(table.rows[:3]):
        if len(row) < 3:
            continue
        words = " | ".join(fold(text) for text in row)
        if fold(row[0]).strip(" .") in COLUMNS["number"] or "chu tri" in words or "phoi hop" in words:
            return index
    return None


def _task_table_columns(table: Table, position: int) -> tuple[dict[str, int], int]:
    """The column of each part and the first row after the header; UnreadableDocument when the header
    does not tell the columns apart."""
    start = _header_row(table) or 0
    header = list(table.rows[start])
    header_rows = start + 1
    if len(table.rows) > start + 1:
        second = table.rows[start + 1]
        words = " ".join(fold(text) for text in second)
        if ("chu tri" in words or "phoi hop" in words) and not _NUMBER_CELL.match(second[0].strip()):
            header = [a if a == b else f"{a} {b}".strip() for a, b in zip(header, second, strict=False)]
            header_rows = start + 2
    roles = _column_roles(header)
    # "Chủ trì, phối hợp" in one column: which unit leads cannot be told.
    both = set(roles.get("lead", [])) & set(roles.get("partner", []))
    problems = []
    if both:
        problems.append("một cột vừa ghi “chủ trì” vừa ghi “phối hợp”")
    for role in ("number", "task", "lead"):
        found = [index for index in roles.get(role, []) if index not in both]
        if not found:
            problems.append(f"không có cột {COLUMN_WORDS[role]}")
        elif len(found) > 1:
            problems.append(f"có {len(found)} cột cùng là {COLUMN_WORDS[role]}")
    for role in ("partner", "deadline", "product"):
        found = [index for index in roles.get(role, []) if index not in both]
        if len(found) > 1:
            problems.append(f"có {len(found)} cột cùng là {COLUMN_WORDS[role]}")
    if problems:
        shown = " | ".join(text or "(trống)" for text in header)
        raise UnreadableDocument(
            f"Bảng nhiệm vụ (bảng thứ {position} của văn bản, dòng tiêu đề: “{shown}”) không phân biệt được các cột: "
            + "; ".join(problems)
            + ". Hãy sửa dòng tiêu đề của bảng thành STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian hoàn "
            "thành, Sản phẩm (mỗi cột một tên) rồi tải lên lại."
        )
    columns = {role: indexes[0] for role, indexes in roles.items() if indexes and indexes[0] not in both}
    return columns, header_rows


def _table_tasks(table: Table, position: int, draft: Draft) -> list[dict]:
    columns, header_rows = _task_table_columns(table, position)
    rows = []
    group = ""
    for cells, spans in zip(table.rows[header_rows:], table.spans[header_rows:], strict=False):

        def cell(role, cells=cells):
            index = columns.get(role)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        number = cell("number")
        text = cell("task")
        if all(re.fullmatch(r"\(?\d{1,2}\)?", value.strip()) for value in cells if value.strip()):
            continue  # the row numbering the columns: (1) (2) (3)…
        if spans:
            group = squash(cells[0])  # "I. NHIỆM VỤ CHUNG" across the table
            continue
        if _ROMAN_ONLY.match(fold(number).strip()) or (not number and _SECTION.match(fold(text))):
            group = squash(f"{number} {text}")  # "I" | "NHIỆM VỤ CHUNG", or the heading in the task column
            continue
        found = _NUMBER_CELL.match(number.strip())
        if not found:
            if text and rows:
                rows[-1]["lines"].append(text)  # a row that continues the task above
            continue
        rows.append(
            {
                "number": ".".join(str(int(part)) for part in found.group(1).split(".")),
                "lines": [text] if text else [],
                "lead": cell("lead"),
                "partner": cell("partner"),
                "deadline": cell("deadline"),
                "product": cell("product"),
                "group": group,
                "bold": False,
            }
        )
    return rows


# ------------------------------------------------------------------------------
# Prose tasks
# ------------------------------------------------------------------------------
def _label(line_text: str) -> tuple[str, str] | None:
    """("lead", "Trung tâm Khoa học và Công nghệ.") for "- Đơn vị chủ trì thực hiện: Trung tâm…"."""
    text = _BULLET.sub("", line_text)
    folded = fold(text)
    for role, pattern in _LABELS:
        found = pattern.match(folded)
        if found:
            return role, text[found.end() :].strip()
    return None


def _expected_next(last: list[int] | None) -> set[tuple[int, ...]]:
    if not last:
        return {(1,)}
    candidates = {(*last, 1)}
    for depth in range(len(last)):
        candidates.add((*last[:depth], last[depth] + 1))
    return candidates


def _prose_tasks(lines: list[Line]) -> list[dict]:
    rows: list[dict] = []
    last = None
    for line in lines:
        found = _TASK.match(line.text)
        if found:
            number_text = found.group(1) or found.group(3)
            number = tuple(int(part) for part in number_text.split("."))
            if number in _expected_next(last):
                last = list(number)
                rows.append(
                    {
                        "number": ".".join(map(str, number)),
                        "heading": (found.group(2) or found.group(4)).strip(),
                        "bold": line.bold,
                        "lines": [],
                        "lead": "",
                        "partner": "",
                        "deadline": "",
                        "product": "",
                        "group": "",
                    }
                )
                continue
        if not rows:
            continue
        labelled = _label(line.text)
        if labelled:
            role, value = labelled
            if role == "lead":
                # "Chủ trì: A; phối hợp: B" on one line.
                split = re.search(r"[;,]\s*(?:don vi |co quan )?phoi hop\s*[:：]", fold(value))
                if split:
                    rows[-1]["partner"] = value[split.end() :].strip()
                    value = value[: split.start()].strip()
            rows[-1][role] = value if not rows[-1][role] else rows[-1][role] + " " + value
        else:
            rows[-1]["lines"].append(line.text)
    return rows


def short_title(content: str) -> str:
    """A short title from a task's text: its first clause, or its first words."""
    first = re.split(r"(?<=[^\d\s])[.;:](?:\s|$)|\n", content.strip(), maxsplit=1)[0].strip()
    if len(first) <= SHORT_TITLE:
        return first
    cut = first[:SHORT_TITLE].rsplit(" ", 1)[0].rstrip(" ,;–-")
    return cut + "…"


def _task_from_row(row: dict) -> DraftTask:
    heading = row.get("heading", "")
    lines = [text for text in row["lines"] if text]
    guessed = False
    if (
        heading
        and lines
        and len(heading) <= TITLE_MAX
        and (row["bold"] or not heading.rstrip().endswith((".", ";", ":")))
    ):
        title, content = heading, "\n".join(lines)
    else:
        content = "\n".join([heading, *lines] if heading else lines)
        if not content:
            content = heading
        title, guessed = short_title(content), True
        if heading and not lines and len(heading) <= TITLE_MAX and not heading.endswith((".", ";")):
            guessed = False  # a heading alone is its own title ("4. Phát triển hệ sinh thái")
    if row.get("product"):
        content = f"{content}\nSản phẩm: {row['product']}" if content else f"Sản phẩm: {row['product']}"
    return DraftTask(
        number=row["number"],
        title=title[:255],
        content=content,
        lead_text=row["lead"],
        partner_text=row["partner"],
        deadline=Deadline(text=row["deadline"].rstrip(". ")),
        product=row.get("product", ""),
        group=row.get("group", ""),
        title_guessed=guessed,
    )


def _fix_tree(tasks: list[DraftTask], warnings: list[str]) -> list[DraftTask]:
    """Numbers made unique and every sub-task given its parent: groups that number their tasks from 1
    again become parent tasks, numbered 1, 2…; a sub-task whose parent is missing gets one."""
    numbers = [task.number for task in tasks]
    if len(set(numbers)) != len(numbers):
        groups: list[str] = []
        for task in tasks:
            if task.group not in groups:
                groups.append(task.group)
        renumbered: list[DraftTask] = []
        for index, group in enumerate(groups, start=1):
            title = re.sub(rf"^{ROMAN}\s*[.:)-]\s*", "", group).strip() or f"Nhóm nhiệm vụ {index}"
            renumbered.append(DraftTask(number=str(index), title=title[:255], content=group or title))
            for task in tasks:
                if task.group == group:
                    task.number = f"{index}.{task.number}"
                    renumbered.append(task)
        warnings.append(
            "Các nhóm nhiệm vụ đều đánh số lại từ 1: mỗi nhóm thành một nhiệm vụ (1, 2…), các nhiệm vụ trong nhóm "
            "được đánh số 1.1, 1.2…"
        )
        tasks = renumbered
    if any(len(task.number.split(".")) > 4 for task in tasks):
        raise UnreadableDocument(
            "Nhiệm vụ được đánh số quá 4 cấp (ví dụ 1.2.3.4.5): không đọc được cây nhiệm vụ."
        )
    present = {task.number for task in tasks}
    result = []
    for task in tasks:
        if "." in task.number:
            parent = task.number.rsplit(".", 1)[0]
            if parent not in present:
                title = re.sub(rf"^{ROMAN}\s*[.:)-]\s*", "", task.group).strip() or f"Nhóm nhiệm vụ {parent}"
                result.append(DraftTask(number=parent, title=title[:255], content=task.group or title))
                present.add(parent)
                warnings.append(
                    f"Nhiệm vụ {task.number} không có nhiệm vụ {parent} ở trên: đã thêm nhiệm vụ {parent} “{title}”."
                )
        result.append(task)
    return result


# ------------------------------------------------------------------------------
# The document
# ------------------------------------------------------------------------------
def read_plan(blocks: list, *, registry_for: Callable[[str], Registry], source_name: str = "") -> Draft:
    """A draft of the plan in `blocks` (source.document_blocks); `registry_for(place)` gives the units
    to match names against. UnreadableDocument when no task is found or a task table's columns
    cannot be told apart."""
    draft = Draft(source_name=source_name)
    flat: list[Paragraph] = []
    tables: list[tuple[int, Table]] = []
    position = 0
    for block in blocks:
        if isinstance(block, Table):
            position += 1
            if _header_row(block) is not None:
                tables.append((position, block))
                flat.append(Paragraph(text="", bold=False))
            else:
                flat += block.paragraphs
        else:
            flat.append(block)
    lines = _lines(flat)

    body_start = _read_header(lines, draft)
    sections, tail = _sections(lines, body_start, draft)

    place = draft.place
    registry = registry_for(place)
    day = _plan_day(draft)

    prose_rows: list[dict] = []
    for name, content in sections:
        words = fold(name)
        if "muc dich" in words or "yeu cau" in words and "nhiem vu" not in words:
            draft.purposes = "\n".join(line.text for line in content)
        elif "to chuc thuc hien" in words:
            draft.organisation = "\n".join(line.text for line in content)
        elif "nhiem vu" in words or "giai phap" in words or "noi dung" in words:
            prose_rows += _prose_tasks(content)
        elif "thoi gian" in words or "kinh phi" in words:
            _read_time_and_funds(content, words, draft)
    _read_tail(tail, draft)

    table_rows: list[dict] = []
    for table_position, table in tables:
        table_rows += _table_tasks(table, table_position, draft)
    if table_rows:
        draft.shape = "table"
        if any(row["lead"] for row in prose_rows):
            draft.warnings.append(
                "Văn bản có cả nhiệm vụ trong mục nhiệm vụ và bảng nhiệm vụ: chỉ lấy các nhiệm vụ trong bảng."
            )
        rows = table_rows
    else:
        rows = prose_rows
    if not rows:
        raise UnreadableDocument(NO_TASKS)
    draft.tasks = _fix_tree([_task_from_row(row) for row in rows], draft.warnings)

    _read_issuer(draft, registry, day)
    _read_schedule(draft)
    _read_basis(draft, registry, day)
    _read_follow_up(draft, registry, day)
    _read_deadlines(draft)
    _read_units(draft, registry, day)
    _read_duties(draft, registry, day)
    draft.code = _suggested_code(draft)
    return draft


def _plan_day(draft: Draft) -> datetime.date | None:
    if draft.issued_on:
        return datetime.date.fromisoformat(draft.issued_on)
    if draft.issued_year:
        return datetime.date(draft.issued_year, 12, 31)
    return None


def _read_header(lines: list[Line], draft: Draft) -> int:
    """The header's parts; returns the index of the first line after the subject line."""
    capitals: list[str] = []
    for index, line in enumerate(lines[:40]):
        folded = line.folded.strip()
        if folded in ("ke hoach",) or re.fullmatch(r"ke hoach\s*:?", folded):
            draft.doc_type = line.text
            title_lines: list[str] = []
            following = index + 1
            while following < len(lines) and len(title_lines) < 4:
                candidate = lines[following]
                if title_lines and not (candidate.bold and lines[following - 1].bold):
                    break
                if title_lines and (
                    _SECTION.match(candidate.folded) or candidate.folded.startswith(("can cu", "thuc hien"))
                ):
                    break
                title_lines.append(candidate.text)
                following += 1
            draft.title = squash(" ".join(title_lines))
            draft.authority, draft.issuer_text = (
                (capitals[-2] if len(capitals) > 1 else ""),
                (capitals[-1] if capitals else ""),
            )
            return following
        if folded.startswith("cong hoa xa hoi chu nghia") or folded.startswith("doc lap"):
            continue
        found = _NUMBER_LINE.match(line.text)
        if found and "/" in found.group(1):
            written = squash(found.group(1))
            draft.number_template = written[written.index("/") :].replace(" ", "")
            head = written[: written.index("/")].strip()
            draft.number = (head + draft.number_template) if head.isdigit() else ""
            continue
        found = _PLACE_DATE.match(folded)
        if found:
            draft.place = line.text[: len(found.group("place"))].strip()
            draft.date_text = line.text
            parts = _DATE_PARTS.search(folded)
            if parts:
                draft.issued_year = int(parts.group(3))
                if parts.group(1) and parts.group(2):
                    try:
                        draft.issued_on = datetime.date(
                            int(parts.group(3)), int(parts.group(2)), int(parts.group(1))
                        ).isoformat()
                    except ValueError:
                        draft.warnings.append(f"Ngày ban hành “{line.text}” không có thật: chỉ lấy năm.")
            continue
        letters = [ch for ch in line.text if ch.isalpha()]
        if letters and all(ch.isupper() for ch in letters) and len(line.text) <= 120:
            capitals.append(line.text)
    draft.warnings.append("Không tìm thấy dòng tên loại “KẾ HOẠCH” và trích yếu ở đầu văn bản.")
    return 0


def _sections(lines: list[Line], start: int, draft: Draft) -> tuple[list[tuple[str, list[Line]]], list[Line]]:
    """The preamble, the sections I, II… with their lines, and the lines from "Nơi nhận" on."""
    sections: list[tuple[str, list[Line]]] = []
    preamble: list[str] = []
    tail: list[Line] = []
    in_tail = False
    for index in range(start, len(lines)):
        line = lines[index]
        if line.folded.startswith("noi nhan") and not tail:
            in_tail = True
        if in_tail and re.match(r"^phu luc\b", line.folded):
            in_tail = False  # an appendix after the signature: its tables and text are the plan's
        if in_tail:
            tail.append(line)
            continue
        found = _SECTION.match(line.folded)
        if found and (line.bold or line.text[: len(found.group(1))].isupper()):
            sections.append((found.group(2), []))
            continue
        if re.match(r"^phu luc\b", line.folded):
            sections.append((line.folded, []))
            continue
        if sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line.text)
    if not tail:
        # A signer block with no "Nơi nhận" before it: from the first signer line of the last section.
        last = sections[-1][1] if sections else []
        for index, line in enumerate(last):
            if _is_signer(line):
                tail = last[index:]
                del last[index:]
                break
    draft.preamble = "\n".join(preamble)
    return sections, tail


def _is_signer(line: Line) -> bool:
    letters = [ch for ch in line.text if ch.isalpha()]
    capitals = bool(letters) and all(ch.isupper() for ch in letters)
    return capitals and len(line.text) <= 60 and bool(_SIGNER.match(line.folded))


def _read_time_and_funds(content: list[Line], heading: str, draft: Draft) -> None:
    loose = []
    for line in content:
        text = _BULLET.sub("", line.text)
        folded = fold(text)
        found = re.match(r"^thoi gian(?: thuc hien)?\s*[:：]\s*", folded)
        if found:
            draft.implementation_time = text[found.end() :].strip()
            continue
        found = re.match(r"^kinh phi(?: thuc hien)?\s*[:：]\s*", folded)
        if found:
            draft.funding_note = text[found.end() :].strip()
            continue
        loose.append(line.text)
    if loose:
        target = (
            "funding_note" if "kinh phi" in heading and "thoi gian" not in heading else "implementation_time"
        )
        if not getattr(draft, target):
            setattr(draft, target, "\n".join(loose))


def _read_tail(tail: list[Line], draft: Draft) -> None:
    """Nơi nhận, the filing code and the signer, in whatever order the layout gives them."""
    recipients: list[str] = []
    signer: list[str] = []
    names: list[str] = []
    for line in tail:
        if line.folded.startswith("noi nhan"):
            rest = re.sub(r"^noi nhan\s*:?\s*", "", line.folded)
            if rest:
                recipients.append(line.text[len(line.text) - len(rest) :])
            continue
        if _is_signer(line):
            signer.append(line.text)
            continue
        if _FILING.match(line.text) and not signer:
            draft.filing_code = line.text
            continue
        if signer:
            if re.fullmatch(r"\(?\s*(da ky|ky ten.*|ky, ghi ro ho ten.*|ky so.*)\s*\)?\.?", line.folded):
                continue
            names.append(line.text)
        else:
            recipients.append(line.text)
    draft.recipients = "\n".join(recipients)
    draft.signer_title = "\n".join(signer)
    draft.signer_name = names[0] if names else ""
    if not signer:
        draft.warnings.append("Không tìm thấy khối chữ ký (ví dụ “KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC”).")


def _read_issuer(draft: Draft, registry: Registry, day) -> None:
    candidates = []
    if draft.issuer_text:
        candidates.append(draft.issuer_text)
    found = re.search(r"([^;.:]*?)\s+ban hanh\s+ke hoach", fold(draft.preamble))
    if found:
        candidates.append(draft.preamble[found.start(1) : found.end(1)].strip())
    if draft.number_template:
        symbol = draft.number_template.rsplit("-", 1)[-1]
        if symbol:
            candidates.append(symbol)
    for text in candidates:
        for mention in registry.match(text, on=day):
            if mention.unit:
                draft.issuer = mention
                return
    draft.issuer = Mention(
        text=candidates[0] if candidates else "(cơ quan ban hành)",
        key=key(candidates[0]) if candidates else "co quan ban hanh",
        reason="Không xác định được cơ quan ban hành kế hoạch.",
    )


def _read_schedule(draft: Draft) -> None:
    """The plan's reporting schedule, from the sentence of section IV that asks for reports."""
    sentences = re.split(r"(?<=[.;])\s+|\n", f"{draft.organisation}\n{draft.implementation_time}")
    for sentence in sentences:
        words = fold(sentence)
        if "bao cao" not in words:
            continue
        dates = [
            (int(d), int(m))
            for d, m in re.findall(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?!\s*/\s*\d)", words)
        ]
        dates = [(d, m) for d, m in dates if 1 <= d <= 31 and 1 <= m <= 12]
        day_only = re.search(r"truoc ngay (\d{1,2})\b(?!\s*/)", words)
        if "6 thang" in words and dates:
            day, month = dates[0]
            draft.schedule, draft.report_day = "half_yearly", day
            draft.report_month_offset = max(-5, min(3, month - 6 if month <= 9 else month - 12))
        elif "hang quy" in words or "moi quy" in words:
            draft.schedule, draft.report_day, draft.report_month_offset = (
                "quarterly",
                int(day_only.group(1)) if day_only else (dates[0][0] if dates else 15),
                0,
            )
            draft.schedule_guess = "Hạn báo cáo hằng quý đọc từ câu này; kiểm tra lại tháng của hạn."
        elif "hang thang" in words or "moi thang" in words:
            draft.schedule, draft.report_day, draft.report_month_offset = (
                "monthly",
                int(day_only.group(1)) if day_only else (dates[0][0] if dates else 25),
                0,
            )
        elif dates and ("hang nam" in words or "moi nam" in words or "dinh ky" in words):
            day, month = dates[-1]
            draft.schedule, draft.report_day = "yearly", day
            draft.report_month_offset = 1 if ("nam sau" in words and month <= 3) else month - 12
        else:
            continue
        draft.schedule_text = squash(sentence)
        return
    draft.schedule, draft.report_day, draft.report_month_offset = "yearly", 15, 0
    draft.schedule_guess = "Không tìm thấy hạn gửi báo cáo trong kế hoạch: tạm đặt báo cáo hằng năm, hạn ngày 15/12; sửa ở trang kế hoạch."


def _yearly_report(draft: Draft) -> tuple[int, int] | None:
    if draft.schedule != "yearly" or draft.schedule_guess:
        return None
    month = 12 + draft.report_month_offset if draft.report_month_offset <= 0 else draft.report_month_offset
    return draft.report_day, month


def _read_basis(draft: Draft, registry: Registry, day) -> None:
    seen = set()
    for text in (draft.title, draft.preamble):
        folded = fold(text)
        for found in _CITATION.finditer(folded):
            number = re.sub(r"\s+", "", text[found.start(2) : found.end(2)]).rstrip(".-/")
            try:
                issued = datetime.date(int(found.group(5)), int(found.group(4)), int(found.group(3)))
            except ValueError:
                draft.warnings.append(
                    f"Văn bản số {number}: ngày ban hành không có thật, không ghi là văn bản căn cứ."
                )
                continue
            if (number, issued) in seen:
                continue
            seen.add((number, issued))
            doc_type, type_name = DOC_TYPES.get(
                found.group(1), ("other", capitalise(text[found.start(1) : found.end(1)]))
            )
            rest_end = len(text)
            for stop in ("(", ";", "\n"):
                position = text.find(stop, found.end())
                if position != -1:
                    rest_end = min(rest_end, position)
            rest = text[found.end() : rest_end].strip().rstrip(".,")
            issuer_text, subject = "", ""
            folded_rest = fold(rest)
            if folded_rest.startswith("cua "):
                cut = re.search(r"\s(tai|ve|ve viec|nham|theo)\s", folded_rest[4:])
                issuer_text = rest[4 : 4 + cut.start()].strip() if cut else rest[4:].strip()
                after = rest[4 + cut.start() :].strip() if cut else ""
                if fold(after).startswith("ve"):
                    subject = capitalise(after)
                else:
                    subject = squash(f"{type_name} của {issuer_text} {after}")
            else:
                subject = capitalise(rest) if rest else f"{type_name} số {number}"
                before = folded[: found.start()]
                clause_start = max(before.rfind(";"), before.rfind("."), before.rfind("\n"), -1) + 1
                clause = before[clause_start:]
                owner = re.search(r"cua\s+(.+?)\s+(tai|theo)\s*$", clause)
                if owner:
                    start = clause_start + owner.start(1)
                    issuer_text = text[start : start + len(owner.group(1))].strip()
            issuer = None
            if issuer_text:
                matched = registry.match(issuer_text, on=day)
                issuer = matched[0] if matched else None
            if issuer is None:
                symbol = number.split("/", 1)[1].split("-")[0] if "/" in number else ""
                by_symbol = registry.match(symbol, on=day) if symbol else []
                issuer = by_symbol[0] if by_symbol and by_symbol[0].unit else None
            if issuer is None:
                written = issuer_text or f"Cơ quan ban hành {type_name.lower()} số {number}"
                issuer = Mention(
                    text=written, key=key(written), reason="Không xác định được cơ quan ban hành văn bản."
                )
            draft.basis.append(
                BasisDocument(
                    cited=squash(text[found.start() : found.end()]),
                    number=number,
                    doc_type=doc_type,
                    issued_on=issued.isoformat(),
                    subject=subject[:2000],
                    issuer=issuer,
                )
            )


def _read_follow_up(draft: Draft, registry: Registry, day) -> None:
    """Who receives the units' reports (the coordinating unit) and who receives the consolidated
    report, from the sentence that asks for reports."""
    sentence = draft.schedule_text
    folded = fold(sentence)
    coordinating = recipient = None
    found = re.search(r"\b(?:gui\s+)?ve\s+(.+?)(?:\s+(?:de|truoc|chuan bi|nham)\s|\(|,|$)", folded)
    if found:
        hits = registry.match(sentence[found.start(1) : found.end(1)], on=day)
        coordinating = next((m for m in hits if m.unit), None)
    last = folded.rfind("bao cao ")
    tail_start = folded.find("tong hop")
    if last != -1 and last > tail_start >= 0:
        hits = registry.match(sentence[last + len("bao cao ") :], on=day)
        recipient = next((m for m in hits if m.unit), None)
    issuer_unit = draft.issuer.unit if draft.issuer else None
    if coordinating is None:
        coordinating = Mention(
            text=draft.issuer.text if draft.issuer else "(đơn vị đầu mối)",
            key=draft.issuer.key if draft.issuer else "",
            unit=issuer_unit,
            status="doubtful" if issuer_unit else UNMATCHED,
            reason="Kế hoạch không nói rõ đơn vị nhận báo cáo của các đơn vị: tạm lấy cơ quan ban hành.",
        )
    if recipient is None:
        parent = registry.units[issuer_unit].parent if issuer_unit in registry.units else None
        recipient = Mention(
            text=registry.label(parent) or "(nơi nhận báo cáo tổng hợp)",
            key=key(registry.label(parent)) if parent else "noi nhan bao cao tong hop",
            unit=parent,
            status="doubtful" if parent else UNMATCHED,
            reason="Kế hoạch không nói rõ nơi nhận báo cáo tổng hợp: tạm lấy cơ quan cấp trên của cơ quan ban hành.",
        )
    draft.coordinating, draft.report_recipient = coordinating, recipient


def _read_deadlines(draft: Draft) -> None:
    yearly = _yearly_report(draft)
    plan_time = draft.implementation_time.strip().rstrip(".")
    by_number = {task.number: task for task in draft.tasks}
    for task in draft.tasks:
        words, guess = task.deadline.text, ""
        if not words:
            parent = by_number.get(task.number.rsplit(".", 1)[0]) if "." in task.number else None
            leading = leading_frequency(task.content)
            if parent is not None and parent.deadline.text:
                words, guess = parent.deadline.text, f"Lấy thời hạn của nhiệm vụ {parent.number}."
            elif leading:
                words, guess = leading, "Nhiệm vụ không có dòng thời hạn: đọc từ đầu nội dung nhiệm vụ."
            elif plan_time and len(plan_time) <= 60:
                words = capitalise(plan_time)
                guess = "Nhiệm vụ không ghi thời hạn riêng: lấy thời gian thực hiện của kế hoạch."
        reading = read_deadline(words, year=draft.issued_year, yearly_report=yearly)
        reading.guess = " ".join(part for part in (guess, reading.guess) if part)
        task.deadline = reading


def _split_lead(text: str) -> tuple[str, str]:
    """ "Phòng A phối hợp với Hội B." → ("Phòng A", "phối hợp với Hội B")."""
    found = _PARTNER_IN_LEAD.search(fold(text))
    if not found:
        return text, ""
    return text[: found.start()].strip(), text[found.start() :].strip().rstrip(".;")


def _read_units(draft: Draft, registry: Registry, day) -> None:
    for task in draft.tasks:
        lead_part, partner_part = _split_lead(task.lead_text)
        task.leads = registry.match(lead_part, on=day)
        named = registry.match(partner_part, on=day) if partner_part else []
        for mention in named:
            mention.note = f"Được nêu trong dòng đơn vị chủ trì: “{partner_part}”."
        partners = named + registry.match(task.partner_text, on=day)
        lead_units = {m.unit for m in task.leads if m.unit} | {m.key for m in task.leads}
        kept, seen = [], set()
        for mention in partners:
            if (mention.unit and mention.unit in lead_units) or mention.key in lead_units:
                continue
            if (mention.unit or mention.key) in seen:
                continue
            seen.add(mention.unit or mention.key)
            kept.append(mention)
        task.partners = kept


DUTY_KINDS = [
    ("escalation", ("kho khan", "vuong mac")),
    ("report", ("bao cao ket qua",)),
    ("follow_up", ("theo doi",)),
    ("funding", ("kinh phi",)),
    ("communication", ("tuyen truyen", "dua tin")),
    ("disseminate", ("trien khai ke hoach", "quan triet", "pho bien")),
]


def _read_duties(draft: Draft, registry: Registry, day) -> None:
    """The standing duties of section IV: each paragraph that names a body and a kind of duty."""
    seen = set()
    report_unit = None
    paragraphs = [text for text in draft.organisation.split("\n") if text.strip()]
    pending = []
    for text in paragraphs:
        words = fold(text)
        kind = next((kind for kind, marks in DUTY_KINDS if any(mark in words for mark in marks)), None)
        if kind is None:
            continue
        hits = registry.find(text, on=day)
        recipient = None
        if kind == "report":
            recipient = draft.coordinating if draft.coordinating and draft.coordinating.unit else None
        elif kind == "follow_up":
            recipient = (
                draft.report_recipient if draft.report_recipient and draft.report_recipient.unit else None
            )
        elif kind == "escalation":
            position = words.rfind("bao cao ")
            after = registry.find(text[position + len("bao cao ") :], on=day) if position != -1 else []
            recipient = after[0] if after else None
            hits = [m for m in hits if not recipient or m.unit != recipient.unit]
        unit = hits[0] if hits else None
        if kind == "report" and unit:
            report_unit = unit
        pending.append((kind, text, unit, recipient))
    for kind, text, unit, recipient in pending:
        if unit is None and kind == "escalation":
            unit = report_unit
        if unit is None or not unit.unit or (kind, unit.unit) in seen:
            continue
        seen.add((kind, unit.unit))
        draft.duties.append(Duty(kind=kind, content=text, unit=unit, recipient=recipient))


def _suggested_code(draft: Draft) -> str:
    year = draft.issued_year or ""
    if draft.number:
        return slugify(f"kh-{draft.number.split('/')[0]}-{year}")[:40]
    if draft.basis:
        first = fold(draft.title).find("so ")
        cited = next(
            (
                doc
                for doc in draft.basis
                if first != -1 and doc.cited and fold(doc.cited) in fold(draft.title)
            ),
            None,
        )
        number = (cited or draft.basis[0]).number
        digits = re.match(r"\d+", number)
        if digits:
            return slugify(f"kh-{digits.group()}")[:40]
    return slugify(f"kh-{year}-{key(draft.title)[:20]}")[:40] or "kh-moi"


def status_counts(draft: Draft) -> dict[str, int]:
    counts = {MATCHED: 0, "doubtful": 0, UNMATCHED: 0}
    for task in draft.tasks:
        for mention in (*task.leads, *task.partners):
            counts[mention.status] += 1
    return counts
