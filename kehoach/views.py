"""Pages outside any capability: the health addresses, the locked-out login and the refused form."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def alive(request):
    """For load balancers and the benchmark's baseline: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def alive_logged_in(request):
    """The benchmark's floor for the pages behind the login (which LoginRequiredMiddleware asks for,
    as on every page): a logged-in user's session, the navigation and the base template, no content.
    Every page is measured against it."""
    return render(request, "alive_logged_in.html")


@login_not_required
def locked_out(request, response=None, credentials=None):
    """django-axes: the page a locked-out login gets, saying until when."""
    cooloff = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    unlock_at = timezone.localtime() + cooloff
    context = {
        "unlock_at": unlock_at,
        "minutes": int(cooloff.total_seconds() // 60),
        "limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


@login_not_required
def csrf_failure(request, reason=""):
    """A refused form (missing or stale security token) explained in Vietnamese."""
    return render(request, "403_csrf.html", status=403)
