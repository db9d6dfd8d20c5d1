"""The benchmark's floor for the pages behind the login (`make bench`): a logged-in user, the base
template, no content; refused to nobody logged in, as every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

URL = "/ok/phien/"


def test_its_address():
    assert reverse("alive_logged_in") == URL


def test_nobody_logged_in_is_sent_to_the_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("account", ["ttkhcn_staff", "coordinator", "leadership", "finance", "admin"])
def test_a_logged_in_user_gets_the_base_template_and_nothing_else(client, world, account):
    client.force_login(getattr(world, account))
    response = client.get(URL)

    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["alive_logged_in.html", "base.html"]
    html = response.content.decode()
    assert "<title>Đã đăng nhập — " in html
    main = html[html.index("<main>") + len("<main>") : html.index("</main>")]
    assert main.strip() == ""
    assert "Đăng xuất" in html  # the header of a logged-in page, as every page has


def test_its_cost_is_the_login_and_the_navigation_only(client, world):
    client.force_login(world.coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    # The session, the user, and the plans the navigation asks about; no table that grows with reports.
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reports_taskreport" not in tables
    assert len(queries) <= 5


def test_it_only_answers_reads(client, world):
    client.force_login(world.coordinator)
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200
