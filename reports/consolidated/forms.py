from django import forms

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

    def __init__(self, *args, tasks, composed: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        self.fields["version"].error_messages = {
            "required": "Biểu mẫu thiếu phiên bản; hãy mở lại trang rồi sửa tiếp.",
            "invalid": "Biểu mẫu thiếu phiên bản; hãy mở lại trang rồi sửa tiếp.",
        }
        for task in tasks:
            self.fields[f"result_{task.pk}"] = forms.CharField(
                label=f"{task.number}. {task.title}",
                required=False,
                max_length=50_000,
                widget=forms.Textarea(attrs={"rows": 6}),
                initial=composed[task.pk],
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
