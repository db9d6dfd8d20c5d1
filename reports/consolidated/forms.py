from django import forms

from kehoach.text import number_text
from reports.models import ConsolidatedReport
from reports.workflow.forms import DATE_WIDGET


class ConsolidatedForm(forms.ModelForm):
    """The office's parts of the consolidated report, plus one result field per task of the plan."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ConsolidatedReport
        fields = [
            "number",
            "symbol",
            "issued_on",
            "subject",
            "introduction",
            "direction",
            "strengths",
            "weaknesses",
            "causes",
            "next_year",
            "proposals",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "issued_on": DATE_WIDGET,
            "subject": forms.Textarea(attrs={"rows": 2}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
            **{
                name: forms.Textarea(attrs={"rows": 5})
                for name in (
                    "introduction",
                    "direction",
                    "strengths",
                    "weaknesses",
                    "causes",
                    "next_year",
                    "proposals",
                    "recipients",
                )
            },
        }

    def __init__(self, *args, tasks, composed: dict[int, str | None], line_counts: dict[int, int], **kwargs):
        """`composed`: each task's result as it stands (edited, or composed from the unit reports), or
        None for a composed result too long to carry in the form (`line_counts` says how long): its
        box starts empty, and left empty the task keeps following the unit reports."""
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        self.fields["version"].error_messages = {
            "required": "Biểu mẫu thiếu phiên bản; hãy mở lại trang rồi sửa tiếp.",
            "invalid": "Biểu mẫu thiếu phiên bản; hãy mở lại trang rồi sửa tiếp.",
        }
        for task in tasks:
            text = composed.get(task.pk)
            self.fields[f"result_{task.pk}"] = forms.CharField(
                label=f"{task.number}. {task.title}",
                required=False,
                max_length=50_000,
                widget=forms.Textarea(attrs={"rows": 6}),
                initial=text or "",
                help_text=""
                if text is not None
                else (
                    f"Kết quả được soạn từ {number_text(line_counts.get(task.pk, 0))} dòng báo cáo của các đơn vị, "
                    "quá dài để sửa tại đây: xem toàn văn ở bản xem trước và tệp Word. Để trống thì giữ kết quả "
                    "soạn từ báo cáo của đơn vị; ghi nội dung vào ô này để thay bằng nội dung Phòng viết."
                ),
            )

    @property
    def result_fields(self):
        return [self[f"result_{task.pk}"] for task in self.tasks]

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version"))
        return data

    def results(self) -> dict[int, str]:
        return {task.pk: self.cleaned_data.get(f"result_{task.pk}", "") for task in self.tasks}


class IssueForm(forms.ModelForm):
    """What the clerk writes when the report is signed: its number, date and signer."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ConsolidatedReport
        fields = ["number", "issued_on", "signer_title", "signer_name"]
        widgets = {"issued_on": DATE_WIDGET, "signer_title": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"number": "Số thứ tự của văn bản, ví dụ: 415."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        self.fields["version"].error_messages = {
            "required": "Biểu mẫu thiếu phiên bản; hãy mở lại trang rồi ban hành.",
            "invalid": "Biểu mẫu thiếu phiên bản; hãy mở lại trang rồi ban hành.",
        }
        for name in ("number", "issued_on", "signer_name"):
            self.fields[name].required = True
        self.fields["number"].error_messages["required"] = "Hãy ghi số của văn bản."
        self.fields["issued_on"].error_messages["required"] = "Hãy ghi ngày ký ban hành."
        self.fields["signer_name"].error_messages["required"] = "Hãy ghi họ tên người ký."

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version"))
        return data

    def _post_clean(self):
        """The service validates and saves; the form only reads what was posted."""
