import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator

from kehoach.text import number_text, parse_id
from reports.models import ReportingPeriod, TaskReport
from reports.states import target_for
from tasks.forms import VietnameseDecimalField

from .selectors import task_indicators
from .services import REPORT_FIELDS

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
AMOUNT_WIDGET = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
# ASCII digits only: "²" and "٣" pass str.isdigit() or \d, and are no amount anyone typed.
GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:([. ])[0-9]{3})?(?:\1[0-9]{3})*")
PLAIN_NUMBER = re.compile(r"[0-9]{1,18}")
# A number typed with a minus sign (a hyphen, or the minus and dash a word processor puts instead).
NEGATIVE = re.compile(r"[-\u2212\u2013]\s*(.+)")


class GroupedIntegerField(forms.IntegerField):
    """A whole number as Vietnamese users type it: "12345000", "12.345.000" or "12 345 000".

    Django's IntegerField reads "500.000" as 500 (it drops a decimal part of zeros), a thousand times
    less than meant; here the dots and spaces group thousands, and anything else is refused.
    """

    widget = AMOUNT_WIDGET
    default_error_messages = {
        "invalid": "Hãy ghi một số nguyên, không có phần lẻ: 1250 hoặc 1.250.",
        "negative": "Không được âm: hãy ghi 0 hoặc một số lớn hơn 0.",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace("\u00a0", " ")
        if PLAIN_NUMBER.fullmatch(text):
            return int(text)
        unsigned = NEGATIVE.fullmatch(text)
        if unsigned and (PLAIN_NUMBER.fullmatch(unsigned[1]) or GROUPED_NUMBER.fullmatch(unsigned[1])):
            raise ValidationError(self.error_messages["negative"], code="negative")
        if not GROUPED_NUMBER.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"[^0-9]", "", text))

    def widget_attrs(self, widget):
        # min/max/step attributes belong to number inputs, which refuse the dots users type.
        return {}


class IndicatorValueField(VietnameseDecimalField):
    """A value of one indicator as Vietnamese users type it ("83,4", "1.250"), checked against the
    indicator (whole or decimal, its decimals, a share at most 100, never negative)."""

    def __init__(self, *, indicator, **kwargs):
        self.indicator = indicator
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return number_text(value, self.indicator.decimals)
        return value

    def validate(self, value):
        super().validate(value)
        if value is not None:
            problem = self.indicator.value_error(value)
            if problem:
                raise ValidationError(problem, code="invalid")


class ReportForm(forms.ModelForm):
    """The report's content, plus one field per indicator of the task, its target beside it."""

    # Read in clean(): a hidden field's error would have no visible field to sit beside.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TaskReport
        fields = list(REPORT_FIELDS)
        widgets = {
            "results": forms.Textarea(attrs={"rows": 8}),
            "difficulties": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "completion": forms.RadioSelect,
            "completed_on": DATE_WIDGET,
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }
        field_classes = {"funds_planned": GroupedIntegerField, "funds_spent": GroupedIntegerField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.indicators = task_indicators(self.instance.task)
        # The values sent before, read only for a task that has indicators.
        existing = (
            dict(self.instance.indicator_values.values_list("indicator_id", "value"))
            if self.indicators
            else {}
        )
        for indicator in self.indicators:
            target = target_for(indicator.target_list, self.instance.period)
            target_text = (
                f"Mức chỉ tiêu: {number_text(target.value, indicator.decimals)} {indicator.unit_of_measure} "
                f"({target.scope_label.lower()})."
                if target is not None
                else "Chưa đặt mức chỉ tiêu."
            )
            kind = (
                f"số có tối đa {indicator.decimals} chữ số thập phân" if indicator.decimals else "số nguyên"
            )
            self.fields[f"indicator_{indicator.pk}"] = IndicatorValueField(
                indicator=indicator,
                label=f"{indicator.name} ({indicator.unit_of_measure})",
                required=False,
                initial=existing.get(indicator.pk),
                help_text=f"{target_text} Ghi {kind}, ví dụ {'83,4' if indicator.decimals else '1.250'}.",
            )

    @property
    def indicator_fields(self):
        return [self[f"indicator_{indicator.pk}"] for indicator in self.indicators]

    def clean_version(self):
        value = (self.cleaned_data.get("version") or "").strip()
        if parse_id(value) is None:
            raise ValidationError(
                "Biểu mẫu thiếu phiên bản của báo cáo nên không thể biết bạn sửa trên bản nào. "
                "Nội dung chưa được lưu: hãy mở lại báo cáo rồi sửa tiếp.",
                code="version",
            )
        return parse_id(value)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version"))
        return data

    def _post_clean(self):
        # The content's rules (a completion date, funds planned before spent) and the model's
        # constraints are the service's (report_update), which names the field at fault: the form
        # only reads the values typed, and leaves the report as it is until the service saves it.
        pass

    def indicator_values(self) -> dict:
        """Each indicator's id and the value typed (None for an empty field)."""
        return {
            indicator.pk: self.cleaned_data.get(f"indicator_{indicator.pk}") for indicator in self.indicators
        }


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Ý kiến", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class RequiredCommentForm(CommentForm):
    comment = forms.CharField(label="Ý kiến", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Tệp minh chứng")


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan):
        return f"{plan.code} — {Truncator(plan.title).chars(80)}"


PLAN_ERRORS = {
    "required": "Hãy chọn kế hoạch.",
    "invalid_choice": "Hãy chọn một kế hoạch đang thực hiện trong danh sách.",
}


class PeriodOpenForm(forms.Form):
    """Open every period a plan's schedule gives a year."""

    plan = PlanChoiceField(label="Kế hoạch", queryset=None, error_messages=PLAN_ERRORS)
    year = forms.IntegerField(label="Năm báo cáo", min_value=2000, max_value=2100)
    deadline = forms.DateField(
        label="Hạn gửi báo cáo",
        required=False,
        widget=DATE_WIDGET,
        help_text="Để trống để dùng lịch báo cáo của kế hoạch; chỉ đổi được với kế hoạch báo cáo mỗi năm một kỳ.",
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class PeriodAddForm(forms.Form):
    """A period of a plan's own: its name, window of data and deadline."""

    plan = PlanChoiceField(label="Kế hoạch", queryset=None, error_messages=PLAN_ERRORS)
    name = forms.CharField(label="Tên kỳ", max_length=100, help_text="Ví dụ: Đợt 1 năm 2026.")
    cutoff_from = forms.DateField(label="Số liệu tính từ ngày", widget=DATE_WIDGET)
    cutoff_to = forms.DateField(label="Số liệu tính đến ngày", widget=DATE_WIDGET)
    deadline = forms.DateField(label="Hạn gửi báo cáo", widget=DATE_WIDGET)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, prefix="rieng", **kwargs)
        self.fields["plan"].queryset = plans


class PeriodEditForm(forms.ModelForm):
    """A period's corrections: name, window, deadline."""

    class Meta:
        model = ReportingPeriod
        fields = ["name", "cutoff_from", "cutoff_to", "deadline"]
        widgets = {"cutoff_from": DATE_WIDGET, "cutoff_to": DATE_WIDGET, "deadline": DATE_WIDGET}

    def _post_clean(self):
        # The period's rules (window, gap, overlap, working day) are the service's, which re-judges
        # the reports when the deadline moves.
        pass


class DirectionForm(forms.Form):
    text = forms.CharField(
        label="Ý kiến chỉ đạo",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Hãy ghi ý kiến chỉ đạo."},
    )


class ReviewQueueFilterForm(forms.Form):
    """The review queue's filters, read from the query string; a value outside the queue's own
    plans, periods and units is reported, never guessed."""

    plan = forms.TypedChoiceField(
        label="Kế hoạch",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Kế hoạch này không có báo cáo chờ bạn duyệt."},
    )
    period = forms.TypedChoiceField(
        label="Kỳ báo cáo",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Kỳ báo cáo này không có báo cáo chờ bạn duyệt."},
    )
    unit = forms.IntegerField(
        label="Đơn vị",
        required=False,
        min_value=1,
        error_messages={"invalid": "Mã đơn vị không hợp lệ.", "min_value": "Mã đơn vị không hợp lệ."},
    )  # checked against the units with reports waiting in the plan and period chosen
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Số trang không hợp lệ.", "min_value": "Số trang không hợp lệ."},
    )

    def __init__(self, data, *, groups: list[dict]):
        super().__init__(data)
        plans = {group["period__plan_id"]: group["period__plan__code"] for group in groups}
        self.fields["plan"].choices = [("", "Mọi kế hoạch"), *sorted(plans.items(), key=lambda p: p[1])]
        self.fields["period"].choices = [
            ("", "Mọi kỳ"),
            *((group["period_id"], group["period__name"]) for group in groups),
        ]
        self.groups = groups

    def clean(self):
        data = super().clean()
        period, plan = data.get("period"), data.get("plan")
        if period is not None and plan is not None:
            group = next(g for g in self.groups if g["period_id"] == period)
            if group["period__plan_id"] != plan:
                self.add_error("period", "Kỳ báo cáo này không thuộc kế hoạch đã chọn.")
        return data


class NotificationSettingsForm(forms.Form):
    notify_by_email = forms.BooleanField(
        label="Nhận thư thông báo khi báo cáo được gửi, trả lại, chấp nhận, mở lại hoặc có ý kiến chỉ đạo",
        required=False,
    )
