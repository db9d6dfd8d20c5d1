"""A draft, with what the administrator chose for each name the registry did not know, written as a
plan file (docs/plan-files.md, format 2): `tasks.services.plan_load` then creates it with every rule
it applies to any plan file."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from kehoach.text import unidecode_vi

from .draft import Draft, Mention
from .units import Registry

NOTE_MAX = 255
TEXT_MAX = 255


@dataclass
class Resolution:
    """What stands for a name: an existing unit (`unit`, its code), a new unit (`new_name`,
    `new_kind`), or nothing (`skip`: the name stays in the plan's words, no unit is assigned)."""

    unit: str | None = None
    new_name: str = ""
    new_kind: str = ""
    skip: bool = False


@dataclass
class PlanChoices:
    """The plan's own settings where the administrator chose otherwise than the draft: unit codes."""

    code: str = ""
    issuer: str | None = None
    coordinating_unit: str | None = None
    report_recipient: str | None = None


def _new_code(name: str, taken: set[str]) -> str:
    base = slugify(unidecode_vi(name))[:34].strip("-") or "don-vi"
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}-{number}"
    taken.add(code)
    return code


def build_plan_file(
    draft: Draft, *, registry: Registry, resolutions: dict[str, Resolution], choices: PlanChoices
) -> dict:
    """The plan file of `draft`. A ValidationError lists the names still without a unit."""
    new_units: list[dict] = []
    new_by_key: dict[str, str] = {}
    taken = set(registry.units)
    missing: list[str] = []

    def unit_of(mention: Mention | None) -> str | None:
        if mention is None:
            return None
        chosen = resolutions.get(mention.key)
        if chosen is not None:
            if chosen.skip:
                return None
            if chosen.unit:
                if chosen.unit not in registry.units:
                    raise ValidationError(f"Không có đơn vị mã “{chosen.unit}” cho “{mention.text}”.")
                return chosen.unit
            if chosen.new_name:
                if mention.key not in new_by_key:
                    code = _new_code(chosen.new_name, taken)
                    new_by_key[mention.key] = code
                    new_units.append({"code": code, "name": chosen.new_name.strip(), "kind": chosen.new_kind})
                return new_by_key[mention.key]
        if mention.unit:
            return mention.unit
        if mention.text not in missing:
            missing.append(mention.text)
        return None

    issuer = choices.issuer or unit_of(draft.issuer)
    coordinating = choices.coordinating_unit or unit_of(draft.coordinating)
    recipient = choices.report_recipient or unit_of(draft.report_recipient)

    documents, basis = [], []
    for document in draft.basis:
        by = unit_of(document.issuer)
        if by is None:
            continue
        documents.append(
            {
                "number": document.number,
                "issued_on": document.issued_on,
                "doc_type": document.doc_type,
                "issuer": by,
                "subject": document.subject,
            }
        )
        basis.append(document.number)

    tasks = []
    for task in draft.tasks:
        assignments, seen = [], set()
        for role, mentions in (("lead", task.leads), ("partner", task.partners)):
            for mention in mentions:
                code = unit_of(mention)
                if code is None or code in seen:
                    continue
                seen.add(code)
                assignment = {"unit": code, "role": role, "note": mention.note[:NOTE_MAX]}
                reporting = registry.reporting_for(code, issuer)
                if reporting:
                    assignment["reporting"] = reporting
                assignments.append(assignment)
        deadline = task.deadline
        tasks.append(
            {
                "number": task.number,
                "title": task.title[:TEXT_MAX],
                "content": task.content,
                "lead_text": task.lead_text,
                "partner_text": task.partner_text,
                "deadline_kind": deadline.kind,
                "deadline_text": deadline.text[:TEXT_MAX],
                "due_date": deadline.due_date,
                "due_day": deadline.due_day,
                "due_month": deadline.due_month,
                "assignments": assignments,
            }
        )

    duties, seen_duties = [], set()
    for duty in draft.duties:
        unit = unit_of(duty.unit)
        if unit is None or (duty.kind, unit) in seen_duties:
            continue
        seen_duties.add((duty.kind, unit))
        duties.append(
            {"kind": duty.kind, "unit": unit, "recipient": unit_of(duty.recipient), "content": duty.content}
        )

    if missing or not issuer or not coordinating or not recipient:
        problems = []
        if missing:
            problems.append("chưa chọn đơn vị cho: " + "; ".join(f"“{text}”" for text in missing))
        for value, what in (
            (issuer, "cơ quan ban hành"),
            (coordinating, "đơn vị đầu mối theo dõi"),
            (recipient, "nơi nhận báo cáo tổng hợp"),
        ):
            if not value:
                problems.append(f"chưa có {what}")
        raise ValidationError("Chưa nhập được kế hoạch: " + "; ".join(problems) + ".")

    return {
        "format": 2,
        "units": new_units,
        "documents": documents,
        "plan": {
            "code": choices.code or draft.code,
            "number": draft.number,
            "number_template": draft.number_template,
            "issued_year": draft.issued_year,
            "issued_on": draft.issued_on,
            "place": draft.place or "Đồng Nai",
            "issuer": issuer,
            "title": draft.title,
            "preamble": draft.preamble,
            "purposes": draft.purposes,
            "basis_documents": basis,
            "implementation_time": draft.implementation_time,
            "funding_note": draft.funding_note,
            "organisation": draft.organisation,
            "signer_title": draft.signer_title,
            "signer_name": draft.signer_name,
            "recipients": draft.recipients,
            "filing_code": draft.filing_code,
            "coordinating_unit": coordinating,
            "report_recipient": recipient,
            "schedule": draft.schedule,
            "report_day": draft.report_day,
            "report_month_offset": draft.report_month_offset,
            "status": "in_force",
        },
        "duties": duties,
        "tasks": tasks,
    }
