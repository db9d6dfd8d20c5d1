"""The private calendar of deadlines: the page that hands out its address, and the feed itself."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from reports.exports.ics import calendar_ics

from .selectors import calendar_deadlines, calendar_name, user_for_token
from .services import calendar_token_issue

FEED_FILENAME = "han-bao-cao.ics"
# Calendar programs poll on their own schedule; only a private cache may keep a copy, for an hour.
FEED_MAX_AGE = 60 * 60


DEADLINES_PER_PAGE = 50


def _deadlines_page(request, deadlines, today):
    """A page of the deadlines: the one asked for, else the one holding the next deadline from
    today (the earlier ones are a page back)."""
    number = request.GET.get("page")
    if number is None:
        upcoming = next((i for i, deadline in enumerate(deadlines) if deadline.day >= today), 0)
        number = upcoming // DEADLINES_PER_PAGE + 1
    return Paginator(deadlines, DEADLINES_PER_PAGE).get_page(number)


def _page(request, token: str | None = None):
    """The calendar page; with `token`, the address just issued, shown this once."""
    user, today = request.user, timezone.localdate()
    feed_url = None
    if token is not None:
        feed_url = request.build_absolute_uri(reverse("reports:calendar_feed", args=[token]))
    context = {
        "feed_url": feed_url,
        "webcal_url": feed_url and "webcal://" + feed_url.split("://", 1)[1],
        # Only the token's digest is stored: a later visit can say that an address exists and
        # since when, never what it is.
        "has_address": bool(user.calendar_token),
        "issued_at": user.calendar_token_issued_at,
        "calendar_name": calendar_name(user),
        "deadlines": _deadlines_page(request, calendar_deadlines(user, today, described=False), today),
        "today": today,
    }
    return render(request, "reports/calendar.html", context)


@never_cache
@require_safe
def calendar_page(request):
    return _page(request)


# The address is shown once, in the response to the POST that issues it, rather than after a
# redirect: the token then exists only in this response, never in the session store, a query
# string, a log or a cache (never_cache: no-store), and a later GET of the page has nothing to show.
# Reloading the response asks to send the form again, which issues another address and revokes the
# one shown, so the address on screen is always the one that works.
@never_cache
@require_POST
def calendar_renew(request):
    renewed = bool(request.user.calendar_token)
    token = calendar_token_issue(user=request.user)
    if renewed:
        messages.success(request, "Đã cấp địa chỉ lịch mới; địa chỉ cũ không còn dùng được.")
    else:
        messages.success(request, "Đã cấp địa chỉ lịch riêng của bạn.")
    return _page(request, token)


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
        owner=settings.SITE_OWNER,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FEED_FILENAME}"'
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
