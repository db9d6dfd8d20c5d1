import contextlib

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from import_export.admin import ImportExportModelAdmin

from kehoach.admin import AuditedAdmin, KeptRowsAdmin, KeyCheckedAutocomplete, LeanChecklistAdmin
from kehoach.db import Vietnamese
from kehoach.pagination import CappedPaginator
from kehoach.spreadsheets import CSVFormat, UnreadableSheet, XLSXFormat
from kehoach.text import file_name_vi, parse_id

from .forms import (
    AssignmentAdminForm,
    AssignmentInlineFormSet,
    BoundedImportForm,
    IndicatorTargetForm,
    ReorganisationForm,
    TaskAdminForm,
)
from .models import (
    Assignment,
    GroupMembership,
    Indicator,
    IndicatorTarget,
    LegalDocument,
    Plan,
    PlanDuty,
    PlanRole,
    Task,
    Unit,
    UnitKind,
    User,
)
from .plan_document.admin import PlanDocumentImportMixin
from .reorganisation import (
    Mapping,
    mappings_from_json,
    mappings_from_sheet,
    mappings_to_json,
    units_reorganise,
)
from .resources import AssignmentResource, IndicatorResource, TaskResource, UnitResource
from .services import no_lead_message, tasks_saved


def tell(request, sentences) -> None:
    """Show the admin what a change did beyond itself (reports of open periods)."""
    for sentence in sentences:
        messages.info(request, sentence)


class ImportExportHistoryAdmin(ImportExportModelAdmin, AuditedAdmin):
    """Import and export (each under its own permission) plus the history of every change."""

    import_form_class = BoundedImportForm
    # The project's writers: one formula-escaping policy for every export (kehoach.spreadsheets).
    formats = [XLSXFormat, CSVFormat]

    def get_export_filename(self, request, queryset, file_format):
        """ "phan-cong-ngay-01-12-2026.xlsx": what the sheet holds and the day, in Vietnamese."""
        return file_name_vi(
            str(self.model._meta.verbose_name_plural), file_format.get_extension(), timezone.localdate()
        )

    def import_action(self, request, **kwargs):
        """The preview. import-export keeps the uploaded sheet in its temporary storage (MEDIA_ROOT,
        settings.IMPORT_EXPORT_TMP_STORAGE_CLASS) for the confirmation, which removes it; a sheet
        the preview refuses will never be confirmed, so its file is removed here. Files of previews
        never confirmed are removed by `manage.py clean_imports`."""
        response = None
        try:
            response = super().import_action(request, **kwargs)
        finally:
            name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
            context = getattr(response, "context_data", None) or {}
            if name and not context.get("confirm_form"):
                self.tmp_storage_remove(name)
        return response

    def tmp_storage_remove(self, name: str) -> None:
        storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
        with contextlib.suppress(FileNotFoundError):
            storage.remove()

    def add_data_read_fail_error_to_form(self, form, e):
        # A sheet the formats refuse with a reason (kehoach.spreadsheets) says it, not the exception's name.
        if isinstance(e, UnreadableSheet):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)


class PlanRoleInline(KeyCheckedAutocomplete, admin.TabularInline):
    model = PlanRole
    extra = 0
    autocomplete_fields = ["user", "plan"]
    verbose_name = "vai trò trong kế hoạch"
    verbose_name_plural = "điều phối, theo dõi kinh phí theo từng kế hoạch"


class MembershipInline(KeyCheckedAutocomplete, admin.TabularInline):
    """The groups a unit belongs to, each from one date to another."""

    model = GroupMembership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["group"]
    fields = ["group", "valid_from", "valid_to"]
    verbose_name = "nhóm đơn vị mà đơn vị là thành viên"
    verbose_name_plural = "thuộc nhóm (có thời hạn)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            kwargs["queryset"] = Unit.objects.filter(kind=UnitKind.GROUP)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Unit)
class UnitAdmin(ImportExportHistoryAdmin):
    resource_classes = [UnitResource]
    list_display = [
        "unit_name",
        "code",
        "short_name",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "successor",
    ]
    list_filter = [
        "kind",
        ("valid_to", admin.EmptyFieldListFilter),
        ("groups", admin.RelatedOnlyFieldListFilter),
    ]  # only the groups units belong to
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent", "successor"]
    list_select_related = ["parent", "successor"]
    inlines = [MembershipInline]
    actions = ["reorganise_selected"]
    change_list_template = "admin/tasks/unit/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "short_name", "document_code", "code", "kind", "parent", "email"]}),
        ("Thời gian hoạt động", {"fields": ["valid_from", "valid_to", "successor"]}),
    ]

    @admin.display(description="tên đơn vị", ordering=Vietnamese("name"))
    def unit_name(self, unit):
        """The name, sorted in Vietnamese order also when its column is clicked."""
        return unit.name

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_reorganise": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "to-chuc-lai/",
                self.admin_site.admin_view(self.reorganise_view),
                name="tasks_unit_reorganise",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description="Tổ chức lại các đơn vị đã chọn (xem trước rồi xác nhận)", permissions=["change"]
    )
    def reorganise_selected(self, request, queryset):
        query = urlencode(
            [("don_vi", pk) for pk in queryset.values_list("pk", flat=True)[:REORGANISE_AT_ONCE]]
        )
        return HttpResponseRedirect(f"{reverse('admin:tasks_unit_reorganise')}?{query}")

    def reorganise_view(self, request):
        """Units end on a date and their successors take over (tasks.reorganisation): the choice (or
        a sheet of mappings), then the preview of every change in words, then the confirmation."""
        if not self.has_change_permission(request):
            raise PermissionDenied("Cần quyền sửa đơn vị để tổ chức lại đơn vị.")
        ids = {parse_id(value) for value in request.GET.getlist("don_vi") + request.POST.getlist("don_vi")}
        units = list(
            Unit.objects.filter(pk__in=ids - {None}).order_by(Vietnamese("name"))[:REORGANISE_AT_ONCE]
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Tổ chức lại đơn vị",
            "units": units,
            "has_view_permission": self.has_view_permission(request),
        }
        if request.method == "POST" and request.POST.get("step") == "confirm":
            try:
                result = units_reorganise(
                    mappings=mappings_from_json(request.POST.get("mappings")), by=request.user, confirm=True
                )
            except ValidationError as exc:
                context["refused"] = exc.messages
            else:
                messages.success(request, f"Đã tổ chức lại {len(result.units)} đơn vị.")
                tell(request, result.lines)
                return HttpResponseRedirect(reverse("admin:tasks_unit_changelist"))
        successors = list(Unit.objects.filter(valid_to__isnull=True).only("pk", "code", "name", "kind"))
        form = ReorganisationForm(
            request.POST if request.method == "POST" and "refused" not in context else None,
            request.FILES or None,
            units=units,
            successors=successors,
        )
        if form.is_bound and form.is_valid():
            try:
                mappings = self._mappings(form)
                result = units_reorganise(mappings=mappings, by=request.user, confirm=False)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                context |= {
                    "result": result,
                    "mappings": mappings_to_json(mappings),
                    "title": "Xem trước tổ chức lại",
                }
                return TemplateResponse(request, "admin/tasks/unit/reorganise_preview.html", context)
        context["form"] = form
        return TemplateResponse(request, "admin/tasks/unit/reorganise.html", context)

    @staticmethod
    def _mappings(form) -> list[Mapping]:
        sheet = form.cleaned_data.get("sheet")
        if sheet:
            return mappings_from_sheet(sheet.read(), sheet.name or "")
        on = form.cleaned_data["on"]
        return [
            Mapping(unit.code, form.cleaned_data.get(f"successor_{unit.pk}") or "", on) for unit in form.units
        ]


# How many units one reorganisation page lists and sends at once (a sheet may hold more).
REORGANISE_AT_ONCE = 500


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedAdmin):
    list_display = ["username", "last_name", "first_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "unit"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Đơn vị và vai trò", {"fields": ["unit", "role", "position", "notify_by_email"]}),
    )
    inlines = [PlanRoleInline]
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("Đơn vị và vai trò", {"fields": ["unit", "role", "position"]}),
    )


@admin.register(LegalDocument)
class LegalDocumentAdmin(AuditedAdmin):
    list_display = ["number", "doc_type", "issuer", "issued_on", "subject"]
    list_filter = ["doc_type", "issuer"]
    search_fields = ["number", "subject"]
    autocomplete_fields = ["issuer"]
    date_hierarchy = "issued_on"
    list_select_related = ["issuer"]


class PlanDutyInline(KeyCheckedAutocomplete, admin.TabularInline):
    model = PlanDuty
    extra = 0
    autocomplete_fields = ["unit", "recipient"]


class TaskInline(admin.TabularInline):
    """The plan's tasks, listed with a link to each: edited on their own page, never here. View-only,
    so that the admin does not validate its rows: a row id sent that is no task of the plan would have
    Django validate a new, empty task, whose errors name fields this list does not have (a server
    error)."""

    model = Task
    extra = 0
    fields = ["number", "title", "deadline_kind", "due_date", "deadline_text"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(PlanDocumentImportMixin, AuditedAdmin):
    list_display = ["code", "number", "issued_year", "title", "coordinating_unit", "status"]
    list_filter = ["status", "issued_year"]
    search_fields = ["code", "number", "title"]
    autocomplete_fields = ["issuer", "coordinating_unit", "report_recipient"]
    filter_horizontal = ["basis_documents"]
    list_select_related = ["coordinating_unit"]
    inlines = [TaskInline, PlanDutyInline, PlanRoleInline]
    readonly_fields = ["schedule_preview"]

    @admin.display(description="các kỳ năm nay theo lịch")
    def schedule_preview(self, plan):
        """What the schedule means, spelled out for this year: every period, window and deadline."""
        if not plan or plan.pk is None:
            return "—"
        periods = plan.periods_of_year(timezone.localdate().year)
        if not periods:
            return plan.deadline_rule.capitalize() + "."
        return format_html_join(
            mark_safe("<br>"),
            "{}: số liệu {} – {}, hạn gửi {}",
            (
                (p.name, f"{p.cutoff_from:%d/%m/%Y}", f"{p.cutoff_to:%d/%m/%Y}", f"{p.deadline:%d/%m/%Y}")
                for p in periods
            ),
        )

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "number",
                    "number_template",
                    "issued_year",
                    "issued_on",
                    "place",
                    "issuer",
                    "title",
                    "status",
                ]
            },
        ),
        (
            "Nội dung",
            {
                "fields": [
                    "preamble",
                    "basis_documents",
                    "purposes",
                    "implementation_time",
                    "funding_note",
                    "organisation",
                ]
            },
        ),
        (
            "Theo dõi và báo cáo",
            {
                "fields": [
                    "coordinating_unit",
                    "schedule",
                    "report_day",
                    "report_month_offset",
                    "cutoff_days",
                    "schedule_preview",
                    "report_recipient",
                ]
            },
        ),
        ("Người ký và nơi nhận", {"fields": ["signer_title", "signer_name", "recipients", "filing_code"]}),
    ]


class AssignmentInline(KeyCheckedAutocomplete, admin.TabularInline):
    model = Assignment
    formset = AssignmentInlineFormSet
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["unit", "role", "reporting", "note", "order"]


class IndicatorInline(admin.StackedInline):
    """The task's indicators; each one's targets are set on its own page (the link "Thay đổi")."""

    model = Indicator
    extra = 0
    show_change_link = True
    fields = [
        ("name", "unit_of_measure"),
        ("decimals", "is_share"),
        ("direction", "aggregation", "accumulation"),
        "order",
    ]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    form = IndicatorTargetForm
    extra = 1
    fields = ["scope", "year", "period_key", "value"]


@admin.register(Indicator)
class IndicatorAdmin(ImportExportHistoryAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["name", "unit_of_measure", "task", "direction", "aggregation", "is_share"]
    list_filter = ["task__plan", "direction", "aggregation", "is_share"]
    search_fields = ["name", "task__number", "task__title", "task__plan__code"]
    autocomplete_fields = ["task"]
    list_select_related = ["task__plan"]
    inlines = [IndicatorTargetInline]
    fields = [
        "task",
        ("name", "unit_of_measure"),
        ("decimals", "is_share"),
        ("direction", "aggregation", "accumulation"),
        "order",
    ]


@admin.register(Task)
class TaskAdmin(ImportExportHistoryAdmin):
    resource_classes = [TaskResource]
    form = TaskAdminForm
    list_display = ["__str__", "plan", "deadline_kind", "deadline_label", "lead_units"]
    ordering = ["plan", "sort_key"]
    list_filter = ["plan", "deadline_kind"]
    search_fields = ["number", "title", "content", "plan__code", "plan__title"]
    autocomplete_fields = ["plan", "parent"]
    list_select_related = ["plan"]
    inlines = [AssignmentInline, IndicatorInline]
    fieldsets = [
        (None, {"fields": ["plan", "number", "parent", "title", "title_is_short", "content"]}),
        ("Thời hạn", {"fields": ["deadline_kind", "due_date", "due_day", "due_month", "deadline_text"]}),
        ("Nguyên văn phân công trong kế hoạch", {"fields": ["lead_text", "partner_text"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("assignments__unit")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        tell(request, tasks_saved(task_ids=[form.instance.pk], by=request.user))

    @admin.display(description="thời hạn")
    def deadline_label(self, task):
        return task.deadline_label

    @admin.display(description="đơn vị chủ trì")
    def lead_units(self, task):
        return ", ".join(str(a.unit) for a in task.assignments.all() if a.role == "lead")


@admin.register(Assignment)
class AssignmentAdmin(KeptRowsAdmin, LeanChecklistAdmin, ImportExportHistoryAdmin):
    resource_classes = [AssignmentResource]
    form = AssignmentAdminForm
    list_display = ["task", "plan", "unit", "role", "note"]
    list_filter = ["role", "task__plan", "unit__kind"]
    search_fields = ["task__title", "unit__name", "unit__short_name", "note"]
    autocomplete_fields = ["task", "unit"]
    list_select_related = ["task__plan", "unit"]
    # Hundreds of thousands of rows: the newest first along the primary key (the model's order sorts
    # them all), a count that stops at CappedPaginator.cap, no second count, 50 rows a page.
    ordering = ["-pk"]
    paginator = CappedPaginator
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="kế hoạch", ordering="task__plan__code")
    def plan(self, assignment):
        return assignment.task.plan.code

    def save_model(self, request, obj, form, change):
        previous_task = form.initial.get("task")
        super().save_model(request, obj, form, change)
        tell(request, tasks_saved(task_ids={obj.task_id, previous_task} - {None}, by=request.user))

    def get_deleted_objects(self, objs, request):
        """A deletion that would leave a task without its lead is shown as impossible, with why."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        doomed = {obj.pk for obj in objs}
        task_ids = {obj.task_id for obj in objs}
        left = Assignment.objects.filter(task_id__in=task_ids).exclude(pk__in=doomed)
        still_led = set(left.filter(role="lead").values_list("task_id", flat=True))
        still_assigned = set(left.values_list("task_id", flat=True))
        orphaned = still_assigned - still_led
        for task in (
            Task.objects.filter(pk__in=orphaned).select_related("plan").order_by("plan__code", "number")
        ):
            protected = [*protected, no_lead_message(task)]
        return deleted, counts, perms_needed, protected

    def delete_queryset(self, request, queryset):
        task_ids = set(queryset.values_list("task_id", flat=True))
        super().delete_queryset(request, queryset)
        tell(request, tasks_saved(task_ids=task_ids, by=request.user))

    def delete_model(self, request, obj):
        task_id = obj.task_id
        super().delete_model(request, obj)
        tell(request, tasks_saved(task_ids=[task_id], by=request.user))


@admin.register(PlanDuty)
class PlanDutyAdmin(AuditedAdmin):
    list_display = ["plan", "kind", "unit", "recipient"]
    list_filter = ["kind", "plan"]
    search_fields = ["content", "unit__name"]
    autocomplete_fields = ["plan", "unit", "recipient"]
    list_select_related = ["plan", "unit", "recipient"]
