"""A draft in words, for the command's output and the admin's preview."""

from __future__ import annotations

import datetime

from tasks.models import DeadlineKind, DocumentType, DutyKind
from tasks.schedule import ScheduleKind, deadline_rule_text

from .draft import STATUS_WORDS, Deadline, Draft


def deadline_words(deadline: Deadline) -> str:
    """ "<kind>: dd/mm/yyyy" for a fixed date, "<kind>: dd/mm" for a yearly one, else the kind's label."""
    label = DeadlineKind(deadline.kind).label
    if deadline.kind == DeadlineKind.FIXED and deadline.due_date:
        return f"{label}: {datetime.date.fromisoformat(deadline.due_date):%d/%m/%Y}"
    if deadline.kind == DeadlineKind.YEARLY and deadline.due_day and deadline.due_month:
        return f"{label}: {deadline.due_day:02d}/{deadline.due_month:02d}"
    return label


def schedule_words(draft: Draft) -> str:
    """The plan's schedule and its deadline rule, in words ("<schedule>, hạn <rule>")."""
    rule = deadline_rule_text(
        kind=draft.schedule, report_day=draft.report_day, report_month_offset=draft.report_month_offset
    )
    return f"{ScheduleKind(draft.schedule).label}, hạn {rule}"


def document_type_words(value: str) -> str:
    return DocumentType(value).label if value in DocumentType.values else value


def duty_words(value: str) -> str:
    return DutyKind(value).label if value in DutyKind.values else value


def status_words(value: str) -> str:
    return STATUS_WORDS.get(value, value)


def shape_words(draft: Draft) -> str:
    return "nhiệm vụ trong bảng" if draft.shape == "table" else "nhiệm vụ viết thành đoạn văn"


def issued_words(draft: Draft) -> str:
    if draft.issued_on:
        return f"ngày {datetime.date.fromisoformat(draft.issued_on):%d/%m/%Y}"
    if draft.issued_year:
        return f"năm {draft.issued_year} (không ghi ngày, tháng)"
    return "không rõ"
