from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kehoach.demo.accounts import demo_accounts, demo_accounts_create, demo_password
from kehoach.demo.alive import DEMO_DOMAIN, demo_addresses, demo_bring_to_life
from tasks.models import Plan, Unit, User


class Command(BaseCommand):
    help = (
        "Tạo các tài khoản dùng thử cho từng vai trò (chỉ dùng trên máy phát triển), mở các kỳ báo cáo năm nay "
        "của các kế hoạch trong tệp fixtures/demo-accounts.json (hạn gửi còn ở phía trước, báo cáo ở đủ các "
        "trạng thái; các năm trước đã gửi và được chấp nhận), cấp địa chỉ thư @donvi.example và in danh sách "
        "tài khoản."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Cho phép chạy khi DEBUG tắt (không dùng trên máy thật)."
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Tài khoản dùng thử chỉ được tạo khi DEBUG bật (máy phát triển).")
        try:
            accounts = demo_accounts_create()
            opened = self._open_this_year()
        except (Unit.DoesNotExist, Plan.DoesNotExist, User.DoesNotExist) as exc:
            raise CommandError(f"Không tạo được dữ liệu dùng thử: {exc} Hãy chạy “load_plan” trước.") from exc
        except (PermissionDenied, ValidationError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(f"Không tạo được dữ liệu dùng thử: {message}") from exc
        for line in opened:
            self.stdout.write(self.style.SUCCESS(line))
        width = max(len(username) for username, _, _ in accounts)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Tài khoản dùng thử (mật khẩu chung: {demo_password()})"))
        for username, role, unit in accounts:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {unit}")
        self.stdout.write("")

    def _open_this_year(self) -> list[str]:
        today = timezone.localdate()
        lines = []
        for item in demo_accounts().open_this_year:
            alive = demo_bring_to_life(
                plan=Plan.objects.get(code=item["plan"]),
                by=User.objects.get(username=item["by"]),
                today=today,
                password=demo_password(),
                history=item.get("history", False),
            )
            lines += alive.lines
        addresses = demo_addresses()
        if addresses:
            lines.append(f"Thêm địa chỉ thư điện tử @{DEMO_DOMAIN} cho {addresses} đơn vị và người dùng.")
        return lines
