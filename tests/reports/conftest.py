"""Fixtures the reports app's tests share."""

import pytest

from tasks.models import Indicator, IndicatorAccumulation, IndicatorAggregation, IndicatorTarget, TargetScope


@pytest.fixture
def share(world):
    """Task 1 measures a share each unit must reach: at least 80% in 2026, one decimal."""
    indicator = Indicator.objects.create(
        task=world.plan.tasks.get(number="1"),
        name="Tỷ lệ hồ sơ trực tuyến toàn trình",
        unit_of_measure="%",
        decimals=1,
        is_share=True,
        aggregation=IndicatorAggregation.EACH_UNIT,
        accumulation=IndicatorAccumulation.LEVEL,
        order=10,
    )
    IndicatorTarget.objects.create(indicator=indicator, scope=TargetScope.YEAR, year=2026, value=80)
    return indicator
