"""The private calendar of deadlines: the page that hands out its address, and the feed itself."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from reports.exports.ics import calendar_ics

from .selectors import calendar_deadlines, calendar_name, user_for_token
from .services import calendar_token_issue

FEED_FILENAME = "ke-hoach-463.ics"
# Calendar programs poll on their own schedule; only a private cache may keep a copy, for an hour.
FEED_MAX_AGE = 60 * 60


@never_cache  # the page shows a secret address
@require_safe
def calendar_page(request):
    user, today = request.user, timezone.localdate()
    feed_url = None
    if user.calendar_token:
        feed_url = request.build_absolute_uri(reverse("reports:calendar_feed", args=[user.calendar_token]))
    context = {
        "feed_url": feed_url,
        "webcal_url": feed_url and "webcal://" + feed_url.split("://", 1)[1],
        "calendar_name": calendar_name(user),
        "deadlines": calendar_deadlines(user, today),
        "today": today,
    }
    return render(request, "reports/calendar.html", context)


@require_POST
def calendar_renew(request):
    renewed = bool(request.user.calendar_token)
    calendar_token_issue(user=request.user)
    if renewed:
        messages.success(request, "Đã cấp địa chỉ lịch mới; địa chỉ cũ không còn dùng được.")
    else:
        messages.success(request, "Đã cấp địa chỉ lịch riêng của bạn.")
    return redirect("reports:calendar")


@login_not_required  # calendar programs fetch it without a session: the token is the credential
@require_safe
def calendar_feed(request, token):
    user = user_for_token(token)
    if user is None:
        raise Http404
    content = calendar_ics(
        calendar_name(user),
        calendar_deadlines(user, timezone.localdate()),
        site_url=settings.SITE_URL,
        time_zone=settings.TIME_ZONE,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FEED_FILENAME}"'
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
