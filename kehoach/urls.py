from django.contrib import admin
from django.urls import path

admin.site.site_header = "Kế hoạch 463 — Sở Khoa học và Công nghệ Đồng Nai"
admin.site.site_title = "Quản trị Kế hoạch 463"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("admin/", admin.site.urls),
]
