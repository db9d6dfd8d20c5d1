"""Reports in the admin: periods are edited here; reports, their events and files are read here
and changed only through the workflow pages, so every change stays an event."""

from django.contrib import admin

from kehoach.admin import AuditedAdmin, KeptRowsAdmin, LeanChecklistAdmin, ReadOnlyAdmin
from kehoach.pagination import CappedPaginator

from .models import ReportEvent, ReportingPeriod, TaskReport
from .workflow.services import PERIOD_FIELDS, period_update


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin):
    list_display = ["name", "plan", "deadline", "cutoff_from", "cutoff_to", "is_open"]
    list_filter = ["is_open", "kind", "year", "plan"]
    search_fields = ["plan__code", "plan__title"]
    list_select_related = ["plan"]
    readonly_fields = ["plan", "key", "kind", "year", "opened_at", "opened_by"]

    def has_add_permission(self, request):
        # A period is opened from the “Kỳ báo cáo” page, which also creates the reports it owes.
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: a corrected deadline re-judges the period's reports.
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in PERIOD_FIELDS}
        period_update(period=obj, by=request.user, **changes)

    def has_delete_permission(self, request, obj=None):
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    fields = ["created_at", "kind", "actor_name", "comment", "late"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TaskReport)
class TaskReportAdmin(KeptRowsAdmin, LeanChecklistAdmin, ReadOnlyAdmin, AuditedAdmin):
    list_display = ["unit_name", "task", "period", "role", "status", "completion", "submitted_at"]
    list_filter = ["status", "completion", "role", "period__year", "period__plan"]
    search_fields = ["unit_name", "task__title", "results"]
    list_select_related = ["task", "period__plan"]
    # Millions of rows: the newest periods first, and in each the newest reports, as the indexes on
    # the period (and on the status and the period) read them, where the model's order (by task and
    # unit name) sorts them all; a count that stops at CappedPaginator.cap; no second count of the
    # whole table; half the rows of a page to draw.
    ordering = ["-period_id", "-pk"]
    paginator = CappedPaginator
    show_full_result_count = False
    list_per_page = 50
    inlines = [ReportEventInline]
    exclude = ["updated_by"]


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "actor_name", "report", "late"]
    list_filter = ["kind", "late"]
    search_fields = ["actor_name", "comment", "report__unit_name"]
    list_select_related = ["report__task", "report__period__plan"]
    date_hierarchy = "created_at"
