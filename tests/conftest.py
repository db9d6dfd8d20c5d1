import pytest

from tasks.models import Plan
from tasks.services import plan_load_seed
from tests.factories import UserFactory


@pytest.fixture
def plan_463(db) -> Plan:
    """Kế hoạch 463 loaded from the project's fixture, as `make run` loads it."""
    plan_load_seed()
    return Plan.objects.get(code="kh-463")


@pytest.fixture
def superuser(db):
    return UserFactory(username="quantri", unit=None, role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
