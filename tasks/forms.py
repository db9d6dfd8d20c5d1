from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from import_export.forms import ImportForm

from .models import AssignmentRole, OutputKind, Task


class BoundedImportForm(ImportForm):
    """The admin's import form, refusing a file larger than UPLOAD_MAX_BYTES before it is read."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                f"Tệp {filesizeformat(upload.size)} vượt giới hạn {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
            )
        return upload


class AssignmentInlineFormSet(forms.BaseInlineFormSet):
    """A task saved in the admin has exactly one lead unit."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        leads = [
            form.cleaned_data["unit"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == AssignmentRole.LEAD
        ]
        if len(leads) != 1:
            raise ValidationError(
                f"Mỗi nhiệm vụ có đúng một đơn vị chủ trì (đang có {len(leads)})."
            )


class TaskAdminForm(forms.ModelForm):
    output_kinds = forms.TypedMultipleChoiceField(
        label="Chỉ tiêu định lượng",
        choices=OutputKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Các chỉ tiêu định lượng đơn vị báo cáo cho nhiệm vụ này.",
    )

    class Meta:
        model = Task
        fields = "__all__"
