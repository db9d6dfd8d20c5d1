from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tasks.models import OutputKind

from .models import Completion, TaskReport

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class ReportForm(forms.ModelForm):
    """The report's content, plus one quantity field per output kind that fits the task."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = TaskReport
        fields = [
            "results", "completion", "completed_on", "progress", "difficulties", "escalate", "proposals",
            "funds_planned", "funds_spent",
        ]
        widgets = {
            "results": forms.Textarea(attrs={"rows": 8}),
            "difficulties": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "completion": forms.RadioSelect,
            "completed_on": DATE_WIDGET,
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "funds_planned": forms.NumberInput(attrs={"min": 0, "step": 1000}),
            "funds_spent": forms.NumberInput(attrs={"min": 0, "step": 1000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.fields["version"].initial = self.instance.version
        existing = {output.kind: output.quantity for output in self.instance.outputs.all()}
        for kind in self.instance.task.output_kinds:
            self.fields[f"output_{kind}"] = forms.IntegerField(
                label=OutputKind(kind).label, min_value=0, max_value=10**9, required=False,
                initial=existing.get(kind),
            )

    @property
    def output_fields(self):
        return [self[f"output_{kind}"] for kind in self.instance.task.output_kinds]

    def clean(self):
        data = super().clean()
        completion, completed_on = data.get("completion"), data.get("completed_on")
        if completion == Completion.DONE and not completed_on:
            self.add_error("completed_on", "Hãy ghi ngày hoàn thành.")
        funds_planned, funds_spent = data.get("funds_planned"), data.get("funds_spent")
        if completed_on and completed_on > timezone.localdate():
            self.add_error("completed_on", "Ngày hoàn thành không được sau hôm nay.")
        if funds_spent is not None and funds_planned is None and funds_spent > 0:
            self.add_error("funds_planned", "Hãy ghi kinh phí dự trù khi đã ghi kinh phí sử dụng.")
        return data

    def outputs(self) -> dict:
        return {kind: self.cleaned_data.get(f"output_{kind}") for kind in self.instance.task.output_kinds}


class CommentForm(forms.Form):
    comment = forms.CharField(label="Ý kiến", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class RequiredCommentForm(CommentForm):
    comment = forms.CharField(label="Ý kiến", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Tệp minh chứng")


class PeriodOpenForm(forms.Form):
    year = forms.IntegerField(label="Năm báo cáo", min_value=2000, max_value=2100)
    deadline = forms.DateField(label="Hạn gửi báo cáo", required=False, widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                               help_text="Để trống để dùng hạn của kế hoạch (15/11).")
    cutoff_from = forms.DateField(label="Số liệu tính từ ngày", required=False, widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    cutoff_to = forms.DateField(label="Số liệu tính đến ngày", required=False, widget=DATE_WIDGET, input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def clean(self):
        data = super().clean()
        if bool(data.get("cutoff_from")) != bool(data.get("cutoff_to")):
            raise ValidationError("Hãy ghi cả hai ngày chốt số liệu, hoặc để trống cả hai.")
        return data
