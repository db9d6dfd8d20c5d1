"""The admin's forms: the upload, and the confirmation with a choice for each name to resolve. The
draft travels between the two signed, inside the page: nothing is stored before the confirmation."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from kehoach.db import Vietnamese
from tasks.models import Unit, UnitKind

from .draft import Draft, Mention
from .plan_file import PlanChoices, Resolution
from .units import suggested_name
from .words import fold

SALT = "tasks.plan_document.draft"
# A draft is confirmed the same day it is read.
MAX_AGE = 24 * 60 * 60
KEEP, NEW, SKIP = "keep", "new", "skip"


def draft_sign(draft: Draft) -> str:
    return signing.dumps(draft.to_dict(), salt=SALT, compress=True)


def draft_unsign(value: str) -> Draft:
    try:
        return Draft.from_dict(signing.loads(value, salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        raise ValidationError(
            "Bản nháp không còn dùng được (đã quá một ngày, hoặc trang đã bị sửa): hãy tải tệp văn bản lên lại."
        ) from None


class UploadForm(forms.Form):
    document = forms.FileField(
        label="Tệp văn bản kế hoạch (.docx)",
        help_text="Tệp Word của kế hoạch, như đơn vị soạn thảo đã ban hành. Chưa lưu gì cho tới khi xác nhận.",
    )


def _unit_choices(units: list[Unit]) -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        groups.setdefault(unit.get_kind_display(), []).append(
            (f"unit:{unit.code}", f"{unit.name} ({unit.code})")
        )
    return list(groups.items())


class ConfirmForm(forms.Form):
    """The plan's code and follow-up units, and for each name of the draft not matched (or matched
    with doubt): keep the suggestion, an existing unit, a new unit, or nothing."""

    draft = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label="Mã kế hoạch",
        max_length=40,
        validators=[validate_slug],
        help_text="Mã ngắn, không dấu, không trùng kế hoạch khác (ví dụ: kh-2025-chuyen-doi-so).",
    )
    issuer = forms.ModelChoiceField(Unit.objects.none(), to_field_name="code", label="Cơ quan ban hành")
    coordinating_unit = forms.ModelChoiceField(
        Unit.objects.none(),
        to_field_name="code",
        label="Đơn vị đầu mối theo dõi (nhận báo cáo của các đơn vị)",
    )
    report_recipient = forms.ModelChoiceField(
        Unit.objects.none(), to_field_name="code", label="Nơi nhận báo cáo tổng hợp"
    )

    def __init__(self, *args, draft: Draft, units: list[Unit], may_add_units: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft_value = draft
        self.may_add_units = may_add_units
        everything = Unit.objects.order_by(Vietnamese("name"))
        for name in ("issuer", "coordinating_unit", "report_recipient"):
            self.fields[name].queryset = everything
        self.names: list[tuple[Mention, str]] = []
        unit_options = _unit_choices(units)
        labels = {unit.code: unit.name for unit in units}
        for index, mention in enumerate(draft.names_to_resolve()):
            prefix = f"name_{index}"
            choices = []
            if mention.unit:
                choices.append((KEEP, f"Giữ như đề xuất: {labels.get(mention.unit, mention.unit)}"))
            else:
                choices.append(("", "— Chọn —"))
            if may_add_units:
                choices.append((NEW, "Tạo đơn vị mới (tên và loại ở bên dưới)"))
            choices.append((SKIP, "Bỏ qua: giữ trong nguyên văn, không phân công"))
            self.fields[f"{prefix}_choice"] = forms.ChoiceField(
                label=f"Đơn vị cho “{mention.text}”", choices=choices + unit_options, required=True
            )
            if may_add_units:
                self.fields[f"{prefix}_new_name"] = forms.CharField(
                    label=f"Tên đơn vị mới cho “{mention.text}”",
                    max_length=255,
                    required=False,
                    initial=suggested_name(mention.text),
                )
                self.fields[f"{prefix}_new_kind"] = forms.ChoiceField(
                    label=f"Loại đơn vị mới cho “{mention.text}”",
                    choices=UnitKind.choices,
                    required=False,
                    initial=_suggested_kind(mention),
                )
            self.names.append((mention, prefix))

    def plan_fields(self):
        return [self[name] for name in ("code", "issuer", "coordinating_unit", "report_recipient")]

    def name_rows(self):
        """For the template: each name with its fields."""
        for mention, prefix in self.names:
            yield {
                "mention": mention,
                "choice": self[f"{prefix}_choice"],
                "new_name": self[f"{prefix}_new_name"] if self.may_add_units else None,
                "new_kind": self[f"{prefix}_new_kind"] if self.may_add_units else None,
            }

    def clean(self):
        data = super().clean()
        for mention, prefix in self.names:
            choice = data.get(f"{prefix}_choice")
            if choice == NEW:
                if not (data.get(f"{prefix}_new_name") or "").strip():
                    self.add_error(f"{prefix}_new_name", "Hãy ghi tên đơn vị mới.")
                if not data.get(f"{prefix}_new_kind"):
                    self.add_error(f"{prefix}_new_kind", "Hãy chọn loại đơn vị mới.")
                name = (data.get(f"{prefix}_new_name") or "").strip()
                if name and Unit.objects.filter(name__iexact=name).exists():
                    self.add_error(
                        f"{prefix}_new_name",
                        f"Đã có đơn vị tên “{name}” trong danh mục: hãy chọn đơn vị đó thay vì tạo mới.",
                    )
            elif choice == KEEP and not mention.unit:
                self.add_error(f"{prefix}_choice", "Hãy chọn một đơn vị cho tên này.")
        return data

    def resolutions(self) -> dict[str, Resolution]:
        resolutions = {}
        for mention, prefix in self.names:
            choice = self.cleaned_data[f"{prefix}_choice"]
            if choice == SKIP:
                resolutions[mention.key] = Resolution(skip=True)
            elif choice == NEW:
                resolutions[mention.key] = Resolution(
                    new_name=self.cleaned_data[f"{prefix}_new_name"].strip(),
                    new_kind=self.cleaned_data[f"{prefix}_new_kind"],
                )
            elif choice.startswith("unit:"):
                resolutions[mention.key] = Resolution(unit=choice.removeprefix("unit:"))
        return resolutions

    def choices(self) -> PlanChoices:
        return PlanChoices(
            code=self.cleaned_data["code"],
            issuer=self.cleaned_data["issuer"].code,
            coordinating_unit=self.cleaned_data["coordinating_unit"].code,
            report_recipient=self.cleaned_data["report_recipient"].code,
        )


_KIND_WORDS = [
    ("uy ban nhan dan xa", UnitKind.COMMUNE),
    ("uy ban nhan dan phuong", UnitKind.COMMUNE),
    ("uy ban nhan dan huyen", UnitKind.DISTRICT),
    ("uy ban nhan dan thanh pho", UnitKind.DISTRICT),
    ("uy ban nhan dan tinh", UnitKind.GOVERNMENT),
    ("mat tran", UnitKind.FRONT),
    ("tinh uy", UnitKind.PARTY),
    ("ban tuyen giao", UnitKind.PARTY),
    ("dang", UnitKind.PARTY),
    ("lien hiep", UnitKind.ASSOCIATION),
    ("hoi ", UnitKind.ASSOCIATION),
    ("vien", UnitKind.INSTITUTE),
    ("truong", UnitKind.INSTITUTE),
    ("cong ty", UnitKind.ENTERPRISE),
    ("doanh nghiep", UnitKind.ENTERPRISE),
    ("phong ", UnitKind.DIVISION),
    ("trung tam", UnitKind.CENTRE),
    ("so ", UnitKind.DEPARTMENT),
    ("cong an", UnitKind.DEPARTMENT),
]


def _suggested_kind(mention: Mention) -> str:
    """The kind a new unit of that name most likely is: a group where the words name several bodies."""
    words = mention.key + " "
    if "cách gọi chung" in mention.reason.lower() or fold(mention.text).startswith("cac "):
        return UnitKind.GROUP
    for start, kind in _KIND_WORDS:
        if words.startswith(start):
            return kind
    return UnitKind.DEPARTMENT
