"""Every refused access is logged with who asked, what and from where."""

import io
import logging

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "account, method, url, status",
    [
        ("ttkhcn_staff", "get", "/theo-doi/", 403),  # a page the role does not open
        ("qlcn_staff", "get", "report_of_ttkhcn", 404),  # another unit's report
        ("ttkhcn_staff", "get", "/bao-cao/{pk}/gui/", 405),  # a wrong method
    ],
)
def test_a_refusal_is_logged_with_the_user_path_and_address(
    client, world, caplog, account, method, url, status
):
    pk = world.report("ttkhcn", 1).pk
    url = reverse("reports:report_detail", args=[pk]) if url == "report_of_ttkhcn" else url.format(pk=pk)
    client.force_login(getattr(world, account))

    with caplog.at_level(logging.WARNING, logger="kehoach.access"):
        response = getattr(client, method)(url)

    assert response.status_code == status
    [record] = [r for r in caplog.records if r.name == "kehoach.access"]
    message = record.getMessage()
    assert f"status={status}" in message and f"path={url}" in message
    assert f"user={getattr(world, account).username}" in message and "ip=127.0.0.1" in message


def test_an_allowed_page_is_not_logged_as_refused(client, world, caplog):
    client.force_login(world.coordinator)
    with caplog.at_level(logging.WARNING, logger="kehoach.access"):
        assert client.get("/theo-doi/").status_code == 200
    assert not [r for r in caplog.records if r.name == "kehoach.access"]


@pytest.mark.parametrize(
    "account, url, status",
    [
        ("ttkhcn_staff", "/theo-doi/", 403),  # PermissionDenied raised by the view
        ("qlcn_staff", "report_of_ttkhcn", 404),  # Http404 raised by the view
        ("ttkhcn_staff", "/bao-cao/1/?q=%00", 400),  # refused by the middleware
    ],
)
def test_a_refusal_is_one_line_without_a_traceback(client, world, caplog, account, url, status):
    pk = world.report("ttkhcn", 1).pk
    url = reverse("reports:report_detail", args=[pk]) if url == "report_of_ttkhcn" else url
    client.force_login(getattr(world, account))

    with caplog.at_level(logging.INFO):
        response = client.get(url)

    assert response.status_code == status
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.name == "kehoach.access" and f"status={status}" in record.getMessage()
    assert record.exc_info is None


def test_a_suspicious_request_writes_its_reason_without_the_traceback(client, world, monkeypatch):
    console = next(h for h in logging.getLogger("django.security").handlers if h.get_name() == "console")
    written = io.StringIO()
    monkeypatch.setattr(console, "stream", written)

    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    lines = written.getvalue().splitlines()
    assert len(lines) == 2, lines  # what was suspicious, and the refusal with who asked
    assert "django.security.DisallowedHost" in lines[0] and "evil.example" in lines[0]
    assert "kehoach.access" in lines[1] and "status=400" in lines[1]


def test_a_server_error_still_logs_its_traceback(client, world, caplog, monkeypatch):
    from reports.workflow import views

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(views.selectors, "plans", broken)
    client.raise_request_exception = False
    client.force_login(world.coordinator)

    with caplog.at_level(logging.INFO):
        response = client.get(reverse("reports:plan_list"))

    assert response.status_code == 500
    [error] = [r for r in caplog.records if r.name == "django.request"]
    assert error.exc_info is not None and error.exc_info[0] is RuntimeError
