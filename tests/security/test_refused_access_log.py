"""Every refused access is logged with who asked, what and from where."""

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
