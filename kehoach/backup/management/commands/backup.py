from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kehoach.backup.archive import BackupError, backup_filename, backup_write, model_title
from kehoach.text import number_vi


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu và các tệp minh chứng đã tải lên vào một tệp .tar.gz "
        "(mặc định: var/backups/kehoach-<ngày>-<giờ>.tar.gz). Khôi phục bằng lệnh “restore”."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Tệp sẽ ghi, hoặc thư mục sẽ chứa tệp (tên mặc định kehoach-<ngày>-<giờ>.tar.gz).",
        )

    def handle(self, *args, output, verbosity, **options):
        if output is None:
            folder = Path(settings.BASE_DIR) / "var" / "backups"
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / backup_filename()
        elif Path(output).is_dir():
            path = Path(output) / backup_filename()
        else:
            path = Path(output)
        try:
            manifest = backup_write(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu vào {path}: {number_vi(manifest.row_total)} bản ghi của {len(manifest.tables)} bảng, "
                f"{number_vi(len(manifest.files))} tệp đính kèm; dung lượng {number_vi(size)} byte."
            )
        )
        if verbosity > 1:
            for table in manifest.tables:
                model = apps.get_model(table.model)
                self.stdout.write(f"  {number_vi(table.rows):>9}  {model_title(model)} ({table.model})")
        if manifest.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"Cảnh báo: {len(manifest.missing_files)} tệp được dữ liệu nhắc đến nhưng không có trong "
                    f"thư mục tệp tải lên ({settings.MEDIA_ROOT}), nên không có trong bản sao lưu:"
                )
            )
            for name in manifest.missing_files:
                self.stderr.write(f"  {name}")
