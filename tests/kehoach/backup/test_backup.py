"""Backup and restore (kehoach.backup, `manage.py backup`, `manage.py restore`).

A database backed up, wiped and restored gives back every row of every model and every uploaded
file, byte for byte; new rows can be added after it. Every refusal (missing or damaged archive,
altered content, another format or other migrations, unsafe paths, a database holding data without
--yes) and every failure half-way leaves the database and the files exactly as they were.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import threading
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers import jsonl
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from kehoach.backup.archive import BackupError, backed_up_models, backup_restore, backup_write
from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_save
from reports.followup.services import direction_give, reminder_send_now
from reports.models import Completion, Direction, Evidence, ReminderStage
from reports.workflow.services import evidence_add, report_accept, report_submit
from tasks.models import Unit
from tests.conftest import world_build
from tests.factories import PDF, UnitFactory
from tests.helpers import fresh, report_in, report_save

ICT = datetime.timezone(datetime.timedelta(hours=7))


# Uploaded files go to a folder of each test only.
pytestmark = pytest.mark.usefixtures("media_root")


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def database_snapshot() -> dict[str, list[dict]]:
    """Every row of every model but sessions, as Django's serializer sees it, by primary key."""
    snapshot = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label == "sessions.session" or model._meta.proxy or not model._meta.managed:
            continue
        rows = serializers.serialize("python", model._base_manager.order_by("pk"))
        for row in rows:
            for field in model._meta.many_to_many:
                if field.name in row["fields"]:  # many-to-many without a model of its own
                    row["fields"][field.name] = sorted(row["fields"][field.name])
        snapshot[label] = rows
    return snapshot


def files_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root`, temporary or hidden ones included, with its bytes."""
    if not root.exists():
        return {}
    files = sorted(path for path in root.rglob("*") if path.is_file())
    return {str(path.relative_to(root)): path.read_bytes() for path in files}


def pdf(name: str, extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


def enrich(world) -> None:
    """Add to `world` a row in every table a backup must keep, through the services where there are some."""
    # A report written, with indicator values, evidence and an escalation; sent, directed and accepted.
    task = world.report("ttkhcn", 1).task
    report = report_in(
        world,
        "draft",
        results="Đã tổ chức 2 hội thảo, 150 lượt người tham dự.",
        completion=Completion.IN_PROGRESS,
        progress=60,
        difficulties="Thiếu kinh phí tổ chức hội thảo.",
        escalate=True,
        values=dict.fromkeys(task.indicators.values_list("pk", flat=True)[:2], 2),
    )
    evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf("bien-ban-hoi-thao.pdf"))
    evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf("danh-sach-dai-bieu.pdf", b"%% 2\n"))
    report_submit(report=fresh(report), by=world.ttkhcn_head, comment="Kính gửi Phòng Quản lý Khoa học.")
    direction_give(
        report=fresh(report), by=world.leadership, text="Giao Phòng Kế hoạch Tài chính bố trí kinh phí."
    )
    report_accept(report=fresh(report), by=world.coordinator)
    # Another report sent and returned.
    report_in(
        world,
        "returned",
        "qlcn",
        3,
        results="Đang thực hiện.",
        completion=Completion.IN_PROGRESS,
        progress=20,
    )
    # A reminder with its stage, the consolidated report with an edited task result.
    lhh = Unit.objects.get(code="lhh")
    lhh.email = "lhh@dongnai.gov.vn"
    lhh.save()
    reminder = reminder_send_now(period=world.period, unit=lhh, by=world.coordinator)
    ReminderStage.objects.create(reminder=reminder, period=world.period, unit=lhh, stage=7)
    consolidated_save(
        scope=scope(world.plan, world.period.key),
        by=world.coordinator,
        version=None,
        data={"subject": "Báo cáo kết quả thực hiện Kế hoạch 463 năm 2026"},
        results={task.pk: "Kết quả do Phòng Quản lý Khoa học biên tập lại."},
    )
    # Groups and permissions, the admin log, django-axes' records of logins.
    group = Group.objects.create(name="Văn thư")
    group.permissions.add(Permission.objects.get(codename="view_unit"))
    world.finance.groups.add(group)
    world.finance.user_permissions.add(Permission.objects.get(codename="export_unit"))
    LogEntry.objects.create(
        user=world.admin,
        content_type=ContentType.objects.get_for_model(Unit),
        object_id=str(lhh.pk),
        object_repr=str(lhh),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["email"]}}]',
    )
    attempt = AccessAttempt.objects.create(
        username="ke.gian",
        ip_address="203.0.113.9",
        user_agent="curl/8",
        http_accept="*/*",
        path_info="/dang-nhap/",
        get_data="",
        post_data="username=ke.gian",
        failures_since_start=3,
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=datetime.datetime(2026, 10, 20, 9, 15, 30, 123456, tzinfo=ICT)
    )
    AccessFailureLog.objects.create(
        username="ke.gian",
        ip_address="203.0.113.9",
        user_agent="curl/8",
        http_accept="*/*",
        path_info="/dang-nhap/",
        locked_out=True,
    )
    AccessLog.objects.create(
        username="ttkhcn.canbo",
        ip_address="10.0.0.5",
        user_agent="Firefox",
        http_accept="text/html",
        path_info="/dang-nhap/",
        session_hash="abc",
    )


# The tables `enrich` fills: a round trip that lost one of them would show here.
FILLED = [
    "admin.logentry",
    "auth.group",
    "auth.permission",
    "contenttypes.contenttype",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accessfailurelog",
    "axes.accesslog",
    "tasks.unit",
    "tasks.historicalunit",
    "tasks.user",
    "tasks.historicaluser",
    "tasks.plan",
    "tasks.task",
    "tasks.assignment",
    "tasks.historicaltask",
    "reports.reportingperiod",
    "reports.taskreport",
    "reports.historicaltaskreport",
    "reports.indicatorvalue",
    "reports.evidence",
    "reports.reportevent",
    "reports.direction",
    "reports.reminder",
    "reports.reminderstage",
    "reports.consolidatedreport",
    "reports.historicalconsolidatedreport",
    "reports.consolidatedtaskresult",
]


@pytest.fixture
def rich(world, media_root):
    enrich(world)
    return world


@pytest.fixture
def archive(rich, tmp_path) -> Path:
    """A backup of the rich world."""
    path = tmp_path / "sao-luu.tar.gz"
    backup_write(path)
    return path


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def archive_write(path: Path, members: dict[str, bytes]) -> Path:
    """A .tar.gz holding `members` in this order, under exactly these names."""
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def manifest_of(members: dict[str, bytes]) -> dict:
    return json.loads(members["manifest.json"])


def with_manifest(members: dict[str, bytes], manifest: dict) -> dict[str, bytes]:
    return {**members, "manifest.json": json.dumps(manifest).encode()}


def data_member(members: dict[str, bytes], model: str) -> str:
    return next(table["member"] for table in manifest_of(members)["tables"] if table["model"] == model)


def media_member(members: dict[str, bytes]) -> str:
    return next(name for name in members if name.startswith("media/"))


# ------------------------------------------------------------------------------
# The round trip
# ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_backup_wiped_and_restored_gives_back_every_row_and_every_file(plan_463, media_root, tmp_path):
    # Given a database with a row in every table worth keeping, and two evidence files
    world = world_build(plan_463)
    enrich(world)
    rows_before, files_before = database_snapshot(), files_snapshot(media_root)
    assert all(rows_before[label] for label in FILLED)
    assert len(files_before) == 2

    # When it is backed up (outside any transaction, as the command runs)
    path = tmp_path / "sao-luu.tar.gz"
    manifest = backup_write(path)
    # and the server is rebuilt empty: a flushed database (migrate's own rows only) and no files
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    assert not Unit.objects.exists() and ContentType.objects.exists()
    # and the archive restored
    restored = backup_restore(path, replace=False)

    # Then every row and every file is back, exactly
    assert database_snapshot() == rows_before
    assert files_snapshot(media_root) == files_before
    # and the manifest tells what it holds: counts per model, a hash per file, the migrations
    assert restored == manifest
    assert manifest.counts == {label: len(rows) for label, rows in rows_before.items()}
    assert {(entry.path, entry.sha256) for entry in manifest.files} == {
        (name, hashlib.sha256(content).hexdigest()) for name, content in files_before.items()
    }
    leaves = dict(MigrationLoader(connection).graph.leaf_nodes())
    assert manifest.migrations == leaves
    assert manifest.database_vendor == connection.vendor

    # and new rows take new ids (the sequences were moved past the restored rows on PostgreSQL)
    unit = UnitFactory()
    assert unit.pk > max(row["pk"] for row in rows_before["tasks.unit"])
    report = world.report("qlcn", 3)  # returned to its unit
    report_save(
        report,
        world.qlcn_staff,
        results="Đã bổ sung số liệu.",
        completion=Completion.IN_PROGRESS,
        progress=30,
    )
    evidence_add(report=fresh(report), by=world.qlcn_staff, upload=pdf("them-sau.pdf"))
    Group.objects.get(name="Văn thư").user_set.add(world.leadership)
    assert Evidence.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_backup_reads_one_moment_of_the_database(plan_463, tmp_path, monkeypatch):
    # Given another connection adds a unit while the backup is being written
    units_before = Unit.objects.count()
    original = jsonl.Serializer.start_serialization

    def add_a_unit_elsewhere():
        UnitFactory(code="them-giua-chung", name="Đơn vị thêm giữa chừng")
        connections.close_all()

    def start_serialization(self):
        if not getattr(start_serialization, "done", False):
            start_serialization.done = True
            thread = threading.Thread(target=add_a_unit_elsewhere)
            thread.start()
            thread.join()
        return original(self)

    monkeypatch.setattr(jsonl.Serializer, "start_serialization", start_serialization)

    # When the backup runs
    manifest = backup_write(tmp_path / "sao-luu.tar.gz")

    # Then it holds the database as it was when it began, without the unit added meanwhile
    assert Unit.objects.filter(code="them-giua-chung").exists()
    assert manifest.counts["tasks.unit"] == units_before
    members = members_of(tmp_path / "sao-luu.tar.gz")
    assert b"them-giua-chung" not in members[data_member(members, "tasks.unit")]


# ------------------------------------------------------------------------------
# A database holding data
# ------------------------------------------------------------------------------
def test_restoring_over_data_is_refused_without_yes_and_changes_nothing(rich, archive, media_root, client):
    # Given data added after the backup, and someone logged in
    report = rich.report("ttkhcn", 1)
    Direction.objects.create(
        report=report, text="Chỉ đạo sau khi sao lưu.", author=rich.leadership, author_name="Giám đốc"
    )
    evidence_add(report=rich.report("qlcn", 3), by=rich.qlcn_staff, upload=pdf("sau-sao-luu.pdf"))
    client.force_login(rich.ttkhcn_staff)
    rows_before, files_before = database_snapshot(), files_snapshot(media_root)

    # When the archive is restored without --yes
    with pytest.raises(BackupError, match="đang có dữ liệu .*--yes"):
        backup_restore(archive, replace=False)

    # Then nothing changed, not even the sessions
    assert database_snapshot() == rows_before
    assert files_snapshot(media_root) == files_before
    assert Session.objects.count() == 1


def test_with_yes_the_restore_replaces_the_data_and_ends_every_session(rich, archive, media_root, client):
    # Given the rows and files at the time of the backup, then changes and a session
    rows_at_backup, files_at_backup = database_snapshot(), files_snapshot(media_root)
    Direction.objects.create(
        report=rich.report("ttkhcn", 1),
        text="Chỉ đạo sau khi sao lưu.",
        author=rich.leadership,
        author_name="Giám đốc",
    )
    Unit.objects.filter(code="lhh").update(name="Tên đã đổi sau khi sao lưu")
    for path in media_root.rglob("*"):
        if path.is_file():
            path.write_bytes(b"hong")
    client.force_login(rich.ttkhcn_staff)

    # When the archive is restored with replace (--yes)
    backup_restore(archive, replace=True)

    # Then the database and the files are those of the backup, and everyone logs in again
    assert database_snapshot() == rows_at_backup
    assert files_snapshot(media_root) == files_at_backup
    assert not Session.objects.exists()


# ------------------------------------------------------------------------------
# Bad archives: refused, nothing changed
# ------------------------------------------------------------------------------
def _tampered_media(members):
    return {**members, media_member(members): b"%PDF-1.4 sua doi"}


def _tampered_data(members):
    name = data_member(members, "tasks.unit")
    return {**members, name: members[name].replace("Trung tâm".encode(), b"Trung tam")}


def _other_version(members):
    return with_manifest(members, {**manifest_of(members), "version": 2})


def _other_migrations(members):
    manifest = manifest_of(members)
    migrations = {**manifest["migrations"], "tasks": "0001_initial"}
    return with_manifest(members, {**manifest, "migrations": migrations})


def _with_member(name):
    def change(members):
        return {**members, name: b"root::0:0:root:/root:/bin/sh\n"}

    return change


def _unsafe_file_in_manifest(members):
    manifest = manifest_of(members)
    entry = {"path": "../../etc/x", "size": 3, "sha256": hashlib.sha256(b"abc").hexdigest()}
    members = with_manifest(members, {**manifest, "files": manifest["files"] + [entry]})
    return {**members, "media/../../etc/x": b"abc"}


def _member_missing(members):
    return {name: content for name, content in members.items() if name != media_member(members)}


def _without_manifest(members):
    return {name: content for name, content in members.items() if name != "manifest.json"}


def _manifest_not_json(members):
    return {**members, "manifest.json": b"{ khong phai json"}


BAD_ARCHIVES = {
    "a file altered": (_tampered_media, "không khớp mã SHA-256"),
    "rows altered": (_tampered_data, "không khớp mã SHA-256"),
    "another format version": (_other_version, "phiên bản 2; phần mềm này chỉ đọc được phiên bản 1"),
    "other migrations": (_other_migrations, r"migration.*tasks: bản sao lưu 0001_initial"),
    "an entry climbing out": (_with_member("../../etc/x"), "không an toàn “../../etc/x”"),
    "an absolute entry": (_with_member("/etc/x"), "không an toàn “/etc/x”"),
    "a file climbing out in the manifest": (_unsafe_file_in_manifest, "không an toàn “media/../../etc/x”"),
    "an entry not in the manifest": (
        _with_member("media/khac.pdf"),
        "“media/khac.pdf” không có trong manifest.json",
    ),
    "an entry missing": (_member_missing, "thiếu 1 mục"),
    "no manifest": (_without_manifest, "thiếu manifest.json"),
    "a manifest that is not JSON": (_manifest_not_json, "không đọc được"),
}


@pytest.mark.parametrize("change, message", BAD_ARCHIVES.values(), ids=BAD_ARCHIVES.keys())
def test_a_bad_archive_is_refused_and_nothing_changes(rich, archive, media_root, tmp_path, change, message):
    # Given an archive altered this way, and a database and files that differ from it
    bad = archive_write(tmp_path / "hong.tar.gz", change(members_of(archive)))
    Unit.objects.filter(code="lhh").update(name="Tên đã đổi sau khi sao lưu")
    rows_before, files_before = database_snapshot(), files_snapshot(media_root)

    # When it is restored, even with --yes
    with pytest.raises(BackupError, match=message):
        backup_restore(bad, replace=True)

    # Then nothing changed, and nothing was written anywhere else
    assert database_snapshot() == rows_before
    assert files_snapshot(media_root) == files_before
    assert not (tmp_path / "etc").exists() and not (media_root.parent.parent / "etc").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "Không có tệp"),
        (b"", "không phải bản sao lưu"),
        (b"khong phai tep nen\n" * 20, "không phải bản sao lưu"),
    ],
    ids=["missing", "empty", "not an archive"],
)
def test_a_missing_file_or_not_an_archive_is_refused(rich, tmp_path, content, message):
    path = tmp_path / "sao-luu.tar.gz"
    if content is not None:
        path.write_bytes(content)
    rows_before = database_snapshot()

    with pytest.raises(BackupError, match=message):
        backup_restore(path, replace=True)

    assert database_snapshot() == rows_before


def test_a_truncated_archive_is_refused_and_nothing_changes(rich, archive, media_root):
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    rows_before, files_before = database_snapshot(), files_snapshot(media_root)

    with pytest.raises(BackupError, match="bị hỏng"):
        backup_restore(archive, replace=True)

    assert database_snapshot() == rows_before
    assert files_snapshot(media_root) == files_before


def _rehashed(members, name, content, rows=None):
    """`members` with `name` replaced and the manifest updated to match: only loading can tell."""
    manifest = manifest_of(members)
    for table in manifest["tables"]:
        if table["member"] == name:
            table["sha256"] = hashlib.sha256(content).hexdigest()
            table["rows"] = table["rows"] if rows is None else rows
    return {**with_manifest(members, manifest), name: content}


def _dangling_direction(members):
    name = data_member(members, "reports.direction")
    row = json.loads(members[name].splitlines()[0])
    row["pk"], row["fields"]["report"] = 999_999, 999_999
    return _rehashed(members, name, members[name] + json.dumps(row).encode() + b"\n", rows=2)


def _broken_line(members):
    name = data_member(members, "admin.logentry")
    return _rehashed(members, name, members[name] + b'{"model": "admin.logentry", "pk": \n', rows=2)


def _row_of_another_table(members):
    name = data_member(members, "admin.logentry")
    return _rehashed(members, name, members[data_member(members, "reports.direction")])


def _wrong_count(members):
    name = data_member(members, "tasks.unit")
    return _rehashed(members, name, members[name], rows=1)


@pytest.mark.parametrize(
    "change, message",
    [
        (_dangling_direction, "không nhất quán"),
        (_broken_line, "Không nạp được dữ liệu bảng nhật ký quản trị"),
        (_row_of_another_table, "chứa bản ghi của bảng khác"),
        (_wrong_count, "manifest.json ghi 1"),
    ],
    ids=["a link to nothing", "a broken line", "a row of another table", "a wrong count"],
)
def test_an_archive_failing_while_loading_changes_nothing(
    rich, archive, media_root, tmp_path, change, message
):
    # Given an archive whose hashes match but whose rows cannot all be loaded, and no files on disk
    bad = archive_write(tmp_path / "hong.tar.gz", change(members_of(archive)))
    shutil.rmtree(media_root)
    Unit.objects.filter(code="lhh").update(name="Tên đã đổi sau khi sao lưu")
    rows_before = database_snapshot()

    # When it is restored over the database
    with pytest.raises(BackupError, match=message):
        backup_restore(bad, replace=True)

    # Then the database is as it was, and no file (not even a temporary one) was left
    assert database_snapshot() == rows_before
    assert files_snapshot(media_root) == {}


def test_a_failure_while_putting_files_in_place_undoes_everything(rich, archive, media_root, monkeypatch):
    # Given files on disk that differ from the archive's, and rows changed since the backup
    for path in media_root.rglob("*"):
        if path.is_file():
            path.write_bytes(b"ban moi hon")
    Unit.objects.filter(code="lhh").update(name="Tên đã đổi sau khi sao lưu")
    rows_before, files_before = database_snapshot(), files_snapshot(media_root)
    # and the disk refusing the second file put in place
    original, placed = os.replace, []

    def replace(source, target):
        if str(source).endswith(".restoring"):
            placed.append(target)
            if len(placed) == 2:
                raise OSError(28, "No space left on device")
        return original(source, target)

    monkeypatch.setattr(os, "replace", replace)

    # When the archive is restored
    with pytest.raises(BackupError, match="Không đặt được tệp"):
        backup_restore(archive, replace=True)

    # Then the database rolled back and the files are those that were there, nothing more
    assert len(placed) == 2
    assert database_snapshot() == rows_before
    assert files_snapshot(media_root) == files_before


# ------------------------------------------------------------------------------
# Writing the archive
# ------------------------------------------------------------------------------
def _rows_failing(monkeypatch):
    original = jsonl.Serializer.end_object

    def end_object(self, obj):
        if isinstance(obj, Direction):
            raise RuntimeError("lỗi giả lập khi ghi ý kiến chỉ đạo")
        return original(self, obj)

    monkeypatch.setattr(jsonl.Serializer, "end_object", end_object)
    return RuntimeError, "lỗi giả lập"


def _disk_full_at_the_files(monkeypatch):
    original = tarfile.TarFile.addfile

    def addfile(self, tarinfo, fileobj=None, **kwargs):
        if tarinfo.name.startswith("media/"):
            raise OSError(28, "No space left on device")
        return original(self, tarinfo, fileobj, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "addfile", addfile)
    return BackupError, "Không ghi được bản sao lưu .*No space left on device"


@pytest.mark.parametrize("failure", [_rows_failing, _disk_full_at_the_files], ids=["rows", "files"])
def test_a_backup_failing_half_way_leaves_no_archive(rich, tmp_path, monkeypatch, failure):
    # Given an older backup under the target name, and the backup failing half-way
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    target = folder / "kehoach.tar.gz"
    target.write_bytes(b"ban sao luu cu")
    error, message = failure(monkeypatch)

    # When a backup is written there
    with pytest.raises(error, match=message):
        backup_write(target)

    # Then the older backup is untouched and nothing else is left in the folder
    assert [path.name for path in folder.iterdir()] == ["kehoach.tar.gz"]
    assert target.read_bytes() == b"ban sao luu cu"


def test_a_backup_into_a_missing_folder_is_refused(rich, tmp_path):
    with pytest.raises(BackupError, match="không tồn tại"):
        backup_write(tmp_path / "khong-co" / "sao-luu.tar.gz")


def test_the_archive_lists_its_members_with_the_manifest_first(archive):
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
    manifest = json.loads(members_of(archive)["manifest.json"])
    assert names[0] == "manifest.json"
    assert names[1:] == [table["member"] for table in manifest["tables"]] + [
        f"media/{entry['path']}" for entry in manifest["files"]
    ]
    assert all(name.startswith("media/minh-chung/2026/") for name in names if name.startswith("media/"))
    assert manifest["excluded_models"] == ["sessions.session"]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


def test_a_file_missing_from_disk_is_named_and_its_row_kept(rich, media_root, tmp_path, capsys):
    # Given an evidence file gone from the disk
    evidence = Evidence.objects.order_by("pk").first()
    Path(evidence.file.path).unlink()

    # When the server is backed up
    call_command("backup", "--output", str(tmp_path / "sao-luu.tar.gz"))

    # Then the operator is told which file is missing, and the row is still in the archive
    assert evidence.file.name in capsys.readouterr().err
    members = members_of(tmp_path / "sao-luu.tar.gz")
    manifest = manifest_of(members)
    assert manifest["missing_files"] == [evidence.file.name]
    assert f"media/{evidence.file.name}" not in members
    assert len(members[data_member(members, "reports.evidence")].splitlines()) == 2


# ------------------------------------------------------------------------------
# The commands
# ------------------------------------------------------------------------------
def test_the_backup_command_writes_under_var_backups_in_local_time(rich, settings, tmp_path, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 20, 9, 5, 7, tzinfo=ICT), tick=False)
    settings.BASE_DIR = tmp_path
    out = io.StringIO()

    call_command("backup", stdout=out)

    path = tmp_path / "var" / "backups" / "kehoach-20261020-090507.tar.gz"
    assert path.is_file()
    assert f"Đã sao lưu vào {path}: " in out.getvalue()
    assert f"bản ghi của {len(backed_up_models())} bảng, 2 tệp đính kèm" in out.getvalue()


def test_the_backup_command_names_the_file_itself_in_a_folder_given(rich, tmp_path, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 20, 23, 30, tzinfo=ICT), tick=False)

    call_command("backup", "--output", str(tmp_path), stdout=io.StringIO())

    assert (tmp_path / "kehoach-20261020-233000.tar.gz").is_file()


def test_the_restore_command_prints_what_it_restored(rich, archive):
    out = io.StringIO()

    call_command("restore", str(archive), "--yes", stdout=out)

    text = out.getvalue()
    assert "Đã khôi phục bản sao lưu tạo lúc " in text
    assert f"{Unit.objects.count()}  đơn vị (tasks.unit)" in text
    assert "2  tệp minh chứng (reports.evidence)" in text
    assert "lịch sử đơn vị (tasks.historicalunit)" in text
    assert "mọi người cần đăng nhập lại" in text


def test_the_restore_command_refuses_in_vietnamese(rich, archive):
    with pytest.raises(CommandError, match="Cơ sở dữ liệu đang có dữ liệu .*chạy lại lệnh với --yes"):
        call_command("restore", str(archive))
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("restore", str(archive.with_name("khong-co.tar.gz")), "--yes")
