"""Writes to plans, units, tasks and assignments. Views, admin and commands call these."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kehoach.text import NumberTextError, parse_decimal_vi

from .models import (
    OUTPUT_KIND_INDICATORS,
    Assignment,
    AssignmentRole,
    DeadlineKind,
    GroupMembership,
    Indicator,
    IndicatorAccumulation,
    IndicatorAggregation,
    IndicatorDirection,
    IndicatorTarget,
    LegalDocument,
    OutputKind,
    Plan,
    PlanDuty,
    ScheduleKind,
    TargetScope,
    Task,
    Unit,
    default_reporting,
)
from .signals import tasks_changed


@dataclass
class LoadResult:
    """What a plan load created and what it found already there."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # units the file changed, with what changed
    # What the other apps did after the tasks were saved (`tasks_saved`), in sentences.
    followed: list[str] = field(default_factory=list)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _get_or_create(result: LoadResult, model, lookup: dict, defaults: dict):
    """Create the row if missing; never change a row that exists (an administrator may have edited it)."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        result.kept.append(f"{model._meta.verbose_name}: {obj}")
        return obj, False
    obj = model(**lookup, **defaults)
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationError(_located(model, lookup, exc)) from exc
    obj.save()
    result.created.append(f"{model._meta.verbose_name}: {obj}")
    return obj, True


def _located(model, lookup: dict, error: ValidationError) -> list[str]:
    """The errors of a row of a plan file, each saying which row and which field: "Kế hoạch kh-x, ngày
    hạn báo cáo: ..."."""
    row = f"{model._meta.verbose_name.capitalize()} " + ", ".join(str(value) for value in lookup.values())
    if not hasattr(error, "error_dict"):
        return [f"{row}: {message}" for message in error.messages]
    located = []
    for name, messages in error.message_dict.items():
        try:
            label = f", {model._meta.get_field(name).verbose_name}"
        except FieldDoesNotExist:  # NON_FIELD_ERRORS
            label = ""
        located += [f"{row}{label}: {message}" for message in messages]
    return located


PLAN_FIELDS = (
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
    "status",
)
# The plan-file format this version writes and reads (docs/plan-files.md); files of every earlier
# format load with the same meaning, and a file without "format" is format 1.
PLAN_FILE_FORMAT = 3

TASK_FIELDS = ("title", "content", "lead_text", "partner_text", "deadline_kind", "deadline_text")


def _schedule_fields(row: dict) -> dict:
    """The plan's reporting schedule. Files written before schedules existed give a yearly deadline as
    a day and a month ("report_day": 15, "report_month": 11): the same deadline, read as day 15 of
    the month counted -1 from December."""
    fields = {"schedule": row.get("schedule", ScheduleKind.YEARLY), "report_day": row.get("report_day")}
    if "report_month_offset" in row:
        fields["report_month_offset"] = row["report_month_offset"]
    elif "report_month" in row:
        fields["report_month_offset"] = int(row["report_month"]) - 12
    if "cutoff_days" in row:
        fields["cutoff_days"] = row["cutoff_days"]
    return fields


def _task_number(value) -> str:
    return str(value).strip().rstrip(".")


def _parent_number(number: str) -> str | None:
    """ "4.1" → "4": a sub-task's parent, read from its number."""
    return number.rsplit(".", 1)[0] if "." in number else None


@transaction.atomic
def plan_load(*, data: dict) -> LoadResult:
    """Load a plan file (docs/plan-files.md): its units, basis documents, plan, duties, tasks and
    assignments.

    Idempotent: what exists (matched by unit code, document number and date, plan code, task
    number, assignment unit) is kept as it is, so a second load changes nothing and never undoes an
    administrator's edit of a plan; but a unit the file lists takes the registry facts the file gives
    (`_unit_update`: a new name, an end date, a successor, a group), so that a file can record a
    reorganisation. Everything is validated; one error rolls the whole load back. Files of every
    earlier format load with the same meaning.
    """
    version = data.get("format", 1)
    if type(version) is not int or not 1 <= version <= PLAN_FILE_FORMAT:
        raise ValidationError(
            f"Tệp kế hoạch ghi định dạng “{version}”; phiên bản này đọc các định dạng 1 đến {PLAN_FILE_FORMAT}."
        )
    result = LoadResult()
    units: dict[str, Unit] = {}

    def unit(code: str) -> Unit:
        if code not in units:
            found = Unit.objects.filter(code=code).first()
            if found is None:
                raise ValidationError(
                    f"Tệp kế hoạch nhắc đến đơn vị mã “{code}” nhưng không khai báo đơn vị này."
                )
            units[code] = found
        return units[code]

    new_units: set[str] = set()
    # Parents, groups and successors may be listed after the unit that names them: two passes.
    for row in data.get("units", []):
        units[row["code"]], created = _get_or_create(
            result,
            Unit,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "document_code": row.get("document_code", ""),
                "kind": row["kind"],
                "email": row.get("email", ""),
                "valid_from": _date(row.get("valid_from")),
                "valid_to": _date(row.get("valid_to")),
            },
        )
        if created:
            new_units.add(row["code"])
    for row in data.get("units", []):
        if row["code"] not in new_units:
            _unit_update(result, units[row["code"]], row, unit)
            continue
        new = units[row["code"]]
        new.parent = unit(row["parent"]) if row.get("parent") else None
        new.successor = unit(row["successor"]) if row.get("successor") else None
        new.full_clean()
        new.save()
        for group, valid_from, valid_to in _memberships(row, unit):
            _membership_save(GroupMembership(member=new, group=group), valid_from, valid_to, new.code)

    documents = {}
    for row in data.get("documents", []):
        documents[row["number"]], _ = _get_or_create(
            result,
            LegalDocument,
            {"number": row["number"], "issued_on": _date(row["issued_on"])},
            {"doc_type": row["doc_type"], "issuer": unit(row["issuer"]), "subject": row["subject"]},
        )

    row = data["plan"]
    plan, plan_created = _get_or_create(
        result,
        Plan,
        {"code": row["code"]},
        {
            **{key: row[key] for key in PLAN_FIELDS if key in row},
            **_schedule_fields(row),
            "issued_on": _date(row.get("issued_on")),
            "issuer": unit(row["issuer"]),
            "coordinating_unit": unit(row["coordinating_unit"]),
            "report_recipient": unit(row["report_recipient"]),
        },
    )
    if plan_created:
        missing = [number for number in row.get("basis_documents", []) if number not in documents]
        if missing:
            raise ValidationError("Kế hoạch dẫn văn bản căn cứ không có trong tệp: " + ", ".join(missing))
        plan.basis_documents.set([documents[number] for number in row.get("basis_documents", [])])

    for order, duty in enumerate(data.get("duties", []), start=1):
        _get_or_create(
            result,
            PlanDuty,
            {"plan": plan, "kind": duty["kind"], "unit": unit(duty["unit"])},
            {
                "recipient": unit(duty["recipient"]) if duty.get("recipient") else None,
                "content": duty["content"],
                "order": order,
            },
        )

    tasks: dict[str, Task] = {task.number: task for task in plan.tasks.all()}
    for row in data.get("tasks", []):
        number = _task_number(row["number"])
        parent_number = _task_number(row["parent"]) if row.get("parent") else _parent_number(number)
        if parent_number is not None and parent_number not in tasks:
            raise ValidationError(
                f"Nhiệm vụ {number}: không có nhiệm vụ cha {parent_number} trước nó trong tệp (nhiệm vụ con ghi sau "
                "nhiệm vụ chứa nó)."
            )
        task, _ = _get_or_create(
            result,
            Task,
            {"plan": plan, "number": number},
            {key: row.get(key, "") for key in TASK_FIELDS}
            | {
                "deadline_kind": row.get("deadline_kind") or DeadlineKind.ONGOING,
                "parent": tasks.get(parent_number) if parent_number else None,
                "due_date": _date(row.get("due_date")),
                "due_day": row.get("due_day"),
                "due_month": row.get("due_month"),
                "title_is_short": row.get("title_is_short", False),
            },
        )
        tasks[number] = task
        for order, indicator in enumerate(_indicator_rows(row, number), start=1):
            _indicator_load(result, task, indicator, order)
        for order, assignment in enumerate(row.get("assignments", []), start=1):
            assigned = unit(assignment["unit"])
            _get_or_create(
                result,
                Assignment,
                {"task": task, "unit": assigned},
                {
                    "role": assignment["role"],
                    "reporting": assignment.get("reporting") or default_reporting(assigned),
                    "note": assignment.get("note", ""),
                    "order": order,
                },
            )
    result.followed = tasks_saved(task_ids=plan.tasks.values_list("pk", flat=True))
    return result


INDICATOR_FIELDS = ("unit_of_measure", "decimals", "direction", "aggregation", "accumulation", "is_share")


def output_kind_indicator(kind: str) -> dict:
    """The indicator one of the seven older counts becomes: a whole number, the units' values
    added up, to reach at least its target, accumulating over periods."""
    name, unit_of_measure = OUTPUT_KIND_INDICATORS[OutputKind(kind)]
    return {
        "name": name,
        "unit_of_measure": unit_of_measure,
        "decimals": 0,
        "direction": IndicatorDirection.AT_LEAST,
        "aggregation": IndicatorAggregation.SUM,
        "accumulation": IndicatorAccumulation.CUMULATIVE,
        "is_share": False,
    }


def indicators_from_output_kinds(*, task: Task, kinds) -> list[Indicator]:
    """Give `task` the indicator each of the counts `kinds` becomes, unless it has one of that name;
    the indicators created."""
    existing = set(task.indicators.values_list("name", flat=True))
    order = task.indicators.count()
    created = []
    for kind in kinds:
        values = output_kind_indicator(kind)
        if values["name"] in existing:
            continue
        order += 1
        indicator = Indicator(task=task, order=order, **values)
        indicator.full_clean()
        indicator.save()
        existing.add(indicator.name)
        created.append(indicator)
    return created


def indicator_targets_set(*, indicator: Indicator, scope: str, targets) -> None:
    """Make `targets` ((year or period key, or "" for the plan; value) pairs) the indicator's targets
    of `scope`: others of that scope go, each is checked (IndicatorTarget.clean) before it is saved."""
    indicator.targets.filter(scope=scope).delete()
    for key, value in targets:
        target = IndicatorTarget(indicator=indicator, scope=scope, value=value)
        if scope == TargetScope.YEAR:
            year = int(key) if str(key).isascii() and str(key).isdigit() else None
            if year is None:
                raise ValidationError(f"Mức chỉ tiêu theo năm: năm “{key}” không hợp lệ.")
            target.year = year
        elif scope == TargetScope.PERIOD:
            target.period_key = str(key)
        try:
            target.full_clean()
        except ValidationError as error:
            where = f"{target.scope_label.lower()}" if key else "cả kế hoạch"
            raise ValidationError(
                [f"Mức chỉ tiêu {where}: {message}" for message in error.messages]
            ) from error
        target.save()


def _indicator_rows(row: dict, number: str) -> list[dict]:
    """A task's indicators in a plan file: its `indicators` (format 3), and the counts its
    `output_kinds` names (formats 1 and 2), each as the indicator it became."""
    kinds = row.get("output_kinds") or []
    unknown = [kind for kind in kinds if kind not in OutputKind.values]
    if unknown:
        raise ValidationError(
            f"Nhiệm vụ {number}: chỉ tiêu định lượng không có: " + ", ".join(map(str, unknown))
        )
    return [output_kind_indicator(kind) for kind in kinds] + list(row.get("indicators") or [])


def _indicator_load(result: LoadResult, task: Task, row: dict, order: int) -> None:
    """Create an indicator of a plan file and its targets; an indicator that exists (by name) is
    kept as it is, with its targets."""
    indicator, created = _get_or_create(
        result,
        Indicator,
        {"task": task, "name": row.get("name", "")},
        {key: row[key] for key in INDICATOR_FIELDS if key in row} | {"order": order},
    )
    if not created:
        return
    for target in row.get("targets") or []:
        value = target.get("value")
        try:
            value = parse_decimal_vi(value) if isinstance(value, str) else Decimal(str(value))
        except (NumberTextError, ArithmeticError, ValueError):
            raise ValidationError(
                f"Chỉ tiêu {indicator.name} (nhiệm vụ {task.number}): mức chỉ tiêu “{value}” không phải là một số."
            ) from None
        _get_or_create(
            result,
            IndicatorTarget,
            {
                "indicator": indicator,
                "scope": target.get("scope", TargetScope.YEAR),
                "year": target.get("year"),
                "period_key": target.get("period_key") or "",
            },
            {"value": value},
        )


# What a plan file may change on a unit that exists: the registry's facts, so that a file records a
# renaming, an end date, a successor or a new group (docs/plan-files.md, "Units").
UNIT_FILE_FIELDS = ("name", "short_name", "document_code", "email", "valid_from", "valid_to")


def _unit_update(result: LoadResult, unit: Unit, row: dict, unit_of) -> None:
    """Give an existing unit the values its row in a plan file gives, where they differ. A value
    the row leaves out or empty changes nothing (a file never clears what the registry knows); the
    same file loaded again changes nothing."""
    kept = f"{Unit._meta.verbose_name}: {unit}"
    changed = []
    for name in UNIT_FILE_FIELDS:
        value = row.get(name)
        if value in (None, ""):
            continue
        if name.startswith("valid_"):
            value = _date(value)
        if getattr(unit, name) != value:
            setattr(unit, name, value)
            changed.append(name)
    for name in ("parent", "successor"):
        if row.get(name) and getattr(unit, f"{name}_id") != unit_of(row[name]).pk:
            setattr(unit, name, unit_of(row[name]))
            changed.append(name)
    if changed:
        try:
            unit.full_clean()
        except ValidationError as exc:
            raise ValidationError(_located(Unit, {"code": unit.code}, exc)) from exc
        unit._change_reason = "Cập nhật từ tệp kế hoạch"
        unit.save()
    held = {membership.group_id: membership for membership in unit.memberships.all()}
    groups_changed = False
    for group, valid_from, valid_to in _memberships(row, unit_of):
        membership = held.get(group.pk)
        if membership is None:
            membership = GroupMembership(member=unit, group=group)
        elif (valid_from is None or membership.valid_from == valid_from) and (
            valid_to is None or membership.valid_to == valid_to
        ):
            continue
        # A date the file leaves out keeps what the registry knows, as for the unit's own fields.
        _membership_save(
            membership, valid_from or membership.valid_from, valid_to or membership.valid_to, unit.code
        )
        groups_changed = True
    if groups_changed:
        changed.append("groups")
    if not changed:
        return
    labels = ", ".join(str(Unit._meta.get_field(name).verbose_name) for name in changed)
    if kept in result.kept:
        result.kept.remove(kept)
    result.updated.append(f"{Unit._meta.verbose_name}: {unit}: {labels}")


def _memberships(row: dict, unit_of) -> list[tuple[Unit, datetime.date | None, datetime.date | None]]:
    """The groups a unit row of a plan file names: a group's code (a membership with no dates), or
    {"group": code, "valid_from": "2025-07-01", "valid_to": ...} (docs/plan-files.md, "Units")."""
    found = []
    for entry in row.get("groups") or ():
        if isinstance(entry, dict):
            found.append(
                (unit_of(entry["group"]), _date(entry.get("valid_from")), _date(entry.get("valid_to")))
            )
        else:
            found.append((unit_of(entry), None, None))
    return found


def _membership_save(membership: GroupMembership, valid_from, valid_to, code: str) -> None:
    membership.valid_from, membership.valid_to = valid_from, valid_to
    try:
        membership.full_clean()
    except ValidationError as exc:
        raise ValidationError(_located(GroupMembership, {"code": code}, exc)) from exc
    membership._change_reason = "Cập nhật từ tệp kế hoạch"
    membership.save()


def plan_load_file(path) -> LoadResult:
    """Load the plan file at `path` (JSON, UTF-8)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Không đọc được tệp kế hoạch “{path}”: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
        raise ValidationError(f"Tệp “{path}” không phải tệp kế hoạch: thiếu mục “plan”.")
    try:
        return plan_load(data=data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"Tệp kế hoạch “{path}” thiếu hoặc sai một mục: {exc}") from exc


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


def tasks_saved(*, task_ids, by=None) -> list[str]:
    """What must follow any write to tasks or their assignments, whoever made it: the lead rule is
    checked, then the other apps are told (`tasks.signals.tasks_changed`), inside the same
    transaction, so that their own rules (open periods) follow the change or refuse it. Returns what
    they did, in sentences for whoever made the change."""
    task_ids = set(task_ids)
    if not task_ids:
        return []
    tasks_validate_leads(task_ids=task_ids)
    responses = tasks_changed.send(sender=Task, task_ids=task_ids, by=by)
    return [sentence for _receiver, said in responses for sentence in said or ()]


def login_record(sender, user, **kwargs) -> None:
    """Write the time of a login on the account, and nothing else: not a change of the account in
    its history (the history of changes records what people changed, not when they logged in)."""
    now = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
