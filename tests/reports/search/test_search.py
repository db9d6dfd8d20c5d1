"""The search box: words typed with or without their marks find plans, tasks, units and reports,
and only what the person may see; the page is paginated and costs a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import TaskReport
from reports.search import index
from reports.search.selectors import MAX_COUNT, search_words
from tasks.models import Plan, Role, Task, Unit, UnitKind
from tests.factories import UserFactory
from tests.reports.test_queries import _grow

URL = reverse("reports:search")


def _page(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def test_words_are_matched_without_marks_and_case():
    assert search_words("  Phủ XANH, đô-thị! ") == ["phu", "xanh", "do", "thi"]
    assert search_words("!!! …") == []
    assert len(search_words("một " * 50)) == 8


@pytest.mark.django_db
def test_an_unaccented_query_finds_the_accented_task(client, world):
    task = Task.objects.get(plan=world.plan, number=5)
    assert "phủ xanh" in task.content

    page = _page(client, world.ttkhcn_staff, q="phu xanh")

    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:task_detail", args=[task.pk]) in html
    assert "Nhiệm vụ 5." in html


@pytest.mark.django_db
def test_every_word_must_be_found(client, world):
    html = _page(client, world.ttkhcn_staff, q="phu xanh tàu vũ trụ").content.decode()
    assert "Không tìm thấy gì" in html


@pytest.mark.django_db
def test_a_unit_and_a_plan_are_found_by_their_words(client, world):
    unit = Unit.objects.get(code="lhh")
    html = _page(client, world.ttkhcn_staff, q="lien hiep cac hoi").content.decode()
    assert unit.name in html
    html = _page(client, world.ttkhcn_staff, q=world.plan.code).content.decode()
    assert reverse("reports:plan_detail", args=[world.plan.pk]) in html


@pytest.mark.django_db
def test_a_report_is_found_only_by_those_who_may_see_it(client, world):
    report = world.report("ttkhcn", 1)
    report.results = "Đã tổ chức hội thảo chuyển đổi số ở huyện Định Quán"
    report.save()
    link = reverse("reports:report_detail", args=[report.pk])

    own = _page(client, world.ttkhcn_staff, q="dinh quan").content.decode()
    other = _page(client, world.qlcn_staff, q="dinh quan").content.decode()
    coordinator = _page(client, world.coordinator, q="Định Quán", loai="bao-cao").content.decode()

    assert link in own
    assert link not in other
    assert link in coordinator


@pytest.mark.django_db
def test_nothing_to_search_and_an_unknown_kind_are_explained(client, world):
    empty = _page(client, world.ttkhcn_staff, q="!!!")
    unknown = _page(client, world.ttkhcn_staff, q="khoa", loai="khac")

    assert empty.status_code == 200
    assert "Hãy gõ ít nhất một chữ hoặc một số để tìm." in empty.content.decode()
    assert 'aria-invalid="true"' in empty.content.decode()
    assert unknown.status_code == 400
    assert "Không có loại kết quả “khac”" in unknown.content.decode()


@pytest.mark.django_db
def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(client, world):
    response = client.get(URL, {"q": "khoa"})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def _many(world, *, tasks=0, units=0):
    """Tasks and units whose names hold a word nothing else holds: "Khảo sát Zêphyra n"."""
    Task.objects.bulk_create(
        Task(plan=world.plan, number=200 + n, title=f"Khảo sát Zêphyra {n}", content="…")
        for n in range(tasks)
    )
    Unit.objects.bulk_create(
        Unit(code=f"zephyra-{n}", name=f"Trạm Zêphyra {n}", kind=UnitKind.DEPARTMENT) for n in range(units)
    )


@pytest.mark.django_db
def test_one_kind_is_shown_page_by_page(client, world):
    _many(world, tasks=45)

    first = _page(client, world.ttkhcn_staff, q="zephyra", loai="nhiem-vu").content.decode()
    third = _page(client, world.ttkhcn_staff, q="zephyra", loai="nhiem-vu", trang="3").content.decode()
    beyond = _page(client, world.ttkhcn_staff, q="zephyra", loai="nhiem-vu", trang="99")

    assert "Trang 1/3 · 45 mục" in first
    assert first.count("Khảo sát Zêphyra") == 20
    assert "Trang 3/3" in third and third.count("Khảo sát Zêphyra") == 5
    assert beyond.status_code == 200 and "Trang 3/3" in beyond.content.decode()


@pytest.mark.django_db
def test_the_overview_shows_a_few_of_each_kind_with_a_link_to_all(client, world):
    _many(world, tasks=7, units=12)

    html = _page(client, world.coordinator, q="Zêphyra").content.decode()

    assert "19 kết quả cho “Zêphyra”" in html
    assert "Xem cả 12 kết quả loại đơn vị" in html
    assert "Xem cả 7 kết quả loại nhiệm vụ" in html
    assert html.count("Trạm Zêphyra") == 5


SEARCHES = [
    ("overview as staff", "ttkhcn_staff", {"q": "thu tai"}),
    ("overview as coordinator", "coordinator", {"q": "nhiem vu"}),
    ("reports as leadership", "leadership", {"q": "don vi", "loai": "bao-cao"}),
    ("tasks, page 2", "ttkhcn_staff", {"q": "thu tai", "loai": "nhiem-vu", "trang": "2"}),
]
# A count and a slice of each of the four kinds, the session, the user and their parts in plans.
BUDGET = 12


@pytest.mark.django_db
def test_the_search_page_costs_the_same_queries_whatever_the_data(client, world):
    def measure():
        counts = {}
        for name, account, query in SEARCHES:
            client.force_login(getattr(world, account))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(URL, query).status_code == 200
            counts[name] = len(queries)
        return counts

    small = measure()
    added = _grow(world)
    large = measure()

    assert added > 1000
    # A kind with nothing found skips the query of its first few: fewer queries, never more.
    assert max(small.values()) <= BUDGET, small
    assert max(large.values()) <= BUDGET, large


# ------------------------------------------------------------------------------
# The stored words (reports.search.index): every writer keeps them right
# ------------------------------------------------------------------------------
def _found(client, user, text, kind):
    html = _page(client, user, q=text, loai=kind).content.decode()
    return html


@pytest.mark.django_db
def test_a_report_written_by_a_bulk_update_is_found_by_its_new_words(client, world):
    report = world.report("ttkhcn", 1)
    link = reverse("reports:report_detail", args=[report.pk])
    assert link not in _found(client, world.coordinator, "Quỳnh Nhai", "bao-cao")

    TaskReport.objects.filter(pk=report.pk).update(difficulties="Thiếu máy ở xã Quỳnh Nhai")

    assert link in _found(client, world.coordinator, "quynh nhai", "bao-cao")
    TaskReport.objects.filter(pk=report.pk).update(difficulties="")
    assert link not in _found(client, world.coordinator, "quynh nhai", "bao-cao")


@pytest.mark.django_db
def test_a_report_is_found_by_its_task_s_new_title_and_a_task_by_its_plan_s_new_code(client, world):
    report = world.report("ttkhcn", 1)
    task = report.task
    Task.objects.filter(pk=task.pk).update(title="Xây dựng trạm Vĩnh Hảo")
    Plan.objects.filter(pk=world.plan.pk).update(code="kh-vinh-hao")

    reports = _found(client, world.coordinator, "vinh hao", "bao-cao")
    tasks = _found(client, world.coordinator, "kh vinh", "nhiem-vu")

    assert reverse("reports:report_detail", args=[report.pk]) in reports
    assert reverse("reports:task_detail", args=[task.pk]) in tasks


@pytest.mark.django_db
def test_a_report_handed_to_another_unit_is_found_by_that_unit_s_staff_only(client, world):
    other = Unit.objects.create(code="xa-muong-te", name="UBND xã Mường Tè", kind=UnitKind.DEPARTMENT)
    other_staff = UserFactory(username="muongte.canbo", unit=other, role=Role.STAFF)
    report = world.report("ttkhcn", 1)
    TaskReport.objects.filter(pk=report.pk).update(results="Hội thảo ở Mường Tè")
    link = reverse("reports:report_detail", args=[report.pk])
    assert link in _found(client, world.ttkhcn_staff, "muong te", "bao-cao")

    TaskReport.objects.filter(pk=report.pk).update(unit=other)

    assert link not in _found(client, world.ttkhcn_staff, "muong te", "bao-cao")
    assert link in _found(client, other_staff, "muong te", "bao-cao")


@pytest.mark.django_db
def test_units_created_in_bulk_and_deleted_are_found_and_forgotten(client, world):
    _many(world, units=3)
    assert "Trạm Zêphyra 2" in _found(client, world.coordinator, "zephyra", "don-vi")

    Unit.objects.filter(code__startswith="zephyra-").delete()

    assert "Không tìm thấy gì" in _found(client, world.coordinator, "zephyra", "don-vi")


@pytest.mark.django_db
def test_words_changed_while_the_triggers_were_gone_are_written_again_by_install(client, world):
    report = world.report("ttkhcn", 1)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_report_update")
        else:
            cursor.execute("DROP TRIGGER search_report_words ON reports_taskreport")
    TaskReport.objects.filter(pk=report.pk).update(proposals="Cấp máy cho Sìn Hồ")
    link = reverse("reports:report_detail", args=[report.pk])
    assert link not in _found(client, world.coordinator, "sin ho", "bao-cao")

    assert index.install() == ["reports_taskreport"]

    assert link in _found(client, world.coordinator, "sin ho", "bao-cao")
    assert index.install() == []  # all in place: nothing written again


@pytest.mark.django_db
def test_past_a_thousand_matches_the_count_says_more_than(client, world):
    _many(world, units=MAX_COUNT + 5)

    overview = _page(client, world.coordinator, q="zephyra").content.decode()
    pages = _page(client, world.coordinator, q="zephyra", loai="don-vi", trang="50").content.decode()

    assert "Hơn 1.000 kết quả cho “zephyra”" in overview
    assert "Xem hơn 1.000 kết quả loại đơn vị" in overview
    assert "Trang 50/50 · hơn 1.000 mục" in pages
