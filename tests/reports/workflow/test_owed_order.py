"""Who owes a report in a period, in the order the reports are written: each task's leads first,
then its partners, each by the unit's name as a Vietnamese dictionary sorts it (đ after d, tones
after letters)."""

import pytest

from reports.workflow.services import _owed
from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, ReportingPeriodFactory, TaskFactory, UnitFactory


@pytest.mark.django_db
def test_leads_first_then_partners_each_in_vietnamese_order():
    task = TaskFactory()
    period = ReportingPeriodFactory(plan=task.plan)
    # By code points the order would be Bình, Ea Súp, Đội, Ấp Bắc.
    ap_bac, binh, doi, ea_sup = (
        UnitFactory(name=name) for name in ("Xã Ấp Bắc", "Xã Bình Lợi", "Xã Đội Cung", "Xã Ea Súp")
    )
    lead = UnitFactory(name="Xã Yên Thế")
    for unit in (ea_sup, binh, doi, ap_bac):
        AssignmentFactory(task=task, unit=unit, role=AssignmentRole.PARTNER)
    AssignmentFactory(task=task, unit=lead, role=AssignmentRole.LEAD)

    owed = [unit.pk for _, unit in _owed(period)]

    assert owed == [lead.pk, ap_bac.pk, binh.pk, doi.pk, ea_sup.pk]
