from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from kehoach.text import number_vi
from reports.consolidated.generator import CONTENT_TYPES, export_bytes
from reports.models import ReportingPeriod
from tasks.models import Plan


class Command(BaseCommand):
    help = "Xuất báo cáo tổng hợp năm của một kế hoạch ra tệp Word (docx) hoặc phụ lục Excel (xlsx)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", required=True, help="Số định danh hoặc mã kế hoạch, ví dụ 1 hoặc kh-463."
        )
        parser.add_argument("--year", required=True, type=int, help="Năm báo cáo, ví dụ 2026.")
        parser.add_argument("--format", required=True, choices=sorted(CONTENT_TYPES), help="docx hoặc xlsx.")
        parser.add_argument("--output", required=True, help="Đường dẫn tệp sẽ ghi.")

    def handle(self, *args, plan, year, format, output, **options):
        lookup = Q(code=plan) | Q(pk=int(plan)) if plan.isdigit() else Q(code=plan)
        plan_obj = Plan.objects.filter(lookup).first()
        if plan_obj is None:
            raise CommandError(f"Không có kế hoạch “{plan}”.")
        period = ReportingPeriod.objects.filter(plan=plan_obj, year=year).first()
        if period is None:
            raise CommandError(f"Kế hoạch {plan_obj.code} chưa có kỳ báo cáo năm {year}.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Thư mục “{path.parent}” không tồn tại.")
        content, _ = export_bytes(period, format)
        # Written beside the target then moved: a failed export never leaves half a file.
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(content)
        partial.replace(path)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {path} ({number_vi(len(content))} byte)."))
