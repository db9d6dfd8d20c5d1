"""Backup and restore of everything the application keeps: the database and the uploaded files.

A backup is one gzip-compressed tar archive, format version 1, whose members come in this order:

    manifest.json                    what the archive holds (`Manifest`): first, so it is read first
    data/NNN-<app>.<model>.jsonl     the rows of one model, one JSON object a line (Django's "jsonl"
                                     serializer, primary keys kept), models in dumpdata's order
    media/<path under MEDIA_ROOT>    every file a row refers to through a FileField, byte for byte

Rows keep their primary keys, so links between rows and the paths of the files stay valid. A
restore therefore needs the database at the same migrations as the one the archive came from.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import os
import secrets
import tarfile
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils._os import safe_join

from kehoach.text import number_vi

FORMAT = "kehoach-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data"
MEDIA_DIR = "media"
# Who is logged in right now is not worth keeping, and restored sessions would log their holders
# into whichever accounts carry the same ids in the restored data: a restore empties this table.
NOT_BACKED_UP = frozenset({"sessions.session"})
# Rows `migrate` creates by itself: a database holding nothing else counts as empty.
CREATED_BY_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission"})

_CHUNK = 1024 * 1024
_MANIFEST_MAX_BYTES = 64 * 1024 * 1024
# What a damaged compressed stream raises while it is read.
_DAMAGED = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)

# Names in the operator's language for the tables of Django and django-axes (their own
# translations are missing or misleading); the application's models have Vietnamese names already.
_TITLES = {
    "admin.logentry": "nhật ký quản trị",
    "auth.group": "nhóm quyền",
    "auth.permission": "quyền",
    "contenttypes.contenttype": "loại đối tượng",
    "sessions.session": "phiên đăng nhập",
    "axes.accessattempt": "lần đăng nhập sai đang theo dõi",
    "axes.accessattemptexpiration": "thời hạn khoá đăng nhập",
    "axes.accessfailurelog": "nhật ký đăng nhập sai",
    "axes.accesslog": "nhật ký đăng nhập",
}
_VENDORS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


class BackupError(Exception):
    """A backup or a restore refused or failed; the message, in Vietnamese, says why and what to do."""


# ------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableEntry:
    """The rows of one model in the archive."""

    model: str  # "app_label.model_name"
    member: str  # the archive member holding them, "data/..."
    rows: int
    sha256: str


@dataclass(frozen=True)
class FileEntry:
    """One uploaded file in the archive."""

    path: str  # relative to MEDIA_ROOT, with "/"
    size: int
    sha256: str

    @property
    def member(self) -> str:
        return f"{MEDIA_DIR}/{self.path}"


@dataclass(frozen=True)
class Manifest:
    """What an archive holds, written as its first member, `manifest.json`."""

    created_at: datetime.datetime
    django_version: str
    database_vendor: str
    migrations: dict[str, str]  # app label → latest applied migration
    tables: list[TableEntry]
    files: list[FileEntry]
    # Files rows refer to that were not on disk (or had an unsafe path) when the backup was made.
    missing_files: list[str]
    excluded_models: list[str]
    format: str = FORMAT
    version: int = FORMAT_VERSION

    @property
    def counts(self) -> dict[str, int]:
        return {table.model: table.rows for table in self.tables}

    @property
    def row_total(self) -> int:
        return sum(table.rows for table in self.tables)

    @property
    def database_name(self) -> str:
        return _VENDORS.get(self.database_vendor, self.database_vendor)

    def to_json(self) -> bytes:
        data = {
            "format": self.format,
            "version": self.version,
            "created_at": self.created_at.isoformat(),
            "django_version": self.django_version,
            "database_vendor": self.database_vendor,
            "migrations": self.migrations,
            "excluded_models": self.excluded_models,
            "tables": [asdict(table) for table in self.tables],
            "files": [asdict(entry) for entry in self.files],
            "missing_files": self.missing_files,
        }
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """The manifest of an archive; BackupError unless it is one this code reads, well formed."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise BackupError("Tệp manifest.json của bản sao lưu không đọc được (không phải JSON).") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(
                "Tệp không phải bản sao lưu của phần mềm này (manifest.json không đúng định dạng)."
            )
        if data.get("version") != FORMAT_VERSION:
            raise BackupError(
                f"Bản sao lưu có định dạng phiên bản {data.get('version')}; phần mềm này chỉ đọc được "
                f"phiên bản {FORMAT_VERSION}. Hãy khôi phục bằng phiên bản phần mềm đã tạo bản sao lưu."
            )
        try:
            created_at = datetime.datetime.fromisoformat(_typed(data["created_at"], str))
            if created_at.tzinfo is None:
                raise ValueError("created_at")
            migrations = _typed(data["migrations"], dict)
            tables = [
                TableEntry(
                    model=_typed(item["model"], str),
                    member=_typed(item["member"], str),
                    rows=_typed(item["rows"], int),
                    sha256=_typed(item["sha256"], str),
                )
                for item in _typed(data["tables"], list)
            ]
            files = [
                FileEntry(
                    path=_typed(item["path"], str),
                    size=_typed(item["size"], int),
                    sha256=_typed(item["sha256"], str),
                )
                for item in _typed(data["files"], list)
            ]
            manifest = cls(
                created_at=created_at,
                django_version=_typed(data["django_version"], str),
                database_vendor=_typed(data["database_vendor"], str),
                migrations={_typed(app, str): _typed(name, str) for app, name in migrations.items()},
                tables=tables,
                files=files,
                missing_files=[_typed(name, str) for name in _typed(data["missing_files"], list)],
                excluded_models=[_typed(name, str) for name in _typed(data["excluded_models"], list)],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupError(
                f"Tệp manifest.json của bản sao lưu không hợp lệ (trường {exc} thiếu hoặc sai)."
            ) from None
        for member in [table.member for table in tables] + [entry.member for entry in files]:
            if not is_safe_relative(member):
                raise BackupError(
                    f"Bản sao lưu ghi một đường dẫn không an toàn “{member}”; không khôi phục gì."
                )
        if any(not table.member.startswith(f"{DATA_DIR}/") for table in tables):
            raise BackupError(
                "Tệp manifest.json của bản sao lưu không hợp lệ (dữ liệu nằm ngoài thư mục data/)."
            )
        members = [table.member for table in tables] + [entry.member for entry in files]
        if len(set(members)) != len(members):
            raise BackupError("Tệp manifest.json của bản sao lưu không hợp lệ (một mục được ghi hai lần).")
        return manifest


def _typed(value, kind):
    # bool is an int to Python, never to the manifest.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(repr(value))
    return value


def is_safe_relative(path: str) -> bool:
    """A relative path written with "/" that stays inside the folder it is joined to."""
    if not path or path.startswith("/") or any(char in path for char in "\\:\x00"):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


# ------------------------------------------------------------------------------
# What is backed up
# ------------------------------------------------------------------------------
def backed_up_models() -> list[type[models.Model]]:
    """The models whose rows a backup keeps, in the order `dumpdata` writes them."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in NOT_BACKED_UP and _stored(model)
    ]


def _stored(model) -> bool:
    meta = model._meta
    return meta.managed and not meta.proxy and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)


def _all_tables_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables and sessions included."""
    return [model for model in apps.get_models(include_auto_created=True) if _stored(model)]


def model_title(model) -> str:
    """The model's name for the operator, in Vietnamese: “lịch sử đơn vị”, “nhật ký đăng nhập”."""
    label = model._meta.label_lower
    if label in _TITLES:
        return _TITLES[label]
    tracked = getattr(model, "instance_type", None)  # django-simple-history's historical models
    if tracked is not None:
        return f"lịch sử {tracked._meta.verbose_name}"
    return str(model._meta.verbose_name_plural)


def backup_filename(moment: datetime.datetime | None = None) -> str:
    """`kehoach-YYYYmmdd-HHMMSS.tar.gz`, in local time."""
    return f"kehoach-{timezone.localtime(moment or timezone.now()):%Y%m%d-%H%M%S}.tar.gz"


def migration_state(connection) -> tuple[dict[str, str], list[str]]:
    """The latest applied migration of each app, and the code's migrations not applied yet."""
    executor = MigrationExecutor(connection)
    graph, applied = executor.loader.graph, executor.loader.applied_migrations
    pending = [
        f"{migration.app_label}.{migration.name}"
        for migration, backwards in executor.migration_plan(graph.leaf_nodes())
        if not backwards
    ]
    latest: dict[str, tuple[int, str]] = {}
    for key in applied:
        if key in graph.nodes:
            app_label, name = key
            rank = (len(graph.forwards_plan(key)), name)
            latest[app_label] = max(latest.get(app_label, rank), rank)
    return {app_label: name for app_label, (_, name) in sorted(latest.items())}, pending


def _require_migrated(pending: list[str]) -> None:
    if pending:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        raise BackupError(
            f"Cơ sở dữ liệu chưa được cập nhật theo mã nguồn (còn {len(pending)} migration chưa chạy: "
            f"{shown}). Hãy chạy “python manage.py migrate” trước."
        )


# ------------------------------------------------------------------------------
# Backup
# ------------------------------------------------------------------------------
class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its rounding of times to the millisecond: a copy must be exact."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class _HashingWriter:
    """A text stream that writes UTF-8 to a binary file and hashes what it writes."""

    def __init__(self, file):
        self._file = file
        self._sha = hashlib.sha256()
        self._parts: list[str] = []
        self._pending = 0

    def write(self, text: str) -> int:
        # json.dump writes in many small pieces: gather them before encoding and hashing.
        self._parts.append(text)
        self._pending += len(text)
        if self._pending > 65536:
            self.flush()
        return len(text)

    def flush(self) -> None:
        data = "".join(self._parts).encode("utf-8")
        self._parts, self._pending = [], 0
        self._sha.update(data)
        self._file.write(data)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


class _Rows:
    """The rows of a model by primary key, noting the files they refer to and counting them."""

    def __init__(self, model, alias: str, files: set[str]):
        meta = model._meta
        m2m = [field.name for field in meta.many_to_many if field.remote_field.through._meta.auto_created]
        # By the key's column: ordering by a relation would follow the related model's ordering.
        self.queryset = model._base_manager.using(alias).order_by(meta.pk.attname).prefetch_related(*m2m)
        self.file_fields = [field for field in meta.concrete_fields if isinstance(field, models.FileField)]
        self.files = files
        self.count = 0

    def __iter__(self) -> Iterator[models.Model]:
        for row in self.queryset.iterator(chunk_size=2000):
            self.count += 1
            for field in self.file_fields:
                name = getattr(row, field.attname).name
                if name:
                    self.files.add(name)
            yield row


@contextmanager
def _read_snapshot(connection):
    """Run the block in one transaction that sees the whole database as it was when it began."""
    if connection.in_atomic_block:
        # The caller's transaction is the snapshot; its isolation level can no longer change.
        yield
        return
    # A first cursor outside the transaction runs any connection health check there.
    connection.cursor().close()
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # The settings begin transactions IMMEDIATE, which would hold the write lock for the whole
        # backup. A deferred transaction only reads: in WAL mode its first read fixes what it sees
        # while writers go on.
        mode, connection.transaction_mode = connection.transaction_mode, None
        try:
            with transaction.atomic(using=connection.alias):
                connection.transaction_mode = mode
                yield
        finally:
            connection.transaction_mode = mode
    else:
        with transaction.atomic(using=connection.alias):
            yield


def _dump_tables(staging: Path, alias: str) -> tuple[list[TableEntry], set[str]]:
    """Write each model's rows to a file of its own under `staging`; return them and the files they name."""
    (staging / DATA_DIR).mkdir()
    referenced: set[str] = set()
    tables = []
    for index, model in enumerate(backed_up_models(), start=1):
        label = model._meta.label_lower
        member = f"{DATA_DIR}/{index:03d}-{label}.jsonl"
        rows = _Rows(model, alias, referenced)
        with open(staging / member, "wb") as file:
            out = _HashingWriter(file)
            serializers.serialize("jsonl", rows, stream=out, cls=_ExactJSONEncoder)
            out.flush()
        tables.append(TableEntry(model=label, member=member, rows=rows.count, sha256=out.sha256))
    return tables, referenced


def _sha256_file(path: Path) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def _media_files(names: Iterable[str]) -> tuple[list[FileEntry], list[str]]:
    """The files referred to that are on disk, with their hashes; and those that are not (or unsafe)."""
    root = Path(settings.MEDIA_ROOT)
    files, missing = [], []
    for name in sorted(names):
        source = root / name
        if not is_safe_relative(name) or not source.is_file():
            missing.append(name)
            continue
        sha256, size = _sha256_file(source)
        files.append(FileEntry(path=name, size=size, sha256=sha256))
    return files, missing


class _HashingReader:
    """A binary file that hashes what is read from it."""

    def __init__(self, file):
        self._file = file
        self._sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._sha.update(data)
        return data

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


def _add_member(tar: tarfile.TarFile, name: str, file, size: int, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    tar.addfile(info, file)


def _write_archive(target: Path, manifest: Manifest, staging: Path) -> None:
    mtime = manifest.created_at.timestamp()
    manifest_bytes = manifest.to_json()
    root = Path(settings.MEDIA_ROOT)
    # Readable by its owner only: it holds password hashes and every report.
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
            _add_member(tar, MANIFEST, io.BytesIO(manifest_bytes), len(manifest_bytes), mtime)
            for table in manifest.tables:
                source = staging / table.member
                with open(source, "rb") as file:
                    _add_member(tar, table.member, file, source.stat().st_size, mtime)
            for entry in manifest.files:
                with open(root / entry.path, "rb") as file:
                    reader = _HashingReader(file)
                    _add_member(tar, entry.member, reader, entry.size, mtime)
                if reader.sha256 != entry.sha256:
                    raise BackupError(
                        f"Tệp “{entry.path}” thay đổi trong lúc sao lưu; hãy chạy lại lệnh sao lưu."
                    )
        raw.flush()
        os.fsync(raw.fileno())


def backup_write(path: str | os.PathLike) -> Manifest:
    """Write the whole database and every uploaded file it refers to into one archive at `path`.

    The rows are read in one transaction that sees a single moment of the database. The archive
    appears under its name only once complete (an existing file there is replaced); a failure
    leaves nothing behind.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"Thư mục “{path.parent}” không tồn tại.")
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        # Beside the target, so that the finished archive is renamed, never copied, into place.
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".kehoach-backup-") as staging_dir:
            staging = Path(staging_dir)
            with _read_snapshot(connection):
                created_at = timezone.now()
                migrations, pending = migration_state(connection)
                _require_migrated(pending)
                tables, referenced = _dump_tables(staging, connection.alias)
            files, missing = _media_files(referenced)
            manifest = Manifest(
                created_at=created_at,
                django_version=django.get_version(),
                database_vendor=connection.vendor,
                migrations=migrations,
                tables=tables,
                files=files,
                missing_files=missing,
                excluded_models=sorted(NOT_BACKED_UP),
            )
            partial = staging / "archive.tar.gz"
            _write_archive(partial, manifest, staging)
            os.replace(partial, path)
    except OSError as exc:
        raise BackupError(f"Không ghi được bản sao lưu “{path}”: {exc.strerror or exc}.") from exc
    except DatabaseError as exc:
        raise BackupError(f"Không đọc được cơ sở dữ liệu: {exc}") from exc
    _sync_folder(path.parent)
    return manifest


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut (where the system allows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# ------------------------------------------------------------------------------
# Restore
# ------------------------------------------------------------------------------
@contextmanager
def _opened(path: Path):
    """The archive open for reading; a damaged one raises BackupError."""
    if not path.is_file():
        raise BackupError(f"Không có tệp “{path}”.")
    try:
        tar = tarfile.open(path, mode="r:gz")
    except (*_DAMAGED, OSError):
        raise BackupError(
            f"Tệp “{path}” không phải bản sao lưu (.tar.gz) hoặc đã bị hỏng; không khôi phục gì."
        ) from None
    try:
        with tar:
            yield tar
    except _DAMAGED as exc:
        raise BackupError(f"Tệp “{path}” bị hỏng, không giải nén được ({exc}); không khôi phục gì.") from exc


def read_manifest(path: str | os.PathLike) -> Manifest:
    """The manifest of the archive at `path`, which must be its first member."""
    path = Path(path)
    with _opened(path) as tar:
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise BackupError(
                f"Tệp “{path}” không phải bản sao lưu của phần mềm này: thiếu manifest.json ở đầu tệp."
            )
        if first.size > _MANIFEST_MAX_BYTES:
            raise BackupError("Tệp manifest.json của bản sao lưu lớn bất thường; không khôi phục gì.")
        raw = tar.extractfile(first).read()
    return Manifest.from_json(raw)


def _after_manifest(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The members after the manifest, read in order."""
    for index, member in enumerate(tar):
        if index == 0:
            if member.name != MANIFEST:
                raise BackupError(
                    "Bản sao lưu thay đổi trong lúc khôi phục (thiếu manifest.json ở đầu tệp); "
                    "không khôi phục gì."
                )
            continue
        yield member


def _check_compatible(manifest: Manifest, connection) -> dict[str, type[models.Model]]:
    """The model of each table of the archive; BackupError unless this code and database can take them."""
    current, pending = migration_state(connection)
    _require_migrated(pending)
    if manifest.migrations != current:
        differences = [
            f"{app}: bản sao lưu {manifest.migrations.get(app, '(không có)')}, "
            f"mã nguồn {current.get(app, '(không có)')}"
            for app in sorted(set(manifest.migrations) | set(current))
            if manifest.migrations.get(app) != current.get(app)
        ]
        raise BackupError(
            "Bản sao lưu được tạo với cấu trúc dữ liệu (migration) khác với phiên bản phần mềm này — "
            + "; ".join(differences)
            + ". Hãy khôi phục bằng phiên bản phần mềm đã tạo bản sao lưu, rồi chạy "
            "“python manage.py migrate”."
        )
    restorable = {model._meta.label_lower: model for model in backed_up_models()}
    unknown = [table.model for table in manifest.tables if table.model not in restorable]
    if unknown or len({table.model for table in manifest.tables}) != len(manifest.tables):
        raise BackupError(
            "Bản sao lưu chứa bảng mà phần mềm này không khôi phục: "
            + ", ".join(unknown or ["(một bảng ghi hai lần)"])
            + "."
        )
    return {table.model: restorable[table.model] for table in manifest.tables}


def _verify(path: Path, manifest: Manifest) -> None:
    """Read the whole archive: every member listed in the manifest, once, with its SHA-256; nothing else."""
    expected = {table.member: table.sha256 for table in manifest.tables}
    expected.update({entry.member: entry.sha256 for entry in manifest.files})
    seen: set[str] = set()
    with _opened(path) as tar:
        for member in _after_manifest(tar):
            name = member.name
            if not is_safe_relative(name):
                raise BackupError(
                    f"Bản sao lưu chứa mục có đường dẫn không an toàn “{name}”; không khôi phục gì."
                )
            if name not in expected or name in seen:
                raise BackupError(
                    f"Bản sao lưu chứa mục “{name}” không có trong manifest.json: tệp đã bị sửa; "
                    "không khôi phục gì."
                )
            if not member.isfile():
                raise BackupError(
                    f"Mục “{name}” của bản sao lưu không phải một tệp thường; không khôi phục gì."
                )
            reader = _HashingReader(tar.extractfile(member))
            while reader.read(_CHUNK):
                pass
            if reader.sha256 != expected[name]:
                raise BackupError(
                    f"Mục “{name}” của bản sao lưu không khớp mã SHA-256 ghi trong manifest.json: "
                    "bản sao lưu bị hỏng hoặc đã bị sửa; không khôi phục gì."
                )
            seen.add(name)
    absent = sorted(expected.keys() - seen)
    if absent:
        raise BackupError(
            f"Bản sao lưu thiếu {len(absent)} mục ghi trong manifest.json (ví dụ “{absent[0]}”); "
            "không khôi phục gì."
        )


def _data_held(alias: str) -> list[str]:
    """What the database holds besides the rows `migrate` creates, as “12 đơn vị”."""
    held = []
    for model in backed_up_models():
        if model._meta.label_lower not in CREATED_BY_MIGRATE:
            count = model._base_manager.using(alias).count()
            if count:
                held.append(f"{number_vi(count)} {model_title(model)}")
    return held


def _refuse_if_holding_data(alias: str) -> None:
    held = _data_held(alias)
    if held:
        shown = ", ".join(held[:4]) + (", …" if len(held) > 4 else "")
        raise BackupError(
            f"Cơ sở dữ liệu đang có dữ liệu ({shown}). Khôi phục sẽ xoá toàn bộ dữ liệu này để thay bằng "
            "dữ liệu của bản sao lưu; nếu chắc chắn, hãy chạy lại lệnh với --yes. Chưa thay đổi gì."
        )


class _MediaPlacement:
    """Uploaded files written beside their final names, put in place at the end, undone on failure."""

    def __init__(self, root: Path):
        self.root = root
        self.token = secrets.token_hex(4)
        self.staged: list[tuple[Path, Path]] = []  # (temporary name, final name)
        self.placed: list[Path] = []
        self.set_aside: list[tuple[Path, Path]] = []  # (previous file moved aside, its name)
        self.created: list[Path] = []  # folders this restore created

    def stage(self, source, entry: FileEntry) -> None:
        try:
            target = Path(safe_join(self.root, entry.path))
        except SuspiciousFileOperation:
            raise BackupError(
                f"Bản sao lưu ghi một đường dẫn không an toàn “{entry.path}”; không khôi phục gì."
            ) from None
        temporary = target.with_name(f".{target.name}.{self.token}.restoring")
        sha = hashlib.sha256()
        try:
            self._make_folders(target.parent)
            self.staged.append((temporary, target))
            with open(temporary, "xb") as out:
                while chunk := source.read(_CHUNK):
                    sha.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if settings.FILE_UPLOAD_PERMISSIONS is not None:
                os.chmod(temporary, settings.FILE_UPLOAD_PERMISSIONS)
        except OSError as exc:
            raise BackupError(
                f"Không ghi được tệp “{target}”: {exc.strerror or exc}. Không khôi phục gì."
            ) from exc
        if sha.hexdigest() != entry.sha256:
            raise BackupError(
                f"Tệp “{entry.path}” của bản sao lưu thay đổi trong lúc khôi phục; không khôi phục gì."
            )

    def _make_folders(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir()
            self.created.append(folder)
            if settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS is not None:
                os.chmod(folder, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS)

    def put_in_place(self) -> None:
        try:
            for temporary, target in self.staged:
                if os.path.lexists(target):
                    aside = target.with_name(f".{target.name}.{self.token}.replaced")
                    os.replace(target, aside)
                    self.set_aside.append((aside, target))
                os.replace(temporary, target)
                self.placed.append(target)
        except OSError as exc:
            raise BackupError(
                f"Không đặt được tệp vào “{target}”: {exc.strerror or exc}. Không khôi phục gì."
            ) from exc

    def undo(self) -> None:
        """Leave MEDIA_ROOT as it was before the restore (as far as the file system lets us)."""
        for path in [temporary for temporary, _ in self.staged] + self.placed[::-1]:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
        for aside, target in reversed(self.set_aside):
            try:
                os.replace(aside, target)
            except OSError:
                pass
        for folder in reversed(self.created):
            try:
                folder.rmdir()
            except OSError:
                pass

    def discard_replaced(self) -> None:
        for aside, _ in self.set_aside:
            try:
                aside.unlink(missing_ok=True)
            except OSError:
                pass


def _empty_database(connection) -> None:
    """Delete every row of every table, as `flush` does, inside the current transaction."""
    tables = [model._meta.db_table for model in _all_tables_models()]
    existing = set(connection.introspection.table_names())
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables whose foreign-key checks are still pending from earlier writes of
        # the same transaction (a caller's atomic block): run those checks now.
        connection.check_constraints()
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), [table for table in tables if table in existing]):
            cursor.execute(sql)


def _lines(file, sha) -> Iterator[str]:
    for line in file:
        sha.update(line)
        yield line.decode("utf-8")


def _load_table(file, table: TableEntry, model, alias: str) -> None:
    sha = hashlib.sha256()
    rows = 0
    title = f"{model_title(model)} ({table.model})"
    try:
        for row in serializers.deserialize("jsonl", _lines(file, sha), using=alias):
            if row.object._meta.label_lower != table.model:
                raise BackupError(
                    f"Dữ liệu bảng {title} trong bản sao lưu chứa bản ghi của bảng khác; không khôi phục gì."
                )
            # The tables were emptied: an INSERT straight away, no UPDATE tried first.
            row.save(using=alias, force_insert=True)
            rows += 1
    except (DeserializationError, DatabaseError, ValidationError, ValueError, LookupError) as exc:
        raise BackupError(
            f"Không nạp được dữ liệu bảng {title} từ bản sao lưu ({exc}); không khôi phục gì."
        ) from exc
    if sha.hexdigest() != table.sha256:
        raise BackupError(f"Dữ liệu bảng {title} thay đổi trong lúc khôi phục; không khôi phục gì.")
    if rows != table.rows:
        raise BackupError(
            f"Dữ liệu bảng {title} có {number_vi(rows)} bản ghi, manifest.json ghi {number_vi(table.rows)}; "
            "không khôi phục gì."
        )


def _load(path: Path, manifest: Manifest, models_by_label, placement: _MediaPlacement, alias: str) -> None:
    tables = {table.member: table for table in manifest.tables}
    files = {entry.member: entry for entry in manifest.files}
    with _opened(path) as tar:
        for member in _after_manifest(tar):
            if member.name in tables:
                table = tables[member.name]
                _load_table(tar.extractfile(member), table, models_by_label[table.model], alias)
            elif member.name in files:
                placement.stage(tar.extractfile(member), files[member.name])
            else:
                raise BackupError(
                    f"Bản sao lưu thay đổi trong lúc khôi phục (mục “{member.name}”); không khôi phục gì."
                )


def backup_restore(path: str | os.PathLike, *, replace: bool) -> Manifest:
    """Replace the database and the uploaded files with those of the archive at `path`, all or nothing.

    Refuses, changing nothing, an archive that is missing, damaged, altered, of another format or
    from other migrations, and a database that holds data unless `replace`. Sessions are emptied:
    everyone logs in again. Files under MEDIA_ROOT that the archive does not hold are left alone.
    """
    path = Path(path)
    connection = connections[DEFAULT_DB_ALIAS]
    alias = connection.alias
    manifest = read_manifest(path)
    models_by_label = _check_compatible(manifest, connection)
    if not replace:
        _refuse_if_holding_data(alias)  # before reading the whole archive; checked again below
    _verify(path, manifest)
    placement = _MediaPlacement(Path(settings.MEDIA_ROOT))
    try:
        with transaction.atomic(using=alias):
            if not replace:
                _refuse_if_holding_data(alias)
            _empty_database(connection)
            _load(path, manifest, models_by_label, placement, alias)
            try:
                # Foreign keys are checked at commit; check them now, while a failure still names its cause.
                connection.check_constraints()
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), _all_tables_models()):
                        cursor.execute(sql)
            except DatabaseError as exc:
                raise BackupError(
                    f"Dữ liệu của bản sao lưu không nhất quán ({exc}); không khôi phục gì."
                ) from exc
            placement.put_in_place()
    except BaseException:
        placement.undo()
        raise
    finally:
        # The restored content types may carry other ids than the cached ones.
        ContentType.objects.clear_cache()
    placement.discard_replaced()
    return manifest
