"""Behind nginx (TRUSTED_PROXY_COUNT=1), login throttling and the refused-access log key on the real
client's address: a stranger cannot lock out a person who logs in from elsewhere, and a forged
X-Forwarded-For changes nothing."""

import logging

import pytest
from axes.models import AccessAttempt

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/dang-nhap/"
NGINX = "127.0.0.1"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5


def attempt(client, username, password, forwarded_for):
    """A login as nginx passes it on: the socket is nginx, the header ends with the client."""
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_a_stranger_cannot_lock_out_a_person_who_logs_in_from_elsewhere(client):
    # Given the deputy director, and a stranger who tries five wrong passwords from 203.0.113.9
    UserFactory(username="phogiamdoc")
    for _ in range(5):
        attempt(client, "phogiamdoc", "sai", "203.0.113.9")

    # Then the stranger is locked out, with the real address recorded
    assert attempt(client, "phogiamdoc", PASSWORD, "203.0.113.9").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    # and the deputy director, from the department's own address, logs in
    assert attempt(client, "phogiamdoc", PASSWORD, "198.51.100.20").status_code == 302


def test_a_forged_header_is_not_believed(client):
    UserFactory(username="phogiamdoc")
    # The stranger writes the victim's address first; nginx appends the stranger's real one
    for _ in range(5):
        attempt(client, "phogiamdoc", "sai", "198.51.100.20, 203.0.113.9")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert attempt(client, "phogiamdoc", PASSWORD, "198.51.100.20").status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(username="an")

    attempt(client, "an", "sai", "203.0.113.9")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {NGINX}


def test_a_refused_access_is_logged_with_the_real_address(client, caplog):
    client.force_login(UserFactory(username="an"))
    with caplog.at_level(logging.WARNING, logger="kehoach.access"):
        client.get("/theo-doi/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9")

    [line] = [r.getMessage() for r in caplog.records if r.name == "kehoach.access"]
    assert "status=403" in line and "ip=203.0.113.9" in line


def test_a_very_long_username_is_refused_without_a_server_error(client):
    for length in (256, 300, 10_000):
        response = attempt(client, "x" * length, "sai", "203.0.113.9")
        assert response.status_code == 200
        assert "Tên đăng nhập" in response.content.decode()
