"""Writes of the calendar: the secret token in each user's calendar address."""

import secrets

from django.utils import timezone

from tasks.models import User

from .selectors import token_digest

TOKEN_BYTES = 32


def calendar_token_issue(*, user: User) -> str:
    """Give the user a new secret calendar token and return it; the old address stops working.

    Only the token's digest is stored (and so backed up): the token returned is the one chance to
    show the address, and nothing can show it again.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    user.calendar_token = token_digest(token)
    user.calendar_token_issued_at = timezone.now()
    user.save(update_fields=["calendar_token", "calendar_token_issued_at"])
    return token
