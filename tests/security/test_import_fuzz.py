"""Property-based fuzz of the spreadsheet imports (hypothesis): whatever sheet arrives, the import
never fails with a server error and never imports part of a sheet."""

import io

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.models import Assignment, Task, Unit
from tasks.resources import AssignmentResource, TaskResource, UnitResource
from tests.factories import UserFactory
from tests.helpers import rows

pytestmark = pytest.mark.django_db

UNIT_NAMES = [
    "Phòng Kế hoạch Tài chính",
    "Phòng Quản lý Chuyên ngành",
    "Trung tâm Khoa học và Công nghệ",
    "Các sở, ban, ngành tỉnh",
    "Đơn vị không có thật",
]
HOSTILE = [
    "=1+1",
    "+SUM(A1)",
    "-2",
    "@cmd",
    "\t=x",
    "<script>alert(1)</script>",
    "'quoted",
    "x" * 300,
    "\x00",
    "",
]

# A cell: sometimes plausible, sometimes hostile, sometimes random.
cell = st.one_of(
    st.sampled_from(
        [
            "kh-463",
            "kh-khong-co",
            "Chủ trì",
            "Phối hợp",
            "Giám sát",
            "15/11/2026",
            "31/02/2026",
            "Thường xuyên",
            "don-vi-moi",
            *UNIT_NAMES,
            *HOSTILE,
        ]
    ),
    st.integers(min_value=-3, max_value=8),
    st.text(max_size=40),
    st.none(),
)
# Everything an import could change.
IMPORTED = (Unit, Unit.groups.through, Task, Assignment)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# What a right value of each column looks like; most cells of a fuzzed sheet are right, so that
# sheets mixing good and bad rows (the dangerous case for a partial import) come up often.
PLAUSIBLE = {
    "Kế hoạch": st.just("kh-463"),
    "Nhiệm vụ số": st.integers(min_value=1, max_value=5),
    "Đơn vị": st.sampled_from(UNIT_NAMES[:3]),
    "Vai trò": st.just("Phối hợp"),
    "Ghi chú": st.text(max_size=20),
    "Thứ tự": st.integers(min_value=0, max_value=5),
    "Mã đơn vị": st.sampled_from(["don-vi-moi-1", "don-vi-moi-2", "qlkh"]),
    "Tên đơn vị": st.sampled_from(["Đơn vị mới một", "Đơn vị mới hai"]),
    "Tên ngắn": st.text(min_size=1, max_size=10),
    "Tên viết tắt": st.text(max_size=10),
    "Loại đơn vị": st.sampled_from(["Phòng chuyên môn thuộc Sở", "Sở, ban, ngành cấp tỉnh"]),
    "Số thứ tự": st.integers(min_value=1, max_value=9),
    "Nội dung": st.text(min_size=1, max_size=20),
    "Loại thời hạn": st.just("Thường xuyên (đánh giá theo hạn báo cáo năm)"),
}


def _row(columns):
    """A right row, or one with some cells wrong: sheets mix both."""
    right = st.tuples(*[PLAUSIBLE.get(column, cell) for column in columns])
    mixed = st.tuples(*[st.one_of(PLAUSIBLE.get(column, cell), cell) for column in columns])
    return st.one_of(right, mixed)


def sheets(resource_class):
    headers = [field.column_name for field in resource_class().get_import_fields()]
    columns = st.one_of(
        st.just(headers),
        st.lists(st.sampled_from([*headers, "Cột lạ"]), min_size=1, max_size=len(headers) + 1, unique=True),
    )
    return columns.flatmap(lambda cols: st.tuples(st.just(cols), st.lists(_row(cols), max_size=6)))


def _import(resource_class, columns, rows):
    dataset = tablib.Dataset(*[tuple(row) for row in rows], headers=columns)
    return resource_class().import_data(dataset, dry_run=False)


@pytest.mark.parametrize("resource_class", [UnitResource, TaskResource, AssignmentResource])
def test_a_random_sheet_imports_whole_or_not_at_all(plan_463, resource_class):
    @FUZZ
    @given(sheet=sheets(resource_class))
    def check(sheet):
        columns, sheet_rows = sheet
        with transaction.atomic():
            before = rows(*IMPORTED)
            result = _import(resource_class, columns, sheet_rows)  # never raises
            failed = result.has_errors() or result.has_validation_errors()
            if failed:
                assert rows(*IMPORTED) == before, "a refused sheet changed the data"
            else:
                assert len(result.rows) == len(sheet_rows)
            transaction.set_rollback(True)

    check()


def test_random_files_through_the_admin_import_never_fail_the_server(client, plan_463):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_assignment", "import_assignment", "add_assignment", "change_assignment"]
        )
    )
    client.force_login(user)
    url = reverse("admin:tasks_assignment_import")

    @FUZZ
    @given(
        content=st.one_of(st.binary(max_size=2000), sheets(AssignmentResource).map(_csv)),
        fmt=st.sampled_from(["0", "1"]),
    )
    def check(content, fmt):
        with transaction.atomic():
            before = rows(*IMPORTED)
            response = client.post(
                url, {"format": fmt, "import_file": SimpleUploadedFile("tep.xlsx", content)}
            )
            assert response.status_code == 200
            assert rows(*IMPORTED) == before  # a preview never writes
            transaction.set_rollback(True)

    check()


def _csv(sheet) -> bytes:
    columns, rows = sheet
    dataset = tablib.Dataset(*[tuple("" if v is None else v for v in row) for row in rows], headers=columns)
    return io.BytesIO(dataset.export("csv").encode("utf-8")).getvalue()
