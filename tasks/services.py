"""Writes to plans, units, tasks and assignments. Views, admin and commands call these."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import (
    Assignment,
    AssignmentRole,
    LegalDocument,
    Plan,
    PlanDuty,
    Task,
    Unit,
)
from .signals import tasks_changed

SEED_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "ke-hoach-463.json"


@dataclass
class LoadResult:
    """What a plan load created and what it found already there."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _get_or_create(result: LoadResult, model, lookup: dict, defaults: dict):
    """Create the row if missing; never change a row that exists (an administrator may have edited it)."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        result.kept.append(f"{model._meta.verbose_name}: {obj}")
        return obj, False
    obj = model(**lookup, **defaults)
    obj.full_clean()
    obj.save()
    result.created.append(f"{model._meta.verbose_name}: {obj}")
    return obj, True


@transaction.atomic
def plan_load(*, data: dict) -> LoadResult:
    """Load a plan described as in `fixtures/ke-hoach-463.json`.

    Idempotent: what exists (matched by unit code, document number and date, plan code, task
    number, assignment unit) is kept as it is, so a second load changes nothing and never undoes an
    administrator's edit. Everything is validated; one error rolls the whole load back.
    """
    result = LoadResult()
    units: dict[str, Unit] = {}
    new_units: set[str] = set()
    # Parents, groups and successors may be listed after the unit that names them: two passes.
    for row in data["units"]:
        units[row["code"]], created = _get_or_create(
            result,
            Unit,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "kind": row["kind"],
                "email": row.get("email", ""),
                "valid_from": _date(row.get("valid_from")),
                "valid_to": _date(row.get("valid_to")),
            },
        )
        if created:
            new_units.add(row["code"])
    for row in data["units"]:
        if row["code"] not in new_units:
            continue
        unit = units[row["code"]]
        unit.parent = units[row["parent"]] if row.get("parent") else None
        unit.successor = units[row["successor"]] if row.get("successor") else None
        unit.full_clean()
        unit.save()
        unit.groups.set([units[code] for code in row.get("groups", [])])

    documents = {}
    for row in data["documents"]:
        documents[row["number"]], _ = _get_or_create(
            result,
            LegalDocument,
            {"number": row["number"], "issued_on": _date(row["issued_on"])},
            {"doc_type": row["doc_type"], "issuer": units[row["issuer"]], "subject": row["subject"]},
        )

    row = data["plan"]
    plan_fields = {
        key: row[key]
        for key in (
            "number",
            "number_template",
            "issued_year",
            "place",
            "title",
            "preamble",
            "purposes",
            "implementation_time",
            "funding_note",
            "organisation",
            "signer_title",
            "signer_name",
            "recipients",
            "filing_code",
            "report_day",
            "report_month",
            "status",
        )
    }
    plan, plan_created = _get_or_create(
        result,
        Plan,
        {"code": row["code"]},
        {
            **plan_fields,
            "issued_on": _date(row.get("issued_on")),
            "issuer": units[row["issuer"]],
            "coordinating_unit": units[row["coordinating_unit"]],
            "report_recipient": units[row["report_recipient"]],
        },
    )
    if plan_created:
        plan.basis_documents.set([documents[number] for number in row["basis_documents"]])

    for order, duty in enumerate(data.get("duties", []), start=1):
        _get_or_create(
            result,
            PlanDuty,
            {"plan": plan, "kind": duty["kind"], "unit": units[duty["unit"]]},
            {
                "recipient": units[duty["recipient"]] if duty.get("recipient") else None,
                "content": duty["content"],
                "order": order,
            },
        )

    for row in data["tasks"]:
        task, _ = _get_or_create(
            result,
            Task,
            {"plan": plan, "number": row["number"]},
            {
                key: row.get(key)
                for key in ("title", "content", "lead_text", "partner_text", "deadline_kind", "deadline_text")
            }
            | {
                "due_date": _date(row.get("due_date")),
                "due_day": row.get("due_day"),
                "due_month": row.get("due_month"),
                "output_kinds": row.get("output_kinds", []),
            },
        )
        for order, assignment in enumerate(row["assignments"], start=1):
            _get_or_create(
                result,
                Assignment,
                {"task": task, "unit": units[assignment["unit"]]},
                {"role": assignment["role"], "note": assignment.get("note", ""), "order": order},
            )
    tasks_saved(task_ids=plan.tasks.values_list("pk", flat=True))
    return result


def plan_load_seed() -> LoadResult:
    """Load Kế hoạch 463 from the project's fixture."""
    return plan_load(data=json.loads(SEED_PATH.read_text(encoding="utf-8")))


def no_lead_message(task: Task) -> str:
    """The one wording of the lead rule, wherever it is broken."""
    return (
        f"Nhiệm vụ {task.number} của kế hoạch “{task.plan.code}” không còn đơn vị chủ trì: mỗi nhiệm vụ đã "
        "phân công phải có ít nhất một đơn vị chủ trì (có thể có nhiều đơn vị đồng chủ trì)."
    )


def tasks_without_lead(task_ids, *, unassigned_too: bool = False):
    """Tasks among `task_ids` that have units but no lead among them (or no unit at all, when
    `unassigned_too`): what the lead rule refuses."""
    tasks = (
        Task.objects.filter(pk__in=list(task_ids))
        .annotate(
            leads=Count("assignments", filter=Q(assignments__role=AssignmentRole.LEAD)),
            assigned=Count("assignments"),
        )
        .filter(leads=0)
        .select_related("plan")
        .order_by("plan__code", "number")
    )
    return tasks if unassigned_too else tasks.filter(assigned__gt=0)


def tasks_validate_leads(*, task_ids) -> None:
    """Raise a ValidationError naming every task among `task_ids` that has units but no lead.

    The lead rule (docs/domain.md, "Plans and tasks"): a task has at least one lead unit once units
    are assigned to it; several leads (đồng chủ trì) are allowed. The admin, the spreadsheet import
    and plan files all call this, after their writes, inside their transaction.
    """
    messages = [no_lead_message(task) for task in tasks_without_lead(task_ids)]
    if messages:
        raise ValidationError(messages)


def tasks_saved(*, task_ids, by=None) -> None:
    """What must follow any write to tasks or their assignments, whoever made it: the lead rule is
    checked, then the other apps are told (`tasks.signals.tasks_changed`), inside the same
    transaction, so that their own rules (open periods) follow the change or refuse it."""
    task_ids = set(task_ids)
    if not task_ids:
        return
    tasks_validate_leads(task_ids=task_ids)
    tasks_changed.send(sender=Task, task_ids=task_ids, by=by)


def login_record(sender, user, **kwargs) -> None:
    """Write the time of a login on the account, and nothing else: not a change of the account in
    its history (the history of changes records what people changed, not when they logged in)."""
    now = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
