"""Writes of the calendar: the secret token in each user's calendar address."""

import secrets

from tasks.models import User

TOKEN_BYTES = 32


def calendar_token_issue(*, user: User) -> str:
    """Give the user a new secret calendar token and return it; the old address stops working."""
    user.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
