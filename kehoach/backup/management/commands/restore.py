from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kehoach.backup.archive import BackupError, backup_restore, model_title
from kehoach.text import number_vi


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và các tệp minh chứng từ một bản sao lưu của lệnh “backup”: tất cả hoặc "
        "không gì cả. Cơ sở dữ liệu phải ở cùng phiên bản cấu trúc (migration) với bản sao lưu."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu .tar.gz.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Cho phép xoá toàn bộ dữ liệu đang có để thay bằng dữ liệu của bản sao lưu.",
        )

    def handle(self, *args, path, yes, **options):
        try:
            manifest = backup_restore(path, replace=yes)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        created = timezone.localtime(manifest.created_at)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục bản sao lưu tạo lúc {created:%H:%M} ngày {created:%d/%m/%Y} "
                f"(cơ sở dữ liệu {manifest.database_name}): {number_vi(manifest.row_total)} bản ghi, "
                f"{number_vi(len(manifest.files))} tệp đính kèm."
            )
        )
        self.stdout.write("Số bản ghi theo bảng:")
        for table in manifest.tables:
            model = apps.get_model(table.model)
            self.stdout.write(f"  {number_vi(table.rows):>9}  {model_title(model)} ({table.model})")
        self.stdout.write("Các phiên đăng nhập cũ đã bị xoá: mọi người cần đăng nhập lại.")
        if manifest.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"Cảnh báo: bản sao lưu thiếu {len(manifest.missing_files)} tệp mà dữ liệu nhắc đến "
                    "(chúng đã không có khi sao lưu)."
                )
            )
