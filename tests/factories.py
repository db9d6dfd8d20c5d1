"""Factories for every model, in one place."""

import datetime

import factory

from tasks.models import (
    Assignment,
    AssignmentRole,
    DeadlineKind,
    Plan,
    Role,
    Task,
    Unit,
    UnitKind,
    User,
)

PASSWORD = "mat-khau-thu-nghiem"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"don-vi-{n}")
    name = factory.Sequence(lambda n: f"Phòng thử nghiệm số {n}")
    short_name = factory.Sequence(lambda n: f"Phòng TN {n}")
    kind = UnitKind.DIVISION


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"kh-{n}")
    number_template = "/KH-SKHCN"
    issued_year = 2024
    issuer = factory.SubFactory(UnitFactory, kind=UnitKind.DEPARTMENT)
    title = factory.Sequence(lambda n: f"Kế hoạch thử nghiệm số {n}")
    signer_title = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name = "Nguyễn Văn A"
    coordinating_unit = factory.SubFactory(UnitFactory)
    report_recipient = factory.SubFactory(UnitFactory, kind=UnitKind.GOVERNMENT)
    report_day = 15
    report_month_offset = -1


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Nhiệm vụ thử nghiệm {n}")
    content = "Nội dung nhiệm vụ thử nghiệm."
    deadline_kind = DeadlineKind.ONGOING

    class Params:
        fixed = factory.Trait(deadline_kind=DeadlineKind.FIXED, due_date=datetime.date(2024, 3, 31))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = AssignmentRole.LEAD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    first_name = "An"
    last_name = "Nguyễn Văn"
    unit = factory.SubFactory(UnitFactory)
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.ReportingPeriod"

    plan = factory.SubFactory(PlanFactory)
    year = 2026
    key = factory.LazyAttribute(lambda o: str(o.year))
    name = factory.LazyAttribute(lambda o: f"Năm {o.year}")
    deadline = factory.LazyAttribute(lambda o: datetime.date(o.year, 11, 15))
    cutoff_from = factory.LazyAttribute(lambda o: datetime.date(o.year - 1, 11, 11))
    cutoff_to = factory.LazyAttribute(lambda o: datetime.date(o.year, 11, 10))


class TaskReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.TaskReport"

    period = factory.SubFactory(ReportingPeriodFactory)
    task = factory.SubFactory(TaskFactory, plan=factory.SelfAttribute("..period.plan"))
    unit = factory.SubFactory(UnitFactory)
    unit_name = factory.LazyAttribute(lambda o: o.unit.name)
    role = AssignmentRole.LEAD
    deadline = factory.LazyAttribute(lambda o: o.period.deadline)


# A minimal real PDF: what an evidence upload looks like when its type is checked by content.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)
