"""The admin's sidebar of models served from memory (kehoach/templatetags/kept_sidebar.py): the very
HTML Django's admin/app_list.html draws, for every page and every person, drawn once for each."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.template import engines
from django.urls import reverse

from kehoach.templatetags import kept_sidebar
from tests.factories import UserFactory
from tests.helpers import calls_of

pytestmark = pytest.mark.django_db

DJANGO_SIDEBAR = "{% include 'admin/app_list.html' with app_list=available_apps show_changelinks=False %}"


def sidebar(page: str) -> str:
    return re.search(r'<nav class="sticky" id="nav-sidebar".*?>(.*?)</nav>', page, re.S).group(1)


def shown(client, user, url) -> tuple[str, str]:
    """The sidebar of the page at `url` as `user` is shown it, and as Django's template draws it."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    django = engines["django"].from_string(DJANGO_SIDEBAR)
    expected = django.render(
        {"available_apps": response.context["available_apps"], "request": response.wsgi_request}
    )
    return sidebar(response.content.decode()), expected


@pytest.fixture
def drawn(monkeypatch):
    monkeypatch.setattr(kept_sidebar, "_DRAWN", {})
    return calls_of(monkeypatch, kept_sidebar, "get_template")


def test_the_sidebar_is_djangos_own_on_each_page_for_each_person(client, world, drawn):
    staff = UserFactory(username="xem.don.vi", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_unit", "add_unit"]))
    pages = [
        (world.admin, reverse("admin:tasks_assignment_changelist")),
        (world.admin, reverse("admin:reports_taskreport_changelist")),
        (world.admin, reverse("admin:tasks_assignment_changelist") + "?role=lead"),
        (staff, reverse("admin:tasks_unit_changelist")),
        (world.admin, reverse("admin:tasks_unit_changelist")),
    ]
    for user, url in pages:
        ours, django = shown(client, user, url)
        assert ours.strip().endswith(django.strip())

    ours, _ = shown(client, world.admin, reverse("admin:tasks_assignment_changelist"))
    assert ours.count("current-model") == 1
    assert 'class="model-assignment current-model"' in ours
    ours, _ = shown(client, staff, reverse("admin:tasks_unit_changelist"))
    assert "model-assignment" not in ours and "model-unit current-model" in ours

    # Drawn once for each list of models and model shown: the filtered list is the list's
    assert len(drawn) == 4
