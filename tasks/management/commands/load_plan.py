from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tasks.services import plan_load_file


class Command(BaseCommand):
    help = (
        "Nạp kế hoạch từ tệp JSON (mặc định: mọi tệp trong thư mục PLAN_FILES_DIR, fixtures/plans/). Chạy lại "
        "không thay đổi gì: dữ liệu đã có, kể cả dữ liệu quản trị viên đã sửa, được giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Các tệp JSON mô tả kế hoạch.")

    def handle(self, *args, paths, verbosity, **options):
        files = [Path(path) for path in paths] or sorted(Path(settings.PLAN_FILES_DIR).glob("*.json"))
        if not files:
            raise CommandError(f"Không có tệp kế hoạch nào trong {settings.PLAN_FILES_DIR}.")
        with transaction.atomic():
            for path in files:
                try:
                    result = plan_load_file(path)
                except ValidationError as exc:
                    raise CommandError(
                        f"{path}: dữ liệu không hợp lệ, không nạp gì: " + "; ".join(exc.messages)
                    ) from exc
                if verbosity > 1:
                    for line in result.created:
                        self.stdout.write(f"  + {line}")
                for line in result.updated:
                    self.stdout.write(f"  ~ {line}")
                for line in result.followed:
                    self.stdout.write(f"  {line}")
                updated = f", cập nhật {len(result.updated)} đơn vị" if result.updated else ""
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path.name}: tạo mới {len(result.created)} mục{updated}, giữ nguyên "
                        f"{len(result.kept)} mục đã có."
                    )
                )
