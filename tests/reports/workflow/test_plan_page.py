"""The plan's page: each task of a page with the units it names, as lead and as partner."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import Assignment, AssignmentRole, Reporting, Unit

pytestmark = pytest.mark.django_db


def _facts(html: str, number: str) -> dict[str, str]:
    """The facts (Chủ trì, Phối hợp, Thời hạn) of task `number` on the page, as written."""
    block = re.search(rf'<h3><a href="[^"]+">{re.escape(number)}\. .*?</dl>', html, re.S).group(0)
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))


def test_each_task_names_its_leads_and_partners_with_how_they_report(client, world):
    task = world.plan.tasks.get(number="1")
    task.assignments.filter(role=AssignmentRole.PARTNER).delete()
    group = Unit.objects.create(code="nhom-thu", name="Nhóm <các> sở", kind="group")
    Assignment.objects.create(task=task, unit=group, role=AssignmentRole.PARTNER, reporting=Reporting.MEMBERS)
    front = Unit.objects.create(code="mttq-thu", name="Ủy ban MTTQ tỉnh", kind="front")
    Assignment.objects.create(
        task=task, unit=front, role=AssignmentRole.PARTNER, reporting=Reporting.NAMED, order=1
    )
    lead = task.assignments.get(role=AssignmentRole.LEAD).unit.name
    other = world.plan.tasks.get(number="2")
    other.assignments.filter(role=AssignmentRole.PARTNER).delete()
    client.force_login(world.ttkhcn_staff)

    html = client.get(reverse("reports:plan_detail", args=[world.plan.pk])).content.decode()

    facts = _facts(html, "1")
    assert facts["Chủ trì"] == f"{lead}; "
    assert facts["Phối hợp"] == (
        'Nhóm &lt;các&gt; sở <small class="muted">(từng thành viên báo cáo)</small>; '
        'Ủy ban MTTQ tỉnh <small class="muted">(không báo cáo)</small>; '
    )
    assert _facts(html, "2")["Phối hợp"] == "—"


def test_the_page_costs_the_same_queries_however_many_units_a_task_names(client, world):
    client.force_login(world.ttkhcn_staff)
    url = reverse("reports:plan_detail", args=[world.plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(30):
        unit = Unit.objects.create(code=f"them-{n}", name=f"Đơn vị thêm {n}")
        for task in world.plan.tasks.all()[:5]:
            Assignment.objects.create(task=task, unit=unit, role=AssignmentRole.PARTNER, order=10 + n)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)

    assert len(after) == len(before)
    assert page.content.decode().count("Đơn vị thêm 7; ") == 5
