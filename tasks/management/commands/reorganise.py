from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tasks.reorganisation import SHEET_COLUMNS, mappings_from_sheet, units_reorganise


class Command(BaseCommand):
    help = (
        "Tổ chức lại đơn vị theo bảng tính (.xlsx hoặc .csv UTF-8) với các cột "
        + ", ".join(f"“{column}”" for column in SHEET_COLUMNS.values())
        + ". Không có --confirm thì chỉ xem trước: liệt kê những gì sẽ thay đổi, không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Bảng tính các dòng: mã đơn vị cũ → mã đơn vị kế thừa, từ ngày.")
        parser.add_argument(
            "--confirm", action="store_true", help="Thực hiện thay đổi (mặc định: xem trước)."
        )
        parser.add_argument("--user", default="", help="Tên đăng nhập ghi vào lịch sử thay đổi.")

    def handle(self, *args, path, confirm, user, **options):
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"Không có người dùng “{user}”.")
        file = Path(path)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp “{path}”: {exc.strerror}.") from exc
        try:
            mappings = mappings_from_sheet(content, file.name)
            result = units_reorganise(mappings=mappings, by=by, confirm=confirm)
        except ValidationError as exc:
            raise CommandError("Không tổ chức lại, không thay đổi gì: " + " ".join(exc.messages)) from exc
        for line in result.lines:
            self.stdout.write(f"  {line}")
        if result.applied:
            self.stdout.write(self.style.SUCCESS(f"Đã tổ chức lại {len(result.units)} đơn vị."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Xem trước: {len(result.units)} đơn vị sẽ được tổ chức lại; chưa lưu gì. Chạy lại với --confirm "
                    "để thực hiện."
                )
            )
