"""Reporting: periods, each unit's report on each task, its indicator values, files and events, the follow-up
(directions, reminders) and the consolidated report."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from kehoach.db import Vietnamese
from kehoach.text import date_range_validators
from tasks.models import (
    INDICATOR_DECIMAL_PLACES,
    INDICATOR_MAX_DIGITS,
    AssignmentRole,
    Indicator,
    Plan,
    Task,
    Unit,
)
from tasks.schedule import ScheduleKind, working_days_between


class ReportingPeriod(models.Model):
    """One reporting period of one plan (kỳ báo cáo): a year, a half, a quarter, a month or a period
    of its own, with its window of data (the cut-off) and its deadline, which may fall after it."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="periods")
    key = models.SlugField(
        "mã kỳ",
        max_length=40,
        help_text="Theo lịch của kế hoạch: 2026, 2026-h1, 2026-q3, 2026-m05; kỳ riêng tùy đặt.",
    )
    name = models.CharField(
        "tên kỳ", max_length=100, help_text="Ví dụ: Năm 2026, 6 tháng đầu năm 2026, Quý III/2026."
    )
    kind = models.CharField(
        "loại kỳ", max_length=20, choices=ScheduleKind.choices, default=ScheduleKind.YEARLY
    )
    year = models.PositiveSmallIntegerField(
        "năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text="Năm của kỳ."
    )
    deadline = models.DateField(
        "hạn gửi báo cáo",
        help_text="Mặc định theo lịch báo cáo của kế hoạch.",
        validators=date_range_validators(),
    )
    cutoff_from = models.DateField("số liệu tính từ ngày", validators=date_range_validators())
    cutoff_to = models.DateField(
        "số liệu tính đến ngày",
        validators=date_range_validators(),
        help_text="Giữa ngày chốt số liệu và hạn gửi phải có ít nhất một ngày làm việc (Nghị định 09/2019/NĐ-CP).",
    )
    is_open = models.BooleanField("đang mở", default=True, help_text="Kỳ đã đóng không nhận sửa đổi báo cáo.")
    opened_at = models.DateTimeField("ngày mở kỳ", auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người mở kỳ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["-deadline", "plan"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key"],
                name="period_unique_plan_key",
                violation_error_message="Kế hoạch đã có kỳ báo cáo mang mã này.",
            ),
            models.CheckConstraint(
                condition=Q(cutoff_from__lte=F("cutoff_to")) & Q(cutoff_to__lt=F("deadline")),
                name="period_cutoff_before_deadline",
                violation_error_message="Khoảng chốt số liệu phải hợp lệ và kết thúc trước hạn gửi báo cáo.",
            ),
        ]

    def __str__(self):
        return f"{self.name} — {self.plan.code}"

    def clean(self):
        if self.cutoff_from and self.deadline and self.deadline < self.cutoff_from:
            raise ValidationError({"deadline": "Hạn gửi báo cáo không được trước ngày bắt đầu của kỳ."})
        if self.cutoff_from and self.cutoff_to and self.cutoff_from > self.cutoff_to:
            raise ValidationError({"cutoff_to": "Ngày kết thúc chốt số liệu phải sau ngày bắt đầu."})
        if self.cutoff_to and self.deadline and working_days_between(self.cutoff_to, self.deadline) < 1:
            raise ValidationError(
                {"cutoff_to": "Giữa ngày chốt số liệu và hạn gửi báo cáo phải có ít nhất một ngày làm việc."}
            )


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi, chờ duyệt"
    RETURNED = "returned", "Bị trả lại"
    ACCEPTED = "accepted", "Đã chấp nhận"


class Completion(models.TextChoices):
    DONE = "done", "Đã hoàn thành"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    NOT_STARTED = "not_started", "Chưa thực hiện"


class TaskState(models.TextChoices):
    """The state classification of government follow-up reports (docs/domain.md, "Task states")."""

    DONE_ON_TIME = "done_on_time", "Hoàn thành đúng hạn"
    DONE_LATE = "done_late", "Hoàn thành quá hạn"
    IN_PROGRESS_ON_TIME = "in_progress_on_time", "Đang thực hiện trong hạn"
    IN_PROGRESS_OVERDUE = "in_progress_overdue", "Đang thực hiện quá hạn"
    NOT_STARTED = "not_started", "Chưa thực hiện"


class TaskReport(models.Model):
    """A unit's yearly report on one task it leads or partners (báo cáo kết quả thực hiện nhiệm vụ)."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="reports"
    )
    task = models.ForeignKey(Task, verbose_name="nhiệm vụ", on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="reports")
    unit_name = models.CharField(
        "tên đơn vị khi báo cáo", max_length=255, help_text="Giữ nguyên tên đơn vị tại thời điểm báo cáo."
    )
    role = models.CharField("vai trò", max_length=10, choices=AssignmentRole.choices)
    deadline = models.DateField(
        "hạn hoàn thành nhiệm vụ", help_text="Hạn dùng để đánh giá đúng hạn, quá hạn."
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )

    results = models.TextField("kết quả đạt được", blank=True)
    completion = models.CharField(
        "mức độ hoàn thành trong năm",
        max_length=12,
        choices=Completion.choices,
        default=Completion.NOT_STARTED,
    )
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0, validators=[MaxValueValidator(100)])
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    escalate = models.BooleanField(
        "báo cáo Giám đốc Sở",
        default=False,
        help_text="Đánh dấu khi khó khăn, vướng mắc cần Giám đốc Sở xem xét, giải quyết.",
    )
    proposals = models.TextField("kiến nghị, đề xuất", blank=True)
    funds_planned = models.PositiveBigIntegerField("kinh phí dự trù (đồng)", null=True, blank=True)
    funds_spent = models.PositiveBigIntegerField("kinh phí đã sử dụng (đồng)", null=True, blank=True)

    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("gửi lần đầu lúc", null=True, blank=True)
    last_submitted_at = models.DateTimeField("gửi lần cuối lúc", null=True, blank=True)
    accepted_at = models.DateTimeField("chấp nhận lúc", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = "báo cáo nhiệm vụ"
        verbose_name_plural = "báo cáo nhiệm vụ"
        ordering = ["period", "task__sort_key", "role", Vietnamese("unit_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "task", "unit"],
                name="report_unique_period_task_unit",
                violation_error_message="Đơn vị đã có báo cáo cho nhiệm vụ này trong kỳ.",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="report_progress_at_most_100",
                violation_error_message="Tiến độ không vượt quá 100%.",
            ),
            models.CheckConstraint(
                condition=~Q(completion=Completion.DONE) | Q(completed_on__isnull=False),
                name="report_done_has_date",
                violation_error_message="Nhiệm vụ đã hoàn thành cần ngày hoàn thành.",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "period"], name="report_unit_period"),
            models.Index(fields=["status", "period"], name="report_status_period"),
            # How many reports each period of a page has, waiting and accepted (`/ky-bao-cao/`, the
            # home page): read from this index alone.
            models.Index(fields=["period", "status"], name="report_period_status"),
            # The difficulties raised to the Director (`/chi-dao/`): a few among every report sent,
            # the last sent first; with their period and id, so that the counts of a coordinator's
            # plans and of those still without a direction are read from this index alone.
            models.Index(
                fields=["-last_submitted_at", "period", "id"],
                condition=Q(escalate=True, submitted_at__isnull=False),
                name="report_escalated",
            ),
            # The review queue (`/duyet/`): its counts by period and by unit and the order of its
            # pages, read from this index alone; it holds only the reports waiting for a review.
            models.Index(
                fields=["period", "status", "last_submitted_at", "unit", "unit_name"],
                condition=Q(status=ReportStatus.SUBMITTED),
                name="report_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.unit_name} — nhiệm vụ {self.task.number} — năm {self.period.year}"

    def return_event(self) -> "ReportEvent | None":
        """What sent this returned report back to its unit (the reviewer's return, or a reopening),
        the latest; None unless the report is returned. Reads `events`: prefetch them."""
        if self.status != ReportStatus.RETURNED:
            return None
        sent_back = [event for event in self.events.all() if event.kind in RETURN_EVENTS]
        return max(sent_back, key=lambda event: (event.created_at, event.pk), default=None)

    @property
    def is_late(self) -> bool:
        """Sent after the period's deadline (by its first submission)."""
        if self.submitted_at is None:
            return False
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) > self.period.deadline


class IndicatorValue(models.Model):
    """The number a report gives for one indicator of its task (its actual value in the period)."""

    report = models.ForeignKey(
        TaskReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="indicator_values"
    )
    # PROTECT: an indicator that units reported on is never deleted with their numbers.
    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(
        "số liệu thực hiện", max_digits=INDICATOR_MAX_DIGITS, decimal_places=INDICATOR_DECIMAL_PLACES
    )

    class Meta:
        verbose_name = "số liệu chỉ tiêu"
        verbose_name_plural = "số liệu chỉ tiêu"
        ordering = ["report_id", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="indicator_value_unique_per_report",
                violation_error_message="Báo cáo đã có số liệu cho chỉ tiêu này.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="indicator_value_not_negative",
                violation_error_message="Số liệu không được âm.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name}: {self.value}"


def evidence_path(instance, filename):
    # A random name: the user's file name is kept in the database only, never on disk.
    return f"minh-chung/{instance.report.period.year}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file attached to a report as evidence (minh chứng)."""

    report = models.ForeignKey(
        TaskReport, verbose_name="báo cáo", on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField("tệp", upload_to=evidence_path, max_length=200)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tệp minh chứng"
        verbose_name_plural = "tệp minh chứng"
        ordering = ["report_id", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class EventKind(models.TextChoices):
    OPENED = "opened", "Tạo báo cáo khi mở kỳ"
    SAVED = "saved", "Cập nhật nội dung"
    SUBMITTED = "submitted", "Gửi báo cáo"
    RETURNED = "returned", "Trả lại"
    ACCEPTED = "accepted", "Chấp nhận"
    REOPENED = "reopened", "Mở lại để sửa"
    FILE_ADDED = "file_added", "Thêm tệp minh chứng"
    FILE_REMOVED = "file_removed", "Gỡ tệp minh chứng"
    DIRECTED = "directed", "Ý kiến chỉ đạo của Lãnh đạo Sở"


# The events that send a report back to its unit, with the reviewer's reason.
RETURN_EVENTS = (EventKind.RETURNED, EventKind.REOPENED)


class ReportEvent(models.Model):
    """Something that happened to a report, for everyone allowed to see it later."""

    report = models.ForeignKey(
        TaskReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("sự kiện", max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField("người thực hiện (tên)", max_length=255, blank=True)
    comment = models.TextField("ý kiến", blank=True)
    late = models.BooleanField("sau hạn", default=False)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "sự kiện báo cáo"
        verbose_name_plural = "sự kiện báo cáo"
        ordering = ["report_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.actor_name}"


# ------------------------------------------------------------------------------
# Follow-up: directions of the leadership, reminders to units
# ------------------------------------------------------------------------------
class Direction(models.Model):
    """The leadership's direction (ý kiến chỉ đạo) on difficulties a report raised to the Director."""

    report = models.ForeignKey(
        TaskReport, verbose_name="báo cáo", on_delete=models.PROTECT, related_name="directions"
    )
    text = models.TextField("ý kiến chỉ đạo")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người chỉ đạo", on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField("người chỉ đạo (tên)", max_length=255)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "ý kiến chỉ đạo"
        verbose_name_plural = "ý kiến chỉ đạo"
        ordering = ["report_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:60]}"


class ReminderKind(models.TextChoices):
    SCHEDULED = "scheduled", "Tự động theo lịch"
    MANUAL = "manual", "Do người điều phối gửi"


class Reminder(models.Model):
    """One reminder mail (đôn đốc) to one unit: a digest of every report it still owes."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField("hình thức", max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField("gửi lúc", db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người gửi",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipients = models.TextField("gửi đến", help_text="Các địa chỉ thư, mỗi dòng một địa chỉ.")
    copy_to = models.TextField("đồng gửi", blank=True)
    subject = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung")
    report_count = models.PositiveIntegerField("số báo cáo còn nợ")

    class Meta:
        verbose_name = "thư đôn đốc"
        verbose_name_plural = "thư đôn đốc"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["unit", "-sent_at"], name="reminder_unit_sent")]

    def __str__(self):
        return f"{self.unit} — {self.sent_at:%d/%m/%Y %H:%M}"


class ReminderStage(models.Model):
    """That the scheduled reminder of one stage went to a unit for a period: never twice.

    `stage` > 0: that many days before the deadline; `stage` < 0: the n-th week overdue.
    """

    reminder = models.ForeignKey(
        Reminder, verbose_name="thư đôn đốc", on_delete=models.CASCADE, related_name="stages"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    stage = models.SmallIntegerField("mốc nhắc")

    class Meta:
        verbose_name = "mốc đôn đốc"
        verbose_name_plural = "mốc đôn đốc"
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "stage"], name="reminder_stage_once"),
            models.CheckConstraint(condition=~Q(stage=0), name="reminder_stage_not_zero"),
        ]

    def __str__(self):
        if self.stage > 0:
            return f"trước hạn {self.stage} ngày"
        return f"quá hạn tuần thứ {-self.stage}"


# ------------------------------------------------------------------------------
# The consolidated yearly report to the UBND tỉnh
# ------------------------------------------------------------------------------
def default_report_symbol() -> str:
    """“BC-SKHCN”: báo cáo, and the issuing body's code (DOCUMENT_ISSUER_CODE)."""
    return f"BC-{settings.DOCUMENT_ISSUER_CODE}"


class ConsolidatedReport(models.Model):
    """What the coordinating unit writes for the consolidated report (báo cáo tổng hợp) of a plan over
    one reporting period, or over a year (every period of that year).

    The rest (results of each task, the appendix, the counts) is composed from the unit reports at
    export time; a task's result may be edited here, and then stays as edited.
    """

    plan = models.ForeignKey(
        Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="consolidated_reports"
    )
    scope = models.CharField(
        "kỳ tổng hợp",
        max_length=40,
        help_text="Mã một kỳ báo cáo (2026-h1), hoặc một năm (2026): mọi kỳ của năm đó.",
    )
    number = models.CharField(
        "số", max_length=20, blank=True, help_text="Để trống khi chưa lấy số; văn thư ghi sau."
    )
    symbol = models.CharField("ký hiệu", max_length=40, default=default_report_symbol)
    issued_on = models.DateField(
        "ngày ký",
        null=True,
        blank=True,
        help_text="Để trống để văn thư ghi khi ký ban hành.",
        validators=date_range_validators(),
    )
    subject = models.TextField("trích yếu")
    introduction = models.TextField("phần mở đầu", blank=True)
    direction = models.TextField("công tác chỉ đạo, triển khai", blank=True)
    strengths = models.TextField("ưu điểm", blank=True)
    weaknesses = models.TextField("tồn tại, hạn chế", blank=True)
    causes = models.TextField("nguyên nhân", blank=True)
    next_year = models.TextField("phương hướng, nhiệm vụ năm tới", blank=True)
    proposals = models.TextField("kiến nghị, đề xuất", blank=True)
    signer_title = models.CharField(
        "thẩm quyền, chức vụ người ký",
        max_length=120,
        help_text="Mỗi dòng một dòng chữ, ví dụ: “KT. GIÁM ĐỐC” rồi “PHÓ GIÁM ĐỐC”.",
    )
    signer_name = models.CharField("họ tên người ký", max_length=120, blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận.")

    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Editions: the first report of a scope is edition 1; a corrected report is a new edition, and
    # the earlier ones stay as they were issued.
    edition = models.PositiveSmallIntegerField("lần soạn", default=1, editable=False)
    # Issued: the content is frozen as it was at that moment (the data and both files), so that later
    # edits of unit reports change nothing in it.
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đánh dấu ban hành",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    snapshot = models.JSONField("nội dung khi ban hành", null=True, blank=True, editable=False)
    docx_file = models.BinaryField("tệp Word khi ban hành", null=True, blank=True, editable=False)
    xlsx_file = models.BinaryField("tệp Excel khi ban hành", null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["version", "updated_at", "snapshot", "docx_file", "xlsx_file"]
    )

    class Meta:
        verbose_name = "báo cáo tổng hợp"
        verbose_name_plural = "báo cáo tổng hợp"
        ordering = ["plan__code", "-scope", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scope", "edition"],
                name="consolidated_unique_plan_scope_edition",
                violation_error_message="Kế hoạch đã có lần soạn này của báo cáo tổng hợp kỳ này.",
            ),
            models.UniqueConstraint(
                fields=["plan", "scope"],
                condition=Q(issued_at__isnull=True),
                name="consolidated_one_draft_per_scope",
                violation_error_message="Kỳ này đã có một bản báo cáo tổng hợp đang soạn.",
            ),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True)
                | Q(issued_on__isnull=False, snapshot__isnull=False, docx_file__isnull=False),
                name="consolidated_issued_is_complete",
                violation_error_message="Báo cáo đã ban hành cần ngày ký và nội dung đã lưu.",
            ),
        ]

    def __str__(self):
        return f"Báo cáo tổng hợp {self.scope} — {self.plan.code} (lần {self.edition})"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def reference(self) -> str:
        """“245/BC-SKHCN”; blank before the slash while the report has no number yet."""
        return f"{self.number}/{self.symbol}" if self.number else f"        /{self.symbol}"


class ConsolidatedTaskResult(models.Model):
    """The result of one task as the office edited it for the consolidated report."""

    consolidated = models.ForeignKey(
        ConsolidatedReport,
        verbose_name="báo cáo tổng hợp",
        on_delete=models.CASCADE,
        related_name="task_results",
    )
    task = models.ForeignKey(Task, verbose_name="nhiệm vụ", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("kết quả thực hiện")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kết quả nhiệm vụ trong báo cáo tổng hợp"
        verbose_name_plural = "kết quả nhiệm vụ trong báo cáo tổng hợp"
        constraints = [
            models.UniqueConstraint(fields=["consolidated", "task"], name="consolidated_result_unique_task"),
        ]

    def __str__(self):
        return f"Nhiệm vụ {self.task.number}"
