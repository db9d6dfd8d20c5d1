import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kehoach.text import parse_date
from reports.workflow.services import period_open
from tasks.models import Plan, User


def _date(value: str) -> datetime.date:
    date = parse_date(value)
    if date is None:
        raise CommandError(f"Ngày “{value}” không đúng dạng dd/mm/yyyy.")
    return date


class Command(BaseCommand):
    help = (
        "Mở các kỳ báo cáo của một năm theo lịch báo cáo của kế hoạch và tạo báo cáo cho mỗi đơn vị phải "
        "báo cáo. Chạy lại chỉ tạo những báo cáo còn thiếu. In mã của từng kỳ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="Mã kế hoạch, ví dụ kh-57-2025.")
        parser.add_argument("--year", type=int, default=None, help="Năm báo cáo (mặc định: năm nay).")
        parser.add_argument(
            "--by", required=True, help="Tên đăng nhập của người mở kỳ (người điều phối kế hoạch)."
        )
        parser.add_argument(
            "--deadline",
            type=_date,
            default=None,
            help="Hạn gửi báo cáo, dd/mm/yyyy (kế hoạch báo cáo mỗi năm một kỳ).",
        )

    def handle(self, *args, plan, year, by, deadline, **options):
        year = year or timezone.localdate().year
        try:
            plan_obj = Plan.objects.get(code=plan)
            user = User.objects.get(username=by)
        except Plan.DoesNotExist:
            raise CommandError(f"Không có kế hoạch mã “{plan}”.") from None
        except User.DoesNotExist:
            raise CommandError(f"Không có người dùng “{by}”.") from None
        try:
            opened = period_open(plan=plan_obj, year=year, by=user, deadline=deadline)
        except (PermissionDenied, ValidationError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        for item in opened:
            state = "đã mở" if item.period_created else "đã có từ trước"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{item.period.key}: {item.period.name} ({state}, hạn {item.period.deadline:%d/%m/%Y}); "
                    f"tạo {item.reports_created} báo cáo mới."
                )
            )
