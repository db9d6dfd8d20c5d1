from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kehoach.demo.accounts import DEMO_PASSWORD, demo_accounts_create
from tasks.models import Unit


class Command(BaseCommand):
    help = "Tạo các tài khoản dùng thử cho từng vai trò (chỉ dùng trên máy phát triển) và in danh sách."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Cho phép chạy khi DEBUG tắt (không dùng trên máy thật)."
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Tài khoản dùng thử chỉ được tạo khi DEBUG bật (máy phát triển).")
        try:
            accounts = demo_accounts_create()
        except (Unit.DoesNotExist, ValidationError) as exc:
            raise CommandError(
                f"Không tạo được tài khoản dùng thử: {exc}. Hãy chạy “load_plan” trước."
            ) from exc
        width = max(len(username) for username, _, _ in accounts)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD})"))
        for username, role, unit in accounts:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {unit}")
        self.stdout.write("")
