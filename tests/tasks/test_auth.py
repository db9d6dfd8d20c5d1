"""Logging in: Vietnamese pages, throttling on username and address together, password change."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/dang-nhap/"


def _attempt(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_anonymous_visitors_see_only_the_login_page(client):
    assert client.get("/").status_code == 302
    assert client.get("/").url == "/dang-nhap/?next=/"
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert "Tên đăng nhập" in page.content.decode() and "Mật khẩu" in page.content.decode()


def test_wrong_password_says_so_in_vietnamese(client):
    UserFactory(username="an")
    response = _attempt(client, "an", "sai-mat-khau", "10.0.0.1")
    assert response.status_code == 200
    assert "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác" in response.content.decode()


def test_right_password_opens_the_home_page(client):
    UserFactory(username="an")
    response = _attempt(client, "an", PASSWORD, "10.0.0.1")
    assert response.status_code == 302 and response.url == "/"
    assert "Xin chào" in client.get("/").content.decode()


def test_lockout_is_keyed_on_username_and_address_together(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="an")
    UserFactory(username="binh")
    for _ in range(3):
        _attempt(client, "an", "sai", "10.0.0.1")

    locked = _attempt(client, "an", PASSWORD, "10.0.0.1")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "tạm bị khóa" in page and "đến khoảng" in page
    # The same office address still serves its other people, and the same person elsewhere.
    assert _attempt(client, "binh", PASSWORD, "10.0.0.1").status_code == 302
    client.logout()
    assert _attempt(client, "an", PASSWORD, "10.0.0.2").status_code == 302


def test_logout_needs_a_post_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/dang-xuat/").status_code == 405
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_validates_in_vietnamese(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "quá ngắn" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(
        "/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": "Ke-hoach-463-moi", "new_password2": "Ke-hoach-463-moi"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ke-hoach-463-moi")


def test_a_form_without_its_security_token_is_refused_in_vietnamese(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_a_login_records_its_time_but_no_change_of_the_account(client):
    user = UserFactory(username="an")
    history = user.history.count()

    assert _attempt(client, "an", PASSWORD, "10.0.0.1").status_code == 302

    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == history
