from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from kehoach.text import number_vi, parse_id
from reports.consolidated.generator import CONTENT_TYPES, export_bytes
from reports.consolidated.selectors import scope
from tasks.models import Plan


class Command(BaseCommand):
    help = (
        "Xuất báo cáo tổng hợp của một kế hoạch ra tệp Word (docx) hoặc phụ lục Excel (xlsx): một kỳ báo cáo "
        "(--period, mã in khi mở kỳ) hoặc cả một năm (--year)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", required=True, help="Số định danh hoặc mã kế hoạch, ví dụ 1 hoặc kh-57-2025."
        )
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help="Mã kỳ báo cáo, ví dụ 2026-h1.")
        which.add_argument("--year", type=int, help="Năm báo cáo, ví dụ 2026: mọi kỳ của năm đó.")
        parser.add_argument("--format", required=True, choices=sorted(CONTENT_TYPES), help="docx hoặc xlsx.")
        parser.add_argument("--output", required=True, help="Đường dẫn tệp sẽ ghi.")

    def handle(self, *args, plan, period, year, format, output, **options):
        pk = parse_id(plan)
        plan_obj = Plan.objects.filter(Q(code=plan) | Q(pk=pk) if pk is not None else Q(code=plan)).first()
        if plan_obj is None:
            raise CommandError(f"Không có kế hoạch “{plan}”.")
        key = period or str(year)
        found = scope(plan_obj, key)
        if found is None:
            raise CommandError(f"Kế hoạch {plan_obj.code} chưa có kỳ báo cáo “{key}”.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Thư mục “{path.parent}” không tồn tại.")
        content, _ = export_bytes(found, format)
        # Written beside the target then moved: a failed export never leaves half a file.
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(content)
        partial.replace(path)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {path} ({number_vi(len(content))} byte)."))
