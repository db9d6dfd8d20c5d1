"""Plain functions the tests share.

- What the database holds, to compare before and after a step: `rows` (every row of some tables)
  and `report_snapshot` (everything a user could see of one report).
- A report brought to a given state through the real services (reports.workflow.services), acting
  as the people who would: `report_in` on the `world` fixture (tests/conftest.py), `report_take` on
  any report, with the small helpers they use (`report_save`, `head_of`, `staff_of`, `reviewer_of`,
  `fresh`).
"""

from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from reports.models import Completion, Evidence, IndicatorValue, ReportEvent, TaskReport
from reports.workflow.services import (
    report_accept,
    report_reopen,
    report_return,
    report_submit,
    report_update,
)
from tasks.models import OUTPUT_KIND_INDICATORS, Indicator, OutputKind, Role, Unit, User
from tasks.services import plan_load_file
from tests.factories import UserFactory

# What a save sends unless told otherwise: enough for the report to be submitted.
RESULTS = "Đã tổ chức 2 hội thảo giới thiệu công nghệ, 150 lượt người tham dự."
CONTENT = {"results": RESULTS, "completion": Completion.IN_PROGRESS, "progress": 40}
RETURN_COMMENT = "Bổ sung số liệu."
REOPEN_COMMENT = "Cần cập nhật số liệu."

# The workflow's steps that lead from a saved report to each state `report_in` knows.
STEPS = {
    "draft": (),
    "submitted": ("submit",),
    "returned": ("submit", "return"),
    "accepted": ("submit", "accept"),
    "reopened": ("submit", "accept", "reopen"),
}


# ------------------------------------------------------------------------------
# What the database holds
# ------------------------------------------------------------------------------
def _values(queryset: QuerySet, exclude) -> list[dict]:
    return [
        {column: value for column, value in row.items() if column not in exclude}
        for row in queryset.order_by("pk").values()
    ]


def rows(*models_or_querysets, exclude=("updated_at",)) -> dict[str, list[dict]]:
    """Every row of each model (or queryset, or auto-created through model such as
    `Unit.groups.through`) with all its columns but `exclude`, ordered by primary key, keyed by the
    model's label: everything a write could change in those tables."""
    snapshot = {}
    for source in models_or_querysets:
        queryset = source if isinstance(source, QuerySet) else source._base_manager.all()
        label = queryset.model._meta.label
        if label in snapshot:
            raise ValueError(f"{label} is given twice")
        snapshot[label] = _values(queryset, exclude)
    return snapshot


def report_snapshot(report_or_pk) -> dict:
    """Everything a user could see of one report, read back from the database: its row (but
    `updated_at`), and every column of its indicator values, events and evidence."""
    pk = getattr(report_or_pk, "pk", report_or_pk)
    (report,) = _values(TaskReport.objects.filter(pk=pk), exclude=("updated_at",))
    return {
        "report": report,
        "values": _values(IndicatorValue.objects.filter(report_id=pk), exclude=()),
        "events": _values(ReportEvent.objects.filter(report_id=pk), exclude=()),
        "evidence": _values(Evidence.objects.filter(report_id=pk), exclude=()),
    }


# ------------------------------------------------------------------------------
# Who acts on a report of the World
# ------------------------------------------------------------------------------
def _unit_code(report_or_unit) -> str:
    return report_or_unit if isinstance(report_or_unit, str) else report_or_unit.unit.code


def _unit_head(unit_code: str) -> User:
    """The head of a unit the World gives no account, made the first time it is needed."""
    username = f"{unit_code}.lanhdao"
    return User.objects.filter(username=username).first() or UserFactory(
        username=username,
        unit=Unit.objects.get(code=unit_code),
        role=Role.HEAD,
    )


def head_of(world, report_or_unit) -> User:
    """The head of the report's unit (or of the unit of that code), who sends its reports."""
    code = _unit_code(report_or_unit)
    heads = {"ttkhcn": world.ttkhcn_head, "qlcn": world.qlcn_head, "qlkh": world.qlkh_head}
    return heads.get(code) or _unit_head(code)


def staff_of(world, report_or_unit) -> User:
    """Who drafts the unit's reports: its staff, or its head where the World gives it no staff (qlkh)."""
    code = _unit_code(report_or_unit)
    staff = {"ttkhcn": world.ttkhcn_staff, "qlcn": world.qlcn_staff}
    return staff.get(code) or head_of(world, code)


def reviewer_of(world, report_or_unit) -> User:
    """The coordinator reviews every unit but its own; the leadership reviews the coordinating unit."""
    return (
        world.leadership
        if _unit_code(report_or_unit) == world.plan.coordinating_unit.code
        else world.coordinator
    )


def fresh(report: TaskReport) -> TaskReport:
    """The report as the database holds it now."""
    return TaskReport.objects.select_related("period__plan", "task", "unit").get(pk=report.pk)


# ------------------------------------------------------------------------------
# A report in a given state, through the services
# ------------------------------------------------------------------------------
def output_indicator(task, kind: str) -> Indicator:
    """The indicator of `task` that one of plan 463's counts (an OutputKind) became."""
    return task.indicators.get(name=OUTPUT_KIND_INDICATORS[OutputKind(kind)][0])


def output_values(world, outputs: dict) -> dict:
    """`outputs` (one of plan 463's counts → value) as the values of task 1's indicators they became."""
    task = world.plan.tasks.get(number="1")
    return {output_indicator(task, kind).pk: value for kind, value in outputs.items()}


def report_save(report: TaskReport, by, *, outputs=None, values=None, **content) -> TaskReport:
    """`by` saves the report from its current version: `content` (fields of the report) over
    `CONTENT`, `values` (indicator id → value, None removes it) and `outputs` (the same, the
    indicator named by the count it became: "events" → 2)."""
    values = dict(values or {})
    for kind, value in (outputs or {}).items():
        values[output_indicator(report.task, kind).pk] = value
    return report_update(
        report=report,
        by=by,
        version=fresh(report).version,
        data={**CONTENT, **content},
        values=values,
    )


def report_take(report: TaskReport, status: str, *, staff, head, reviewer, **content) -> TaskReport:
    """`staff` saves the report with `content` (see `report_save`), then `head` submits it and
    `reviewer` returns, accepts or reopens it as `status` needs ("draft", "submitted", "returned",
    "accepted", "reopened"). Returns the report re-read from the database."""
    if status not in STEPS:
        raise ValueError(f"report_take: unknown status {status!r}; one of {', '.join(STEPS)}")
    report_save(report, staff, **content)
    for step in STEPS[status]:
        if step == "submit":
            report_submit(report=fresh(report), by=head)
        elif step == "return":
            report_return(report=fresh(report), by=reviewer, comment=RETURN_COMMENT)
        elif step == "accept":
            report_accept(report=fresh(report), by=reviewer)
        else:
            report_reopen(report=fresh(report), by=reviewer, comment=REOPEN_COMMENT)
    return fresh(report)


def report_in(
    world,
    status: str,
    unit: str = "ttkhcn",
    task: int = 1,
    *,
    staff=None,
    head=None,
    reviewer=None,
    **content,
) -> TaskReport:
    """`world.report(unit, task)` brought to `status` through the services: the unit's staff saves
    it with `content` (results, completion, completed_on, progress, outputs, funds...; see
    `report_save`), its head submits it, its reviewer (the coordinator; the leadership for the
    coordinating unit "qlkh") returns, accepts or reopens it. `staff`, `head` and `reviewer` replace
    those people. Returns the report re-read from the database."""
    report = world.report(unit, task)
    return report_take(
        report,
        status,
        staff=staff or staff_of(world, report),
        head=head or head_of(world, report),
        reviewer=reviewer or reviewer_of(world, report),
        **content,
    )


# ------------------------------------------------------------------------------
# Plan files
# ------------------------------------------------------------------------------
PLANS = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
PLAN_463 = PLANS / "ke-hoach-463.json"


def plan_load_seed():
    """Load Kế hoạch 463, the first data set, from its plan file, as `make run` does.

    The loader validates every row, a query per check constraint, which made it most of a test's
    time. So the rows of the first load into a database holding none of them are kept, and every
    later load into such a database copies them in (with their keys, history and the same result);
    a database already holding some of them gets the real load."""
    global _seeded
    # The loader reads no table but those it writes (no account, for one)
    models = _seed_models() if _seeded is None else [model for model, _ in _seeded[1]]
    if any(model._base_manager.exists() for model in models):
        return plan_load_file(PLAN_463)
    if _seeded is None:
        result = plan_load_file(PLAN_463)
        rows = [(model, list(model._base_manager.order_by("pk"))) for model in models]
        _seeded = (result, [(model, copies) for model, copies in rows if copies])
        return result
    result, rows = _seeded
    # One transaction, so that rows may refer to rows of a model copied later (the keys are checked
    # at commit), also in the tests that commit
    with transaction.atomic():
        for model, copies in rows:
            model._base_manager.bulk_create(copies)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in rows]):
                cursor.execute(statement)
    return result


# (the result of the first load, the rows it wrote by model), once loaded in this test process
_seeded = None


def _seed_models():
    """The models a plan file may write: the apps' own, their history and many-to-many tables."""
    return [
        model
        for app in ("tasks", "reports")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]


def page_query_counts(client, pages) -> dict[str, int]:
    """The queries each page of `pages` ((name, user, url), each answering 200) costs, by name."""
    counts = {}
    for name, user, url in pages:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        counts[name] = len(queries)
    return counts


def calls_of(monkeypatch, owner, name: str) -> list:
    """Count the calls of `owner.name` (a function of a module): one item in the list returned per
    call, the function still doing its work. What a cache test asks: was the page drawn or served?"""
    calls = []
    function = getattr(owner, name)

    def counting(*args, **kwargs):
        calls.append(1)
        return function(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


class _PostedForm(HTMLParser):
    """The fields of a page's POST form, read as a browser sends them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None
        self.textareas: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._in_form = True
        if not self._in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.textareas.add(self._textarea)
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.fields):
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.fields[self._textarea] += data


def posted_form(page: str) -> dict[str, str]:
    """What a browser sends of the page's POST form left as it is shown: its inputs, text areas (the
    one newline after the opening tag dropped, as HTML reads it) and selected options."""
    parser = _PostedForm()
    parser.feed(page)
    return {
        name: value[1:] if name in parser.textareas and value.startswith("\n") else value
        for name, value in parser.fields.items()
    }
