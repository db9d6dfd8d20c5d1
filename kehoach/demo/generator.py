"""Demo data at province scale (`manage.py seed_demo`): units, people, plans, tasks and ten years of
reports, as a benchmark and a showcase.

`demo_generate` promises:
- the same arguments give the same rows (names, states, numbers, dates); another seed other rows.
  Every choice comes from one `random.Random(seed)` and every date from the years asked, never from
  today: the data set is seen as of 20/10 of its last year (`DemoSummary.as_of`), mid-way through
  that year's reporting;
- the rules of the services hold: one report per (period, task, assigned unit existing that year),
  never for a group of bodies, with the unit's name of the time and the deadline `period_open`
  gives; a fixed-date task completed and accepted is not asked again; a report that was sent has
  its submission times, an accepted one its acceptance time, a completed task its date and 100 %;
- it only adds: every unit and account code starts with "demo-", every plan code with "kh-demo-"; a
  unit whose name an existing unit already bears is marked "(dữ liệu mẫu)" (names are unique);
- it is fast: units, accounts and plans go in with `bulk_create`, and the tables that grow with the
  reports (tasks, assignments, periods, reports, events, outputs, files, directions) with plain
  multi-row INSERTs (`_insert`), a few thousand reports at a time: the number of queries grows
  with the rows divided by the batch size, never with the rows. No signal is sent and no history
  row written. The password hash is computed once and shared by every account (all use
  the password of fixtures/demo-accounts.json).

Evidence rows are metadata only (name, type, size, path `minh-chung/<year>/<hex>`): no file is
written, so downloading one answers "Tệp không còn trên máy chủ". Each report keeps the last three
events of its history (opened, saved, submitted, returned, accepted), never more.
"""

from __future__ import annotations

import bisect
import datetime
import gc
import itertools
import random
import re
import string
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from kehoach.demo.accounts import demo_password
from kehoach.text import number_vi
from reports.models import (
    ConsolidatedReport,
    Direction,
    Evidence,
    Reminder,
    ReminderStage,
    ReportEvent,
    ReportingPeriod,
    ReportOutput,
    ReportStatus,
    TaskReport,
)
from reports.states import deadline_for
from reports.workflow.services import ALLOWED_EVIDENCE
from tasks.models import (
    Assignment,
    AssignmentRole,
    DeadlineKind,
    DutyKind,
    OutputKind,
    Plan,
    PlanDuty,
    PlanStatus,
    Role,
    Task,
    Unit,
    UnitKind,
    User,
    default_reporting,
    task_sort_key,
)

UNIT_PREFIX = "demo-"
USER_PREFIX = "demo-"
PLAN_PREFIX = "kh-demo-"
NAME_CLASH_MARK = " (dữ liệu mẫu)"

BATCH_SIZE = 2000
# Reports are written, with their outputs, files and events, every FLUSH_EVERY reports: memory stays
# flat whatever the size, and the query count grows with the rows / batch size only.
FLUSH_EVERY = 5000
PROGRESS_EVERY = 25_000
# A reserved domain (RFC 2606): a reminder sent from a demo database never reaches a real mailbox.
EMAIL_DOMAIN = "dongnai.example"

# (argument, smallest, largest, what it counts)
LIMITS = {
    "units": (20, 5000, "số đơn vị"),
    "plans": (1, 1000, "số kế hoạch"),
    "tasks_per_plan": (1, 200, "số nhiệm vụ mỗi kế hoạch"),
    "years": (1, 30, "số năm"),
}
MAX_TASK_YEARS = 200_000
FIRST_YEAR_MIN = 2000
LAST_YEAR_MAX = 2100


@dataclass
class DemoSummary:
    """What `demo_generate` wrote, counted as it was written."""

    seed: int
    first_year: int
    last_year: int
    as_of: datetime.date
    units: int = 0
    groups: int = 0
    retired_units: int = 0
    users: int = 0
    plans: int = 0
    tasks: int = 0
    assignments: int = 0
    duties: int = 0
    periods: int = 0
    reports: int = 0
    outputs: int = 0
    evidence: int = 0
    events: int = 0
    directions: int = 0
    reports_by_status: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------------------
# Arguments, existing demo data
# ------------------------------------------------------------------------------
def demo_check_arguments(*, units, plans, tasks_per_plan, years, last_year, seed) -> dict[str, int]:
    """The arguments of `demo_generate` as integers (given as integers or text); a ValidationError
    listing, in Vietnamese, every one that is not an integer or out of bounds."""
    values, errors = {}, []
    given = {"units": units, "plans": plans, "tasks_per_plan": tasks_per_plan, "years": years}
    for name, value in given.items():
        low, high, label = LIMITS[name]
        number = _integer(value)
        if number is None:
            errors.append(f"{label.capitalize()} phải là số nguyên, không phải “{value}”.")
        elif not low <= number <= high:
            errors.append(
                f"{label.capitalize()} phải từ {low} đến {number_vi(high)}, không phải {number_vi(number)}."
            )
        else:
            values[name] = number
    year = _integer(last_year)
    if year is None:
        errors.append(f"Năm cuối phải là số nguyên, không phải “{last_year}”.")
    elif not FIRST_YEAR_MIN <= year <= LAST_YEAR_MAX:
        errors.append(f"Năm cuối phải từ {FIRST_YEAR_MIN} đến {LAST_YEAR_MAX}, không phải {year}.")
    else:
        values["last_year"] = year
    if (
        "years" in values
        and "last_year" in values
        and values["last_year"] - values["years"] + 1 < FIRST_YEAR_MIN
    ):
        errors.append(
            f"{values['years']} năm tính đến năm {values['last_year']} bắt đầu trước năm {FIRST_YEAR_MIN}: "
            "hãy giảm số năm."
        )
    if {"plans", "tasks_per_plan", "years"} <= set(values):
        task_years = values["plans"] * values["tasks_per_plan"] * values["years"]
        if task_years > MAX_TASK_YEARS:
            errors.append(
                f"Số kế hoạch × số nhiệm vụ × số năm = {number_vi(task_years)} vượt giới hạn {number_vi(MAX_TASK_YEARS)}: "
                "dữ liệu quá lớn."
            )
    if _integer(seed) is None:
        errors.append(f"Hạt giống phải là số nguyên, không phải “{seed}”.")
    else:
        values["seed"] = _integer(seed)
    if errors:
        raise ValidationError(errors)
    return values


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        return int(value)
    return None


def _demo_units():
    return Unit.objects.filter(code__startswith=UNIT_PREFIX)


def _demo_users():
    return User.objects.filter(username__startswith=USER_PREFIX)


def _demo_plans():
    return Plan.objects.filter(code__startswith=PLAN_PREFIX)


def demo_exists() -> bool:
    """Whether any demo unit, account or plan is in the database."""
    return _demo_units().exists() or _demo_users().exists() or _demo_plans().exists()


def _wipe(queryset) -> int:
    # A plain DELETE: the deletion collector would load every generated row and write a history
    # row for each, for data that never had history. Foreign keys are still checked by the database.
    return queryset._raw_delete(queryset.db)


@transaction.atomic
def demo_delete() -> None:
    """Delete every demo row and what was added to it since (reports, reminders, consolidated
    reports on demo periods). Never touches other rows: a row outside the demo data that still
    refers to a demo unit or account makes the deletion fail (ProtectedError, IntegrityError).
    """
    plans = _demo_plans()
    periods = ReportingPeriod.objects.filter(plan__in=plans)
    reports = TaskReport.objects.filter(period__in=periods)
    units = _demo_units()
    for model in (ReportEvent, ReportOutput, Evidence, Direction):
        _wipe(model.objects.filter(report__in=reports))
    _wipe(reports)
    ConsolidatedReport.objects.filter(plan__in=plans).delete()
    ReminderStage.objects.filter(Q(period__in=periods) | Q(unit__in=units)).delete()
    Reminder.objects.filter(unit__in=units).delete()
    _wipe(periods)
    tasks = Task.objects.filter(plan__in=plans)
    _wipe(Assignment.objects.filter(task__in=tasks))
    _wipe(tasks)
    _wipe(PlanDuty.objects.filter(plan__in=plans))
    _wipe(Plan.basis_documents.through.objects.filter(plan__in=plans))
    _wipe(plans)
    # Accounts and units through the ORM: it refuses (PROTECT) when other data refers to them, and
    # unlinks the history rows naming a demo account as their author.
    _demo_users().delete()
    _wipe(Unit.groups.through.objects.filter(Q(from_unit__in=units) | Q(to_unit__in=units)))
    units.update(parent=None, successor=None)
    units.delete()
    # The plain DELETEs above leave foreign keys to be checked at commit: check them now, so that a
    # row outside the demo data pointing to a deleted one fails here, named, and not at commit.
    connection.check_constraints()


# ------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------
DEPARTMENT = ("so-khcn", "Sở Khoa học và Công nghệ tỉnh Đồng Nai", "Sở KH&CN")
PROVINCE = ("ubnd-tinh", "Ủy ban nhân dân tỉnh Đồng Nai", "UBND tỉnh")
LEADERSHIP = ("ban-giam-doc", "Ban Giám đốc Sở Khoa học và Công nghệ", "Ban Giám đốc Sở")
COORDINATOR = ("qlkh", "Phòng Quản lý Khoa học", "Phòng QLKH")
FINANCE = ("khtc", "Phòng Kế hoạch Tài chính", "Phòng KHTC")
FEDERATION = ("lhh", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai", "Liên hiệp các Hội KH&KT tỉnh")
DIVISIONS = [  # (code, name, short name, created at the reorganisation)
    ("qlcn", "Phòng Quản lý Chuyên ngành", "Phòng QLCN", False),
    ("van-phong", "Văn phòng Sở", "Văn phòng Sở", False),
    ("thanh-tra", "Thanh tra Sở", "Thanh tra Sở", False),
    ("qlcntt", "Phòng Quản lý Công nghệ và Thị trường công nghệ", "Phòng QLCN&TTCN", False),
    ("shtt", "Phòng Sở hữu trí tuệ", "Phòng SHTT", False),
    ("bcvt-cds", "Phòng Bưu chính, Viễn thông và Chuyển đổi số", "Phòng BCVT&CĐS", True),
    ("chi-cuc-tdc", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "Chi cục TĐC", False),
]
CENTRES = [
    ("ttkhcn", "Trung tâm Khoa học và Công nghệ", "Trung tâm KH&CN", False),
    ("ttkt-tdc", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng", "Trung tâm Kỹ thuật TĐC", False),
    ("ttud", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", "Trung tâm Ứng dụng", False),
    ("tttk", "Trung tâm Thông tin và Thống kê khoa học và công nghệ", "Trung tâm Thông tin", False),
    ("ttdmst", "Trung tâm Đổi mới sáng tạo", "Trung tâm ĐMST", False),
    ("ttcntt", "Trung tâm Công nghệ thông tin và Truyền thông", "Trung tâm CNTT&TT", True),
]
# (code, name, short name, successor code: retired at the reorganisation; NEW: created at it)
NEW = "+"
DEPARTMENTS = [
    ("so-tai-chinh", "Sở Tài chính tỉnh Đồng Nai", "Sở Tài chính", None),
    ("so-y-te", "Sở Y tế tỉnh Đồng Nai", "Sở Y tế", None),
    ("so-gddt", "Sở Giáo dục và Đào tạo tỉnh Đồng Nai", "Sở GD&ĐT", None),
    ("so-cong-thuong", "Sở Công Thương tỉnh Đồng Nai", "Sở Công Thương", None),
    ("so-noi-vu", "Sở Nội vụ tỉnh Đồng Nai", "Sở Nội vụ", None),
    ("so-khdt", "Sở Kế hoạch và Đầu tư tỉnh Đồng Nai", "Sở KH&ĐT", "so-tai-chinh"),
    ("so-xay-dung", "Sở Xây dựng tỉnh Đồng Nai", "Sở Xây dựng", None),
    ("so-gtvt", "Sở Giao thông vận tải tỉnh Đồng Nai", "Sở GTVT", "so-xay-dung"),
    ("so-nnptnt", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Đồng Nai", "Sở NN&PTNT", "so-nnmt"),
    ("so-tnmt", "Sở Tài nguyên và Môi trường tỉnh Đồng Nai", "Sở TN&MT", "so-nnmt"),
    ("so-nnmt", "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai", "Sở NN&MT", NEW),
    ("so-tttt", "Sở Thông tin và Truyền thông tỉnh Đồng Nai", "Sở TT&TT", "so-khcn"),
    ("so-ldtbxh", "Sở Lao động – Thương binh và Xã hội tỉnh Đồng Nai", "Sở LĐ-TB&XH", "so-noi-vu"),
    ("so-tu-phap", "Sở Tư pháp tỉnh Đồng Nai", "Sở Tư pháp", None),
    ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch tỉnh Đồng Nai", "Sở VHTT&DL", None),
    ("ban-dan-toc", "Ban Dân tộc tỉnh Đồng Nai", "Ban Dân tộc", "so-dttg"),
    ("so-dttg", "Sở Dân tộc và Tôn giáo tỉnh Đồng Nai", "Sở DT&TG", NEW),
    ("so-ngoai-vu", "Sở Ngoại vụ tỉnh Đồng Nai", "Sở Ngoại vụ", None),
    ("thanh-tra-tinh", "Thanh tra tỉnh Đồng Nai", "Thanh tra tỉnh", None),
    ("bql-kcn", "Ban Quản lý các Khu công nghiệp Đồng Nai", "Ban Quản lý các KCN", None),
    ("vp-ubnd", "Văn phòng Ủy ban nhân dân tỉnh Đồng Nai", "Văn phòng UBND tỉnh", None),
    ("cong-an", "Công an tỉnh Đồng Nai", "Công an tỉnh", None),
    ("bchqs", "Bộ Chỉ huy Quân sự tỉnh Đồng Nai", "Bộ CHQS tỉnh", None),
    ("dai-ptth", "Đài Phát thanh và Truyền hình Đồng Nai", "Đài PT-TH Đồng Nai", None),
    ("bao-dong-nai", "Báo Đồng Nai", "Báo Đồng Nai", None),
]
PARTY_AND_FRONT = [
    ("tinh-uy", "Thường trực Tỉnh ủy Đồng Nai", "Thường trực Tỉnh ủy", UnitKind.PARTY),
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Đồng Nai", "Ủy ban MTTQ Việt Nam tỉnh", UnitKind.FRONT),
    ("ban-tuyen-giao", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban TG&DV Tỉnh ủy", UnitKind.PARTY),
    ("tinh-doan", "Tỉnh Đoàn Đồng Nai", "Tỉnh Đoàn", UnitKind.FRONT),
    ("hoi-lhpn", "Hội Liên hiệp Phụ nữ tỉnh Đồng Nai", "Hội LHPN tỉnh", UnitKind.FRONT),
    ("hoi-nong-dan", "Hội Nông dân tỉnh Đồng Nai", "Hội Nông dân tỉnh", UnitKind.FRONT),
    ("ldld", "Liên đoàn Lao động tỉnh Đồng Nai", "LĐLĐ tỉnh", UnitKind.FRONT),
    ("hoi-ccb", "Hội Cựu chiến binh tỉnh Đồng Nai", "Hội CCB tỉnh", UnitKind.FRONT),
]
DISTRICTS = [
    "thành phố Biên Hòa",
    "thành phố Long Khánh",
    "huyện Cẩm Mỹ",
    "huyện Định Quán",
    "huyện Long Thành",
    "huyện Nhơn Trạch",
    "huyện Tân Phú",
    "huyện Thống Nhất",
    "huyện Trảng Bom",
    "huyện Vĩnh Cửu",
    "huyện Xuân Lộc",
]
COMMUNES = [
    "phường Trấn Biên",
    "phường Tam Hiệp",
    "phường Long Bình",
    "phường Hố Nai",
    "phường Tam Phước",
    "phường Phước Tân",
    "phường Long Hưng",
    "phường Bửu Long",
    "phường Bình Lộc",
    "phường Bảo Vinh",
    "phường Xuân Lập",
    "phường Hàng Gòn",
    "xã Phú Lý",
    "xã Trị An",
    "xã Tân An",
    "xã Thạnh Phú",
    "xã Bình Lợi",
    "xã Hiếu Liêm",
    "xã Mã Đà",
    "xã La Ngà",
    "xã Phú Vinh",
    "xã Túc Trưng",
    "xã Gia Kiệm",
    "xã Dầu Giây",
    "xã Hưng Thịnh",
    "xã Bàu Hàm",
    "xã Sông Trầu",
    "xã An Viễn",
    "xã Bình Minh",
    "xã Long Phước",
    "xã Phước Thái",
    "xã Tam An",
    "xã Cẩm Đường",
    "xã Bình Sơn",
    "xã Lộc An",
    "xã Phước An",
    "xã Đại Phước",
    "xã Phú Hữu",
    "xã Long Tân",
    "xã Vĩnh Thanh",
    "xã Hiệp Phước",
    "xã Xuân Định",
    "xã Xuân Phú",
    "xã Xuân Hòa",
    "xã Xuân Thành",
    "xã Xuân Đông",
    "xã Sông Ray",
    "xã Lâm San",
    "xã Nam Cát Tiên",
    "xã Tà Lài",
    "xã Phú Lâm",
    "xã Thanh Sơn",
    "xã Định Quán",
]
PLACE_FIRST = [
    "Tân",
    "Phú",
    "Long",
    "Bình",
    "An",
    "Hòa",
    "Xuân",
    "Vĩnh",
    "Thạnh",
    "Phước",
    "Gia",
    "Hưng",
    "Bảo",
    "Lộc",
    "Thuận",
    "Quang",
    "Trung",
    "Đức",
    "Thiện",
    "Nhơn",
]
PLACE_SECOND = [
    "An",
    "Hòa",
    "Lợi",
    "Thịnh",
    "Phú",
    "Bình",
    "Lộc",
    "Thành",
    "Hiệp",
    "Tân",
    "Hưng",
    "Điền",
    "Sơn",
    "Trung",
    "Định",
    "Khánh",
    "Nghĩa",
    "Tiến",
    "Mỹ",
    "Phong",
]
ASSOCIATION_FIELDS = [
    "Tin học",
    "Cơ khí",
    "Y học",
    "Dược học",
    "Kiến trúc sư",
    "Xây dựng",
    "Làm vườn",
    "Khoa học Lịch sử",
    "Điện – Điện tử",
    "Bảo vệ Thiên nhiên và Môi trường",
    "Sở hữu trí tuệ",
    "Thủy lợi",
    "Luật gia",
    "Kế toán và Kiểm toán",
    "Bảo vệ quyền lợi người tiêu dùng",
    "Doanh nhân trẻ",
    "Doanh nghiệp nhỏ và vừa",
    "Khoa học Kinh tế",
    "Giống cây trồng",
    "Chăn nuôi",
    "Hóa học",
    "Vật lý",
    "Toán học",
    "Đông y",
    "Nuôi trồng thủy sản",
    "Điều dưỡng",
]
INSTITUTES = [
    "Trường Đại học Đồng Nai",
    "Trường Đại học Lạc Hồng",
    "Trường Đại học Công nghệ Đồng Nai",
    "Trường Đại học Công nghệ Miền Đông",
    "Trường Đại học Nguyễn Huệ",
    "Trường Đại học Quốc tế Miền Đông",
    "Phân hiệu Trường Đại học Lâm nghiệp tại Đồng Nai",
    "Trường Cao đẳng Kỹ thuật Đồng Nai",
    "Trường Cao đẳng Y tế Đồng Nai",
    "Trường Cao đẳng Công nghệ cao Đồng Nai",
    "Trường Cao đẳng Công nghệ và Quản trị Sonadezi",
    "Trường Chính trị tỉnh Đồng Nai",
    "Viện Khoa học Kỹ thuật Nông nghiệp miền Nam",
    "Viện Nghiên cứu Cao su Việt Nam",
    "Viện Sinh học Nhiệt đới",
    "Viện Nghiên cứu Phát triển Đồng Nai",
    "Viện Công nghệ Môi trường",
    "Viện Khoa học Thủy lợi miền Nam",
    "Trung tâm Nghiên cứu Lâm nghiệp Đông Nam Bộ",
    "Viện Kinh tế và Quản lý Đồng Nai",
    "Viện Ứng dụng Công nghệ miền Nam",
    "Trung tâm Nghiên cứu và Phát triển Nông nghiệp công nghệ cao",
]
ENTERPRISE_FORMS = [("Công ty TNHH", "Công ty"), ("Công ty Cổ phần", "Công ty"), ("Hợp tác xã", "HTX")]
ENTERPRISE_SECTORS = [
    "Cơ khí",
    "Công nghệ",
    "Thực phẩm",
    "Dược phẩm",
    "Nông nghiệp công nghệ cao",
    "Xây dựng",
    "Điện tử",
    "Môi trường",
    "Vật liệu mới",
    "Phần mềm",
    "Chế biến gỗ",
    "Cao su",
    "Dệt may",
    "Năng lượng tái tạo",
    "Tự động hóa",
    "Công nghệ sinh học",
]
BRAND_FIRST = [
    "Tân",
    "Minh",
    "Hoàng",
    "Thành",
    "Phú",
    "Việt",
    "Đại",
    "Hưng",
    "Nam",
    "An",
    "Bảo",
    "Gia",
    "Kim",
    "Thiên",
    "Trường",
    "Đông",
]
BRAND_SECOND = [
    "Phát",
    "Thịnh",
    "Long",
    "Hưng",
    "Lộc",
    "Tín",
    "Thành",
    "Khang",
    "Phúc",
    "Vượng",
    "Đạt",
    "Nguyên",
    "Quang",
    "Huy",
    "Tiến",
    "Á",
]
GROUPS = [  # (code, name, short name, member kinds)
    (
        "nhom-don-vi-thuoc-so",
        "Các phòng chuyên môn, đơn vị trực thuộc Sở",
        "Các phòng, đơn vị thuộc Sở",
        (UnitKind.DIVISION, UnitKind.CENTRE),
    ),
    ("nhom-so-ban-nganh", "Các sở, ban, ngành tỉnh", "Các sở, ban, ngành", (UnitKind.DEPARTMENT,)),
    ("nhom-ubnd-cap-huyen", "Ủy ban nhân dân các huyện, thành phố", "UBND cấp huyện", (UnitKind.DISTRICT,)),
    ("nhom-ubnd-cap-xa", "Ủy ban nhân dân các xã, phường", "UBND cấp xã", (UnitKind.COMMUNE,)),
    (
        "nhom-doanh-nghiep",
        "Các doanh nghiệp, tổ chức, cá nhân",
        "Doanh nghiệp, tổ chức, cá nhân",
        (UnitKind.ENTERPRISE,),
    ),
    (
        "nhom-vien-truong",
        "Các viện, trường đại học, tổ chức khoa học và công nghệ",
        "Viện, trường, tổ chức KH&CN",
        (UnitKind.INSTITUTE, UnitKind.ASSOCIATION),
    ),
]
CORE_UNITS = 8 + len(GROUPS)

# Share of the units beyond the core, by kind, in a province; each capped by its list.
SHARES = [
    (UnitKind.DIVISION, 0.02),
    (UnitKind.CENTRE, 0.02),
    (UnitKind.DEPARTMENT, 0.09),
    (UnitKind.PARTY, 0.03),
    (UnitKind.DISTRICT, 0.04),
    (UnitKind.COMMUNE, 0.33),
    (UnitKind.ASSOCIATION, 0.08),
    (UnitKind.INSTITUTE, 0.08),
]
MINIMUM = {UnitKind.DEPARTMENT: 1, UnitKind.DISTRICT: 1, UnitKind.COMMUNE: 2}
# A task addressed to every body of a kind ("UBND các xã, phường", "các sở, ban, ngành"), each of
# which reports for itself, as the province's plans do: (kinds, weight). The rest name a few partners.
WIDE_SCOPES = [
    ((UnitKind.DEPARTMENT,), "Các sở, ban, ngành tỉnh", 30),
    ((UnitKind.DISTRICT, UnitKind.COMMUNE), "Ủy ban nhân dân các huyện, thành phố, xã, phường", 40),
    ((UnitKind.ASSOCIATION, UnitKind.INSTITUTE), "Các hội, viện, trường trên địa bàn tỉnh", 20),
    ((UnitKind.DISTRICT,), "Ủy ban nhân dân các huyện, thành phố", 10),
]
WIDE_SHARE = 0.7
NAMED_PARTNERS = [0, 1, 2, 2, 3, 3, 4, 4, 5, 6]
PARTNER_WEIGHTS = {
    UnitKind.GROUP: 10,
    UnitKind.DEPARTMENT: 24,
    UnitKind.DIVISION: 8,
    UnitKind.CENTRE: 6,
    UnitKind.DISTRICT: 7,
    UnitKind.COMMUNE: 12,
    UnitKind.ASSOCIATION: 9,
    UnitKind.INSTITUTE: 9,
    UnitKind.ENTERPRISE: 9,
    UnitKind.PARTY: 2,
    UnitKind.FRONT: 4,
}
HEAD_POSITIONS = {
    UnitKind.DIVISION: "Trưởng phòng",
    UnitKind.CENTRE: "Giám đốc Trung tâm",
    UnitKind.DEPARTMENT: "Phó Giám đốc Sở",
    UnitKind.PARTY: "Phó Trưởng ban",
    UnitKind.FRONT: "Phó Chủ tịch",
    UnitKind.DISTRICT: "Phó Chủ tịch UBND",
    UnitKind.COMMUNE: "Phó Chủ tịch UBND",
    UnitKind.ASSOCIATION: "Phó Chủ tịch Hội",
    UnitKind.INSTITUTE: "Phó Hiệu trưởng",
    UnitKind.ENTERPRISE: "Giám đốc",
    UnitKind.GOVERNMENT: "Chánh Văn phòng",
}
STAFF_POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Viên chức", "Cán bộ theo dõi"]

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đoàn",
    "Trương",
    "Lâm",
    "Mai",
]
MIDDLE_NAMES = [
    "Văn",
    "Thị",
    "Minh",
    "Hoàng",
    "Thanh",
    "Ngọc",
    "Quốc",
    "Hữu",
    "Đức",
    "Thu",
    "Kim",
    "Anh",
    "Bảo",
    "Gia",
    "Tấn",
    "Thùy",
]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Ngân",
    "Nhung",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tuấn",
    "Vy",
    "Yến",
    "Khánh",
    "Đạt",
    "Duy",
    "Thư",
]

PROGRAMS = [
    "Chương trình phát triển tài sản trí tuệ",
    "Đề án hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo",
    "Chương trình chuyển đổi số tỉnh Đồng Nai",
    "Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
    "Chương trình nâng cao năng suất và chất lượng sản phẩm, hàng hóa",
    "Chương trình hỗ trợ doanh nghiệp đổi mới công nghệ",
    "Đề án phát triển thị trường khoa học và công nghệ",
    "Chương trình ứng dụng công nghệ cao trong nông nghiệp",
    "Đề án tuyên truyền, phổ biến kiến thức khoa học và công nghệ",
    "Chương trình quốc gia về tiêu chuẩn, đo lường, chất lượng",
    "Chiến lược phát triển khoa học, công nghệ và đổi mới sáng tạo đến năm 2030",
    "Chương trình truy xuất nguồn gốc sản phẩm, hàng hóa",
    "Đề án phát triển nguồn nhân lực khoa học và công nghệ",
    "Chương trình hỗ trợ xây dựng và phát triển chỉ dẫn địa lý",
    "Kế hoạch hành động về ứng dụng trí tuệ nhân tạo",
    "Chương trình bảo đảm an toàn bức xạ và hạt nhân",
    "Đề án ứng dụng khoa học và công nghệ trong xử lý chất thải rắn sinh hoạt",
    "Chương trình phát triển doanh nghiệp khoa học và công nghệ",
]
# (verb phrase, outputs that fit it)
ACTIVITIES = [
    ("Tuyên truyền, phổ biến kiến thức về", [OutputKind.ARTICLES, OutputKind.EVENTS]),
    ("Tổ chức hội thảo, tập huấn về", [OutputKind.EVENTS, OutputKind.PARTICIPANTS]),
    ("Đặt hàng nhiệm vụ khoa học và công nghệ về", [OutputKind.ORDERS, OutputKind.RESEARCH_NEEDS]),
    ("Rà soát, tham mưu ban hành cơ chế, chính sách về", [OutputKind.DOCUMENTS]),
    ("Hỗ trợ doanh nghiệp ứng dụng, chuyển giao công nghệ về", [OutputKind.TECHNOLOGIES]),
    ("Xây dựng cơ sở dữ liệu về", []),
    ("Khảo sát, đánh giá thực trạng", [OutputKind.RESEARCH_NEEDS]),
    ("Kiểm tra, giám sát việc thực hiện các quy định về", [OutputKind.DOCUMENTS]),
    ("Tổ chức diễn đàn, kết nối cung – cầu công nghệ về", [OutputKind.EVENTS, OutputKind.TECHNOLOGIES]),
]
TOPICS = [
    "chuyển đổi số",
    "đổi mới sáng tạo",
    "sở hữu trí tuệ",
    "tiêu chuẩn, đo lường, chất lượng",
    "năng suất, chất lượng",
    "khởi nghiệp đổi mới sáng tạo",
    "nông nghiệp công nghệ cao",
    "thị trường khoa học và công nghệ",
    "xử lý rác thải sinh hoạt",
    "bảo vệ môi trường lưu vực sông Đồng Nai",
    "an toàn bức xạ",
    "truy xuất nguồn gốc sản phẩm",
    "chỉ dẫn địa lý cho đặc sản địa phương",
    "phủ xanh đô thị",
    "trí tuệ nhân tạo",
    "năng lượng tái tạo",
    "phát triển con người",
    "đội ngũ trí thức khoa học và công nghệ",
]
OUTPUT_RANGES = {
    OutputKind.EVENTS: (1, 12),
    OutputKind.ARTICLES: (2, 60),
    OutputKind.PARTICIPANTS: (30, 2000),
    OutputKind.DOCUMENTS: (1, 8),
    OutputKind.TECHNOLOGIES: (1, 5),
    OutputKind.ORDERS: (1, 6),
    OutputKind.RESEARCH_NEEDS: (1, 15),
}
RESULTS = [
    "Đơn vị đã triển khai nhiệm vụ theo kế hoạch, phân công cán bộ theo dõi và phối hợp với các đơn vị liên quan.",
    "Đã ban hành văn bản hướng dẫn, tổ chức triển khai đến cán bộ, công chức, viên chức của đơn vị.",
    "Đơn vị đã lồng ghép nội dung nhiệm vụ vào chương trình công tác năm và các hoạt động chuyên môn.",
    "Đã phối hợp với đơn vị chủ trì tổ chức các hoạt động, cung cấp thông tin và số liệu theo yêu cầu.",
    "Kết quả bước đầu được các doanh nghiệp, người dân trên địa bàn đánh giá tích cực.",
    "Đã hoàn thành khảo sát, tổng hợp nhu cầu và đề xuất danh mục nhiệm vụ cho năm sau.",
]
NOT_STARTED_RESULTS = [
    "Trong năm {year}, đơn vị chưa triển khai nhiệm vụ do chưa được bố trí kinh phí.",
    "Trong năm {year}, đơn vị chưa triển khai nhiệm vụ do ưu tiên các nhiệm vụ cấp bách khác.",
]
DIFFICULTIES = [
    "Kinh phí bố trí cho nhiệm vụ còn hạn chế, chưa đáp ứng nhu cầu thực hiện.",
    "Thiếu nhân lực có chuyên môn sâu để theo dõi, triển khai nhiệm vụ.",
    "Doanh nghiệp chưa quan tâm tham gia do chi phí đối ứng cao.",
    "Hướng dẫn của Trung ương về cơ chế tài chính chưa được ban hành đầy đủ.",
    "Việc sắp xếp tổ chức bộ máy làm thay đổi đầu mối theo dõi nhiệm vụ.",
    "Số liệu của các đơn vị phối hợp gửi chậm, chưa thống nhất.",
]
PROPOSALS = [
    "Đề nghị Sở bố trí bổ sung kinh phí trong năm tới.",
    "Đề nghị tổ chức tập huấn nghiệp vụ cho cán bộ theo dõi nhiệm vụ.",
    "Đề nghị Lãnh đạo Sở chủ trì buổi làm việc với các đơn vị phối hợp.",
]
RETURN_COMMENTS = [
    "Đề nghị bổ sung số liệu cụ thể về kết quả đạt được.",
    "Đề nghị bổ sung tệp minh chứng.",
    "Kinh phí đã sử dụng chưa khớp với số liệu của Phòng Kế hoạch Tài chính, đề nghị kiểm tra lại.",
    "Nội dung báo cáo chưa bám sát nhiệm vụ được giao, đề nghị chỉnh sửa.",
]
DIRECTIONS = [
    "Giao Phòng Kế hoạch Tài chính rà soát, tham mưu bố trí kinh phí bổ sung.",
    "Giao Phòng Quản lý Khoa học chủ trì làm việc với đơn vị, báo cáo kết quả trong tháng.",
    "Đồng ý với đề xuất của đơn vị; đơn vị chủ động triển khai và báo cáo tiến độ.",
    "Đề nghị đơn vị phối hợp chặt chẽ với các sở, ngành liên quan để tháo gỡ vướng mắc.",
]
EVIDENCE_NAMES = [
    "bien-ban-hoi-thao.pdf",
    "bao-cao-ket-qua-nam-{year}.docx",
    "danh-sach-dai-bieu.xlsx",
    "hinh-anh-hoi-nghi.jpg",
    "quyet-dinh-thanh-lap-to-cong-tac.pdf",
    "ke-hoach-trien-khai-{year}.pdf",
    "bang-tong-hop-kinh-phi-{year}.xlsx",
    "tai-lieu-tap-huan.pptx",
    "cong-van-huong-dan.pdf",
]
REPORT_DUTY = "Các đơn vị chủ trì, phối hợp báo cáo kết quả thực hiện về Phòng Quản lý Khoa học trước ngày 15/11 hằng năm."
FOLLOW_UP_DUTY = (
    "Phòng Quản lý Khoa học theo dõi, đôn đốc, kiểm tra và tổng hợp báo cáo Ủy ban nhân dân tỉnh."
)
RECIPIENTS = "- UBND tỉnh (b/c);\n- Giám đốc và các Phó Giám đốc Sở;\n- Các đơn vị chủ trì, phối hợp;\n- Lưu: VT, QLKH."
QUARTERS = {1: ((31, 3), "I"), 2: ((30, 6), "II"), 3: ((30, 9), "III"), 4: ((31, 12), "IV")}
YEARLY_DUE = [(31, 3), (30, 6), (30, 9), (31, 10), (15, 12)]

AS_OF = (20, 10)  # day, month of the last year: the data set is seen as of this day


# ------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------
def _slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _create(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


# Columns of the tables written by `_insert`, in the order of the generator's row tuples.
TASK_FIELDS = (
    "plan",
    "number",
    "sort_key",
    "title",
    "content",
    "lead_text",
    "partner_text",
    "deadline_kind",
    "due_date",
    "due_day",
    "due_month",
    "deadline_text",
    "output_kinds",
)
ASSIGNMENT_FIELDS = ("task", "unit", "role", "reporting", "note", "order")
PERIOD_FIELDS = (
    "plan",
    "key",
    "name",
    "kind",
    "year",
    "deadline",
    "cutoff_from",
    "cutoff_to",
    "is_open",
    "opened_at",
    "opened_by",
)
REPORT_FIELDS = (
    "period",
    "task",
    "unit",
    "unit_name",
    "role",
    "deadline",
    "status",
    "results",
    "completion",
    "completed_on",
    "progress",
    "difficulties",
    "escalate",
    "proposals",
    "funds_planned",
    "funds_spent",
    "version",
    "updated_at",
    "updated_by",
    "submitted_at",
    "last_submitted_at",
    "accepted_at",
)
EVENT_FIELDS = ("report", "kind", "actor", "actor_name", "comment", "late", "created_at")
OUTPUT_FIELDS = ("report", "kind", "quantity")
EVIDENCE_FIELDS = ("report", "file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
DIRECTION_FIELDS = ("report", "text", "author", "author_name", "created_at")
HALF_HOUR = datetime.timedelta(minutes=30)
ACCEPT_COMMENTS = ["", "", "Đồng ý."]
# PostgreSQL takes at most 65,535 parameters in one statement.
MAX_PARAMETERS = 60_000


def _insert(
    model, fields: tuple[str, ...], rows: list[tuple], *, returning: bool = False
) -> list[int] | None:
    """INSERT `rows` (values already adapted for the database, in the order of `fields`) into the
    table of `model`: one statement per table on SQLite (executemany), one per BATCH_SIZE rows
    elsewhere. With `returning`, the new ids in the order of `rows` where the database gives them
    (as bulk_create relies on, not on SQLite: executemany returns nothing), else None.

    At this volume the per-value work of bulk_create (a model instance per row, each value prepared
    field by field) costs ten times the database's. These rows also carry their own timestamps,
    which bulk_create would replace by now for `auto_now` fields. The database still checks every
    constraint; no signal is sent, as for bulk_create.
    """
    if not rows:
        return [] if returning and connection.vendor != "sqlite" else None
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(head + one, rows)
            return None
        ids = []
        tail = f" RETURNING {quote(meta.pk.column)}" if returning else ""
        per = max(1, min(BATCH_SIZE, MAX_PARAMETERS // len(fields)))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                head + ", ".join([one] * len(chunk)) + tail, [value for row in chunk for value in row]
            )
            if returning:
                ids += [pk for (pk,) in cursor.fetchall()]
        return ids if returning else None


@contextmanager
def _without_cycle_collection():
    """No cyclic garbage collection while generating: its passes grow with the hundreds of thousands
    of row tuples alive and, here, find nothing to collect (the rows make no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _datetime_adapter(tz, first_year: int, last_year: int):
    """Local times without zone (as the generator keeps them) → the database's value for an aware
    datetime. On SQLite, when `tz` keeps one offset through the years, the same conversion as the
    backend's (to UTC, without zone, as text) without the checks around it, which cost more than
    the conversion at a million values."""
    adapt = connection.ops.adapt_datetimefield_value

    def generic(value):
        return None if value is None else adapt(value.replace(tzinfo=tz))

    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return generic
    offsets = {
        datetime.datetime(year, month, 1, 12, tzinfo=tz).utcoffset()
        for year in range(first_year, last_year + 1)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return generic
    offset = offsets.pop() - datetime.datetime(2000, 1, 1, tzinfo=connection.timezone).utcoffset()

    def fast(value):
        return None if value is None else str(value - offset)

    sample = datetime.datetime(last_year, 6, 30, 16, 59)
    return fast if fast(sample) == generic(sample) else generic


def _table(pairs: list[tuple[str, int]]) -> tuple[tuple[str, ...], list[int]]:
    """Options and cumulative weights for `_Generator.weighted`."""
    return tuple(option for option, _ in pairs), list(itertools.accumulate(weight for _, weight in pairs))


STATUS_NOW = _table([("draft", 50), ("submitted", 22), ("returned", 8), ("accepted", 20)])
STATUS_PAST = _table([("accepted", 80), ("returned", 7), ("submitted", 6), ("draft", 7)])
COMPLETION_DRAFT = _table([("not_started", 55), ("in_progress", 38), ("done", 7)])
COMPLETION_ACCEPTED = _table([("done", 72), ("in_progress", 24), ("not_started", 4)])
COMPLETION_SENT = _table([("done", 42), ("in_progress", 53), ("not_started", 5)])


class _Task(NamedTuple):
    pk: int
    plan_id: int
    number: str
    deadline_kind: str
    due_date: datetime.date | None
    due_day: int | None
    due_month: int | None
    output_kinds: list[str]
    units: list[tuple[Unit, str]]  # (unit, role), lead first, in the assignments' order


class _Period(NamedTuple):
    pk: int
    plan_id: int
    year: int
    deadline: datetime.date
    opened_at: datetime.datetime


class _Generator:
    def __init__(self, *, units, plans, tasks_per_plan, years, seed, last_year, stdout):
        self.rng = random.Random(seed)
        self.n_units, self.n_plans, self.n_tasks = units, plans, tasks_per_plan
        self.first_year, self.last_year = last_year - years + 1, last_year
        self.as_of = datetime.date(last_year, AS_OF[1], AS_OF[0])
        # The reorganisation: 2025 as in Đồng Nai when the years include it, else their middle.
        self.reorg_year = 2025 if self.first_year <= 2025 <= last_year else self.first_year + (years - 1) // 2
        self.departments_end = datetime.date(self.reorg_year, 2, 28)
        self.locals_end = datetime.date(self.reorg_year, 6, 30)
        self.tz = timezone.get_default_timezone()
        self.json = Task._meta.get_field("output_kinds").get_db_prep_save
        self.d, self.dt = (
            connection.ops.adapt_datefield_value,
            _datetime_adapter(self.tz, self.first_year, last_year),
        )
        rand = self.rand = self.rng.random
        self.ri = lambda low, high: low + int(rand() * (high - low + 1))
        self.pick = lambda options: options[int(rand() * len(options))]
        self.weighted = lambda table: table[0][bisect.bisect(table[1], rand() * table[1][-1])]
        self.stdout = stdout
        self.summary = DemoSummary(
            seed=seed, first_year=self.first_year, last_year=last_year, as_of=self.as_of
        )
        self.codes: set[str] = set()
        self._candidates: dict[int, tuple[list[Unit], dict[str, list[Unit]]]] = {}
        self.names: set[str] = set()  # as generated, before any NAME_CLASH_MARK
        self.taken_names = set(Unit.objects.values_list("name", flat=True))

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def at(self, day: datetime.date, hour: int | None = None, minute: int = 0) -> datetime.datetime:
        """A moment of `day` in office hours (7:00–16:59), or at `hour`:`minute`, local time without zone
        (`self.dt` writes it, `self.aware` gives it its zone)."""
        if hour is None:
            hour, minute = divmod(420 + int(self.rand() * 600), 60)
        return datetime.datetime(day.year, day.month, day.day, hour, minute)

    def aware(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.replace(tzinfo=self.tz)

    def run(self) -> DemoSummary:
        with _without_cycle_collection():
            self.make_units()
            self.make_users()
            self.make_plans()
            self.make_periods()
            self.make_reports()
        return self.summary

    # -- units ---------------------------------------------------------------------------------
    def unit(self, key: str, name: str, short: str, kind: str, *, parent=None, valid_from=None) -> Unit:
        code = UNIT_PREFIX + key[: 40 - len(UNIT_PREFIX)].strip("-")
        base, n = code, 2
        while code in self.codes:
            code = f"{base[:37]}-{n}"
            n += 1
        self.codes.add(code)
        self.names.add(name)
        if name in self.taken_names:
            name += NAME_CLASH_MARK
        unit = Unit(
            code=code,
            name=name,
            short_name=short[:60],
            kind=kind,
            parent=parent,
            valid_from=valid_from,
            email="" if kind == UnitKind.GROUP else f"vanthu.{code}@{EMAIL_DOMAIN}",
        )
        self.units.append(unit)
        return unit

    def counts(self) -> dict[str, int]:
        """How many units of each kind beyond the core, summing with the mergers' successors to N."""
        rest = self.n_units - CORE_UNITS
        caps = {
            UnitKind.DIVISION: len(DIVISIONS) - 1,
            UnitKind.CENTRE: len(CENTRES) - 1,
            UnitKind.DEPARTMENT: len(DEPARTMENTS),
            UnitKind.PARTY: len(PARTY_AND_FRONT),
            UnitKind.DISTRICT: len(DISTRICTS),
            UnitKind.COMMUNE: len(COMMUNES) + 300,
            UnitKind.ASSOCIATION: len(ASSOCIATION_FIELDS),
            UnitKind.INSTITUTE: len(INSTITUTES),
        }
        counts = {
            kind: min(caps[kind], max(MINIMUM.get(kind, 0), int(share * rest))) for kind, share in SHARES
        }
        counts["merges"] = self.merge_pairs(counts[UnitKind.DISTRICT] + counts[UnitKind.COMMUNE])
        counts[UnitKind.ENTERPRISE] = rest - sum(counts.values())
        return counts

    @staticmethod
    def merge_pairs(local_units: int) -> int:
        # About one local committee in ten merges with another into a new one.
        return max(1, round(local_units * 0.05)) if local_units >= 2 else 0

    def make_units(self) -> None:
        rng, self.units = self.rng, []
        counts = self.counts()
        province = self.unit(*PROVINCE, UnitKind.GOVERNMENT)
        department = self.unit(*DEPARTMENT, UnitKind.DEPARTMENT, parent=province)
        self.leadership_unit = self.unit(*LEADERSHIP, UnitKind.LEADERSHIP, parent=department)
        self.coordinating_unit = self.unit(*COORDINATOR, UnitKind.DIVISION, parent=department)
        self.finance_unit = self.unit(*FINANCE, UnitKind.DIVISION, parent=department)
        self.province, self.department = province, department
        reorg_start = self.departments_end + datetime.timedelta(days=1)
        by_key = {"so-khcn": department}
        for kind, pool in ((UnitKind.DIVISION, DIVISIONS), (UnitKind.CENTRE, CENTRES)):
            core = 1  # qlcn, ttkhcn: always there
            for key, name, short, created in pool[: core + counts[kind]]:
                starts = reorg_start if created and self.first_year < self.reorg_year else None
                by_key[key] = self.unit(key, name, short, kind, parent=department, valid_from=starts)
        self.unit(*FEDERATION, UnitKind.ASSOCIATION)
        self.groups = [self.unit(key, name, short, UnitKind.GROUP) for key, name, short, _ in GROUPS]

        chosen = DEPARTMENTS[: counts[UnitKind.DEPARTMENT]]
        for key, name, short, successor in chosen:
            starts = reorg_start if successor == NEW and self.first_year < self.reorg_year else None
            by_key[key] = self.unit(key, name, short, UnitKind.DEPARTMENT, parent=province, valid_from=starts)
        self.retired: list[Unit] = []
        for key, _, _, successor in chosen:
            if successor not in (None, NEW) and successor in by_key:
                self.retire(by_key[key], by_key[successor], self.departments_end)
        for key, name, short, kind in PARTY_AND_FRONT[: counts[UnitKind.PARTY]]:
            self.unit(key, name, short, kind)
        districts = [self.local(place) for place in DISTRICTS[: counts[UnitKind.DISTRICT]]]
        places = self.commune_names()
        communes = [
            self.local(next(places), parent=rng.choice(districts)) for _ in range(counts[UnitKind.COMMUNE])
        ]
        for field_name in ASSOCIATION_FIELDS[: counts[UnitKind.ASSOCIATION]]:
            self.unit(
                _slug("hoi " + field_name),
                f"Hội {field_name} tỉnh Đồng Nai",
                f"Hội {field_name}",
                UnitKind.ASSOCIATION,
            )
        for name in INSTITUTES[: counts[UnitKind.INSTITUTE]]:
            short = name.replace("Trường Đại học", "Trường ĐH").replace("Trường Cao đẳng", "Trường CĐ")
            self.unit(_slug(short), name, short, UnitKind.INSTITUTE)
        self.enterprises(counts[UnitKind.ENTERPRISE])

        # Mergers of local committees: pairs end on 30/06, a new committee starts the next day.
        merging = rng.sample(
            communes if len(communes) >= 2 * counts["merges"] else districts + communes, 2 * counts["merges"]
        )
        for first, second in zip(merging[::2], merging[1::2], strict=False):
            successor = self.local(next(places), valid_from=self.locals_end + datetime.timedelta(days=1))
            self.retire(first, successor, self.locals_end)
            self.retire(second, successor, self.locals_end)

        # Parents and successors first: one bulk insert per depth.
        depth: dict[int, int] = {}

        def level(unit: Unit) -> int:
            if id(unit) not in depth:
                above = [u for u in (unit.parent, unit.successor) if u is not None]
                depth[id(unit)] = 1 + max((level(u) for u in above), default=-1)
            return depth[id(unit)]

        for d in sorted({level(u) for u in self.units}):
            _create(Unit, [u for u in self.units if level(u) == d])
        members = []
        for group, (_, _, _, kinds) in zip(self.groups, GROUPS, strict=True):
            members += [
                Unit.groups.through(from_unit_id=u.pk, to_unit_id=group.pk)
                for u in self.units
                if u.kind in kinds
            ]
        _create(Unit.groups.through, members)

        self.summary.units = len(self.units)
        self.summary.groups = len(self.groups)
        self.summary.retired_units = len(self.retired)
        self.say(f"  {number_vi(len(self.units))} đơn vị…")

    def local(self, place: str, *, parent=None, valid_from=None) -> Unit:
        kind = UnitKind.DISTRICT if place.startswith(("huyện", "thành phố", "thị xã")) else UnitKind.COMMUNE
        return self.unit(
            _slug("ubnd " + place),
            f"Ủy ban nhân dân {place}",
            f"UBND {place}",
            kind,
            parent=parent,
            valid_from=valid_from,
        )

    def commune_names(self):
        yield from COMMUNES
        combos = [f"{a} {b}" for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
        self.rng.shuffle(combos)
        for place in combos:
            candidate = f"{self.rng.choice(['xã', 'phường'])} {place}"
            if f"Ủy ban nhân dân {candidate}" not in self.names:
                yield candidate

    def enterprises(self, count: int) -> None:
        made = 0
        while made < count:
            (form, short_form), sector = (
                self.rng.choice(ENTERPRISE_FORMS),
                self.rng.choice(ENTERPRISE_SECTORS),
            )
            brand = f"{self.rng.choice(BRAND_FIRST)} {self.rng.choice(BRAND_SECOND)}"
            name = f"{form} {sector} {brand}"
            if name in self.names:
                continue
            self.unit(_slug(f"dn {sector} {brand}"), name, f"{short_form} {brand}", UnitKind.ENTERPRISE)
            made += 1

    def retire(self, unit: Unit, successor: Unit, last_day: datetime.date) -> None:
        unit.valid_to, unit.successor = last_day, successor
        self.retired.append(unit)

    # -- people --------------------------------------------------------------------------------
    def person(self, username: str, unit: Unit | None, role: str, position: str) -> User:
        rng = self.rng
        user = User(
            username=username,
            first_name=rng.choice(GIVEN_NAMES),
            last_name=f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)}",
            unit=unit,
            role=role,
            position=position,
            password=self.password,
            date_joined=self.joined,
            is_active=unit is None or unit.valid_to is None,
        )
        self.users.append(user)
        return user

    def make_users(self) -> None:
        rng, self.users = self.rng, []
        salt = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))
        self.joined = self.aware(self.at(datetime.date(self.first_year, 1, 2), 8, 0))
        # One hash for every account: a hash per account would take seconds each with PBKDF2.
        self.password = make_password(demo_password(), salt=salt)
        self.coordinator = self.person(
            f"{USER_PREFIX}dieuphoi",
            self.coordinating_unit,
            Role.COORDINATOR,
            "Chuyên viên Phòng Quản lý Khoa học",
        )
        self.person(
            f"{USER_PREFIX}dieuphoi2",
            self.coordinating_unit,
            Role.COORDINATOR,
            "Chuyên viên Phòng Quản lý Khoa học",
        )
        self.directors = [
            self.person(f"{USER_PREFIX}giamdoc", self.leadership_unit, Role.LEADERSHIP, "Giám đốc Sở"),
            self.person(f"{USER_PREFIX}phogiamdoc", self.leadership_unit, Role.LEADERSHIP, "Phó Giám đốc Sở"),
        ]
        # The coordinating unit's own reports are reviewed by the leadership.
        self.reviewer_of_coordinating_unit = self.directors[0]
        self.person(
            f"{USER_PREFIX}ketoan", self.finance_unit, Role.FINANCE, "Chuyên viên Phòng Kế hoạch Tài chính"
        )
        self.heads: dict[int, User] = {}
        self.staff: dict[int, list[User]] = {}
        for unit in self.units:
            if unit.kind in (UnitKind.GROUP, UnitKind.LEADERSHIP):
                continue
            position = HEAD_POSITIONS.get(unit.kind, "Lãnh đạo")
            self.heads[unit.pk] = self.person(f"{unit.code}.lanhdao", unit, Role.HEAD, position)
            own = 2 if unit.kind in (UnitKind.DIVISION, UnitKind.CENTRE) else 1
            self.staff[unit.pk] = [
                self.person(f"{unit.code}.canbo{i}", unit, Role.STAFF, rng.choice(STAFF_POSITIONS))
                for i in range(1, own + 1)
            ]
        _create(User, self.users)
        self.names_of = {user.pk: user.get_full_name() for user in self.users}
        self.summary.users = len(self.users)
        self.say(f"  {number_vi(len(self.users))} tài khoản…")

    # -- plans, tasks, assignments -------------------------------------------------------------
    def make_plans(self) -> None:
        rng = self.rng
        # Most plans run for years: four in five were issued in the first year, the others in any year.
        early = round(0.8 * (self.n_plans - 1))
        others = [self.first_year] * early + [
            rng.randint(self.first_year, self.last_year) for _ in range(self.n_plans - 1 - early)
        ]
        years = sorted([self.first_year, *others])
        self.plans: list[Plan] = []
        self.plan_last_year: dict[int, int] = {}
        for i, year in enumerate(years, start=1):
            program = rng.choice(PROGRAMS)
            ended = year <= self.last_year - 4 and rng.random() < 0.1
            plan = Plan(
                code=f"{PLAN_PREFIX}{i:03d}",
                number=f"{rng.randint(10, 480)}/KH-SKHCN",
                number_template="/KH-SKHCN",
                issued_year=year,
                issued_on=datetime.date(year, rng.randint(1, 6), rng.randint(1, 28)),
                issuer=self.department,
                title=f"Triển khai {program} năm {year}",
                preamble=f"Căn cứ {program}; Sở Khoa học và Công nghệ ban hành Kế hoạch triển khai năm {year} "
                "như sau:",
                purposes="Tổ chức triển khai đồng bộ, hiệu quả; phân công rõ đơn vị chủ trì, phối hợp và thời hạn "
                "thực hiện.",
                implementation_time=f"Thường xuyên hằng năm, từ năm {year}.",
                funding_note="Các đơn vị dự trù kinh phí thực hiện nhiệm vụ được phân công, thống nhất với Phòng "
                "Quản lý Khoa học.",
                organisation=REPORT_DUTY,
                signer_title=rng.choice(["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "GIÁM ĐỐC"]),
                signer_name=f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}",
                recipients=RECIPIENTS,
                filing_code=f"QLK{rng.randint(1, 99):03d}",
                coordinating_unit=self.coordinating_unit,
                report_recipient=self.province,
                report_day=15,
                report_month_offset=-1,
                status=PlanStatus.ENDED if ended else PlanStatus.IN_FORCE,
            )
            self.plans.append(plan)
        _create(Plan, self.plans)
        for plan in self.plans:
            ends = plan.issued_year + rng.randint(2, 3) if plan.status == PlanStatus.ENDED else self.last_year
            self.plan_last_year[plan.pk] = min(ends, self.last_year)

        duties = []
        for plan in self.plans:
            duties += [
                PlanDuty(
                    plan=plan,
                    kind=DutyKind.REPORT,
                    unit=self.groups[0],
                    recipient=self.coordinating_unit,
                    order=1,
                    content=REPORT_DUTY,
                ),
                PlanDuty(
                    plan=plan,
                    kind=DutyKind.FOLLOW_UP,
                    unit=self.coordinating_unit,
                    recipient=self.province,
                    order=2,
                    content=FOLLOW_UP_DUTY,
                ),
                PlanDuty(
                    plan=plan,
                    kind=DutyKind.FUNDING,
                    unit=self.finance_unit,
                    order=3,
                    content="Phòng Kế hoạch Tài chính cân đối, bố trí kinh phí và hướng dẫn cơ chế tài chính.",
                ),
            ]
        _create(PlanDuty, duties)
        self.summary.duties = len(duties)

        drafts, rows = [], []
        for plan in self.plans:
            for number in range(1, self.n_tasks + 1):
                task, row = self.task(plan, number)
                drafts.append(task)
                rows.append(row)
        _insert(Task, TASK_FIELDS, rows)
        ids = {
            (plan, number): pk
            for pk, plan, number in Task.objects.filter(plan__in=_demo_plans()).values_list(
                "pk", "plan_id", "number"
            )
        }
        self.tasks: dict[int, list[_Task]] = {plan.pk: [] for plan in self.plans}
        assignments = []
        for task in drafts:
            task = task._replace(pk=ids[task.plan_id, task.number])
            self.tasks[task.plan_id].append(task)
            assignments += [
                (task.pk, unit.pk, role, default_reporting(unit), "", order)
                for order, (unit, role) in enumerate(task.units, start=1)
            ]
        _insert(Assignment, ASSIGNMENT_FIELDS, assignments)
        self.summary.plans, self.summary.tasks = len(self.plans), len(drafts)
        self.summary.assignments = len(assignments)
        self.say(
            f"  {number_vi(len(self.plans))} kế hoạch, {number_vi(len(drafts))} nhiệm vụ, {number_vi(len(assignments))} phân công…"
        )

    def exists_in(self, unit: Unit, year: int) -> bool:
        first = unit.valid_from.year if unit.valid_from else 0
        last = unit.valid_to.year if unit.valid_to else 9999
        return first <= year <= last

    def candidates(self, year: int) -> tuple[list[Unit], dict[str, list[Unit]]]:
        """Units that may lead (the department's own, there for good) and partner a plan of `year`."""
        if year not in self._candidates:
            leads = [
                u
                for u in self.units
                if u.kind in (UnitKind.DIVISION, UnitKind.CENTRE)
                and u.valid_to is None
                and (u.valid_from is None or u.valid_from.year < year)
            ]
            partners: dict[str, list[Unit]] = {}
            for u in self.units:
                if u.kind in PARTNER_WEIGHTS and u is not self.department and self.exists_in(u, year):
                    partners.setdefault(u.kind, []).append(u)
            self._candidates[year] = (leads, partners)
        return self._candidates[year]

    def task(self, plan: Plan, number: int) -> tuple[_Task, tuple]:
        """A task of `plan` (without its id yet) and its row."""
        rng, year = self.rng, plan.issued_year
        activity, outputs = rng.choice(ACTIVITIES)
        title = f"{activity} {rng.choice(TOPICS)}"
        kind = (
            DeadlineKind.ONGOING
            if number == 1
            else rng.choices([DeadlineKind.ONGOING, DeadlineKind.YEARLY, DeadlineKind.FIXED], [55, 25, 20])[0]
        )
        due_date = due_day = due_month = None
        if kind == DeadlineKind.FIXED:
            due_year = year + rng.choice([0, 0, 1, 1, 2])
            quarter = rng.randint(3, 4) if due_year == year else rng.randint(1, 4)
            (day, month), roman = QUARTERS[quarter]
            due_date = datetime.date(due_year, month, day)
            deadline_text = f"Trong quý {roman}/{due_year}"
        elif kind == DeadlineKind.YEARLY:
            due_day, due_month = rng.choice(YEARLY_DUE)
            deadline_text = f"Trước ngày {due_day}/{due_month} hằng năm"
        else:
            deadline_text = "Thường xuyên hằng năm"

        leads, partners = self.candidates(year)
        # The coordinating division leads most tasks, then the technology division and the centre.
        weights = [
            4 if u is self.coordinating_unit else 2 if u.code.endswith(("qlcn", "ttkhcn")) else 1
            for u in leads
        ]
        lead = rng.choices(leads, weights)[0]
        chosen: list[Unit] = []
        partner_text = ""
        if rng.random() < WIDE_SHARE:
            scope, partner_text, _ = rng.choices(WIDE_SCOPES, [weight for *_, weight in WIDE_SCOPES])[0]
            chosen = [u for kind in scope for u in partners.get(kind, ())]
        else:
            kinds = list(partners)
            kind_weights = [PARTNER_WEIGHTS[k] for k in kinds]
            for _ in range(rng.choice(NAMED_PARTNERS)):
                for _attempt in range(10):
                    unit = rng.choice(partners[rng.choices(kinds, kind_weights)[0]])
                    if unit is not lead and all(unit is not other for other in chosen):
                        chosen.append(unit)
                        break
            partner_text = ", ".join(u.name for u in chosen)
        units = [(lead, AssignmentRole.LEAD.value)] + [(u, AssignmentRole.PARTNER.value) for u in chosen]
        # A merged unit's successor takes over its part from the day it starts.
        taken = {id(u) for u, _ in units}
        for unit in chosen:
            heir = unit.successor
            if heir is not None and heir is not self.department and id(heir) not in taken:
                units.append((heir, AssignmentRole.PARTNER.value))
                taken.add(id(heir))
        output_kinds = [str(o) for o in outputs]
        row = (
            plan.pk,
            str(number),
            task_sort_key(str(number)),
            title,
            f"{title} trên địa bàn tỉnh Đồng Nai, gắn với mục tiêu của kế hoạch; báo cáo kết quả hằng năm.",
            f"{lead.name}.",
            partner_text,
            kind.value,
            self.d(due_date),
            due_day,
            due_month,
            deadline_text,
            self.json(output_kinds, connection),
        )
        return _Task(
            0, plan.pk, str(number), kind.value, due_date, due_day, due_month, output_kinds, units
        ), row

    # -- periods -------------------------------------------------------------------------------
    def make_periods(self) -> None:
        rows, self.periods = [], []
        for year in range(self.first_year, self.last_year + 1):
            for plan in self.plans:
                if not plan.issued_year <= year <= self.plan_last_year[plan.pk]:
                    continue
                (spec,) = plan.periods_of_year(year)
                deadline, cutoff_from, cutoff_to = spec.deadline, spec.cutoff_from, spec.cutoff_to
                opened = self.at(
                    max(datetime.date(year, 1, 15), plan.issued_on + datetime.timedelta(days=7)), 8, 0
                )
                rows.append(
                    (
                        plan.pk,
                        spec.key,
                        spec.name,
                        spec.kind,
                        year,
                        self.d(deadline),
                        self.d(cutoff_from),
                        self.d(cutoff_to),
                        year == self.last_year,
                        self.dt(opened),
                        self.coordinator.pk,
                    )
                )
                self.periods.append(_Period(0, plan.pk, year, deadline, opened))
        _insert(ReportingPeriod, PERIOD_FIELDS, rows)
        ids = {
            (plan, year): pk
            for pk, plan, year in ReportingPeriod.objects.filter(plan__in=_demo_plans()).values_list(
                "pk", "plan_id", "year"
            )
        }
        self.periods = [p._replace(pk=ids[p.plan_id, p.year]) for p in self.periods]
        self.summary.periods = len(self.periods)
        self.say(f"  {number_vi(len(self.periods))} kỳ báo cáo…")

    # -- reports -------------------------------------------------------------------------------
    def make_reports(self) -> None:
        done_fixed: set[tuple[int, int]] = set()
        self.pending: list[tuple[tuple, dict]] = []
        self.statuses: Counter = Counter()
        for period in self.periods:
            for task in self.tasks[period.plan_id]:
                deadline = deadline_for(task, period)
                for unit, role in task.units:
                    if unit.kind == UnitKind.GROUP or not self.exists_in(unit, period.year):
                        continue
                    if (task.pk, unit.id) in done_fixed:
                        continue
                    status, completion = self.report(period, task, unit, role, deadline)
                    if task.deadline_kind == "fixed" and status == "accepted" and completion == "done":
                        done_fixed.add((task.pk, unit.id))
                    if len(self.pending) >= FLUSH_EVERY:
                        self.flush()
        self.flush()
        self.summary.reports_by_status = {status: self.statuses[status] for status in ReportStatus.values}

    def report(
        self, period: _Period, task: _Task, unit: Unit, role: str, deadline: datetime.date
    ) -> tuple[str, str]:
        """Decide one report and its history; queue them for the next flush; return its status, completion."""
        # random(), not randint() or choice(): this runs once a report, and those cost ten times more.
        rand, ri, pick, weighted, dt = self.rand, self.ri, self.pick, self.weighted, self.dt
        year = period.year
        current = year == self.last_year
        status = weighted(STATUS_NOW if current else STATUS_PAST)
        if status == "draft":
            completion = weighted(COMPLETION_DRAFT)
        elif status == "accepted" and not current:
            completion = weighted(COMPLETION_ACCEPTED)
        else:
            completion = weighted(COMPLETION_SENT)
        last_day = self.as_of if current else datetime.date(year, 12, 31)
        opened = period.opened_at
        days = datetime.timedelta

        completed_on = None
        if completion == "done":
            offset = -ri(0, 100) if rand() < 0.82 else ri(1, 45)
            completed_on = min(max(deadline + days(offset), opened.date()), last_day)
        progress = 100 if completion == "done" else 0 if completion == "not_started" else 5 * ri(2, 19)
        has_content = status != "draft" or completion != "not_started"
        staff = pick(self.staff[unit.id])
        head = self.heads[unit.id]
        reviewer = self.reviewer_of_coordinating_unit if unit is self.coordinating_unit else self.coordinator

        # The history in order: a moment in office hours of the day asked, never before the last
        # one, never after the last day seen of the year.
        timeline = [("opened", opened, self.coordinator, "", False)]
        clock = opened

        def later(day: datetime.date) -> datetime.datetime:
            nonlocal clock
            if day > last_day:
                day = last_day
            hour, minute = divmod(420 + int(rand() * 600), 60)
            moment = datetime.datetime(day.year, day.month, day.day, hour, minute)
            clock = moment if moment > clock else clock + HALF_HOUR
            return clock

        submitted_at = last_submitted_at = accepted_at = None
        saves = ri(1, 3) if has_content else 0
        if saves:
            if current:
                start = self.as_of - days(ri(20, 90))
            else:
                start = completed_on or (deadline - days(ri(10, 60)))
            timeline.append(("saved", later(start), staff, "", False))
        if status != "draft":
            if current:
                sent = self.as_of - days(ri(0, 30))
            else:
                sent = period.deadline + days(-ri(0, 25) if rand() < 0.88 else ri(1, 25))
            if completed_on and completed_on > sent:
                sent = completed_on
            submitted_at = last_submitted_at = later(sent)
            timeline.append(("submitted", submitted_at, head, "", submitted_at.date() > period.deadline))
            if status == "returned" or (status == "accepted" and rand() < 0.08):
                returned = later(submitted_at.date() + days(ri(1, 5)))
                timeline.append(("returned", returned, reviewer, pick(RETURN_COMMENTS), False))
                if status == "accepted":
                    last_submitted_at = later(returned.date() + days(ri(2, 10)))
                    late = last_submitted_at.date() > period.deadline
                    timeline.append(("submitted", last_submitted_at, head, "", late))
            if status == "accepted":
                accepted_at = later(last_submitted_at.date() + days(ri(1, 10)))
                timeline.append(("accepted", accepted_at, reviewer, pick(ACCEPT_COMMENTS), False))
        updated_at = clock

        difficulties = proposals = ""
        escalate = False
        if has_content and rand() < 0.18:
            difficulties = pick(DIFFICULTIES)
            escalate = rand() < 0.15
            if rand() < 0.6:
                proposals = pick(PROPOSALS)
        funds_planned = funds_spent = None
        if has_content and rand() < 0.55:
            funds_planned = ri(5_000, 1_500_000 if role == "lead" else 300_000) * 1000
            if completion == "done":
                share = 0.7 + 0.3 * rand()
            else:
                share = 0.1 + 0.7 * rand() if completion == "in_progress" else 0
            funds_spent = int(funds_planned * share) // 1000 * 1000
        if completion == "not_started" and status != "draft":
            results = pick(NOT_STARTED_RESULTS).format(year=year)
        elif has_content:
            first = ri(0, len(RESULTS) - 1)
            results = " ".join(RESULTS[first : first + ri(1, 3)])
        else:
            results = ""

        d, names = self.d, self.names_of
        row = (
            period.pk,
            task.pk,
            unit.id,
            unit.name,
            role,
            d(deadline),
            status,
            results,
            completion,
            d(completed_on),
            progress,
            difficulties,
            escalate,
            proposals,
            funds_planned,
            funds_spent,
            1 + saves,
            dt(updated_at),
            staff.id if saves else None,
            dt(submitted_at),
            dt(last_submitted_at),
            dt(accepted_at),
        )
        # Rows of the report's children but for the report's id, which the flush puts first.
        events = [
            (kind, user.id, names[user.id], comment, late, dt(moment))
            for kind, moment, user, comment, late in timeline[-3:]
        ]
        outputs = evidence = direction = None
        if task.output_kinds and completion != "not_started" and rand() < 0.85:
            outputs = [(kind, ri(*OUTPUT_RANGES[kind])) for kind in task.output_kinds]
        if submitted_at and completion != "not_started" and rand() < 0.3:
            evidence = [self.evidence(year, staff, opened, submitted_at) for _ in range(ri(1, 2))]
        if escalate and submitted_at and rand() < 0.6:
            director = pick(self.directors)
            given = later(submitted_at.date() + days(ri(2, 15)))
            direction = (pick(DIRECTIONS), director.id, names[director.id], dt(given))
        self.pending.append((row, events, outputs, evidence, direction))
        self.statuses[status] += 1
        return status, completion

    def evidence(self, year: int, by: User, opened: datetime.datetime, submitted: datetime.datetime) -> tuple:
        ri = self.ri
        name = self.pick(EVIDENCE_NAMES).format(year=year)
        uploaded = max(opened, submitted - datetime.timedelta(hours=ri(1, 72)))
        return (
            f"minh-chung/{year}/{self.rng.getrandbits(128):032x}",
            name,
            ALLOWED_EVIDENCE[name.rsplit(".", 1)[1]][0],
            ri(40_000, 6_000_000),
            by.id,
            self.dt(uploaded),
        )

    def flush(self) -> None:
        """Write the queued reports, then (knowing their ids) their events, outputs, files, directions."""
        if not self.pending:
            return
        rows = [queued[0] for queued in self.pending]
        ids = _insert(TaskReport, REPORT_FIELDS, rows, returning=True)
        if ids is None:  # looked up by (period, task, unit), unique
            periods = sorted({row[0] for row in rows})
            found = {
                (p, t, u): pk
                for pk, p, t, u in TaskReport.objects.filter(period_id__in=periods).values_list(
                    "pk", "period_id", "task_id", "unit_id"
                )
            }
            ids = [found[row[0], row[1], row[2]] for row in rows]
        events, outputs, evidence, directions = [], [], [], []
        for report_id, (_, report_events, report_outputs, report_evidence, direction) in zip(
            ids, self.pending, strict=True
        ):
            pk = (report_id,)
            events += [pk + event for event in report_events]
            if report_outputs:
                outputs += [pk + output for output in report_outputs]
            if report_evidence:
                evidence += [pk + item for item in report_evidence]
            if direction:
                directions.append(pk + direction)
        _insert(ReportEvent, EVENT_FIELDS, events)
        _insert(ReportOutput, OUTPUT_FIELDS, outputs)
        _insert(Evidence, EVIDENCE_FIELDS, evidence)
        _insert(Direction, DIRECTION_FIELDS, directions)
        if settings.DEBUG:
            # With DEBUG, Django keeps the text of each query, values included: hundreds of MB here.
            reset_queries()
        s = self.summary
        before, s.reports = s.reports, s.reports + len(self.pending)
        s.events += len(events)
        s.outputs += len(outputs)
        s.evidence += len(evidence)
        s.directions += len(directions)
        self.pending = []
        if before // PROGRESS_EVERY != s.reports // PROGRESS_EVERY:
            self.say(f"  {number_vi(s.reports)} báo cáo…")


@transaction.atomic
def demo_generate(
    *,
    units: int = 300,
    plans: int = 20,
    tasks_per_plan: int = 25,
    years: int = 10,
    seed: int = 463,
    last_year: int | None = None,
    stdout=None,
) -> DemoSummary:
    """Write a demo data set of `units` units and `plans` plans of `tasks_per_plan` tasks reported on
    for `years` years up to `last_year` (this year by default), decided by `seed`; return the counts.

    Adds to what is there, which must hold no demo data yet (`demo_exists`, `demo_delete`): codes are
    unique. Raises a ValidationError if an argument is not an integer or out of bounds. Progress goes
    to `stdout` (anything with `write`) when given.
    """
    arguments = demo_check_arguments(
        units=units,
        plans=plans,
        tasks_per_plan=tasks_per_plan,
        years=years,
        seed=seed,
        last_year=timezone.localdate().year if last_year is None else last_year,
    )
    return _Generator(stdout=stdout, **arguments).run()
