import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest

from reports.models import ReportingPeriod, TaskReport
from reports.workflow.services import period_open
from tasks.models import Plan, Role, Unit, User
from tests.factories import UserFactory
from tests.helpers import plan_load_seed


@pytest.fixture
def plan_463(db) -> Plan:
    """Kế hoạch 463 loaded from the project's fixture, as `make run` loads it."""
    plan_load_seed()
    return Plan.objects.get(code="kh-463")


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploaded files (evidence) go to a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def superuser(db):
    return UserFactory(username="quantri", unit=None, role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


# Each role of the permission matrices → the World account acting in it (None: not logged in);
# "other_unit_staff" looks at the reports of ttkhcn from another unit.
ROLES = {
    "anonymous": None,
    "other_unit_staff": "qlcn_staff",
    "unit_staff": "ttkhcn_staff",
    "unit_head": "ttkhcn_head",
    "coordinator": "coordinator",
    "leadership": "leadership",
    "finance": "finance",
    "admin": "admin",
}


@dataclass
class World:
    """Kế hoạch 463 with its 2026 reporting period open and one account for every role."""

    plan: Plan
    period: ReportingPeriod
    ttkhcn_staff: User  # Trung tâm KH&CN, lead of task 1
    ttkhcn_head: User
    qlcn_staff: User  # Phòng Quản lý Chuyên ngành, lead of task 3: "another unit"
    qlcn_head: User
    qlkh_head: User  # the coordinating unit's own head (its reports go to the leadership)
    coordinator: User  # Phòng Quản lý Khoa học, role coordinator
    leadership: User
    finance: User
    admin: User

    def report(self, unit_code: str, task_number: int) -> TaskReport:
        return TaskReport.objects.get(period=self.period, unit__code=unit_code, task__number=task_number)


def world_build(plan: Plan) -> World:
    """Open 2026 for `plan` and create one account for every role (also used module-wide)."""

    def user(username, unit_code, role, **extra):
        unit = Unit.objects.get(code=unit_code) if unit_code else None
        return UserFactory(username=username, unit=unit, role=role, **extra)

    coordinator = user("dieuphoi", "qlkh", Role.COORDINATOR)
    period = period_open(plan=plan, year=2026, by=coordinator).period
    return World(
        plan=plan,
        period=period,
        ttkhcn_staff=user("ttkhcn.canbo", "ttkhcn", Role.STAFF),
        ttkhcn_head=user("ttkhcn.giamdoc", "ttkhcn", Role.HEAD),
        qlcn_staff=user("qlcn.canbo", "qlcn", Role.STAFF),
        qlcn_head=user("qlcn.truongphong", "qlcn", Role.HEAD),
        qlkh_head=user("qlkh.truongphong", "qlkh", Role.HEAD),
        coordinator=coordinator,
        leadership=user("giamdoc", "ban-giam-doc", Role.LEADERSHIP),
        finance=user("khtc.ketoan", "khtc", Role.FINANCE),
        admin=user("quantrivien", None, Role.ADMIN, is_staff=True, is_superuser=True),
    )


@pytest.fixture
def world(plan_463) -> World:
    return world_build(plan_463)


@pytest.fixture
def before_deadline(time_machine):
    """A day in October 2026, before the 15/11/2026 deadline (Asia/Ho_Chi_Minh)."""
    time_machine.move_to(
        datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
        tick=False,
    )
