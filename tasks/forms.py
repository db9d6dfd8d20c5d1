import zipfile
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from import_export.forms import ImportForm

from kehoach.text import NumberTextError, number_text, number_vi, parse_decimal_vi

from .models import Assignment, AssignmentRole, IndicatorTarget, Task, UnitKind
from .services import no_lead_message

# An XLSX is a few XML parts; thousands of entries is not a sheet.
MAX_XLSX_PARTS = 200


class BoundedImportForm(ImportForm):
    """The admin's import form: refuses, before anything parses it, a file larger than
    UPLOAD_MAX_BYTES, an XLSX that would unpack to more than IMPORT_MAX_UNPACKED_BYTES (a zip
    bomb) or holds more than MAX_XLSX_PARTS parts, and a text sheet of more lines than
    IMPORT_MAX_ROWS allows."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                f"Tệp {filesizeformat(upload.size)} vượt giới hạn {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
            )
        upload.seek(0)
        if upload.read(4).startswith(b"PK"):
            _check_unpacked_size(upload)
        else:
            _check_line_count(upload)
        upload.seek(0)
        return upload


def _check_unpacked_size(upload) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise ValidationError("Tệp không đọc được như một bảng tính XLSX.") from None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise ValidationError(
            f"Bảng tính khi giải nén lớn {filesizeformat(unpacked)}, vượt giới hạn "
            f"{filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)}: hãy chia thành nhiều tệp nhỏ hơn."
        )
    if len(entries) > MAX_XLSX_PARTS:
        raise ValidationError(
            f"Tệp có {number_vi(len(entries))} phần nén bên trong, quá nhiều đối với một bảng tính (một bảng "
            f"tính thường chỉ có vài chục phần; giới hạn là {number_vi(MAX_XLSX_PARTS)}): đây không phải "
            "một bảng tính XLSX bình thường. Hãy mở tệp bằng Excel, lưu lại thành tệp .xlsx mới rồi tải lên lại."
        )


def _check_line_count(upload) -> None:
    upload.seek(0)
    lines = sum(chunk.count(b"\n") for chunk in upload.chunks())
    if lines > settings.IMPORT_MAX_ROWS + 1:
        raise ValidationError(
            f"Tệp có khoảng {number_vi(lines)} dòng, vượt giới hạn {number_vi(settings.IMPORT_MAX_ROWS)} dòng dữ "
            "liệu: hãy chia thành nhiều tệp nhỏ hơn."
        )


class AssignmentInlineFormSet(forms.BaseInlineFormSet):
    """The units of a task edited in the admin: the lead rule holds for what is about to be saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("unit") and not form.cleaned_data.get("DELETE")
        ]
        if kept and not any(data.get("role") == AssignmentRole.LEAD for data in kept):
            raise ValidationError(no_lead_message(self.instance))


class AssignmentAdminForm(forms.ModelForm):
    """One assignment edited on its own: it may not take away its task's last lead."""

    class Meta:
        model = Assignment
        # `reporting` too: the model's rules name it (a group of units does not report itself).
        fields = ["task", "unit", "role", "reporting", "note", "order"]

    def clean(self):
        data = super().clean()
        task, role = data.get("task"), data.get("role")
        if task is None or role is None or role == AssignmentRole.LEAD:
            return data
        other_leads = task.assignments.filter(role=AssignmentRole.LEAD).exclude(pk=self.instance.pk)
        if not other_leads.exists():
            raise ValidationError(no_lead_message(task))
        return data


class TaskAdminForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = [
            "plan",
            "number",
            "parent",
            "title",
            "content",
            "deadline_kind",
            "due_date",
            "due_day",
            "due_month",
            "deadline_text",
            "lead_text",
            "partner_text",
        ]


class ReorganisationForm(forms.Form):
    """The admin's reorganisation (tasks.reorganisation): for each unit chosen in the list, its
    successor, and the date from which the successors take over; or a sheet of mappings, which
    says the same for many units at once and may give one unit several successors, task by task."""

    on = forms.DateField(
        label="Đơn vị kế thừa tiếp nhận từ ngày",
        required=False,
        input_formats=["%d/%m/%Y"],
        help_text="Dạng dd/mm/yyyy. Đơn vị cũ kết thúc hoạt động vào ngày liền trước.",
        error_messages={"invalid": "Hãy ghi ngày dạng dd/mm/yyyy, ví dụ 01/07/2025."},
    )
    sheet = forms.FileField(
        label="Hoặc bảng tính các dòng tổ chức lại (.xlsx, .csv)",
        required=False,
        help_text=(
            "Các cột “Mã đơn vị cũ”, “Mã đơn vị kế thừa”, “Từ ngày”; thêm “Kế hoạch” và “Nhiệm vụ” khi một đơn vị có "
            "nhiều đơn vị kế thừa, mỗi đơn vị nhận một số nhiệm vụ. Khi có bảng tính, các ô chọn ở trên được bỏ qua."
        ),
    )

    def __init__(self, *args, units, successors, **kwargs):
        """`units`: the units to end; `successors`: the units that may follow them, read once."""
        super().__init__(*args, **kwargs)
        self.units = units
        for unit in units:
            group = unit.kind == UnitKind.GROUP
            self.fields[f"successor_{unit.pk}"] = forms.ChoiceField(
                label=f"Đơn vị kế thừa của {unit.name}",
                required=False,
                choices=[("", "(không có đơn vị kế thừa)")]
                + [
                    (other.code, other.name)
                    for other in successors
                    if other.pk != unit.pk and (other.kind == UnitKind.GROUP) == group
                ],
            )

    def clean_sheet(self):
        upload = self.cleaned_data.get("sheet")
        if upload:
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise ValidationError(
                    f"Tệp {filesizeformat(upload.size)} vượt giới hạn {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
                )
            upload.seek(0)
            if upload.read(4).startswith(b"PK"):
                _check_unpacked_size(upload)
            upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sheet") and not self.errors:
            if not self.units:
                raise ValidationError(
                    "Hãy chọn đơn vị trong danh sách, hoặc tải lên bảng tính các dòng tổ chức lại."
                )
            if cleaned.get("on") is None:
                self.add_error("on", "Hãy ghi ngày đơn vị kế thừa tiếp nhận.")
        return cleaned

    def successor_fields(self):
        return [self[f"successor_{unit.pk}"] for unit in self.units]


class VietnameseDecimalField(forms.Field):
    """A number as Vietnamese users type it: "83,4", "1.250", "1.250,5" (kehoach.text)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return number_text(value)
        return value

    def to_python(self, value):
        try:
            return parse_decimal_vi(value)
        except NumberTextError as error:
            raise ValidationError(str(error), code="invalid") from None


class IndicatorTargetForm(forms.ModelForm):
    """A target typed the Vietnamese way, checked against its indicator by the model's clean()."""

    value = VietnameseDecimalField(label="Mức chỉ tiêu", help_text="Ví dụ: 80 hoặc 83,5 hoặc 1.250.")

    class Meta:
        model = IndicatorTarget
        fields = ["scope", "year", "period_key", "value"]
