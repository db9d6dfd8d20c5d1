"""A reorganisation of units in one step (docs/domain.md, "Units that change"): units end on a date
and name their successors, their assignments move to the successors, and the other apps follow
(`tasks.signals.units_reorganised`, then `tasks_saved`). One code path for the preview and the
change: a preview does everything, says what it did, and rolls it back."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kehoach.bulk import bulk_set_ids, chunks, history_copy
from kehoach.db import vi_sort_key
from kehoach.spreadsheets import CSVFormat, UnreadableSheet, XLSXFormat
from kehoach.text import date_in_range, date_range_message

from .models import Assignment, AssignmentRole, GroupMembership, Plan, Task, Unit
from .services import tasks_saved
from .signals import units_reorganised

# The columns of a sheet of mappings (one row per old unit and successor; docs/plan-files.md,
# "Reorganisation sheets"). "Kế hoạch" and "Nhiệm vụ" choose, for a unit with several successors,
# which successor takes which assignment.
SHEET_COLUMNS = {
    "old": "Mã đơn vị cũ",
    "successor": "Mã đơn vị kế thừa",
    "on": "Từ ngày",
    "plan": "Kế hoạch",
    "task": "Nhiệm vụ",
}


@dataclass(frozen=True)
class Mapping:
    """One line of a reorganisation: the unit `old` ends the day before `on`, and `successor` (a
    unit code, or "" for none) takes over from `on`; all its assignments, or only that of task
    `task` of plan `plan` when several successors share them."""

    old: str
    successor: str
    on: datetime.date
    plan: str = ""
    task: str = ""


@dataclass
class ReorganisationResult:
    """What a reorganisation did (or, for a preview, would do), in sentences."""

    applied: bool
    units: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    assignments: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [*self.units, *self.groups, *self.assignments, *self.reports]


class _Preview(Exception):  # noqa: N818 -- not an error: how a preview leaves its transaction
    def __init__(self, result: ReorganisationResult):
        self.result = result


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def units_reorganise(*, mappings: list[Mapping], by, confirm: bool) -> ReorganisationResult:
    """Apply `mappings` in one transaction, or (`confirm` false) do the same and roll it back, and
    say what was (would be) done. Refused with a ValidationError, changing nothing, when a line
    names an unknown unit, a unit would end on a date other than the end date it already has, a
    successor does not exist on the date, successors would form a loop, a unit with several
    successors leaves an assignment unchosen, or a task would be left without a lead."""
    if not mappings:
        raise ValidationError("Chưa có dòng nào: hãy ghi mã đơn vị cũ, mã đơn vị kế thừa và ngày.")
    try:
        with transaction.atomic():
            result = _reorganise(mappings, by)
            result.applied = confirm
            if not confirm:
                raise _Preview(result)
    except _Preview as preview:
        return preview.result
    return result


def _reorganise(mappings: list[Mapping], by) -> ReorganisationResult:
    wrong = sorted({m.on for m in mappings if not date_in_range(m.on)})
    if wrong:
        raise ValidationError(date_range_message(f"Ngày tiếp nhận {_day(wrong[0])}"))
    codes = {m.old for m in mappings} | {m.successor for m in mappings if m.successor}
    units = Unit.objects.select_for_update().in_bulk(codes, field_name="code")
    errors = [f"Không có đơn vị mã “{code}”." for code in sorted(codes - set(units))]
    if errors:
        raise ValidationError(errors)

    by_old: dict[str, list[Mapping]] = defaultdict(list)
    for mapping in mappings:
        by_old[mapping.old].append(mapping)
    # The successor each old unit records (`Unit.successor`): the one of its line without a task, or
    # of its first line.
    named = {}
    for code, lines in by_old.items():
        general = [line for line in lines if not line.task] or lines
        named[units[code].pk] = units[general[0].successor] if general[0].successor else None
    _refuse_loops(units, named)
    ends = {}  # old unit pk → its last day
    for code, lines in by_old.items():
        old = units[code]
        dates = {line.on for line in lines}
        if len(dates) > 1:
            errors.append(
                f"{old.name}: các dòng ghi nhiều ngày khác nhau ({', '.join(map(_day, sorted(dates)))})."
            )
            continue
        last_day = lines[0].on - datetime.timedelta(days=1)
        ends[old.pk] = last_day
        if old.valid_to is not None and old.valid_to != last_day:
            errors.append(
                f"{old.name} đã có ngày kết thúc hoạt động {_day(old.valid_to)}: không thể kết thúc lại ngày "
                f"{_day(last_day)}."
            )
        if old.valid_from is not None and old.valid_from > last_day:
            errors.append(
                f"{old.name} hoạt động từ {_day(old.valid_from)}, sau ngày kết thúc {_day(last_day)}."
            )
    for mapping in mappings:
        if not mapping.successor:
            continue
        old, successor = units[mapping.old], units[mapping.successor]
        if old.pk == successor.pk:
            errors.append(f"{old.name} không thể kế thừa chính nó.")
        elif old.is_group != successor.is_group:
            errors.append(
                f"{old.name} → {successor.name}: đơn vị kế thừa của một nhóm đơn vị phải là một nhóm, của một "
                "đơn vị phải là một đơn vị."
            )
        if successor.valid_from is not None and successor.valid_from > mapping.on:
            errors.append(
                f"{successor.name} chỉ hoạt động từ {_day(successor.valid_from)}, sau ngày tiếp nhận {_day(mapping.on)}."
            )
        successor_end = ends.get(successor.pk, successor.valid_to)
        if successor_end is not None and successor_end < mapping.on:
            errors.append(
                f"{successor.name} kết thúc hoạt động ngày {_day(successor_end)}, trước ngày tiếp nhận "
                f"{_day(mapping.on)} từ {old.name}."
            )
    if errors:
        raise ValidationError(errors)

    old_units = {units[code].pk: units[code] for code in by_old}
    # Plain rows, each task and unit one object: thousands of assignments are read, not built.
    rows = list(
        Assignment.objects.filter(unit__in=list(old_units))
        .order_by()
        .values_list("pk", "task_id", "unit_id", "role")
    )
    tasks = Task.objects.in_bulk({task_id for _, task_id, _, _ in rows})
    plans = Plan.objects.in_bulk({task.plan_id for task in tasks.values()})
    for task in tasks.values():
        task.plan = plans[task.plan_id]
    assignments = sorted(
        (_Assigned(pk, tasks[task_id], old_units[unit_id], role) for pk, task_id, unit_id, role in rows),
        key=lambda a: (a.task.plan.code, a.task.sort_key, vi_sort_key(a.unit.name)),
    )
    groups_of_old = GroupMembership.objects.filter(member__in=[units[code] for code in by_old]).values(
        "group"
    )
    affected = set(
        Assignment.objects.filter(
            Q(unit__in=[units[c] for c in by_old]) | Q(unit__in=groups_of_old)
        ).values_list("task_id", flat=True)
    )
    leadless_before = set(_leadless(affected, min(ends.values())))

    moves = []  # (assignment, successor)
    for assignment in assignments:
        lines = by_old[assignment.unit.code]
        chosen = [
            line
            for line in lines
            if line.task
            and line.task == assignment.task.number
            and (not line.plan or line.plan == assignment.task.plan.code)
        ]
        general = [line for line in lines if not line.task]
        line = (chosen or general or [None])[0]
        if line is None:
            errors.append(
                f"{assignment.unit.name} có nhiều đơn vị kế thừa: hãy chọn đơn vị nhận phân công nhiệm vụ "
                f"{assignment.task.number} của kế hoạch {assignment.task.plan.code}."
            )
        elif line.successor:
            moves.append((assignment, units[line.successor]))
    if errors:
        raise ValidationError(errors)

    reason = "Tổ chức lại đơn vị"
    result = ReorganisationResult(applied=False)
    ended = []
    _parents_cached(units.values())
    for code, lines in by_old.items():
        old = units[code]
        successor = named[old.pk]
        old.valid_to = ends[old.pk]
        old.successor = successor
        # The database holds the constraints and the keys; their checks would cost queries per unit.
        old.full_clean(exclude=["parent", "successor"], validate_unique=False, validate_constraints=False)
        ended.append(old)
        taken = ", ".join(dict.fromkeys(units[line.successor].name for line in lines if line.successor))
        result.units.append(
            f"{old.name} kết thúc hoạt động ngày {_day(old.valid_to)}"
            + (f"; đơn vị kế thừa: {taken}." if taken else ", không có đơn vị kế thừa.")
        )
    bulk_update_with_history(
        ended, Unit, ["valid_to", "successor"], default_user=by, default_change_reason=reason
    )

    successors = {successor.pk: successor for _, successor in moves}
    existing = {
        (task_id, unit_id): _Assigned(pk, tasks[task_id], successors[unit_id], role)
        for pk, task_id, unit_id, role in Assignment.objects.filter(
            task__in={a.task_id for a, _ in moves}, unit__in=list(successors)
        )
        .order_by()
        .values_list("pk", "task_id", "unit_id", "role")
    }
    moved, merged, handovers = [], [], []
    moving, upgraded = set(), []  # pks of `moved`; of assignments made leads by a merge
    for assignment, successor in moves:
        words = (
            f"Nhiệm vụ {assignment.task.number} ({assignment.task.plan.code}): phân công "
            f"{AssignmentRole(assignment.role).label.lower()} của {assignment.unit.name} chuyển sang {successor.name}"
        )
        handovers.append((assignment.unit_id, successor.pk, assignment.task_id))
        already = existing.get((assignment.task_id, successor.pk))
        if already is None:
            assignment.unit = successor
            existing[(assignment.task_id, successor.pk)] = assignment
            moving.add(assignment.pk)
            moved.append(assignment)
            result.assignments.append(words + ".")
            continue
        if assignment.role == AssignmentRole.LEAD and already.role != AssignmentRole.LEAD:
            already.role = AssignmentRole.LEAD
            upgraded.append(already.pk)
            if already.pk not in moving:
                moving.add(already.pk)
                moved.append(already)
        merged.append(assignment)
        result.assignments.append(f"{words} (đã được phân công: gộp vào phân công sẵn có).")
    for batch in chunks([a.pk for a in merged]):
        for assignment in Assignment.objects.filter(pk__in=batch):
            assignment._history_user = by
            assignment._change_reason = reason
            assignment.delete()
    # Set-based: thousands of assignments move in a few statements, their history rows together.
    bulk_set_ids(Assignment, "unit", {a.pk: a.unit_id for a in moved})
    for batch in chunks(upgraded):
        Assignment.objects.filter(pk__in=batch).update(role=AssignmentRole.LEAD)
    history_copy(Assignment, [a.pk for a in moved], history_type="~", by=by, reason=reason)

    leadless = [task for task in _leadless(affected, min(ends.values())) if task.pk not in leadless_before]
    if leadless:
        raise ValidationError(
            [
                f"Nhiệm vụ {task.number} của kế hoạch {task.plan.code} sẽ không còn đơn vị chủ trì đang hoạt động: "
                "hãy chọn đơn vị kế thừa nhận phân công chủ trì."
                for task in leadless
            ]
        )
    result.groups += _memberships_follow(ended, by, reason)
    responses = units_reorganised.send(
        sender=Unit,
        handovers=handovers,
        successors={u.pk: u.successor_id for u in ended},
        ended={u.pk: u.valid_to for u in ended},
        by=by,
    )
    result.reports += [sentence for _receiver, said in responses for sentence in said or ()]
    result.reports += tasks_saved(task_ids=affected, by=by)
    return result


@dataclass(slots=True)
class _Assigned:
    """An assignment as a reorganisation reads it: a plain row with its task (and plan) and unit."""

    pk: int
    task: Task
    unit: Unit
    role: str

    @property
    def task_id(self) -> int:
        return self.task.pk

    @property
    def unit_id(self) -> int:
        return self.unit.pk


def _parents_cached(units) -> None:
    """Give `units` (and their ancestors) their parent from one read of every unit, so that checking
    them (`Unit.clean` follows the parents) costs no query per unit."""
    tree = Unit.objects.order_by().in_bulk()
    for unit in [*units, *tree.values()]:
        if unit.parent_id is not None and unit.parent_id in tree:
            unit.parent = tree[unit.parent_id]


def _memberships_follow(ended: list[Unit], by, reason: str) -> list[str]:
    """Each ended unit leaves its groups on its last day, and its successor joins them from the next
    day (unless it is a member already): a task addressed to the group follows the new map."""
    memberships = list(
        GroupMembership.objects.filter(member__in=ended)
        .exclude(valid_to__lt=min(unit.valid_to for unit in ended))
        .select_related("group")
    )
    ends = {unit.pk: unit for unit in ended}
    held = set(
        GroupMembership.objects.filter(
            member__in={u.successor_id for u in ended if u.successor_id}
        ).values_list("member_id", "group_id")
    )
    closed, joined, said = [], [], []
    for membership in memberships:
        unit = ends[membership.member_id]
        if membership.valid_to is not None and membership.valid_to <= unit.valid_to:
            continue
        membership.valid_to = unit.valid_to
        closed.append(membership)
        if unit.successor_id and (unit.successor_id, membership.group_id) not in held:
            held.add((unit.successor_id, membership.group_id))
            joined.append(
                GroupMembership(
                    member_id=unit.successor_id,
                    group=membership.group,
                    valid_from=unit.valid_to + datetime.timedelta(days=1),
                )
            )
            said.append(
                f"{unit.successor.name} là thành viên nhóm “{membership.group.name}” từ "
                f"{_day(unit.valid_to + datetime.timedelta(days=1))}, thay {unit.name}."
            )
    bulk_update_with_history(
        closed, GroupMembership, ["valid_to"], default_user=by, default_change_reason=reason
    )
    bulk_create_with_history(joined, GroupMembership, default_user=by, default_change_reason=reason)
    return said


def _refuse_loops(units: dict[str, Unit], named: dict[int, Unit | None]) -> None:
    """Refuse successors that lead back to a unit: A → B → A, whether the lines or the registry name them."""
    chain_of = dict(Unit.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))
    chain_of.update({pk: (successor.pk if successor else None) for pk, successor in named.items()})
    names = {unit.pk: unit.name for unit in units.values()}
    for start in named:
        seen, pk = [start], chain_of.get(start)
        while pk is not None:
            if pk == start:
                missing = set(seen) - set(names)
                names.update(dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name")))
                loop = " → ".join(names[p] for p in [*seen, start])
                raise ValidationError(f"Các đơn vị kế thừa tạo thành vòng lặp: {loop}.")
            if pk in seen:
                break
            seen.append(pk)
            pk = chain_of.get(pk)


def _leadless(task_ids, day: datetime.date):
    """Tasks among `task_ids` with units assigned but no lead in existence after `day`."""
    return (
        Task.objects.filter(pk__in=list(task_ids))
        .annotate(
            live_leads=Count(
                "assignments",
                filter=Q(assignments__role=AssignmentRole.LEAD)
                & (Q(assignments__unit__valid_to__isnull=True) | Q(assignments__unit__valid_to__gt=day)),
            ),
            assigned=Count("assignments"),
        )
        .filter(live_leads=0, assigned__gt=0)
        .select_related("plan")
        .order_by("plan__code", "sort_key")
    )


def mappings_from_rows(rows) -> list[Mapping]:
    """Mappings from the rows of a sheet (dicts keyed by the column names of `SHEET_COLUMNS`), with
    every row's error named by its line; a date as a date cell, dd/mm/yyyy or yyyy-mm-dd."""
    mappings, errors = [], []
    for line, row in enumerate(rows, start=2):
        cells = {key: row.get(column) for key, column in SHEET_COLUMNS.items()}
        text = {key: _cell_text(value) for key, value in cells.items() if key != "on"}
        if not any(text.values()) and cells["on"] in (None, ""):
            continue
        if not text["old"]:
            errors.append(f"Dòng {line}: thiếu “{SHEET_COLUMNS['old']}”.")
            continue
        on = _cell_date(cells["on"])
        if on is None or not date_in_range(on):
            errors.append(
                f"Dòng {line}: “{SHEET_COLUMNS['on']}” phải là một ngày dạng dd/mm/yyyy (ví dụ 01/07/2025)."
            )
            continue
        if text["plan"] and not text["task"]:
            errors.append(f"Dòng {line}: ghi “{SHEET_COLUMNS['plan']}” thì ghi cả “{SHEET_COLUMNS['task']}”.")
            continue
        if text["task"] and not text["successor"]:
            errors.append(f"Dòng {line}: chọn nhiệm vụ thì phải ghi đơn vị kế thừa nhận nó.")
            continue
        mappings.append(Mapping(text["old"], text["successor"], on, text["plan"], text["task"]))
    if errors:
        raise ValidationError(errors)
    return mappings


def mappings_from_sheet(content: bytes, name: str) -> list[Mapping]:
    """Mappings from a sheet of mappings sent as a file (XLSX or CSV in UTF-8, read by
    `kehoach.spreadsheets`), refused with a Vietnamese reason when it cannot be read."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    sheet_format = {"xlsx": XLSXFormat, "csv": CSVFormat}.get(extension)
    if sheet_format is None:
        raise ValidationError(f"Không đọc được tệp “{name}”: chỉ nhận bảng tính .xlsx hoặc .csv (UTF-8).")
    try:
        dataset = sheet_format().create_dataset(content)
    except UnreadableSheet as exc:
        raise ValidationError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 -- any sheet a reader chokes on is refused, never a server error
        raise ValidationError(f"Không đọc được tệp “{name}”: tệp hỏng hoặc không phải bảng tính.") from exc
    headers = [str(header or "").strip() for header in dataset.headers or []]
    missing = [SHEET_COLUMNS[key] for key in ("old", "successor", "on") if SHEET_COLUMNS[key] not in headers]
    if missing:
        raise ValidationError(
            "Bảng tính thiếu cột: "
            + ", ".join(f"“{column}”" for column in missing)
            + ". Các cột: "
            + ", ".join(f"“{column}”" for column in SHEET_COLUMNS.values())
            + "."
        )
    return mappings_from_rows(dict(zip(headers, row, strict=False)) for row in dataset)


def mappings_to_json(mappings: list[Mapping]) -> str:
    """The mappings a preview showed, carried by its confirmation form."""
    return json.dumps([[m.old, m.successor, m.on.isoformat(), m.plan, m.task] for m in mappings])


def mappings_from_json(text) -> list[Mapping]:
    """The mappings a confirmation form sends back; anything else is refused, asking for a new preview."""
    try:
        rows = json.loads(text or "")
        mappings = [
            Mapping(old, successor, datetime.date.fromisoformat(on), plan, task)
            for old, successor, on, plan, task in rows
            if all(isinstance(value, str) for value in (old, successor, on, plan, task))
        ]
    except (TypeError, ValueError):
        mappings = None
    if not mappings or len(mappings) != len(rows):
        raise ValidationError("Dữ liệu xác nhận không đọc được: hãy chọn lại đơn vị và xem trước lại.")
    return mappings


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().rstrip(".") if value is not None else ""


def _cell_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
