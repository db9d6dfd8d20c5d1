"""`manage.py import_plan PATH [--confirm]`: read a plan from its Word document (docs/plan-document.md)."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tasks.models import Assignment, LegalDocument, Unit, UnitKind
from tasks.plan_document.draft import MATCHED, Draft, Mention
from tasks.plan_document.plan_file import PlanChoices, Resolution
from tasks.plan_document.present import (
    deadline_words,
    document_type_words,
    duty_words,
    issued_words,
    schedule_words,
    shape_words,
    status_words,
)
from tasks.plan_document.services import already_loaded_message, plan_document_import, plan_document_read
from tasks.plan_document.source import UnreadableDocument
from tasks.plan_document.words import key


def _pair(value: str, option: str) -> tuple[str, str]:
    if "=" not in value:
        raise CommandError(f"{option} cần dạng “tên như trong văn bản=giá trị”, nhận được “{value}”.")
    name, _, target = value.rpartition("=")
    return name.strip(), target.strip()


class Command(BaseCommand):
    help = (
        "Đọc một kế hoạch từ tệp Word (.docx) và hiện bản nháp: phần đầu, văn bản căn cứ, các nhiệm vụ, đơn vị chủ "
        "trì, phối hợp, thời hạn, người ký, nơi nhận, các tên đơn vị chưa khớp. Chỉ lưu khi có --confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp .docx của kế hoạch.")
        parser.add_argument(
            "--confirm", action="store_true", help="Lưu kế hoạch (mặc định chỉ hiện bản nháp)."
        )
        parser.add_argument("--code", default="", help="Mã kế hoạch (mặc định: mã đề xuất trong bản nháp).")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TÊN=MÃ",
            help="Gán một tên trong văn bản cho đơn vị có sẵn, theo mã đơn vị (dùng nhiều lần được).",
        )
        parser.add_argument(
            "--new",
            action="append",
            default=[],
            metavar="TÊN=LOẠI",
            help="Tạo đơn vị mới cho một tên trong văn bản; LOẠI: " + ", ".join(UnitKind.values) + ".",
        )
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            metavar="TÊN",
            help="Bỏ qua một tên: giữ trong nguyên văn, không phân công đơn vị nào.",
        )

    def handle(self, *args, path, confirm, code, map, new, skip, **options):
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp “{file}”: {exc.strerror or exc}.") from exc
        try:
            draft = plan_document_read(data, file.name)
        except UnreadableDocument as exc:
            raise CommandError(f"{exc.message} Không lưu gì.") from exc
        names = dict(Unit.objects.values_list("code", "name"))
        resolutions = self._resolutions(map, new, skip, names)
        self._show(draft, names, resolutions)
        if draft.existing_plan:
            message = already_loaded_message(draft.existing_plan)
            if confirm:
                raise CommandError(message)
            self.stdout.write(self.style.WARNING(message))
            return
        if not confirm:
            self.stdout.write(
                self.style.WARNING(
                    "Chưa lưu gì. Xem lại bản nháp, rồi chạy lại lệnh với --confirm để nhập kế hoạch."
                )
            )
            return
        try:
            plan = plan_document_import(draft=draft, resolutions=resolutions, choices=PlanChoices(code=code))
        except ValidationError as exc:
            raise CommandError("Không lưu gì: " + " ".join(exc.messages)) from exc
        tasks = plan.tasks.count()
        assignments = Assignment.objects.filter(task__plan=plan).count()
        documents = LegalDocument.objects.filter(plans=plan).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập kế hoạch {plan.code}: {tasks} nhiệm vụ, {assignments} phân công, {documents} văn bản căn cứ. "
                "Lịch sử thay đổi ghi “Nhập từ văn bản”."
            )
        )

    def _resolutions(self, mapped, created, skipped, names) -> dict[str, Resolution]:
        resolutions: dict[str, Resolution] = {}
        for value in mapped:
            name, code = _pair(value, "--map")
            if code not in names:
                raise CommandError(f"--map: không có đơn vị mã “{code}”.")
            resolutions[key(name)] = Resolution(unit=code)
        for value in created:
            name, kind = _pair(value, "--new")
            if kind not in UnitKind.values:
                raise CommandError(
                    f"--new: loại đơn vị “{kind}” không có; chọn một trong: {', '.join(UnitKind.values)}."
                )
            resolutions[key(name)] = Resolution(new_name=name, new_kind=kind)
        for name in skipped:
            resolutions[key(name)] = Resolution(skip=True)
        return resolutions

    # -- the draft in words ----------------------------------------------------------------------
    def _unit(self, mention: Mention | None, names, resolutions) -> str:
        if mention is None:
            return "(không có)"
        chosen = resolutions.get(mention.key)
        if chosen is not None:
            if chosen.skip:
                return f"“{mention.text}” → bỏ qua"
            if chosen.unit:
                return f"“{mention.text}” → {names[chosen.unit]} ({chosen.unit}), theo --map"
            return f"“{mention.text}” → đơn vị mới “{chosen.new_name}” ({UnitKind(chosen.new_kind).label})"
        if mention.unit:
            mark = "" if mention.status == MATCHED else f" [{status_words(mention.status)}: {mention.reason}]"
            return f"“{mention.text}” → {names.get(mention.unit, mention.unit)} ({mention.unit}){mark}"
        return f"“{mention.text}” → [{status_words(mention.status)}] {mention.reason}"

    def _show(self, draft: Draft, names, resolutions) -> None:
        write = self.stdout.write

        def unit(mention):
            return self._unit(mention, names, resolutions)

        write(
            self.style.MIGRATE_HEADING(
                f"Bản nháp kế hoạch đọc từ “{draft.source_name}” ({shape_words(draft)})"
            )
        )
        write(f"Cơ quan chủ quản: {draft.authority or '(không ghi)'}")
        write(f"Cơ quan ban hành: {unit(draft.issuer)}")
        write(f"Số, ký hiệu: {draft.number or draft.number_template or '(không ghi)'}")
        write(f"Địa danh, thời gian: {draft.date_text or '(không ghi)'} — {issued_words(draft)}")
        write(f"Tên loại và trích yếu: {draft.doc_type or '(không ghi)'} — {draft.title or '(không ghi)'}")
        write(f"Mã kế hoạch sẽ dùng: {draft.code}")
        write("")
        write(self.style.MIGRATE_HEADING(f"Văn bản căn cứ ({len(draft.basis)})"))
        for document in draft.basis:
            issued = datetime.date.fromisoformat(document.issued_on) if document.issued_on else None
            when = f" ngày {issued:%d/%m/%Y}" if issued else ""
            write(f"  - {document_type_words(document.doc_type)} số {document.number}{when}:")
            write(f"    {document.subject}")
            write(f"    Cơ quan ban hành: {unit(document.issuer)}")
        write("")
        write(self.style.MIGRATE_HEADING(f"Nhiệm vụ ({len(draft.tasks)})"))
        for task in draft.tasks:
            indent = "  " * (task.depth + 1)
            title = task.title + (" [tên ngắn tự đặt từ nội dung]" if task.title_guessed else "")
            write(f"{indent}{task.number}. {title}")
            if task.group:
                write(f"{indent}   Nhóm: {task.group}")
            content = task.content.replace("\n", f"\n{indent}   ")
            write(f"{indent}   Nội dung: {content}")
            write(f"{indent}   Chủ trì (nguyên văn): {task.lead_text or '(không ghi)'}")
            for mention in task.leads:
                write(f"{indent}     chủ trì: {unit(mention)}")
            write(f"{indent}   Phối hợp (nguyên văn): {task.partner_text or '(không ghi)'}")
            for mention in task.partners:
                write(f"{indent}     phối hợp: {unit(mention)}")
            deadline = task.deadline
            guess = f" [đoán: {deadline.guess}]" if deadline.guess else ""
            write(
                f"{indent}   Thời hạn: “{deadline.text or '(không ghi)'}” → {deadline_words(deadline)}{guess}"
            )
        write("")
        write(self.style.MIGRATE_HEADING("Theo dõi và báo cáo"))
        write(
            f"Kỳ báo cáo: {schedule_words(draft)}"
            + (f" [đoán: {draft.schedule_guess}]" if draft.schedule_guess else "")
        )
        if draft.schedule_text:
            write(f"  (đọc từ: “{draft.schedule_text}”)")
        write(f"Đơn vị đầu mối theo dõi: {unit(draft.coordinating)}")
        write(f"Nơi nhận báo cáo tổng hợp: {unit(draft.report_recipient)}")
        for duty in draft.duties:
            target = f", gửi {unit(duty.recipient)}" if duty.recipient else ""
            write(f"  - {duty_words(duty.kind)}: {unit(duty.unit)}{target}")
        write("")
        write(self.style.MIGRATE_HEADING("Người ký và nơi nhận"))
        write(
            "Người ký: "
            + " / ".join(draft.signer_title.split("\n"))
            + f" — {draft.signer_name or '(không ghi)'}"
        )
        write("Nơi nhận:")
        for line in draft.recipients.split("\n"):
            if line:
                write(f"  {line}")
        if draft.filing_code:
            write(f"Ký hiệu lưu: {draft.filing_code}")
        names_to_resolve = draft.names_to_resolve()
        write("")
        write(self.style.MIGRATE_HEADING(f"Tên đơn vị chưa khớp hoặc cần xem lại ({len(names_to_resolve)})"))
        for mention in names_to_resolve:
            write(f"  - {unit(mention)}")
        if names_to_resolve:
            write(
                '  Gán tên cho đơn vị có sẵn: --map "tên=mã"; tạo đơn vị mới: --new "tên=loại"; bỏ qua: --skip "tên". '
                "Tên đã khớp nhưng cần xem lại vẫn được dùng nếu không chọn khác."
            )
        for warning in draft.warnings:
            write(self.style.WARNING(f"Lưu ý: {warning}"))
