"""The admin's shared bases: every change audited, history read but never reverted; a related row
chosen by search (autocomplete) whatever value a form sends back."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .history import attach_changes


def is_key(field, value) -> bool:
    """Whether `value` is one the key `field` could hold ("²" and "1e309" are no number): a query
    with any other fails with a ValueError."""
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


def key_or_404(field, value) -> None:
    """An address whose id is none `field` could hold is not found."""
    if not is_key(field, value):
        raise Http404("Không tìm thấy bản ghi.")


class KeyCheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, which looks up the row a form shown again was sent: a value that
    is no key of the related model ("²" for an id) shows no row, where Django's widget fails with a
    ValueError."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(
            name, [item for item in value if is_key(self.field.target_field, item)], attr
        )


class KeyCheckedAutocomplete:
    """For a ModelAdmin or an inline: its autocomplete_fields use KeyCheckedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AuditedAdmin(KeyCheckedAutocomplete, SimpleHistoryAdmin):
    """The history of changes is shown, never brought back: simple-history only hides its revert
    button (SIMPLE_HISTORY_REVERT_DISABLED) and would still save a posted old version. An address of
    the history whose object or version id is no id answers 404."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # The changes in words (Vietnamese field names, choice labels, related rows by name), and
        # safe for every field type: kehoach.history.
        for record in attach_changes(historical_records):
            record.history_delta_changes = record.changes

    def history_view(self, request, object_id, extra_context=None):
        key_or_404(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Lịch sử thay đổi chỉ để xem, không khôi phục được từ đây.")
        key_or_404(self.model._meta.pk, unquote(object_id))
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        key_or_404(history._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LeanChecklistAdmin:
    """Mixed into the admin of long lists: each row's checkbox of the actions written at once, the
    same element Django draws through a form widget's template (a few milliseconds a row)."""

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )
