"""Plans, their tasks, the units that lead or partner them, and the people of those units."""

import datetime
import re
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from kehoach.db import Vietnamese
from kehoach.text import date_range_validators

from .schedule import ScheduleKind, deadline_rule_text, plan_periods


def _validate_day_month(day, month, *, field="day"):
    """Raise a ValidationError unless day/month is a date that exists in a leap year."""
    if day is None or month is None:
        return
    try:
        datetime.date(2024, month, day)
    except ValueError:
        raise ValidationError({field: f"Ngày {day}/{month} không tồn tại."}) from None


# ------------------------------------------------------------------------------
# Units
# ------------------------------------------------------------------------------
class UnitKind(models.TextChoices):
    DIVISION = "division", "Phòng chuyên môn thuộc Sở"
    CENTRE = "centre", "Đơn vị sự nghiệp trực thuộc Sở"
    LEADERSHIP = "leadership", "Lãnh đạo Sở"
    DEPARTMENT = "department", "Sở, ban, ngành cấp tỉnh"
    GOVERNMENT = "government", "Ủy ban nhân dân cấp tỉnh"
    PARTY = "party", "Cơ quan Đảng"
    FRONT = "front", "Mặt trận Tổ quốc, đoàn thể"
    DISTRICT = "district", "Ủy ban nhân dân cấp huyện"
    COMMUNE = "commune", "Ủy ban nhân dân cấp xã"
    ASSOCIATION = "association", "Hội, liên hiệp hội"
    INSTITUTE = "institute", "Viện, trường đại học, tổ chức KH&CN"
    ENTERPRISE = "enterprise", "Doanh nghiệp, tổ chức, cá nhân"
    GROUP = "group", "Nhóm đơn vị"


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """Units in existence on `day`."""
        return self.exclude(valid_to__lt=day).exclude(valid_from__gt=day)

    def existing_in(self, year: int):
        """Units in existence at some time of `year`."""
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.exclude(valid_to__lt=first).exclude(valid_from__gt=last)

    def reporting(self):
        """Units that report for themselves: every unit but a group of bodies."""
        return self.exclude(kind=UnitKind.GROUP)


class Unit(models.Model):
    """A body that leads, partners, issues or receives: a single body or a named group of bodies."""

    code = models.SlugField(
        "mã đơn vị",
        max_length=40,
        unique=True,
        help_text="Mã ngắn, không dấu, không đổi khi đơn vị đổi tên (ví dụ: vp-so).",
    )
    name = models.CharField(
        "tên đơn vị", max_length=255, unique=True, help_text="Tên đầy đủ, như trong văn bản."
    )
    short_name = models.CharField("tên viết tắt", max_length=60, blank=True)
    document_code = models.CharField(
        "ký hiệu trên văn bản",
        max_length=20,
        blank=True,
        help_text="Chữ viết tắt của đơn vị ở dòng “Lưu: VT, …” của văn bản (ví dụ: VP).",
    )
    kind = models.CharField("loại đơn vị", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    groups = models.ManyToManyField(
        "self",
        verbose_name="thuộc nhóm",
        symmetrical=False,
        blank=True,
        through="GroupMembership",
        through_fields=("member", "group"),
        related_name="members",
        help_text=(
            "Các nhóm đơn vị mà đơn vị này là thành viên (ví dụ: “Các sở, ban, ngành”), mỗi nhóm có thể "
            "kèm thời gian là thành viên."
        ),
    )
    email = models.EmailField("thư điện tử liên hệ", blank=True)
    valid_from = models.DateField(
        "hoạt động từ ngày", null=True, blank=True, validators=date_range_validators()
    )
    valid_to = models.DateField(
        "hoạt động đến ngày",
        null=True,
        blank=True,
        validators=date_range_validators(),
        help_text="Để trống khi đơn vị còn hoạt động. Đơn vị đã giải thể được giữ lại trong lịch sử.",
    )
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="Đơn vị tiếp nhận chức năng, nhiệm vụ sau khi sáp nhập hoặc đổi tên.",
    )

    history = HistoricalRecords(excluded_fields=["groups"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        # Vietnamese alphabetical order (kehoach.db): every list, select and page of units.
        ordering = [Vietnamese("name")]
        permissions = [
            ("import_unit", "Có thể nhập đơn vị từ tệp"),
            ("export_unit", "Có thể xuất đơn vị ra tệp"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_range",
                violation_error_message="Ngày kết thúc hoạt động không được trước ngày bắt đầu.",
            ),
            models.CheckConstraint(
                condition=~Q(successor=F("pk")),
                name="unit_not_own_successor",
                violation_error_message="Một đơn vị không thể kế thừa chính nó.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="unit_not_own_parent",
                violation_error_message="Một đơn vị không thể là cấp trên của chính nó.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind == UnitKind.GROUP

    def known_now_as(self, name_then: str, today: datetime.date) -> str:
        """The name a reader on `today` knows the body that was called `name_then` by, or "" when it
        is the same ("(nay là …)"): the successor, followed along the chain, of a unit that has
        ended, else the unit's present name. Reads `successor` (select it with the unit)."""
        unit, seen = self, set()
        while unit.valid_to and unit.valid_to < today and unit.successor_id and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.successor
        return "" if unit.name == name_then else unit.name

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def clean(self):
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": "Một đơn vị không thể kế thừa chính nó."})
        if self.parent_id and self.pk:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": "Đơn vị cấp trên tạo thành vòng lặp."})
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if self.successor_id and self.valid_to is None:
            raise ValidationError(
                {"valid_to": "Đơn vị đã có đơn vị kế thừa phải có ngày kết thúc hoạt động."}
            )


class MembershipQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Memberships in force on `day`: an undated membership always is."""
        return self.exclude(valid_to__lt=day).exclude(valid_from__gt=day)


class GroupMembership(models.Model):
    """A unit's membership of a group of bodies, from one date to another (either may be left open):
    a commune belongs to “Ủy ban nhân dân các xã, phường” from 01/07/2025."""

    member = models.ForeignKey(
        Unit, verbose_name="đơn vị thành viên", on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        Unit,
        verbose_name="nhóm đơn vị",
        on_delete=models.CASCADE,
        related_name="group_memberships",
        limit_choices_to={"kind": UnitKind.GROUP},
    )
    valid_from = models.DateField(
        "là thành viên từ ngày",
        null=True,
        blank=True,
        validators=date_range_validators(),
        help_text="Để trống khi đơn vị là thành viên từ trước.",
    )
    valid_to = models.DateField(
        "là thành viên đến ngày",
        null=True,
        blank=True,
        validators=date_range_validators(),
        help_text="Để trống khi đơn vị vẫn là thành viên.",
    )

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "thành viên nhóm"
        verbose_name_plural = "thành viên nhóm"
        ordering = ["group", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "group"],
                name="membership_once_per_group",
                violation_error_message="Đơn vị này đã là thành viên của nhóm.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="membership_valid_range",
                violation_error_message="Ngày thôi là thành viên không được trước ngày bắt đầu.",
            ),
            models.CheckConstraint(
                condition=~Q(member=F("group")),
                name="membership_not_own_group",
                violation_error_message="Một nhóm không thể là thành viên của chính nó.",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.group}"

    def clean(self):
        if self.group_id and self.group.kind != UnitKind.GROUP:
            raise ValidationError({"group": "Chỉ thêm được đơn vị vào một nhóm đơn vị."})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "Ngày thôi là thành viên không được trước ngày bắt đầu."})

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


# ------------------------------------------------------------------------------
# People
# ------------------------------------------------------------------------------
class Role(models.TextChoices):
    STAFF = "staff", "Cán bộ đơn vị"
    HEAD = "head", "Lãnh đạo đơn vị"
    COORDINATOR = "coordinator", "Điều phối các kế hoạch do đơn vị theo dõi"
    LEADERSHIP = "leadership", "Lãnh đạo Sở"
    FINANCE = "finance", "Tài chính (mọi kế hoạch)"
    ADMIN = "admin", "Quản trị hệ thống"


class User(AbstractUser):
    """A person who logs in, speaking for one unit in one role."""

    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, default=Role.STAFF)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    calendar_token = models.CharField(
        "mã lịch riêng",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Mã băm SHA-256 của mã bí mật trong địa chỉ lịch (ICS) của người dùng; mã bí mật không được lưu, "
            "chỉ hiện một lần khi cấp. Cấp mã mới thì địa chỉ cũ hết hiệu lực."
        ),
    )
    calendar_token_issued_at = models.DateTimeField(
        "thời điểm cấp địa chỉ lịch",
        null=True,
        blank=True,
        editable=False,
    )

    notify_by_email = models.BooleanField(
        "nhận thư thông báo",
        default=True,
        help_text="Nhận thư khi báo cáo được gửi, trả lại, chấp nhận, mở lại hoặc có ý kiến chỉ đạo.",
    )
    notifications_seen_at = models.DateTimeField(
        "lần xem thông báo gần nhất", null=True, blank=True, editable=False
    )

    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "calendar_token", "notifications_seen_at"]
    )

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        ordering = ["username"]

    def get_full_name(self):
        # Vietnamese order: family and middle names, then the given name ("Nguyễn Văn An").
        return f"{self.last_name} {self.first_name}".strip()

    def clean(self):
        super().clean()
        if self.role in (Role.STAFF, Role.HEAD) and self.unit_id is None:
            raise ValidationError({"unit": "Cán bộ và lãnh đạo đơn vị phải thuộc một đơn vị."})
        if self.unit_id and self.unit.is_group:
            raise ValidationError({"unit": "Người dùng phải thuộc một đơn vị cụ thể, không phải một nhóm."})


# ------------------------------------------------------------------------------
# Legal documents
# ------------------------------------------------------------------------------
class DocumentType(models.TextChoices):
    CONCLUSION = "conclusion", "Kết luận"
    RESOLUTION = "resolution", "Nghị quyết"
    DIRECTIVE = "directive", "Chỉ thị"
    DECREE = "decree", "Nghị định"
    DECISION = "decision", "Quyết định"
    CIRCULAR = "circular", "Thông tư"
    PLAN = "plan", "Kế hoạch"
    OFFICIAL_LETTER = "official_letter", "Công văn"
    OTHER = "other", "Khác"


def legal_document_path(instance, filename):
    return f"van-ban/{instance.issued_on:%Y}/{filename}"


class LegalDocument(models.Model):
    """A document a plan rests on (văn bản căn cứ)."""

    number = models.CharField("số, ký hiệu", max_length=60, help_text="Ví dụ: 57-NQ/TW, 1394/UBND-KGVX.")
    doc_type = models.CharField("loại văn bản", max_length=20, choices=DocumentType.choices)
    issuer = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="documents"
    )
    issued_on = models.DateField("ngày ban hành", validators=date_range_validators())
    subject = models.TextField("trích yếu")
    file = models.FileField("tệp văn bản", upload_to=legal_document_path, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "văn bản căn cứ"
        verbose_name_plural = "văn bản căn cứ"
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issued_on"],
                name="legal_document_unique_number_date",
                violation_error_message="Đã có văn bản cùng số, ký hiệu và ngày ban hành.",
            )
        ]

    def __str__(self):
        return f"{self.get_doc_type_display()} số {self.number} ngày {self.issued_on:%d/%m/%Y}"


# ------------------------------------------------------------------------------
# Plans
# ------------------------------------------------------------------------------
class PlanStatus(models.TextChoices):
    IN_FORCE = "in_force", "Đang thực hiện"
    ENDED = "ended", "Đã kết thúc"


class Plan(models.Model):
    """A plan (kế hoạch) issued by the department, with its yearly reporting rule."""

    code = models.SlugField(
        "mã kế hoạch",
        max_length=40,
        unique=True,
        help_text="Mã ngắn dùng khi nhập, xuất dữ liệu (ví dụ: kh-57-2025). Số, ký hiệu có thể còn trống.",
    )
    number = models.CharField(
        "số, ký hiệu",
        max_length=60,
        blank=True,
        help_text="Ví dụ: 123/KH-SKHCN. Để trống khi văn bản chưa ghi số.",
    )
    number_template = models.CharField(
        "mẫu số, ký hiệu", max_length=60, blank=True, help_text="Như in trên văn bản, ví dụ: /KH-SKHCN."
    )
    issued_year = models.PositiveSmallIntegerField(
        "năm ban hành", validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    issued_on = models.DateField(
        "ngày ban hành",
        null=True,
        blank=True,
        help_text="Để trống khi văn bản chỉ ghi năm.",
        validators=date_range_validators(),
    )
    place = models.CharField("địa danh", max_length=60, default="Đồng Nai")
    issuer = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="issued_plans"
    )
    title = models.TextField("trích yếu", help_text="Nội dung sau chữ “KẾ HOẠCH”.")
    preamble = models.TextField("phần mở đầu", blank=True)
    purposes = models.TextField("mục đích, yêu cầu", blank=True)
    basis_documents = models.ManyToManyField(
        LegalDocument, verbose_name="văn bản căn cứ", blank=True, related_name="plans"
    )
    implementation_time = models.TextField("thời gian thực hiện", blank=True)
    funding_note = models.TextField("kinh phí", blank=True)
    organisation = models.TextField(
        "tổ chức thực hiện", blank=True, help_text="Nguyên văn mục “Tổ chức thực hiện”."
    )
    signer_title = models.CharField(
        "thẩm quyền, chức vụ người ký",
        max_length=120,
        help_text="Mỗi dòng một dòng chữ, ví dụ: “KT. GIÁM ĐỐC” rồi “PHÓ GIÁM ĐỐC”.",
    )
    signer_name = models.CharField("họ tên người ký", max_length=120)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận.")
    filing_code = models.CharField("ký hiệu lưu", max_length=120, blank=True)
    coordinating_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị đầu mối theo dõi",
        on_delete=models.PROTECT,
        related_name="coordinated_plans",
        help_text="Đơn vị nhận báo cáo của các đơn vị, theo dõi, đôn đốc và tổng hợp.",
    )
    report_recipient = models.ForeignKey(
        Unit,
        verbose_name="nơi nhận báo cáo tổng hợp",
        on_delete=models.PROTECT,
        related_name="received_plan_reports",
    )
    schedule = models.CharField(
        "kỳ báo cáo",
        max_length=20,
        choices=ScheduleKind.choices,
        default=ScheduleKind.YEARLY,
        help_text="Các đơn vị báo cáo hằng năm, 6 tháng, hằng quý, hằng tháng, hoặc theo các kỳ đặt riêng.",
    )
    report_day = models.PositiveSmallIntegerField(
        "hạn báo cáo: ngày",
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="Ngày trong tháng hạn gửi báo cáo (tháng ngắn hơn thì lấy ngày cuối tháng).",
    )
    report_month_offset = models.SmallIntegerField(
        "hạn báo cáo: tháng, tính từ tháng cuối kỳ",
        default=0,
        validators=[MinValueValidator(-11), MaxValueValidator(3)],
        help_text=(
            "0: tháng cuối của kỳ; 1: tháng sau kỳ; -1: tháng trước tháng cuối kỳ. Ví dụ: hằng năm trước "
            "ngày 20/10 là ngày 20, -2; 6 tháng vào ngày 05/06 và 05/12 là ngày 5, 0; hằng năm trước ngày "
            "15/01 năm sau là ngày 15, 1."
        ),
    )
    cutoff_days = models.PositiveSmallIntegerField(
        "chốt số liệu trước hạn (ngày)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=(
            "Khi hạn gửi rơi vào trong kỳ, số liệu được chốt trước hạn chừng này ngày; giữa ngày chốt và hạn "
            "phải có ít nhất một ngày làm việc (Nghị định 09/2019/NĐ-CP)."
        ),
    )
    status = models.CharField(
        "tình trạng", max_length=20, choices=PlanStatus.choices, default=PlanStatus.IN_FORCE
    )

    history = HistoricalRecords(excluded_fields=["basis_documents"])

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-issued_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    report_day__gte=1,
                    report_day__lte=31,
                    report_month_offset__gte=-11,
                    report_month_offset__lte=3,
                ),
                name="plan_report_deadline_range",
                violation_error_message="Hạn báo cáo phải là một ngày (1–31) và một tháng tính từ tháng cuối kỳ (-11 đến 3).",
            ),
        ]

    def __str__(self):
        title = self.title if len(self.title) <= 100 else self.title[:99].rstrip() + "…"
        return f"Kế hoạch số {self.number}: {title}" if self.number else f"Kế hoạch {title}"

    def clean(self):
        if self.issued_on and self.issued_year and self.issued_on.year != self.issued_year:
            raise ValidationError({"issued_on": "Ngày ban hành phải thuộc năm ban hành."})

    def periods_of_year(self, year: int):
        """The reporting periods the plan's schedule gives `year` (none for a custom schedule)."""
        return plan_periods(self, year)

    @property
    def deadline_rule(self) -> str:
        """The schedule's deadline in words: "ngày 20/10 hằng năm"."""
        return deadline_rule_text(
            kind=self.schedule, report_day=self.report_day, report_month_offset=self.report_month_offset
        )


class DutyKind(models.TextChoices):
    DISSEMINATE = "disseminate", "Triển khai, quán triệt kế hoạch"
    REPORT = "report", "Báo cáo kết quả định kỳ"
    FOLLOW_UP = "follow_up", "Theo dõi, đôn đốc, kiểm tra, tổng hợp"
    FUNDING = "funding", "Bố trí kinh phí, hướng dẫn cơ chế tài chính"
    COMMUNICATION = "communication", "Kế hoạch tuyên truyền, đưa tin"
    ESCALATION = "escalation", "Báo cáo khó khăn, vướng mắc"


class PlanDuty(models.Model):
    """A standing duty of section “Tổ chức thực hiện”: who does what, for whom."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField("loại trách nhiệm", max_length=20, choices=DutyKind.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị thực hiện",
        on_delete=models.PROTECT,
        related_name="plan_duties",
        help_text="Đơn vị hoặc nhóm đơn vị mang trách nhiệm này.",
    )
    recipient = models.ForeignKey(
        Unit,
        verbose_name="đơn vị nhận",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_plan_duties",
        help_text="Nơi nhận báo cáo hoặc kiến nghị, nếu có.",
    )
    content = models.TextField("nội dung", help_text="Nguyên văn trong kế hoạch.")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "trách nhiệm tổ chức thực hiện"
        verbose_name_plural = "trách nhiệm tổ chức thực hiện"
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "unit"],
                name="plan_duty_unique_kind_unit",
                violation_error_message="Đơn vị này đã có trách nhiệm cùng loại trong kế hoạch.",
            )
        ]

    def __str__(self):
        return f"{self.unit}: {self.get_kind_display()}"


# ------------------------------------------------------------------------------
# Tasks and assignments
# ------------------------------------------------------------------------------
class OutputKind(models.TextChoices):
    """The seven counts every task offered before indicators; older plan files and sheets still
    name them, and each becomes an indicator (OUTPUT_KIND_INDICATORS)."""

    EVENTS = "events", "Hội nghị, sự kiện, lớp tập huấn tổ chức"
    ARTICLES = "articles", "Tin, bài, phóng sự tuyên truyền"
    PARTICIPANTS = "participants", "Lượt người tham dự"
    DOCUMENTS = "documents", "Văn bản ban hành hoặc tham mưu ban hành"
    TECHNOLOGIES = "technologies", "Công nghệ, kết quả nghiên cứu được hỗ trợ, chuyển giao"
    ORDERS = "orders", "Nhiệm vụ đặt hàng"
    RESEARCH_NEEDS = "research_needs", "Nhu cầu nghiên cứu được công bố"


class DeadlineKind(models.TextChoices):
    FIXED = "fixed", "Một thời hạn cố định"
    YEARLY = "yearly", "Hằng năm vào một ngày"
    ONGOING = "ongoing", "Thường xuyên (đánh giá theo hạn báo cáo năm)"


TASK_NUMBER = re.compile(r"[1-9][0-9]{0,3}(?:\.[1-9][0-9]{0,3}){0,3}")


def task_number_text(value) -> str:
    """A task number as written: 3 and 3.0 (a spreadsheet's number) are "3"; "4.1." is "4.1"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip().rstrip(".")


def task_sort_key(number: str) -> str:
    """A key that orders task numbers as people read them: 2 before 10, 4 before 4.1 before 4.2."""
    return ".".join(
        f"{int(part):04d}" for part in str(number).split(".") if part.isascii() and part.isdigit()
    )


# What a task without a date of its own is judged by (docs/domain.md, "Deadline kinds").
NO_OWN_DEADLINE = "Kế hoạch không nêu thời hạn riêng: đánh giá theo hạn của kỳ báo cáo"


class Task(models.Model):
    """A task (nhiệm vụ) of a plan, with its deadline rule; a sub-task (4.1) has its parent (4)."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField(
        "số thứ tự",
        max_length=20,
        help_text="Như trong kế hoạch: 1, 2… hoặc 4.1, 4.2 cho nhiệm vụ con của nhiệm vụ 4.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="nhiệm vụ cha",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Với nhiệm vụ con (4.1): nhiệm vụ chứa nó (4), cùng kế hoạch.",
    )
    sort_key = models.CharField("thứ tự sắp xếp", max_length=40, editable=False, db_index=True)
    title = models.CharField("tên ngắn", max_length=255)
    title_is_short = models.BooleanField(
        "tên ngắn do Sở đặt",
        default=False,
        db_default=False,  # rows written in bulk by SQL (the demo generator) are plan titles
        help_text=(
            "Đánh dấu khi kế hoạch không đặt tên cho nhiệm vụ và tên trên là tên rút gọn để theo dõi; "
            "báo cáo ghi kèm nội dung nguyên văn của nhiệm vụ."
        ),
    )
    content = models.TextField("nội dung", help_text="Nguyên văn nhiệm vụ trong kế hoạch.")
    lead_text = models.TextField(
        "đơn vị chủ trì (nguyên văn)",
        blank=True,
        help_text="Dòng “Đơn vị chủ trì thực hiện” như trong kế hoạch.",
    )
    partner_text = models.TextField(
        "đơn vị phối hợp (nguyên văn)", blank=True, help_text="Dòng “Đơn vị phối hợp” như trong kế hoạch."
    )
    deadline_kind = models.CharField(
        "loại thời hạn", max_length=10, choices=DeadlineKind.choices, default=DeadlineKind.ONGOING
    )
    due_date = models.DateField(
        "hạn hoàn thành",
        null=True,
        blank=True,
        help_text="Với thời hạn cố định.",
        validators=date_range_validators(),
    )
    due_day = models.PositiveSmallIntegerField(
        "hạn hằng năm: ngày", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    due_month = models.PositiveSmallIntegerField(
        "hạn hằng năm: tháng", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    deadline_text = models.CharField(
        "thời hạn (nguyên văn)", max_length=255, blank=True, help_text="Ví dụ: “Trong quý I/2024”."
    )
    units = models.ManyToManyField(Unit, through="Assignment", related_name="tasks", verbose_name="đơn vị")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["plan", "sort_key"]
        permissions = [
            ("import_task", "Có thể nhập nhiệm vụ từ tệp"),
            ("export_task", "Có thể xuất nhiệm vụ ra tệp"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="task_unique_number_in_plan",
                violation_error_message="Kế hoạch đã có nhiệm vụ mang số thứ tự này.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        deadline_kind=DeadlineKind.FIXED,
                        due_date__isnull=False,
                        due_day__isnull=True,
                        due_month__isnull=True,
                    )
                    | Q(
                        deadline_kind=DeadlineKind.YEARLY,
                        due_date__isnull=True,
                        due_day__isnull=False,
                        due_month__isnull=False,
                    )
                    | Q(
                        deadline_kind=DeadlineKind.ONGOING,
                        due_date__isnull=True,
                        due_day__isnull=True,
                        due_month__isnull=True,
                    )
                ),
                name="task_deadline_fields_match_kind",
                violation_error_message=(
                    "Thời hạn không khớp loại: thời hạn cố định cần ngày hoàn thành; hằng năm cần ngày và "
                    "tháng; thường xuyên không có ngày nào."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):
        # Derived from the number, for ordering in SQL; not a rule, so it lives with the number.
        self.sort_key = task_sort_key(self.number)
        if kwargs.get("update_fields") is not None and "number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        """0 for a task, 1 for a sub-task (4.1), 2 for 4.1.1…"""
        return str(self.number).count(".")

    def clean(self):
        errors = {}
        self.number = task_number_text(self.number)
        if not TASK_NUMBER.fullmatch(self.number):
            errors["number"] = (
                "Số thứ tự là số nguyên dương, hoặc dạng 4.1 cho nhiệm vụ con (ví dụ: 3, 4.1, 4.2.1)."
            )
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = "Một nhiệm vụ không thể là nhiệm vụ cha của chính nó."
            elif self.parent.plan_id != self.plan_id:
                errors["parent"] = "Nhiệm vụ cha phải thuộc cùng kế hoạch."
            else:
                ancestor, seen = self.parent, set()
                while ancestor is not None and ancestor.pk not in seen:
                    if self.pk is not None and ancestor.pk == self.pk:
                        errors["parent"] = (
                            "Nhiệm vụ cha đã chọn tạo thành vòng lặp (nhiệm vụ là cha của chính cha nó)."
                        )
                        break
                    seen.add(ancestor.pk)
                    ancestor = ancestor.parent
        if self.deadline_kind == DeadlineKind.FIXED and self.due_date is None:
            errors["due_date"] = "Nhiệm vụ có thời hạn cố định cần ngày hoàn thành."
        if self.deadline_kind == DeadlineKind.YEARLY and (self.due_day is None or self.due_month is None):
            errors["due_day"] = "Nhiệm vụ hằng năm cần ngày và tháng đến hạn."
        if self.deadline_kind != DeadlineKind.FIXED and self.due_date is not None:
            errors["due_date"] = "Chỉ nhiệm vụ có thời hạn cố định mới có ngày hoàn thành."
        if self.deadline_kind != DeadlineKind.YEARLY and (
            self.due_day is not None or self.due_month is not None
        ):
            errors["due_day"] = "Chỉ nhiệm vụ hằng năm mới có ngày, tháng đến hạn."
        if errors:
            raise ValidationError(errors)
        if self.deadline_kind == DeadlineKind.YEARLY:
            _validate_day_month(self.due_day, self.due_month, field="due_day")

    @property
    def deadline_label(self) -> str:
        """The plan's own wording, with the date it means: “Trong quý I/2024 (31/03/2024)”."""
        text = self.deadline_text.strip()
        if self.deadline_kind == DeadlineKind.FIXED:
            date = f"{self.due_date:%d/%m/%Y}"
            return f"{text} ({date})" if text else date
        if self.deadline_kind == DeadlineKind.YEARLY:
            day = f"ngày {self.due_day:02d}/{self.due_month:02d}"
            return f"{text} ({day})" if text else f"Hằng năm, {day}"
        if text:
            return f"{text} (đánh giá theo hạn của kỳ báo cáo)"
        return NO_OWN_DEADLINE


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    PARTNER = "partner", "Phối hợp"


class Reporting(models.TextChoices):
    """Whether an assignment owes reports, and who writes them."""

    REPORTS = "reports", "Đơn vị báo cáo"
    MEMBERS = "members", "Từng thành viên của nhóm báo cáo"
    NAMED = "named", "Chỉ nêu tên, không báo cáo"


# Bodies a department's plan names without their reporting to it (docs/domain.md, "Named, not
# judged"): groups of bodies, party bodies, the Front and mass organisations, enterprises.
NAMED_BY_DEFAULT = (UnitKind.GROUP, UnitKind.PARTY, UnitKind.FRONT, UnitKind.ENTERPRISE)


def default_reporting(unit) -> str:
    """What an assignment does when nobody said: a body of the administration reports; a group of
    bodies, a party body, the Front or an enterprise is named only."""
    return Reporting.NAMED if unit is not None and unit.kind in NAMED_BY_DEFAULT else Reporting.REPORTS


class Assignment(models.Model):
    """A unit's part in a task: it leads it (chủ trì) or partners it (phối hợp), and reports on it,
    has each member of its group report, or is only named (party bodies, the Front, enterprises)."""

    task = models.ForeignKey(
        Task, verbose_name="nhiệm vụ", on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("vai trò", max_length=10, choices=AssignmentRole.choices)
    reporting = models.CharField(
        "báo cáo",
        max_length=10,
        choices=Reporting.choices,
        default=Reporting.REPORTS,
        help_text=(
            "Đơn vị báo cáo; với nhóm đơn vị: từng thành viên báo cáo, hoặc chỉ nêu tên. Cơ quan Đảng, "
            "Mặt trận, doanh nghiệp thường chỉ nêu tên: không nợ báo cáo, không bị nhắc, không bị đánh giá."
        ),
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "phân công"
        verbose_name_plural = "phân công"
        ordering = ["task", "order", "pk"]
        permissions = [
            ("import_assignment", "Có thể nhập phân công từ tệp"),
            ("export_assignment", "Có thể xuất phân công ra tệp"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                name="assignment_unique_unit_per_task",
                violation_error_message="Đơn vị này đã được phân công cho nhiệm vụ.",
            ),
        ]
        indexes = [models.Index(fields=["unit", "role"], name="assignment_unit_role")]

    def __str__(self):
        return f"{self.unit} — {self.get_role_display()} nhiệm vụ {self.task}"

    def clean(self):
        if self.unit_id is None:
            return
        if self.unit.is_group and self.reporting == Reporting.REPORTS:
            raise ValidationError(
                {
                    "reporting": (
                        "Nhóm đơn vị không tự báo cáo: chọn “Từng thành viên của nhóm báo cáo” hoặc “Chỉ nêu tên, không "
                        "báo cáo”."
                    )
                }
            )
        if not self.unit.is_group and self.reporting == Reporting.MEMBERS:
            raise ValidationError({"reporting": "Chỉ nhóm đơn vị mới có “từng thành viên báo cáo”."})


# ------------------------------------------------------------------------------
# Indicators (chỉ tiêu) of a task and their targets
# ------------------------------------------------------------------------------
class IndicatorDirection(models.TextChoices):
    AT_LEAST = "at_least", "Tối thiểu (đạt khi không thấp hơn chỉ tiêu)"
    AT_MOST = "at_most", "Tối đa (đạt khi không cao hơn chỉ tiêu)"


class IndicatorAggregation(models.TextChoices):
    SUM = "sum", "Cộng số liệu của các đơn vị"
    EACH_UNIT = "each_unit", "Mỗi đơn vị một chỉ tiêu riêng"


class IndicatorAccumulation(models.TextChoices):
    CUMULATIVE = "cumulative", "Cộng dồn qua các kỳ"
    LEVEL = "level", "Mức đạt được (lấy số của kỳ gần nhất)"


# Digits of every indicator number stored (values and targets): 16 before the decimal point, 4 after.
INDICATOR_MAX_DIGITS = 20
INDICATOR_DECIMAL_PLACES = 4
INDICATOR_MAX_VALUE = Decimal(10) ** (INDICATOR_MAX_DIGITS - INDICATOR_DECIMAL_PLACES) - 1

# The seven counts that every task offered before indicators (plan files of format 1 and the
# "Chỉ tiêu định lượng" column still name them): the indicator each becomes, and its unit of measure.
OUTPUT_KIND_INDICATORS = {
    OutputKind.EVENTS: ("Hội nghị, sự kiện, lớp tập huấn tổ chức", "sự kiện"),
    OutputKind.ARTICLES: ("Tin, bài, phóng sự tuyên truyền", "tin, bài"),
    OutputKind.PARTICIPANTS: ("Lượt người tham dự", "lượt người"),
    OutputKind.DOCUMENTS: ("Văn bản ban hành hoặc tham mưu ban hành", "văn bản"),
    OutputKind.TECHNOLOGIES: ("Công nghệ, kết quả nghiên cứu được hỗ trợ, chuyển giao", "công nghệ, kết quả"),
    OutputKind.ORDERS: ("Nhiệm vụ đặt hàng", "nhiệm vụ"),
    OutputKind.RESEARCH_NEEDS: ("Nhu cầu nghiên cứu được công bố", "nhu cầu"),
}


class Indicator(models.Model):
    """A quantitative indicator (chỉ tiêu) of a task: what units report in numbers, and how their
    numbers are judged against the targets the plan sets (reports.states.indicator_verdict)."""

    task = models.ForeignKey(
        Task, verbose_name="nhiệm vụ", on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(
        "tên chỉ tiêu", max_length=255, help_text="Ví dụ: Tỷ lệ hồ sơ trực tuyến toàn trình."
    )
    unit_of_measure = models.CharField(
        "đơn vị tính", max_length=50, help_text="Ví dụ: %, lượt, văn bản, doanh nghiệp, tỷ đồng, ha."
    )
    decimals = models.PositiveSmallIntegerField(
        "số chữ số thập phân",
        default=0,
        validators=[MaxValueValidator(INDICATOR_DECIMAL_PLACES)],
        help_text=f"0 cho số nguyên; tối đa {INDICATOR_DECIMAL_PLACES}.",
    )
    direction = models.CharField(
        "chiều đánh giá",
        max_length=10,
        choices=IndicatorDirection.choices,
        default=IndicatorDirection.AT_LEAST,
    )
    aggregation = models.CharField(
        "cách tổng hợp", max_length=10, choices=IndicatorAggregation.choices, default=IndicatorAggregation.SUM
    )
    accumulation = models.CharField(
        "cách tính qua các kỳ",
        max_length=12,
        choices=IndicatorAccumulation.choices,
        default=IndicatorAccumulation.CUMULATIVE,
    )
    is_share = models.BooleanField(
        "là tỷ lệ phần trăm", default=False, help_text="Số liệu và chỉ tiêu không vượt quá 100."
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["task", "order", "pk"]
        permissions = [
            ("import_indicator", "Có thể nhập chỉ tiêu từ tệp"),
            ("export_indicator", "Có thể xuất chỉ tiêu ra tệp"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "name"],
                name="indicator_unique_name_in_task",
                violation_error_message="Nhiệm vụ đã có chỉ tiêu mang tên này.",
            ),
            models.CheckConstraint(
                condition=Q(decimals__lte=INDICATOR_DECIMAL_PLACES),
                name="indicator_decimals_at_most_4",
                violation_error_message=f"Số chữ số thập phân tối đa là {INDICATOR_DECIMAL_PLACES}.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.unit_of_measure})"

    def value_error(self, value: Decimal) -> str | None:
        """What is wrong with `value` as a number of this indicator (a reported value or a target),
        in words; None when it fits. The one rule for both."""
        if value < 0:
            return "Số liệu không được âm."
        if value > INDICATOR_MAX_VALUE:
            return "Số quá lớn."
        exponent = value.normalize().as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
        if decimals > self.decimals:
            if self.decimals == 0:
                return "Chỉ tiêu này tính bằng số nguyên: hãy ghi số không có phần thập phân."
            return f"Chỉ tiêu này ghi tối đa {self.decimals} chữ số thập phân."
        if self.is_share and value > 100:
            return "Tỷ lệ phần trăm không vượt quá 100."
        return None


class TargetScope(models.TextChoices):
    PERIOD = "period", "Một kỳ báo cáo"
    YEAR = "year", "Một năm"
    PLAN = "plan", "Cả thời gian kế hoạch"


class IndicatorTarget(models.Model):
    """The number an indicator should reach: in one reporting period (by the period's key), in one
    year, or over the whole plan."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="targets"
    )
    scope = models.CharField(
        "áp dụng cho", max_length=10, choices=TargetScope.choices, default=TargetScope.YEAR
    )
    year = models.PositiveSmallIntegerField(
        "năm",
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="Với chỉ tiêu theo năm.",
    )
    period_key = models.SlugField(
        "mã kỳ báo cáo",
        max_length=40,
        blank=True,
        help_text="Với chỉ tiêu theo kỳ: mã kỳ theo lịch của kế hoạch, ví dụ 2026-h1, 2026-q3, 2026.",
    )
    value = models.DecimalField(
        "chỉ tiêu", max_digits=INDICATOR_MAX_DIGITS, decimal_places=INDICATOR_DECIMAL_PLACES
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "mức chỉ tiêu"
        verbose_name_plural = "mức chỉ tiêu"
        ordering = ["indicator", "scope", "year", "period_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "scope", "year", "period_key"],
                name="target_unique_per_scope",
                violation_error_message="Chỉ tiêu đã có mức cho kỳ, năm hoặc cả kế hoạch này.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope=TargetScope.PERIOD, year__isnull=True) & ~Q(period_key="")
                    | Q(scope=TargetScope.YEAR, year__isnull=False, period_key="")
                    | Q(scope=TargetScope.PLAN, year__isnull=True, period_key="")
                ),
                name="target_fields_match_scope",
                violation_error_message=(
                    "Mức chỉ tiêu không khớp phạm vi: theo kỳ cần mã kỳ; theo năm cần năm; cả kế hoạch "
                    "không ghi năm hay kỳ."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_not_negative",
                violation_error_message="Chỉ tiêu không được âm.",
            ),
        ]

    def __str__(self):
        return f"{self.scope_label}: {self.value}"

    @property
    def scope_label(self) -> str:
        if self.scope == TargetScope.PERIOD:
            return f"Kỳ {self.period_key}"
        if self.scope == TargetScope.YEAR:
            return f"Năm {self.year}"
        return "Cả kế hoạch"

    def clean(self):
        errors = {}
        if self.scope == TargetScope.PERIOD:
            self.year = None
            if not self.period_key:
                errors["period_key"] = "Chỉ tiêu theo kỳ cần mã kỳ báo cáo (ví dụ 2026-h1)."
        elif self.scope == TargetScope.YEAR:
            self.period_key = ""
            if self.year is None:
                errors["year"] = "Chỉ tiêu theo năm cần năm áp dụng."
        else:
            self.year, self.period_key = None, ""
        if self.value is not None and self.indicator_id is not None:
            problem = self.indicator.value_error(self.value)
            if problem:
                errors["value"] = problem
        if errors:
            raise ValidationError(errors)


# ------------------------------------------------------------------------------
# Who coordinates or follows the funds of a plan
# ------------------------------------------------------------------------------
class PlanRole(models.Model):
    """A person's part in one plan beyond their unit's: they coordinate it (điều phối: review, follow
    up, consolidate) or follow its funds (tài chính). A person may hold it for several plans."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", "Điều phối kế hoạch"
        FINANCE = "finance", "Theo dõi kinh phí kế hoạch"

    user = models.ForeignKey(
        User, verbose_name="người dùng", on_delete=models.CASCADE, related_name="plan_roles"
    )
    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField("vai trò", max_length=20, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "vai trò trong kế hoạch"
        verbose_name_plural = "vai trò trong kế hoạch"
        ordering = ["plan", "kind", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan", "kind"],
                name="plan_role_once",
                violation_error_message="Người dùng này đã giữ vai trò này trong kế hoạch.",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} {self.plan.code}"
