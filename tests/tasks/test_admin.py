"""The admin in Vietnamese: every page loads, assignments inline, history of every change."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tasks.models import Assignment, AssignmentRole, LegalDocument, Plan, PlanDuty, Task, Unit, User
from tests.factories import UserFactory

MODELS = [Unit, User, LegalDocument, Plan, PlanDuty, Task, Assignment]


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_admin_page_loads(admin_client, plan_463, model):
    obj = model.objects.order_by("pk").first()
    pages = [
        _admin_url(model, "changelist"),
        _admin_url(model, "add"),
        _admin_url(model, "change", obj.pk),
        _admin_url(model, "history", obj.pk),
        _admin_url(model, "changelist") + "?q=khoa",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_admin_speaks_vietnamese(admin_client, plan_463):
    response = admin_client.get(_admin_url(Task, "changelist"))
    assert "Chọn nhiệm vụ để thay đổi" in response.content.decode()
    assert "Trong quý I/2024 (31/03/2024)" in response.content.decode()


def test_task_page_shows_its_assignments_inline(admin_client, plan_463):
    task = plan_463.tasks.get(number=2)
    page = admin_client.get(_admin_url(Task, "change", task.pk)).content.decode()
    assert "Phòng Quản lý Khoa học" in page
    assert "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai" in page
    assert "assignments-TOTAL_FORMS" in page


def _inline_post(task, rows, **task_fields):
    data = {
        "plan": task.plan_id,
        "number": task.number,
        "title": task.title,
        "content": task.content,
        "deadline_kind": task.deadline_kind,
        "due_date": task.due_date.strftime("%d/%m/%Y") if task.due_date else "",
        "due_day": task.due_day or "",
        "due_month": task.due_month or "",
        "deadline_text": task.deadline_text,
        "lead_text": task.lead_text,
        "partner_text": task.partner_text,
        "assignments-TOTAL_FORMS": len(rows),
        "assignments-INITIAL_FORMS": sum(1 for r in rows if r.get("id")),
        "assignments-MIN_NUM_FORMS": 0,
        "assignments-MAX_NUM_FORMS": 1000,
        # The task's indicators (an inline of their own), left as they are.
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
    }
    data.update(task_fields)
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"assignments-{index}-{key}"] = value
        data[f"assignments-{index}-task"] = task.pk
    return data


def _rows(task):
    return [
        {
            "id": a.pk,
            "unit": a.unit_id,
            "role": a.role,
            "reporting": a.reporting,
            "note": a.note,
            "order": a.order,
        }
        for a in task.assignments.all()
    ]


def test_changing_the_lead_in_the_admin_is_recorded_with_who_and_what(admin_client, superuser, plan_463):
    task = plan_463.tasks.get(number=2)
    rows = _rows(task)
    # Swap: the Liên hiệp Hội leads, the Phòng QLKH partners.
    for row in rows:
        row["role"] = AssignmentRole.PARTNER if row["role"] == AssignmentRole.LEAD else AssignmentRole.LEAD

    response = admin_client.post(_admin_url(Task, "change", task.pk), _inline_post(task, rows))

    assert response.status_code == 302
    lead = task.assignments.get(role=AssignmentRole.LEAD)
    assert lead.unit.code == "lhh"
    record = lead.history.latest()
    assert record.history_user == superuser
    assert record.prev_record.role == AssignmentRole.PARTNER
    history_page = admin_client.get(_admin_url(Assignment, "history", lead.pk)).content.decode()
    assert "quantri" in history_page
    assert "Chủ trì" in history_page or "lead" in history_page


def test_a_unit_in_use_cannot_be_deleted_from_the_admin(admin_client, plan_463):
    unit = Unit.objects.get(code="qlkh")
    response = admin_client.post(_admin_url(Unit, "delete", unit.pk), {"post": "yes"})
    assert Unit.objects.filter(pk=unit.pk).exists()
    assert response.status_code in (200, 403)


@pytest.mark.parametrize("model", [Unit, Task, Assignment], ids=lambda m: m.__name__)
def test_staff_without_permission_can_neither_import_nor_export(client, plan_463, model):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                f"view_{model._meta.model_name}",
                f"change_{model._meta.model_name}",
            ]
        )
    )
    client.force_login(editor)

    assert client.get(_admin_url(model, "changelist")).status_code == 200
    assert client.get(_admin_url(model, "import")).status_code == 403
    assert client.post(_admin_url(model, "import"), {}).status_code == 403
    assert client.get(_admin_url(model, "export")).status_code == 403
    assert client.post(_admin_url(model, "export"), {"format": "0"}).status_code == 403


@pytest.mark.parametrize("model", [Unit, Task, Assignment], ids=lambda m: m.__name__)
def test_import_and_export_each_need_their_own_permission(client, plan_463, model):
    name = model._meta.model_name
    exporter = UserFactory(is_staff=True)
    exporter.user_permissions.add(*Permission.objects.filter(codename__in=[f"view_{name}", f"export_{name}"]))
    client.force_login(exporter)

    assert client.get(_admin_url(model, "export")).status_code == 200
    assert client.get(_admin_url(model, "import")).status_code == 403
