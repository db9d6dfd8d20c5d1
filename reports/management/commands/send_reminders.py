"""`manage.py send_reminders`: the daily scheduled reminders (đôn đốc), see reports.followup."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kehoach.text import parse_date
from reports.followup.reminders import ReminderMail, reminders_due, stage_label
from reports.followup.services import reminders_send_scheduled


def _date(value: str) -> datetime.date:
    date = parse_date(value)
    if date is not None:
        return date
    raise CommandError(
        f"Ngày “{value}” không hợp lệ: hãy ghi theo dạng dd/mm/yyyy (ví dụ 01/11/2026) hoặc yyyy-mm-dd."
    )


def _line(unit, count: int, stages: list[str], to: list[str], cc: list[str]) -> str:
    line = f"  - {unit.name}: {count} báo cáo ({'; '.join(stages)}); gửi đến: {', '.join(to)}"
    return line + (f"; đồng gửi: {', '.join(cc)}" if cc else "")


class Command(BaseCommand):
    help = (
        "Gửi thư đôn đốc theo lịch: mỗi đơn vị còn nợ báo cáo nhận một thư khi đến mốc nhắc trước hạn "
        "hoặc mỗi tuần quá hạn. Chạy mỗi ngày một lần (cron); chạy lại trong ngày không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", default=None, help="Ngày tính mốc nhắc, dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: hôm nay)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê các thư sẽ gửi; không gửi, không ghi nhận gì."
        )

    def handle(self, *args, date, dry_run, **options):
        today = _date(date) if date is not None else timezone.localdate()
        if dry_run:
            self._dry_run(today)
            return
        run = reminders_send_scheduled(today)
        if not (run.sent or run.skipped or run.failed):
            self.stdout.write(f"Ngày {today:%d/%m/%Y}: không có thư đôn đốc nào đến hạn gửi.")
            return
        self.stdout.write(self.style.SUCCESS(f"Ngày {today:%d/%m/%Y}: đã gửi {len(run.sent)} thư đôn đốc."))
        for reminder in run.sent:
            self.stdout.write(
                _line(
                    reminder.unit,
                    reminder.report_count,
                    [stage_label(stage) for stage in reminder.stages.select_related("period__plan")],
                    reminder.recipients.splitlines(),
                    reminder.copy_to.splitlines(),
                )
            )
        self._skipped(run.skipped)
        for mail, error in run.failed:
            self.stderr.write(
                self.style.ERROR(
                    f"Không gửi được thư đôn đốc đến {mail.unit.name} ({error}); "
                    "chưa ghi nhận, lần chạy sau sẽ gửi lại."
                )
            )
        if run.failed:
            raise CommandError(f"{len(run.failed)} thư đôn đốc không gửi được.")

    def _dry_run(self, today: datetime.date) -> None:
        mails = reminders_due(today)
        ready = [mail for mail in mails if mail.to]
        self.stdout.write(
            f"Chạy thử ngày {today:%d/%m/%Y}: sẽ gửi {len(ready)} thư đôn đốc (không gửi, không ghi nhận gì)."
        )
        for mail in ready:
            self.stdout.write(_line(mail.unit, len(mail.reports), mail.stage_labels, mail.to, mail.cc))
        self._skipped([mail for mail in mails if not mail.to])

    def _skipped(self, mails: list[ReminderMail]) -> None:
        if not mails:
            return
        self.stdout.write(
            self.style.WARNING(
                f"Không gửi được cho {len(mails)} đơn vị vì chưa có địa chỉ thư điện tử "
                "(của đơn vị hoặc của cán bộ, lãnh đạo đơn vị); hãy bổ sung địa chỉ, lần chạy sau sẽ gửi:"
            )
        )
        for mail in mails:
            self.stdout.write(f"  - {mail.unit.name}: {len(mail.reports)} báo cáo còn nợ")
