from django import forms

from reports.models import TaskState


class BoardFilterForm(forms.Form):
    """The board's filters, read from the query string; a bad value is reported, never guessed."""

    plan = forms.TypedChoiceField(label="Kế hoạch", coerce=int, required=False)
    ky = forms.SlugField(
        label="Kỳ báo cáo",
        required=False,
        max_length=40,
        error_messages={"invalid": "Mã kỳ báo cáo không hợp lệ."},
    )  # checked against the plan's periods
    unit = forms.IntegerField(
        label="Đơn vị", required=False, min_value=1
    )  # checked against the period's units
    task = forms.IntegerField(
        label="Nhiệm vụ", required=False, min_value=1
    )  # checked against the plan's tasks
    state = forms.ChoiceField(
        label="Tình trạng", required=False, choices=[("", "Mọi tình trạng"), *TaskState.choices]
    )
    chi_tieu = forms.ChoiceField(
        label="Chỉ tiêu",
        required=False,
        choices=[("", "Mọi nhiệm vụ"), ("chua_dat", "Chưa đạt chỉ tiêu")],
        error_messages={"invalid_choice": "Bộ lọc chỉ tiêu không hợp lệ."},
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    chua_gui = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput
    )  # page of units owing
    cot = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # page of task columns

    def __init__(self, data, *, plans):
        super().__init__(data)
        self.fields["plan"].choices = [(plan.pk, plan.code) for plan in plans]


class FundsFilterForm(forms.Form):
    plan = forms.TypedChoiceField(label="Kế hoạch", coerce=int, required=False, empty_value=None)
    year = forms.TypedChoiceField(label="Năm", coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, plans, years):
        super().__init__(data)
        self.fields["plan"].choices = [("", "Tất cả kế hoạch"), *((plan.pk, plan.code) for plan in plans)]
        self.fields["year"].choices = [("", "Mọi năm"), *((year, str(year)) for year in years)]
