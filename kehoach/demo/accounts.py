"""The demo accounts of `make run`: one person for every role of Kế hoạch 463's units.

For a developer's machine only: every account shares DEMO_PASSWORD, and the command that creates
them refuses to run unless DEBUG is on.
"""

from __future__ import annotations

from django.db import transaction

from tasks.models import Role, Unit, User

DEMO_PASSWORD = "KeHoach463@demo"
# (username, full name, unit code, role, position, is_superuser)
DEMO_ACCOUNTS = [
    ("quantri", "Quản trị hệ thống", None, "admin", "Quản trị viên", True),
    ("giamdoc", "Nguyễn Văn Giám", "ban-giam-doc", "leadership", "Giám đốc Sở", False),
    ("phogiamdoc", "Đoàn Tấn Đạt", "ban-giam-doc", "leadership", "Phó Giám đốc Sở", False),
    ("qlkh.dieuphoi", "Trần Thị Điều", "qlkh", "coordinator", "Chuyên viên Phòng Quản lý Khoa học", False),
    ("qlkh.truongphong", "Lê Văn Khoa", "qlkh", "head", "Trưởng phòng Quản lý Khoa học", False),
    ("qlkh.canbo", "Phạm Thị Học", "qlkh", "staff", "Chuyên viên", False),
    ("ttkhcn.giamdoc", "Võ Minh Tâm", "ttkhcn", "head", "Giám đốc Trung tâm Khoa học và Công nghệ", False),
    ("ttkhcn.canbo", "Huỳnh Thị Tin", "ttkhcn", "staff", "Viên chức Trung tâm", False),
    ("qlcn.truongphong", "Đặng Quốc Chuyên", "qlcn", "head", "Trưởng phòng Quản lý Chuyên ngành", False),
    ("qlcn.canbo", "Bùi Thị Ngành", "qlcn", "staff", "Chuyên viên", False),
    ("khtc.ketoan", "Ngô Văn Tài", "khtc", "finance", "Chuyên viên Phòng Kế hoạch Tài chính", False),
    ("lhh.canbo", "Lý Thị Hội", "lhh", "staff", "Cán bộ Liên hiệp các Hội", False),
]


@transaction.atomic
def demo_accounts_create() -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing; return (username, role, unit) for every demo account.

    For a developer's machine only: every account shares DEMO_PASSWORD.
    """
    listing = []
    for username, full_name, unit_code, role, position, is_superuser in DEMO_ACCOUNTS:
        unit = Unit.objects.get(code=unit_code) if unit_code else None
        last_name, _, first_name = full_name.rpartition(" ")
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first_name,
                last_name=last_name,
                unit=unit,
                role=role,
                position=position,
                is_staff=is_superuser,
                is_superuser=is_superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
        listing.append((username, Role(role).label, unit.name if unit else "—"))
    return listing
