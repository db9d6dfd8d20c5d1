"""The demo accounts of `make run`: one person for every role of the plans' units, listed in
`fixtures/demo-accounts.json` (data, like the plan files: a department adds its own people there).

For a developer's machine only: every account shares the file's password, and the command that creates
them refuses to run unless DEBUG is on. Each account is {username, name, unit (code or null), role,
position, superuser (optional), plan_roles (optional: [{plan: code, kind: coordinator|finance}])}; the
file's `open_this_year` lists the plans whose periods of the current year `make run` opens, and by whom
(with `history`, every earlier year since the plan was issued too, sent, accepted and closed:
kehoach/demo/alive.py).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tasks.models import Plan, PlanRole, Role, Unit, User


def accounts_file() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "demo-accounts.json"


@dataclass(frozen=True)
class DemoAccounts:
    password: str
    accounts: list[dict]
    open_this_year: list[dict]


@functools.cache
def demo_accounts() -> DemoAccounts:
    data = json.loads(accounts_file().read_text(encoding="utf-8"))
    return DemoAccounts(
        password=data["password"], accounts=data["accounts"], open_this_year=data.get("open_this_year", [])
    )


def demo_password() -> str:
    return demo_accounts().password


@transaction.atomic
def demo_accounts_create() -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing, with their roles in plans; return (username, role,
    unit) for every demo account. Raises Unit.DoesNotExist or Plan.DoesNotExist when the plans they
    belong to are not loaded."""
    listing = []
    password = demo_password()
    for account in demo_accounts().accounts:
        unit = Unit.objects.get(code=account["unit"]) if account["unit"] else None
        last_name, _, first_name = account["name"].rpartition(" ")
        superuser = account.get("superuser", False)
        user = User.objects.filter(username=account["username"]).first()
        if user is None:
            user = User(
                username=account["username"],
                first_name=first_name,
                last_name=last_name,
                unit=unit,
                role=account["role"],
                position=account["position"],
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.set_password(password)
            user.full_clean()
            user.save()
        for plan_role in account.get("plan_roles", []):
            plan = Plan.objects.get(code=plan_role["plan"])
            PlanRole.objects.get_or_create(user=user, plan=plan, kind=plan_role["kind"])
        listing.append((user.username, Role(account["role"]).label, unit.name if unit else "—"))
    return listing
