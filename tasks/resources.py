"""Spreadsheet import and export (django-import-export) of units, tasks and assignments.

Sheets speak the users' language: Vietnamese column headers, units named by their name (or code),
choices by their Vietnamese label, dates as dd/mm/yyyy. An import is all or nothing: every row is
validated with `full_clean()`, and one bad row rolls the whole sheet back.
"""

from __future__ import annotations

import copy
import re

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from kehoach.text import NumberTextError, number_text, number_vi, parse_decimal_vi

from .models import (
    OUTPUT_KIND_INDICATORS,
    TASK_NUMBER,
    Assignment,
    AssignmentRole,
    DeadlineKind,
    Indicator,
    IndicatorAccumulation,
    IndicatorAggregation,
    IndicatorDirection,
    OutputKind,
    Plan,
    Reporting,
    TargetScope,
    Task,
    Unit,
    UnitKind,
    default_reporting,
    task_number_text,
)
from .services import indicator_targets_set, indicators_from_output_kinds, tasks_saved, tasks_validate_leads


class ChoiceWidget(widgets.Widget):
    """A choice written as its Vietnamese label; the stored value is accepted too."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        for stored, label in self.choices.choices:
            if text.casefold() in (stored.casefold(), str(label).casefold()):
                return stored
        allowed = ", ".join(f"“{label}”" for _, label in self.choices.choices)
        raise ValueError(f"Giá trị “{text}” không hợp lệ; chọn một trong: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class ChoiceListWidget(widgets.Widget):
    """Several choices by their Vietnamese labels, separated by semicolons, stored as a list."""

    def __init__(self, choices, **kwargs):
        self.choice = ChoiceWidget(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        parts = [part for part in str(value or "").split(";") if part.strip()]
        return [self.choice.clean(part) for part in parts]

    def render(self, value, obj=None, **kwargs):
        return "; ".join(self.choice.render(item) for item in value or [])


class PrimedWidget(widgets.ForeignKeyWidget):
    """A reference looked up in a table read once for the whole sheet (`prime`), not once a row.

    Only for sheets that do not change what they refer to (assignments name tasks and units, tasks
    name plans); a value the primed table lacks is still looked up in the database.
    """

    _primed: dict | None = None

    def prime(self, values, rows) -> None:
        self._primed = {}

    def find(self, key):
        if self._primed is not None and key in self._primed:
            return self._primed[key]
        found = self.lookup(key)
        if self._primed is not None and found is not None:
            self._primed[key] = found
        return found

    def lookup(self, key):
        raise NotImplementedError


class UnitWidget(PrimedWidget):
    """A unit written by its full name (as users know it) or by its code."""

    def __init__(self, **kwargs):
        super().__init__(Unit, field="name", **kwargs)

    def prime(self, values, rows) -> None:
        texts = {str(value).strip() for value in values if value not in (None, "")}
        units = list(Unit.objects.filter(Q(name__in=texts) | Q(code__in=texts)))
        # A name wins over a code, as in `lookup`.
        self._primed = {unit.code: unit for unit in units} | {unit.name: unit for unit in units}

    def lookup(self, text):
        return Unit.objects.filter(name=text).first() or Unit.objects.filter(code=text).first()

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        unit = self.find(text)
        if unit is None:
            raise ValueError(f"Không tìm thấy đơn vị “{text}” (ghi đúng tên đầy đủ hoặc mã đơn vị).")
        return unit


class UnitListWidget(widgets.ManyToManyWidget):
    """Several units by name or code, separated by semicolons (names contain commas)."""

    def __init__(self, **kwargs):
        super().__init__(Unit, separator=";", field="name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        names = [part.strip() for part in str(value or "").split(self.separator) if part.strip()]
        found = {unit.name: unit for unit in Unit.objects.filter(name__in=names)}
        found |= {unit.code: unit for unit in Unit.objects.filter(code__in=names)}
        missing = [name for name in names if name not in found]
        if missing:
            raise ValueError("Không tìm thấy đơn vị: " + "; ".join(f"“{name}”" for name in missing) + ".")
        return Unit.objects.filter(pk__in=[found[name].pk for name in names])


class PlanWidget(PrimedWidget):
    def __init__(self, **kwargs):
        super().__init__(Plan, field="code", **kwargs)

    def prime(self, values, rows) -> None:
        codes = {str(value).strip() for value in values if value not in (None, "")}
        self._primed = {plan.code: plan for plan in Plan.objects.filter(code__in=codes)}

    def lookup(self, code):
        return Plan.objects.filter(code=code).first()

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        plan = self.find(text)
        if plan is None:
            raise ValueError(f"Không tìm thấy kế hoạch có mã “{text}”.")
        return plan


class TaskWidget(PrimedWidget):
    """A task named by its plan's code (column “Kế hoạch”) and its number in that plan."""

    plan_column = "Kế hoạch"

    def __init__(self, **kwargs):
        super().__init__(Task, field="number", **kwargs)

    def prime(self, values, rows) -> None:
        codes = {str(row.get(self.plan_column) or "").strip() for row in rows}
        tasks = Task.objects.filter(plan__code__in=codes).select_related("plan")
        self._primed = {(task.plan.code, task.number): task for task in tasks}

    def lookup(self, key):
        plan_code, number = key
        return Task.objects.filter(plan__code=plan_code, number=number).select_related("plan").first()

    def clean(self, value, row=None, **kwargs):
        plan_code = str((row or {}).get(self.plan_column) or "").strip()
        if not plan_code:
            raise ValueError("Thiếu mã kế hoạch ở cột “Kế hoạch”.")
        number = task_number_text(value)
        if not TASK_NUMBER.fullmatch(number):
            raise ValueError(f"Số thứ tự nhiệm vụ “{value}” không đúng dạng (3, 4.1…).")
        task = self.find((plan_code, number))
        if task is None:
            raise ValueError(f"Kế hoạch “{plan_code}” không có nhiệm vụ số {number}.")
        return task

    def render(self, value, obj=None, **kwargs):
        return value.number if value else ""


class DateWidget(widgets.DateWidget):
    """dd/mm/yyyy, spaces typed around it ignored."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value.strip() if isinstance(value, str) else value, row, **kwargs)


DATE = DateWidget(format="%d/%m/%Y")


class TaskNumberWidget(widgets.CharWidget):
    """A task number as written in the plan: "3", "4.1"; a spreadsheet's 3.0 reads as "3"."""

    def clean(self, value, row=None, **kwargs):
        return task_number_text(value)


class ParentWidget(widgets.Widget):
    """A sub-task's parent, by its number in the row's plan; empty for a task of the first level."""

    def clean(self, value, row=None, **kwargs):
        number = task_number_text(value)
        if not number:
            return None
        plan_code = str((row or {}).get("Kế hoạch") or "").strip()
        parent = Task.objects.filter(plan__code=plan_code, number=number).first()
        if parent is None:
            raise ValueError(f"Kế hoạch “{plan_code}” không có nhiệm vụ số {number} để làm nhiệm vụ cha.")
        return parent

    def render(self, value, obj=None, **kwargs):
        return value.number if value else ""


def text(attribute: str, column: str, **kwargs) -> fields.Field:
    """A text column: an empty cell is the empty string, a number typed in it becomes text."""
    return fields.Field(
        attribute=attribute, column_name=column, widget=widgets.CharWidget(allow_blank=True), **kwargs
    )


IMPORT_CHANGE_REASON = "Nhập từ bảng tính"
# The one character a text cell may hold that the database cannot store (PostgreSQL refuses it).
UNSTORABLE = "\x00"


def unstorable_lines(dataset) -> list[int]:
    """The lines of the sheet (the header is line 1) with a cell the database cannot store."""
    lines = enumerate([dataset.headers or [], *dataset], start=1)
    return [line for line, values in lines if any(isinstance(v, str) and UNSTORABLE in v for v in values)]


def unstorable_message(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:10]) + (", …" if len(lines) > 10 else "")
    return (
        f"{'Dòng' if len(lines) == 1 else 'Các dòng'} {shown} có ký tự không lưu được (ký tự rỗng NUL, mã 0, "
        "thường lẫn vào khi sao chép từ một chương trình khác): hãy xóa ký tự đó trong bảng tính rồi tải "
        "lên lại. Không nhập dòng nào."
    )


NO_HEADER = "Tệp không có dòng tiêu đề: dòng đầu tiên phải là tên các cột, như trong tệp xuất từ hệ thống."


# The tags diff-match-patch writes around a change: <ins style="background:#e6ffe6;">. Text between
# tags is escaped (no "<" in it), so only tags match.
STYLED_MARK = re.compile(r'<(ins|del) style="[^"<>]*">')


class StylelessDiff(resources.Diff):
    """The import preview's changes as django-import-export shows them, without the inline style
    attributes the Content-Security-Policy refuses: css/admin.css colours <ins> and <del> instead."""

    def as_html(self):
        return [mark_safe(STYLED_MARK.sub(r"<\1>", html)) for html in super().as_html()]


def _importer(user):
    """The person importing a sheet, or None (a sheet imported by code, or no one logged in)."""
    return user if getattr(user, "pk", None) else None


def tasks_imported(task_ids, *, user=None, dry_run=False, **kwargs) -> None:
    """What follows a sheet's writes to tasks or their assignments (`tasks_saved`). The preview is a
    dry run, rolled back whatever it did: it checks only the rule that can refuse the sheet (a lead
    for every task), not the open periods' reports that follow the assignments, which refuse nothing
    and would be rolled back unseen (at 10,000 rows, nearly half of the preview's time)."""
    if dry_run:
        tasks_validate_leads(task_ids=task_ids)
    else:
        tasks_saved(task_ids=task_ids, by=_importer(user))


class SafeModelResource(resources.ModelResource):
    """Every sheet: all-or-nothing, validated, bounded, and inert in a spreadsheet program."""

    @classmethod
    def get_diff_class(cls):
        return StylelessDiff

    def import_data(self, dataset, *args, **kwargs):
        # Rows with validation errors must roll back the sheet too, not just rows that crashed.
        kwargs["rollback_on_validation_errors"] = True
        refusal = self.refusal(dataset)
        if refusal:
            # Refused as a whole, before any row is read (import-export would read every row after
            # an error in before_import, and fail with a TypeError on a sheet without headers).
            result = self.get_result_class()()
            self.handle_import_error(result, ValidationError(refusal), kwargs.get("raise_errors", False))
            return result
        if not kwargs.get("dry_run"):
            # The confirmation shows no row, only the totals: each row's changes are not drawn in
            # HTML (a sixth of a 10,000-row import's time). The diff itself stays: rows that change
            # nothing are recognised by it and skipped (`skip_unchanged`).
            self._meta = copy.copy(self._meta)
            self._meta.skip_html_diff = True
        result = super().import_data(dataset, *args, **kwargs)
        for row in result.invalid_rows:
            row.messages = self.row_messages(row.error_dict)
        return result

    def row_messages(self, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
        """A bad row's errors as (the sheet's column, or "" for the row as a whole; the message), for
        the preview to show in full: a model's field is named by its column, never by its code."""
        columns = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}
        messages = []
        for key, texts in errors.items():
            if key == NON_FIELD_ERRORS:
                column = ""
            elif key in columns:
                column = columns[key]
            else:
                try:
                    column = str(self._meta.model._meta.get_field(key).verbose_name).capitalize()
                except FieldDoesNotExist:
                    column = key
            messages += [(column, str(text)) for text in texts]
        return messages

    def refusal(self, dataset) -> str | None:
        """Why the sheet as a whole cannot be imported, or None."""
        headers = [str(header or "").strip() for header in dataset.headers or []]
        if not any(headers):
            return NO_HEADER
        limit = settings.IMPORT_MAX_ROWS
        if len(dataset) > limit:
            return (
                f"Tệp có {number_vi(len(dataset))} dòng dữ liệu, vượt giới hạn {number_vi(limit)} dòng; "
                "không nhập gì."
            )
        unstorable = unstorable_lines(dataset)
        if unstorable:
            return unstorable_message(unstorable)
        known = {field.column_name for field in self.get_import_fields()} | {
            field.column_name for field in self.fields.values()
        }
        unknown = [header for header in headers if header and header not in known]
        if unknown:
            return (
                "Tệp có cột không nhận ra: "
                + ", ".join(f"“{header}”" for header in unknown)
                + ". Hãy dùng tệp xuất từ hệ thống làm mẫu."
            )
        return None

    def after_export(self, queryset, dataset, **kwargs):
        # The sheet's tab is named for what it holds ("Phân công"), not tablib's "Tablib Dataset".
        dataset.title = self._meta.name

    def get_or_init_instance(self, instance_loader, row):
        # The row's identifying cells are read here, before the per-field checks: a unit or task
        # that does not exist must still be reported as a bad row, not as a crash.
        try:
            return super().get_or_init_instance(instance_loader, row)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def before_import(self, dataset, **kwargs):
        dataset.headers = [str(header or "").strip() for header in dataset.headers or []]

    def prime(self, dataset, *names) -> None:
        """Read what the sheet's columns `names` refer to once for the whole sheet."""
        rows = [dict(zip(dataset.headers, values, strict=False)) for values in dataset]
        for name in names:
            field = self.fields[name]
            field.widget.prime([row.get(field.column_name) for row in rows], rows)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


class UnitResource(SafeModelResource):
    code = text("code", "Mã đơn vị")
    name = text("name", "Tên đơn vị")
    short_name = text("short_name", "Tên viết tắt")
    document_code = text("document_code", "Ký hiệu trên văn bản")
    kind = fields.Field(attribute="kind", column_name="Loại đơn vị", widget=ChoiceWidget(UnitKind))
    parent = fields.Field(attribute="parent", column_name="Đơn vị cấp trên", widget=UnitWidget())
    groups = fields.Field(attribute="groups", column_name="Thuộc nhóm", widget=UnitListWidget())
    email = text("email", "Thư điện tử")
    valid_from = fields.Field(attribute="valid_from", column_name="Hoạt động từ ngày", widget=DATE)
    valid_to = fields.Field(attribute="valid_to", column_name="Hoạt động đến ngày", widget=DATE)
    successor = fields.Field(attribute="successor", column_name="Đơn vị kế thừa", widget=UnitWidget())

    class Meta(SafeModelResource.Meta):
        model = Unit
        name = "Đơn vị"
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "short_name",
            "document_code",
            "kind",
            "parent",
            "groups",
            "email",
            "valid_from",
            "valid_to",
            "successor",
        ]

    def get_queryset(self):
        return Unit.objects.select_related("parent", "successor").prefetch_related("groups")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        # Many-to-many cells are applied after save; check them first so a bad name is a row error.
        if self.fields["groups"].column_name in row:
            try:
                self.fields["groups"].clean(row)
            except ValueError as exc:
                raise ValidationError({"groups": str(exc)}) from None


class OutputKindsField(fields.Field):
    """The column "Chỉ tiêu định lượng" of sheets written before indicators: on import, each of the seven
    older counts named becomes an indicator of the task (one it has is kept); on export, the counts
    among the task's indicators. Other indicators have their own sheet (IndicatorResource)."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.imported_output_kinds = self.clean(row, **kwargs)

    def get_value(self, instance):
        if instance.pk is None:
            return []
        names = {indicator.name for indicator in instance.indicators.all()}
        return [kind for kind, (name, _) in OUTPUT_KIND_INDICATORS.items() if name in names]


class TaskResource(SafeModelResource):
    plan = fields.Field(attribute="plan", column_name="Kế hoạch", widget=PlanWidget())
    number = fields.Field(attribute="number", column_name="Số thứ tự", widget=TaskNumberWidget())
    parent = fields.Field(attribute="parent", column_name="Nhiệm vụ cha", widget=ParentWidget())
    title = text("title", "Tên ngắn")
    content = text("content", "Nội dung")
    lead_text = text("lead_text", "Đơn vị chủ trì (nguyên văn)")
    partner_text = text("partner_text", "Đơn vị phối hợp (nguyên văn)")
    deadline_kind = fields.Field(
        attribute="deadline_kind", column_name="Loại thời hạn", widget=ChoiceWidget(DeadlineKind)
    )
    due_date = fields.Field(attribute="due_date", column_name="Hạn hoàn thành", widget=DATE)
    due_day = fields.Field(
        attribute="due_day", column_name="Hạn hằng năm: ngày", widget=widgets.IntegerWidget()
    )
    due_month = fields.Field(
        attribute="due_month", column_name="Hạn hằng năm: tháng", widget=widgets.IntegerWidget()
    )
    deadline_text = text("deadline_text", "Thời hạn (nguyên văn)")
    output_kinds = OutputKindsField(
        attribute="output_kinds", column_name="Chỉ tiêu định lượng", widget=ChoiceListWidget(OutputKind)
    )

    class Meta(SafeModelResource.Meta):
        model = Task
        name = "Nhiệm vụ"
        import_id_fields = ["plan", "number"]
        fields = [
            "plan",
            "number",
            "parent",
            "title",
            "content",
            "lead_text",
            "partner_text",
            "deadline_kind",
            "due_date",
            "due_day",
            "due_month",
            "deadline_text",
            "output_kinds",
        ]

    def get_queryset(self):
        return Task.objects.select_related("plan").prefetch_related("indicators")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.prime(dataset, "plan")
        self._touched_tasks = set()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A count the task lacks is an indicator to add: the row changes the task.
        kinds = getattr(instance, "imported_output_kinds", None)
        if kinds and set(kinds) - set(self.fields["output_kinds"].get_value(instance)):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        self._touched_tasks.add(instance.pk)
        kinds = getattr(instance, "imported_output_kinds", None)
        if kinds:
            indicators_from_output_kinds(task=instance, kinds=kinds)

    def after_import(self, dataset, result, **kwargs):
        tasks_imported(self._touched_tasks, **kwargs)


class TargetsWidget(widgets.Widget):
    """An indicator's targets of one scope in one cell: "2025: 80; 2026: 90,5" by year, "2026-h1: 40"
    by period key, "150,5" for the whole plan (numbers written the Vietnamese way)."""

    def __init__(self, scope: str, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return []
        if self.scope == TargetScope.PLAN:
            return [("", self._number(text))]
        targets = []
        for part in (part.strip() for part in text.split(";")):
            if not part:
                continue
            key, colon, number = part.partition(":")
            if not colon:
                example = (
                    "2025: 80; 2026: 90,5" if self.scope == TargetScope.YEAR else "2026-h1: 40; 2026: 85"
                )
                raise ValueError(f"Mức chỉ tiêu “{part}” thiếu {self._what()}: ghi dạng “{example}”.")
            targets.append((key.strip(), self._number(number.strip())))
        return targets

    def _what(self) -> str:
        return "năm" if self.scope == TargetScope.YEAR else "mã kỳ"

    @staticmethod
    def _number(text):
        try:
            number = parse_decimal_vi(text)
        except NumberTextError:
            number = None
        if number is None:
            raise ValueError(f"Mức chỉ tiêu “{text}” không phải là một số (ví dụ 80 hoặc 90,5).")
        return number

    def render(self, value, obj=None, **kwargs):
        return "; ".join(
            f"{key}: {number_text(number)}" if key else number_text(number) for key, number in value or []
        )


class TargetsField(fields.Field):
    """The targets of one scope of an indicator, as TargetsWidget writes them; saved after the
    indicator (IndicatorResource.after_save_instance)."""

    def __init__(self, scope: str, column_name: str):
        self.scope = scope
        super().__init__(attribute=f"targets_{scope}", column_name=column_name, widget=TargetsWidget(scope))

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.imported_targets = getattr(instance, "imported_targets", {})
        instance.imported_targets[self.scope] = self.clean(row, **kwargs)

    def get_value(self, instance):
        if instance.pk is None:
            return []
        return [
            (target.period_key if self.scope == TargetScope.PERIOD else str(target.year or ""), target.value)
            for target in instance.targets.all()
            if target.scope == self.scope
        ]


class IndicatorResource(SafeModelResource):
    """The indicators of tasks and their targets, one indicator a row (docs/domain.md, "Indicators
    and targets"). A sheet's targets of a scope replace that scope's targets of the indicator."""

    plan = text("task__plan__code", "Kế hoạch", readonly=True)
    task = fields.Field(attribute="task", column_name="Nhiệm vụ số", widget=TaskWidget())
    name = text("name", "Tên chỉ tiêu")
    unit_of_measure = text("unit_of_measure", "Đơn vị tính")
    decimals = fields.Field(
        attribute="decimals", column_name="Số chữ số thập phân", widget=widgets.IntegerWidget()
    )
    direction = fields.Field(
        attribute="direction", column_name="Chiều đánh giá", widget=ChoiceWidget(IndicatorDirection)
    )
    aggregation = fields.Field(
        attribute="aggregation", column_name="Cách tổng hợp", widget=ChoiceWidget(IndicatorAggregation)
    )
    accumulation = fields.Field(
        attribute="accumulation",
        column_name="Cách tính qua các kỳ",
        widget=ChoiceWidget(IndicatorAccumulation),
    )
    is_share = fields.Field(
        attribute="is_share", column_name="Là tỷ lệ phần trăm", widget=widgets.BooleanWidget()
    )
    order = fields.Field(attribute="order", column_name="Thứ tự", widget=widgets.IntegerWidget())
    targets_year = TargetsField(TargetScope.YEAR, "Mức chỉ tiêu theo năm")
    targets_period = TargetsField(TargetScope.PERIOD, "Mức chỉ tiêu theo kỳ")
    targets_plan = TargetsField(TargetScope.PLAN, "Mức chỉ tiêu cả kế hoạch")

    class Meta(SafeModelResource.Meta):
        model = Indicator
        name = "Chỉ tiêu"
        import_id_fields = ["task", "name"]
        fields = [
            "plan",
            "task",
            "name",
            "unit_of_measure",
            "decimals",
            "direction",
            "aggregation",
            "accumulation",
            "is_share",
            "order",
            "targets_year",
            "targets_period",
            "targets_plan",
        ]

    def get_queryset(self):
        return Indicator.objects.select_related("task__plan").prefetch_related("targets")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.prime(dataset, "task")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # Blank cells keep the model's defaults (whole numbers, at least, added up, cumulative).
        for name in ("decimals", "direction", "aggregation", "accumulation", "order"):
            if getattr(instance, name) in (None, ""):
                setattr(instance, name, Indicator._meta.get_field(name).get_default())
        if instance.is_share is None:
            instance.is_share = False

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # The targets are rows of their own: a sheet that changes only them changes the indicator.
        for scope, targets in getattr(instance, "imported_targets", {}).items():
            if sorted(targets) != sorted(self.fields[f"targets_{scope}"].get_value(instance)):
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        for scope, targets in getattr(instance, "imported_targets", {}).items():
            indicator_targets_set(indicator=instance, scope=scope, targets=targets)


class AssignmentLoader(BaseInstanceLoader):
    """The sheet's existing assignments, read in one query (a sheet of 10,000 rows would otherwise
    cost 10,000), and those the import saves as it goes (a unit named twice for a task is one
    assignment, updated by the later row)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        pairs = set()
        for values in dataset or ():
            row = dict(zip(dataset.headers, values, strict=False))
            try:
                task, unit = resource.fields["task"].clean(row), resource.fields["unit"].clean(row)
            except (ValueError, KeyError):
                continue  # reported on its row
            if task and unit:
                pairs.add((task.pk, unit.pk))
        tasks, units = {task for task, _ in pairs}, {unit for _, unit in pairs}
        found = resource.get_queryset().filter(task_id__in=tasks, unit_id__in=units)
        resource.existing = {(a.task_id, a.unit_id): a for a in found if (a.task_id, a.unit_id) in pairs}

    def get_instance(self, row):
        task, unit = self.resource.fields["task"].clean(row), self.resource.fields["unit"].clean(row)
        found = self.resource.existing.get((task.pk, unit.pk)) if task and unit else None
        # A copy: a row that fails must leave nothing of itself for the rows after it.
        return copy.copy(found) if found is not None else None


class AssignmentResource(SafeModelResource):
    plan = text("task__plan__code", "Kế hoạch", readonly=True)
    task = fields.Field(attribute="task", column_name="Nhiệm vụ số", widget=TaskWidget())
    task_title = text("task__title", "Tên nhiệm vụ", readonly=True)
    unit = fields.Field(attribute="unit", column_name="Đơn vị", widget=UnitWidget())
    role = fields.Field(attribute="role", column_name="Vai trò", widget=ChoiceWidget(AssignmentRole))
    reporting = fields.Field(attribute="reporting", column_name="Báo cáo", widget=ChoiceWidget(Reporting))
    note = text("note", "Ghi chú")
    order = fields.Field(attribute="order", column_name="Thứ tự", widget=widgets.IntegerWidget())

    class Meta(SafeModelResource.Meta):
        model = Assignment
        instance_loader_class = AssignmentLoader
        name = "Phân công"
        import_id_fields = ["task", "unit"]
        fields = ["plan", "task", "task_title", "unit", "role", "reporting", "note", "order"]

    def get_queryset(self):
        return Assignment.objects.select_related("task__plan", "unit")

    def import_instance(self, instance, row, **kwargs):
        previous = instance.reporting if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        # Without the column "Báo cáo", or with a blank cell, an assignment keeps how it reports; a new
        # one reports if it is a unit, is named only if it is a group (as sheets before the column).
        if not str(row.get(self.fields["reporting"].column_name) or "").strip() and instance.unit_id:
            instance.reporting = previous or default_reporting(instance.unit)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.prime(dataset, "task", "unit")
        self._touched_tasks = set()
        self._history = {True: [], False: []}  # created?: the assignments saved

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The task and unit were read from the database by the widgets a moment ago, and the
        # loader finds the assignment of that pair whether it is in the database or earlier in the
        # sheet: Django's checks that both exist and that the pair is new would cost three queries
        # a row to learn nothing (the database's own constraints still stand behind them).
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, "task", "unit"], validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # History is written for the whole sheet at the end (`after_import`): one row at a time,
        # django-simple-history builds a manager class per save and costs more than the save.
        instance.skip_history_when_saving = True
        self._creating = instance.pk is None

    def after_save_instance(self, instance, row, **kwargs):
        del instance.skip_history_when_saving
        self._history[self._creating].append(instance)
        self._touched_tasks.add(instance.task_id)
        self.existing[instance.task_id, instance.unit_id] = copy.copy(instance)

    def after_import(self, dataset, result, **kwargs):
        # Rows may each be valid and together leave a task without a lead: the sheet as a whole.
        tasks_imported(self._touched_tasks, **kwargs)
        if kwargs.get("dry_run"):
            return  # the preview is rolled back, and its history would be with it
        for created, instances in self._history.items():
            Assignment.history.bulk_history_create(
                instances,
                update=not created,
                default_user=_importer(kwargs.get("user")),
                default_change_reason=IMPORT_CHANGE_REASON,
                batch_size=1000,
            )
