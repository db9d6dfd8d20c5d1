"""The consolidated yearly report as plain data, ready to be laid out (DOCX) or tabulated (XLSX).

Built from the database by the consolidated report's generator; read by the writers beside this
module (`docx`, `consolidated_xlsx`). Nothing here touches the database, so the writers can be tested
with hand-made documents.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Figure:
    """An indicator of a task judged at the report's last period (reports.states.indicator_result):
    its target, what the units sent, and the verdict in words."""

    label: str  # "Tỷ lệ hồ sơ trực tuyến toàn trình"
    actual: Decimal | int | None  # None: nothing sent yet
    target: Decimal | int | None = None  # the target that applies; None without one
    unit: str = ""  # "lượt người", "%"
    verdict: str = ""  # "đạt", "vượt", "chưa đạt", "chưa có số liệu", "chưa đặt chỉ tiêu"
    decimals: int = 0  # the indicator's decimals, as its numbers are written


@dataclass
class TaskPart:
    """Section II: one part per task of the plan."""

    number: str  # "3", "4.1"
    title: str  # the plan's title of the task, or the short title the department gave it
    lead: list[str]  # unit names, as assigned (co-leads, groups included)
    partners: list[str]
    deadline: str  # "Trong quý I/2024", "Thường xuyên", "Hằng năm, trước ngày 20/10"
    result: str  # the result over the report's span: composed from accepted reports, editable
    depth: int = 0  # 0 for a task, 1 for a sub-task (4.1)…
    short_title: bool = False  # the title is the department's short name: the plan's text follows
    content: str = ""  # the task as the plan words it
    named: list[str] = field(default_factory=list)  # bodies named to take part, who owe no report
    state: str = ""  # the task's state over the span (five states, or awaiting review)
    funds_planned: int | None = None  # đồng, summed over the accepted reports; None: none reported
    funds_spent: int | None = None
    figures: list[Figure] = field(default_factory=list)  # the task's indicators against their targets


@dataclass
class AppendixRow:
    """One row of the appendix: one task and one unit."""

    order: int  # TT, 1..n
    task_number: str
    task_title: str
    unit: str
    role: str  # "Chủ trì" / "Phối hợp"
    deadline: str  # dd/mm/yyyy of the task's deadline for that unit and year
    summary: str  # the unit's accepted result in full, or what stands in its way, in words
    state: str  # the label of the task state (docs/domain.md, "Task states"), or awaiting review
    deadline_date: datetime.date | None = None  # the same deadline as a date, for spreadsheets
    funds_planned: int | None = None  # of the accepted report
    funds_spent: int | None = None
    # Editions issued before indicators held the unit's counts here; a row has none since.
    figures: list[Figure] = field(default_factory=list)


@dataclass
class UnitReportRow:
    """One unit's report of the period as the Excel file lists it, labels already in words."""

    period: str  # "Năm 2026", "6 tháng đầu năm 2026"
    plan: str  # the plan's code
    task_number: str
    task_title: str
    unit: str
    role: str
    status: str
    state: str
    deadline: datetime.date
    completion: str
    completed_on: datetime.date | None
    progress: int
    results: str
    difficulties: str
    escalated: bool
    proposals: str
    funds_planned: int | None
    funds_spent: int | None
    submitted_on: datetime.date | None
    accepted_on: datetime.date | None
    files: int


@dataclass
class ReportDocument:
    # Header (Nghị định 30/2020/NĐ-CP, Phụ lục I)
    authority: str  # "UBND TỈNH ĐỒNG NAI" (cơ quan chủ quản)
    issuer: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ" (cơ quan ban hành)
    issuer_name: str  # "Sở Khoa học và Công nghệ", as written in a sentence
    author: str  # "Sở Khoa học và Công nghệ tỉnh Đồng Nai", the file's author
    number: str  # "245/BC-SKHCN", or "        /BC-SKHCN" when not yet numbered
    place: str  # "Đồng Nai"
    date: datetime.date | None  # None: "ngày    tháng    năm 2026" left blank for the clerk
    year: int  # the year reported
    span: str  # what the report covers: "Năm 2026", "6 tháng đầu năm 2026"
    next_span: str  # what section IV looks ahead to: "NĂM 2027", "THỜI GIAN TỚI"
    subject: str  # trích yếu: "Kết quả thực hiện Kế hoạch ... năm 2026"
    introduction: str  # the opening paragraph (căn cứ, thực hiện ...)
    # Sections I–V; texts are plain, paragraphs separated by blank lines or new lines
    direction: str  # I. Công tác chỉ đạo, triển khai
    tasks: list[TaskPart]  # II. Kết quả thực hiện các nhiệm vụ
    strengths: str  # III.1 Ưu điểm
    weaknesses: str  # III.2 Tồn tại, hạn chế
    causes: str  # III.3 Nguyên nhân
    next_year: str  # IV. Phương hướng, nhiệm vụ năm tới
    proposals: str  # V. Kiến nghị, đề xuất
    # Signature and distribution
    signer_title: list[str]  # ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    signer_name: str
    recipients: list[str]  # ["UBND tỉnh (b/c);", "Ban Giám đốc Sở;", "Lưu: VT, VP."]
    # Appendix
    appendix_title: str  # "PHỤ LỤC\nKết quả thực hiện các nhiệm vụ năm 2026"
    appendix: list[AppendixRow] = field(default_factory=list)
    state_counts: list[tuple[str, int]] = field(default_factory=list)  # appendix rows by state, in order
    task_counts: list[tuple[str, int]] = field(default_factory=list)  # tasks by state, in order
    accepted_count: int = 0  # accepted unit reports used; 0 → the document says so
    # Every unit report of the period, read only when a writer asks (the Excel file does; the Word
    # file and the preview do not).
    unit_reports: Iterable[UnitReportRow] = ()


# ------------------------------------------------------------------------------
# A frozen copy: the document as JSON, and back
# ------------------------------------------------------------------------------
_DATES = {"date", "deadline", "deadline_date"}


def document_data(doc: ReportDocument) -> dict:
    """`doc` as JSON-ready data (dates as ISO strings), without the unit reports, which the Excel
    file frozen beside it carries."""
    data = dataclasses.asdict(dataclasses.replace(doc, unit_reports=()))
    data.pop("unit_reports")
    data["date"] = doc.date.isoformat() if doc.date else None
    for row in data["appendix"]:
        row["deadline_date"] = row["deadline_date"].isoformat() if row["deadline_date"] else None
    for figure in (f for item in [*data["tasks"], *data["appendix"]] for f in item["figures"]):
        for name in ("actual", "target"):
            if isinstance(figure[name], Decimal):
                figure[name] = str(figure[name])
    return data


def _figure(data: dict) -> Figure:
    """A figure `document_data` wrote: its numbers back as numbers (text for a Decimal)."""
    figure = Figure(**data)
    for name in ("actual", "target"):
        if isinstance(getattr(figure, name), str):
            setattr(figure, name, Decimal(getattr(figure, name)))
    return figure


def document_from_data(data: dict) -> ReportDocument:
    """The document `document_data` wrote."""
    data = dict(data)
    data["date"] = datetime.date.fromisoformat(data["date"]) if data.get("date") else None
    data["tasks"] = [
        TaskPart(**{**part, "figures": [_figure(f) for f in part.get("figures", [])]})
        for part in data.get("tasks", [])
    ]
    data["appendix"] = [
        AppendixRow(
            **{
                **row,
                "deadline_date": datetime.date.fromisoformat(row["deadline_date"])
                if row.get("deadline_date")
                else None,
                "figures": [_figure(f) for f in row.get("figures", [])],
            }
        )
        for row in data.get("appendix", [])
    ]
    for name in ("state_counts", "task_counts"):
        data[name] = [tuple(pair) for pair in data.get(name, [])]
    return ReportDocument(**data)
