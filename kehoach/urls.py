from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = f"{settings.SITE_NAME} — {settings.SITE_OWNER}"
admin.site.site_title = f"Quản trị — {settings.SITE_NAME}"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("ok/", views.alive, name="alive"),
    path("ok/phien/", views.alive_logged_in, name="alive_logged_in"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]
