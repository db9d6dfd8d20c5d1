"""The admin in Vietnamese: every page loads, assignments inline, history of every change."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from reports.models import IndicatorValue
from tasks.models import (
    Assignment,
    AssignmentRole,
    Indicator,
    IndicatorTarget,
    LegalDocument,
    Plan,
    PlanDuty,
    Task,
    Unit,
    User,
)
from tests.factories import UserFactory
from tests.helpers import report_save, rows

MODELS = [Unit, User, LegalDocument, Plan, PlanDuty, Task, Assignment, Indicator]


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


def _indicator_post(indicator, *targets):
    data = {
        "task": indicator.task_id,
        "name": indicator.name,
        "unit_of_measure": indicator.unit_of_measure,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "accumulation": indicator.accumulation,
        "order": indicator.order,
        "targets-TOTAL_FORMS": len(targets),
        "targets-INITIAL_FORMS": 0,
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
    }
    if indicator.is_share:
        data["is_share"] = "on"
    for index, target in enumerate(targets):
        for key, value in target.items():
            data[f"targets-{index}-{key}"] = value
    return data


@pytest.fixture
def share(plan_463):
    return Indicator.objects.create(
        task=plan_463.tasks.get(number=1),
        name="Tỷ lệ hồ sơ trực tuyến",
        unit_of_measure="%",
        decimals=1,
        is_share=True,
    )


def test_the_task_page_lists_its_indicators_and_an_indicator_takes_targets_the_vietnamese_way(
    admin_client, share
):
    task_page = admin_client.get(_admin_url(Task, "change", share.task_id)).content.decode()
    assert "indicators-TOTAL_FORMS" in task_page and "Tỷ lệ hồ sơ trực tuyến" in task_page

    response = admin_client.post(
        _admin_url(Indicator, "change", share.pk),
        _indicator_post(
            share,
            {"scope": "year", "year": "2026", "value": "83,5"},
            {"scope": "period", "period_key": "2026-h1", "value": "70"},
            {"scope": "plan", "value": "90"},
        ),
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert sorted(share.targets.values_list("scope", "year", "period_key", "value")) == [
        ("period", None, "2026-h1", Decimal(70)),
        ("plan", None, "", Decimal(90)),
        ("year", 2026, "", Decimal("83.5")),
    ]
    # and the page shows them back as they were typed
    assert 'value="83,5"' in admin_client.get(_admin_url(Indicator, "change", share.pk)).content.decode()


@pytest.mark.parametrize(
    "target, message",
    [
        ({"scope": "period", "period_key": "", "value": "70"}, "Chỉ tiêu theo kỳ cần mã kỳ báo cáo"),
        ({"scope": "year", "year": "", "value": "70"}, "Chỉ tiêu theo năm cần năm áp dụng."),
        ({"scope": "year", "year": "2026", "value": "83.5"}, "dấu phẩy trước phần thập phân"),
        ({"scope": "year", "year": "2026", "value": "120"}, "Tỷ lệ phần trăm không vượt quá 100."),
        ({"scope": "year", "year": "2026", "value": "83,55"}, "tối đa 1 chữ số thập phân"),
        ({"scope": "year", "year": "2026", "value": "-1"}, "Số liệu không được âm."),
    ],
)
def test_a_bad_target_is_refused_in_words_and_saves_nothing(admin_client, share, target, message):
    before = rows(Indicator, IndicatorTarget)

    response = admin_client.post(_admin_url(Indicator, "change", share.pk), _indicator_post(share, target))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert rows(Indicator, IndicatorTarget) == before


def test_an_indicator_units_reported_on_is_not_deleted_from_the_task_page(
    admin_client, before_deadline, world
):
    # Given task 1's count of events, with a value reported
    task = world.plan.tasks.get(number=1)
    events = task.indicators.get(name__startswith="Hội nghị")
    report_save(world.report("ttkhcn", 1), world.ttkhcn_staff, values={events.pk: 2})
    before = rows(Indicator, IndicatorValue)

    # When the administrator deletes it on the task's page
    response = admin_client.post(
        _admin_url(Task, "change", task.pk),
        _inline_post(
            task,
            _rows(task),
            **{
                "indicators-TOTAL_FORMS": 1,
                "indicators-INITIAL_FORMS": 1,
                "indicators-0-id": events.pk,
                "indicators-0-task": task.pk,
                "indicators-0-name": events.name,
                "indicators-0-unit_of_measure": events.unit_of_measure,
                "indicators-0-decimals": 0,
                "indicators-0-direction": "at_least",
                "indicators-0-aggregation": "sum",
                "indicators-0-accumulation": "cumulative",
                "indicators-0-order": 1,
                "indicators-0-DELETE": "on",
            },
        ),
    )

    # Then the page says why not, and the indicator and its value are still there
    assert response.status_code == 200
    assert "số liệu chỉ tiêu" in response.content.decode()
    assert rows(Indicator, IndicatorValue) == before
