"""The history of changes reads as words and renders for every row of every model: a changed list, a
changed choice, a changed related row, a date."""

import datetime

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, reverse

from tasks.models import Assignment, AssignmentRole, Task, Unit
from tests.tasks.test_admin import _admin_url, _inline_post, _rows


@pytest.fixture
def changed(admin_client, world):
    """Task 1 saved in the admin with an indicator changed and one added (with a target), its lead
    turned partner and back, a partner replaced by another unit, and a unit given an end date."""
    task = world.plan.tasks.get(number=1)
    indicator = task.indicators.order_by("order").first()
    response = admin_client.post(
        _admin_url(Task, "change", task.pk),
        _inline_post(
            task,
            _rows(task),
            **{
                "indicators-TOTAL_FORMS": 2,
                "indicators-INITIAL_FORMS": 1,
                "indicators-0-id": indicator.pk,
                "indicators-0-task": task.pk,
                "indicators-0-name": indicator.name,
                "indicators-0-unit_of_measure": "cuộc",
                "indicators-0-decimals": 0,
                "indicators-0-direction": "at_least",
                "indicators-0-aggregation": "sum",
                "indicators-0-accumulation": "cumulative",
                "indicators-0-order": 1,
                "indicators-1-task": task.pk,
                "indicators-1-name": "Tỷ lệ doanh nghiệp được hỗ trợ",
                "indicators-1-unit_of_measure": "%",
                "indicators-1-decimals": 1,
                "indicators-1-is_share": "on",
                "indicators-1-direction": "at_least",
                "indicators-1-aggregation": "each_unit",
                "indicators-1-accumulation": "level",
                "indicators-1-order": 9,
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = task.assignments.filter(role=AssignmentRole.PARTNER).order_by("pk").first()
    partner.unit = Unit.objects.get(code="qlcn")
    partner.save()
    partner.role = AssignmentRole.LEAD
    partner.save()
    unit = Unit.objects.get(code="lhh")
    unit.valid_to = unit.valid_to or datetime.date(2030, 12, 31)
    unit.save()
    return task


def test_the_task_page_shows_every_change_in_words(client, world, changed):
    client.force_login(world.coordinator)

    page = client.get(reverse("reports:task_detail", args=[changed.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Phối hợp → Chủ trì" in text
    # the replaced partner by name, not by number
    assert "→ Phòng Quản lý Chuyên ngành" in text


def history_models():
    return [
        model for model in apps.get_models() if hasattr(model, "history") and hasattr(model.history, "model")
    ]


def test_every_history_page_of_every_object_renders(admin_client, changed):
    seen = 0
    for model in history_models():
        for obj in model.objects.all()[:30]:
            try:
                url = _admin_url(model, "history", obj.pk)
            except NoReverseMatch:
                continue
            response = admin_client.get(url)
            assert response.status_code == 200, url
            for record in model.history.filter(id=obj.pk):
                one = admin_client.get(f"{url}{record.history_id}/")
                assert one.status_code == 200, f"{url}{record.history_id}/"
                seen += 1
    assert seen > 50


def test_the_admin_history_shows_choices_by_their_labels(admin_client, changed):
    assignment = Assignment.history.filter(role=AssignmentRole.LEAD).order_by("-history_id").first()

    page = admin_client.get(_admin_url(Assignment, "history", assignment.id)).content.decode()

    assert "Phối hợp" in page and "Chủ trì" in page
    assert "lead" not in page.replace("leadership", "")
