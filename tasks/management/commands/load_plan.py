import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tasks.services import SEED_PATH, plan_load


class Command(BaseCommand):
    help = (
        "Nạp một kế hoạch (mặc định: Kế hoạch 463) từ tệp JSON trong fixtures/. Chạy lại không thay "
        "đổi gì: dữ liệu đã có, kể cả dữ liệu quản trị viên đã sửa, được giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SEED_PATH), help="Tệp JSON mô tả kế hoạch.")

    def handle(self, *args, path, verbosity, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc
        try:
            result = plan_load(data=data)
        except ValidationError as exc:
            raise CommandError("Dữ liệu không hợp lệ, không nạp gì: " + "; ".join(exc.messages)) from exc
        except KeyError as exc:
            raise CommandError(f"Tệp {path} thiếu trường {exc}, không nạp gì.") from exc
        if verbosity > 1:
            for line in result.created:
                self.stdout.write(f"  + {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp kế hoạch: tạo mới {len(result.created)} mục, giữ nguyên {len(result.kept)} mục đã có."
            )
        )
