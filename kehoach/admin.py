"""The admin's shared bases: every change audited, history read but never reverted; a related row
chosen by search (autocomplete) whatever value a form sends back; the rows of a long list kept in
the cache while none of them changed."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from . import stamps
from .cache import code_digest, entry_key, html_get, query_text
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


ROWS = "danh sách trong trang quản trị"
ROWS_TEMPLATE = "admin/change_list_results.html"


class KeptRows:
    """The rows of one page of a change list, and what was kept of them drawn (`html_get`: their HTML
    and their number), read once when the page is built. The admin counts the page's rows before it
    draws them (its "0 of 50 selected"): when they were kept, that number is the kept one, and the
    rows are never read."""

    def __init__(self, queryset, key: str | None):
        self.queryset, self.key = queryset, key
        self.kept = html_get(key, ROWS)

    def __len__(self) -> int:
        return self.kept["rows"] if self.kept else len(self.queryset)

    def __iter__(self):
        return iter(self.queryset)


class KeptRowsChangeList(ChangeList):
    """A change list whose page of rows is a `KeptRows`, keyed by every change stamp and by all that
    draws the rows differently: the model, the columns (the checkbox is one, shown only to those who
    may act), the links' columns, the query string (filters, search, order, page; the filters kept in
    each row's link), a popup's target, and the rows' SQL. Nobody's rows depend on who asks beyond
    these: the links and cells are the same for everyone who may see the list."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = KeptRows(self.result_list, self.rows_key())

    def rows_key(self) -> str | None:
        """None inside a transaction or while a trigger is missing (`stamps.read_committed`)."""
        found = stamps.read_committed(None)
        if found is None:
            return None
        parts = (
            code_digest((ROWS_TEMPLATE,), ("kehoach.admin", "kehoach.templatetags.kept_rows")),
            self.opts.label,
            tuple(map(str, self.list_display)),
            tuple(map(str, self.list_display_links or ())),
            tuple(sorted(self.params.items())),
            self.preserved_filters,
            self.is_popup,
            str(self.to_field),
            # Which rows, in which order (the page is in the query string): the page's SQL without its
            # columns, a third of the cost of compiling it whole.
            query_text(self.queryset.values_list("pk")),
            tuple(sorted(found.items())),
        )
        return entry_key("admin-rows", parts)


def shown_tables(model_admin) -> set[str]:
    """The tables the rows of `model_admin`'s list are read from: its model's, those along each of
    `list_select_related` ("period__plan"), and those of the relations shown as columns."""
    model = model_admin.model
    tables = {model._meta.db_table}
    paths = model_admin.list_select_related
    paths = list(paths) if isinstance(paths, (list, tuple)) else []
    fields = {field.name: field for field in model._meta.get_fields()}
    paths += [name for name in model_admin.list_display if getattr(fields.get(name), "many_to_one", False)]
    for path in paths:
        current = model
        for name in path.split("__"):
            current = current._meta.get_field(name).related_model
            tables.add(current._meta.db_table)
    return tables


class KeptRowsAdmin:
    """Mixed into the admin of a long list: its rows, drawn, are kept in Django's cache and served
    again while no row of the tables they are read from has changed (tens of milliseconds a page of
    50 rows of reports or assignments, against one read of the stamps and one of the cache).

    Every table a row is read from must have change stamps (`kehoach.stamps.TABLES`): the model's
    own, those of `list_select_related` and those of the relations shown as columns; a column
    computed by a method must read no other relation than these. Checked
    when the server starts (kehoach.E001); a list that is edited in place (`list_editable`) is never
    kept (kehoach.E002)."""

    def get_changelist(self, request, **kwargs):
        return KeptRowsChangeList

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        missing = shown_tables(self) - set(stamps.TABLES)
        if missing:
            errors.append(
                checks.Error(
                    f"{type(self).__name__} keeps rows read from tables without change stamps: "
                    f"{', '.join(sorted(missing))}.",
                    hint="Add the tables to kehoach.stamps, or do not mix in KeptRowsAdmin.",
                    obj=self,
                    id="kehoach.E001",
                )
            )
        if self.list_editable:
            errors.append(
                checks.Error(
                    f"{type(self).__name__} edits its rows in place (list_editable) and cannot keep them.",
                    obj=self,
                    id="kehoach.E002",
                )
            )
        return errors
