"""`manage.py clean_imports`: the sheets the admin's import kept for a preview never confirmed.

import-export writes each uploaded sheet to its temporary storage for the preview
(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS, MediaStorage: the folder `MEDIA_FOLDER` of MEDIA_ROOT)
and removes it when the import is confirmed; the admin (tasks.admin) removes it when the preview
refuses the sheet. What is left is a preview nobody confirmed: removed here once old enough. Only
files directly in that folder are touched; evidence (`minh-chung/`) and the rest of MEDIA_ROOT never.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string
from import_export.tmp_storages import MediaStorage

from kehoach.text import number_vi


def import_tmp_storage() -> MediaStorage | None:
    """The temporary storage of the admin's import, as import-export builds it; None when it does
    not keep its files in MEDIA_ROOT (a cache or the system's temporary folder clean themselves)."""
    storage_class = getattr(settings, "IMPORT_EXPORT_TMP_STORAGE_CLASS", None)
    if isinstance(storage_class, str):
        storage_class = import_string(storage_class)
    if not (isinstance(storage_class, type) and issubclass(storage_class, MediaStorage)):
        return None
    return storage_class()


class Command(BaseCommand):
    help = (
        "Xóa các tệp bảng tính mà trang nhập dữ liệu lưu tạm để xem trước nhưng không ai xác nhận nhập, "
        "cũ hơn số giờ cho trước (mặc định 24). Không đụng tới tệp nào khác, kể cả tệp minh chứng. "
        "Chạy lại nhiều lần không sao."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=24,
            help="Chỉ xóa tệp lưu tạm cũ hơn số giờ này (mặc định 24).",
        )

    def handle(self, *args, older_than_hours, **options):
        if older_than_hours < 0:
            raise CommandError("Số giờ phải là một số nguyên không âm.")
        tmp = import_tmp_storage()
        if tmp is None:
            self.stdout.write("Tệp nhập bảng tính tạm không lưu trong MEDIA_ROOT: không có gì để xóa.")
            return
        if not tmp.MEDIA_FOLDER:
            # Without its own folder, the import's files sit among every other upload: refuse to guess.
            raise CommandError(
                "Tệp nhập bảng tính tạm không có thư mục riêng trong MEDIA_ROOT: không xóa gì."
            )
        storage, folder = tmp._storage, tmp.MEDIA_FOLDER
        before = timezone.now() - datetime.timedelta(hours=older_than_hours)
        try:
            _, names = storage.listdir(folder)
        except FileNotFoundError:  # no import yet
            names = []
        removed = 0
        for name in names:
            path = f"{folder}/{name}"
            try:
                stale = storage.get_modified_time(path) < before
            except FileNotFoundError:  # confirmed meanwhile
                continue
            if stale:
                storage.delete(path)
                removed += 1
        if removed:
            self.stdout.write(
                f"Đã xóa {number_vi(removed)} tệp nhập bảng tính tạm cũ hơn {older_than_hours} giờ."
            )
        else:
            self.stdout.write(f"Không có tệp nhập bảng tính tạm nào cũ hơn {older_than_hours} giờ.")
