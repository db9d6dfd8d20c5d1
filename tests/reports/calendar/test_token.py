"""The calendar token is stored only as its SHA-256 digest, so neither the database nor a backup of it
holds a calendar address; the address is shown once, in the response that issues it.
"""

import hashlib
import importlib
import logging
import re
import tarfile

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from kehoach.backup.archive import backup_write
from reports.calendar.selectors import token_digest, user_for_token
from reports.calendar.services import calendar_token_issue
from tasks.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("before_deadline")

PAGE, RENEW = reverse("reports:calendar"), reverse("reports:calendar_renew")
ONCE = "Địa chỉ này chỉ hiện một lần này."
migration = importlib.import_module("tasks.migrations.0003_calendar_token_hashed")


def feed_url(token: str) -> str:
    return reverse("reports:calendar_feed", args=[token])


def shown_token(response) -> str:
    found = re.findall(r"/lich/([A-Za-z0-9_-]+)\.ics", response.content.decode())
    assert found and len(set(found)) == 1, found
    return found[0]


def stored_values(user: User) -> list[str]:
    """Every column of the user's row, and of its rows in the history of changes, as text."""
    row = User.objects.filter(pk=user.pk).values().get()
    history = list(User.history.filter(id=user.pk).values())
    assert history, "the history of changes is searched too"
    return [str(value) for record in [row, *history] for value in record.values()]


# ------------------------------------------------------------------------------
# What is stored
# ------------------------------------------------------------------------------
def test_the_database_holds_only_the_digest_of_the_token(world):
    user = world.ttkhcn_staff

    token = calendar_token_issue(user=user)

    user.refresh_from_db()
    assert user.calendar_token == hashlib.sha256(token.encode()).hexdigest() == token_digest(token)
    assert re.fullmatch(r"[0-9a-f]{64}", user.calendar_token)
    assert not any(token in value for value in stored_values(user))
    assert user.calendar_token_issued_at is not None


def test_a_backup_holds_the_digest_and_never_the_token(client, world, tmp_path):
    # Given an address issued through the page, the session still open
    client.force_login(world.ttkhcn_staff)
    token = shown_token(client.post(RENEW))

    # When the database is backed up
    path = tmp_path / "sao-luu.tar.gz"
    backup_write(path)

    # Then the archive holds the digest, never the token
    with tarfile.open(path, "r:gz") as tar:
        contents = [tar.extractfile(member).read() for member in tar if member.isfile()]
    assert not any(token.encode() in content for content in contents)
    assert any(token_digest(token).encode() in content for content in contents)


def test_the_feed_opens_with_the_token_and_not_with_its_digest(world):
    user = world.ttkhcn_staff
    token = calendar_token_issue(user=user)
    user.refresh_from_db()

    assert Client().get(feed_url(token)).status_code == 200
    # What a stolen backup would give: the digest is no address.
    assert Client().get(feed_url(user.calendar_token)).status_code == 404
    assert user_for_token(user.calendar_token) is None


def test_renewing_revokes_the_old_address(client, world):
    user = world.ttkhcn_staff
    old = calendar_token_issue(user=user)
    client.force_login(user)

    new = shown_token(client.post(RENEW))

    assert new != old
    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(feed_url(new)).status_code == 200


# ------------------------------------------------------------------------------
# Shown once
# ------------------------------------------------------------------------------
def test_the_address_is_shown_on_issuing_and_never_on_a_later_visit(client, world, caplog):
    user = world.ttkhcn_staff
    client.force_login(user)
    caplog.set_level(logging.DEBUG)

    # When the officer asks for an address, the response shows it in full, once, and says so
    response = client.post(RENEW)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = shown_token(response)
    page = response.content.decode()
    assert f"http://testserver{feed_url(token)}" in page
    assert f"webcal://testserver{feed_url(token)}" in page
    assert ONCE in page and "sao chép" in page
    assert Client().get(feed_url(token)).status_code == 200

    # Then a later visit says an address exists and since when, and offers a new one, never the address
    for _ in range(2):
        page = client.get(PAGE).content.decode()
        assert token not in page and ".ics" not in page and "webcal://" not in page
        assert ONCE not in page
        assert "Bạn đã có một địa chỉ lịch riêng, cấp ngày 20/10/2026 lúc 09:00." in page
        assert "Cấp địa chỉ mới (hủy địa chỉ cũ)" in page

    # And the token was kept nowhere on the way: not in the session, not in a log
    assert not any(token in str(value) for value in client.session.values())
    assert token not in caplog.text


def test_a_renewal_shows_the_new_address_once_too(client, world):
    user = world.ttkhcn_staff
    calendar_token_issue(user=user)
    client.force_login(user)
    page = client.get(PAGE).content.decode()
    assert "Bạn đã có một địa chỉ lịch riêng" in page and ".ics" not in page

    response = client.post(RENEW)

    token = shown_token(response)
    assert ONCE in response.content.decode()
    assert "Đã cấp địa chỉ lịch mới; địa chỉ cũ không còn dùng được." in response.content.decode()
    assert token not in client.get(PAGE).content.decode()


# ------------------------------------------------------------------------------
# Tokens issued before: the migration
# ------------------------------------------------------------------------------
def test_a_plain_token_of_the_old_code_is_hashed_and_keeps_working(client, world):
    # Given a token stored plain by the old code, another user without one, and one already hashed
    plain = "Zk3-" + "a" * 39  # token_urlsafe(32) is 43 characters
    old = UserFactory(calendar_token=plain)
    without = UserFactory()
    already = world.ttkhcn_staff
    current = calendar_token_issue(user=already)
    already.refresh_from_db()
    digest_before = already.calendar_token

    # When the migration runs (twice: going back and forth again must not hash a digest twice)
    migration.hash_plain_tokens(apps, None)
    migration.hash_plain_tokens(apps, None)

    # Then the database holds the digest, and the address handed out still opens the feed
    old.refresh_from_db()
    assert old.calendar_token == hashlib.sha256(plain.encode()).hexdigest()
    assert not any(plain in value for value in stored_values(old))
    assert user_for_token(plain) == old
    assert Client().get(feed_url(plain)).status_code == 200
    without.refresh_from_db()
    assert without.calendar_token is None
    already.refresh_from_db()
    assert already.calendar_token == digest_before
    assert Client().get(feed_url(current)).status_code == 200

    # And its page says an address exists, with no date (unknown before), never the address
    client.force_login(old)
    page = client.get(PAGE).content.decode()
    assert "Bạn đã có một địa chỉ lịch riêng." in page
    assert plain not in page and ".ics" not in page


# ------------------------------------------------------------------------------
# Unknown and malformed tokens
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,  # well formed, nobody's
        "a" * 64,  # shaped like a digest
        "x",
        "A" * 65,
        "A" * 42 + "!",
        "A" * 40 + ".ab",
        "%00" + "A" * 40,
        "%C3%A9" * 10,
    ],
)
def test_an_unknown_or_malformed_token_is_not_found(world, token):
    calendar_token_issue(user=world.ttkhcn_staff)
    response = Client(raise_request_exception=True).get(feed_url(token))
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("text/calendar")
