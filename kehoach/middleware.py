"""Every refused access written to the log, with who asked: the trail an administrator follows after
someone tried another unit's reports or a page their role does not open."""

import logging

logger = logging.getLogger("kehoach.access")

# 403 forbidden, 404 not found (another unit's object answers 404, not to reveal it exists),
# 405 wrong method, 429 locked out by too many failed logins.
REFUSED = {403, 404, 405, 429}


class RefusedAccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            user = getattr(request, "user", None)
            logger.warning(
                "refused status=%s method=%s path=%s user=%s ip=%s",
                response.status_code,
                request.method,
                request.get_full_path()[:500],
                user.get_username() if user is not None and user.is_authenticated else "-",
                request.META.get("REMOTE_ADDR", "-"),
            )
        return response
