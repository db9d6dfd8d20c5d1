from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_safe

admin.site.site_header = "Kế hoạch 463 — Sở Khoa học và Công nghệ Đồng Nai"
admin.site.site_title = "Quản trị Kế hoạch 463"
admin.site.index_title = "Quản trị hệ thống"



@login_not_required
@require_safe
def alive(request):
    """For load balancers and the benchmark's baseline: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("ok/", alive, name="alive"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]
