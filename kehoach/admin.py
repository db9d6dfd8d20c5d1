"""The admin's shared bases: every change audited, history read but never reverted."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .history import attach_changes


class AuditedAdmin(SimpleHistoryAdmin):
    """The history of changes is shown, never brought back: simple-history only hides its revert
    button (SIMPLE_HISTORY_REVERT_DISABLED) and would still save a posted old version."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # The changes in words (Vietnamese field names, choice labels, related rows by name), and
        # safe for every field type: kehoach.history.
        for record in attach_changes(historical_records):
            record.history_delta_changes = record.changes

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Lịch sử thay đổi chỉ để xem, không khôi phục được từ đây.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
