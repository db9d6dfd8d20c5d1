import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from kehoach.demo.accounts import demo_password
from kehoach.demo.generator import (
    DEFAULT_SEED,
    DEFAULT_SHAPE,
    SCHEDULES,
    SHAPES,
    demo_check_arguments,
    demo_delete,
    demo_exists,
    demo_generate,
    demo_shape,
)
from kehoach.text import number_vi
from reports.models import ReportStatus


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",")


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu quy mô cấp tỉnh (đơn vị, tài khoản, kế hoạch, nhiệm vụ và báo cáo nhiều năm) để "
        "trình diễn và đo hiệu năng. Cùng hạt giống cho cùng dữ liệu. Chỉ thêm dữ liệu có mã “demo-”, "
        "“kh-demo-”; không đụng đến dữ liệu khác. Từ ngữ của dữ liệu lấy từ fixtures/demo/province.json."
    )

    def add_arguments(self, parser):
        # Read as text and checked here: argparse's own messages would be in English.
        shapes = "; ".join(
            f"{name}: {number_vi(s['units'])} đơn vị, {s['plans']} kế hoạch × {s['tasks_per_plan']} nhiệm vụ, "
            f"{s['years']} năm, lịch {s['schedule']}"
            for name, s in SHAPES.items()
        )
        parser.add_argument(
            "--shape",
            default=DEFAULT_SHAPE,
            help=f"Dạng dữ liệu, cho các giá trị mặc định dưới đây ({shapes}; mặc định {DEFAULT_SHAPE}).",
        )
        parser.add_argument(
            "--schedule",
            default=None,
            help="Lịch báo cáo của các kế hoạch: "
            + "; ".join(f"{key} ({label})" for key, label in SCHEDULES.items())
            + " (mặc định theo dạng dữ liệu).",
        )
        parser.add_argument("--units", default=None, help="Số đơn vị, kể cả nhóm đơn vị (20–5000).")
        parser.add_argument("--plans", default=None, help="Số kế hoạch (1–1000).")
        parser.add_argument("--tasks-per-plan", default=None, help="Số nhiệm vụ mỗi kế hoạch (1–200).")
        parser.add_argument("--years", default=None, help="Số năm báo cáo (1–30).")
        parser.add_argument(
            "--seed", default=str(DEFAULT_SEED), help=f"Hạt giống ngẫu nhiên (mặc định {DEFAULT_SEED})."
        )
        parser.add_argument("--last-year", default=None, help="Năm cuối của dữ liệu (mặc định: năm nay).")
        parser.add_argument(
            "--replace", action="store_true", help="Xóa dữ liệu mẫu đã có (và chỉ dữ liệu mẫu) rồi tạo lại."
        )

    def handle(
        self, *args, shape, schedule, units, plans, tasks_per_plan, years, seed, last_year, replace, **options
    ):
        try:
            sizes = demo_shape(shape)
            given = {
                "units": units,
                "plans": plans,
                "tasks_per_plan": tasks_per_plan,
                "years": years,
                "schedule": schedule,
            }
            sizes.update({name: value for name, value in given.items() if value is not None})
            arguments = demo_check_arguments(
                **sizes,
                seed=seed,
                last_year=timezone.localdate().year if last_year in (None, "") else last_year,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        started = time.perf_counter()
        with transaction.atomic():
            if demo_exists():
                if not replace:
                    raise CommandError(
                        "Cơ sở dữ liệu đã có dữ liệu mẫu (mã bắt đầu bằng “demo-” hoặc “kh-demo-”). "
                        "Chạy lại với --replace để xóa dữ liệu mẫu cũ và tạo lại."
                    )
                try:
                    demo_delete()
                except (ProtectedError, IntegrityError) as exc:
                    raise CommandError(
                        "Không xóa được dữ liệu mẫu cũ: có dữ liệu khác (không phải dữ liệu mẫu) đang tham chiếu "
                        f"đến nó. Không có gì bị thay đổi. Chi tiết: {exc}"
                    ) from exc
                self.stdout.write(f"Đã xóa dữ liệu mẫu cũ ({_seconds(time.perf_counter() - started)} giây).")
            a = arguments
            self.stdout.write(
                f"Tạo dữ liệu mẫu: {number_vi(a['units'])} đơn vị, {number_vi(a['plans'])} kế hoạch × {number_vi(a['tasks_per_plan'])} "
                f"nhiệm vụ, {a['years']} năm đến {a['last_year']}, lịch báo cáo {SCHEDULES[a['schedule']]}, "
                f"hạt giống {a['seed']}…"
            )
            generating = time.perf_counter()
            summary = demo_generate(stdout=self.stdout, **arguments)
        # Counted once committed: on PostgreSQL the foreign keys of every row are checked at commit.
        elapsed = time.perf_counter() - generating

        s = summary
        statuses = ", ".join(
            f"{ReportStatus(status).label.lower()} {number_vi(count)}"
            for status, count in s.reports_by_status.items()
        )
        coordinators = ", ".join(f"{username} ({unit})" for username, unit in s.coordinators)
        schedules = ", ".join(
            f"{SCHEDULES[kind]} {number_vi(count)}" for kind, count in sorted(s.plans_by_schedule.items())
        )
        lines = [
            f"Đã tạo dữ liệu mẫu các năm {s.first_year}–{s.last_year} (hạt giống {s.seed}, số liệu tính đến "
            f"ngày {s.as_of:%d/%m/%Y}):",
            f"  Đơn vị: {number_vi(s.units)} (trong đó {number_vi(s.groups)} nhóm đơn vị; {number_vi(s.retired_units)} đơn vị đã "
            "sáp nhập vào đơn vị kế thừa)",
            f"  Tài khoản: {number_vi(s.users)} (mật khẩu chung: {demo_password()}; điều phối: {coordinators}; "
            "lãnh đạo Sở: demo-giamdoc, tài chính: demo-ketoan)",
            f"  Kế hoạch: {number_vi(s.plans)} ({schedules}; {number_vi(s.plan_roles)} vai trò điều phối riêng); "
            f"nhiệm vụ: {number_vi(s.tasks)} (trong đó {number_vi(s.sub_tasks)} nhiệm vụ con, "
            f"{number_vi(s.co_led_tasks)} có hai đơn vị chủ trì); phân công: {number_vi(s.assignments)}; "
            f"trách nhiệm tổ chức thực hiện: {number_vi(s.duties)}",
            f"  Kỳ báo cáo: {number_vi(s.periods)}; đơn vị báo cáo năm {s.last_year}: {number_vi(s.reporting_units)}",
            f"  Báo cáo nhiệm vụ: {number_vi(s.reports)} ({statuses})",
            f"  Chỉ tiêu: {number_vi(s.indicators)} ({number_vi(s.targets)} mức chỉ tiêu theo năm); "
            f"số liệu chỉ tiêu đã báo cáo: {number_vi(s.outputs)}; tệp minh chứng (chỉ thông tin, không có tệp): "
            f"{number_vi(s.evidence)}; sự kiện: {number_vi(s.events)}; ý kiến chỉ đạo: {number_vi(s.directions)}",
        ]
        rate = s.reports / elapsed if elapsed > 0 else 0
        lines.append(
            f"Thời gian tạo (đến khi ghi xong): {_seconds(elapsed)} giây — {number_vi(round(rate))} báo cáo/giây."
        )
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Xong sau {_seconds(time.perf_counter() - started)} giây."))
