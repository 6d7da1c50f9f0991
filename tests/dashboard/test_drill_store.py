"""Drill-down lists on the figure store (issue 21, item 2): a listed drill-down of a scope the store serves is a
queryset over ProjectYearFact, paginated in the database; its rows, order, figures and lights equal the raw-row
path's (engine.store_serves patched to False, as tests/indicators/test_store.py does), its totals equal compute()'s
figure, and a page's query count does not grow with the number of projects, whichever page it is.

World: tests/dashboard/world.py's 测试市, worked by hand there. Through 2024-05 (1-5月), accepted reports:
P1 甲区 10000 / 4000, P2 甲区园区 20000 / 0, P3 乙区 30000 / 15000, P4 乙区 5000 / 1500, P5 丙区 6000 / 1000,
P6 丙区 3000 / 1500: 6 projects, plan 74000, completed 23000 (31.08%), 计划新开工 P2 and P4 (P4 started 3-20,
so 1 started), 计划竣工 P6 (done 4-10). P1's May report here also carries 形象进度 "主体完工" (the list shows it).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.core.periods import Period
from tuijin.dashboard import selectors, views
from tuijin.indicators import engine
from tuijin.indicators.engine import compute
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import review_report, save_report

pytestmark = pytest.mark.django_db

# The measure of compute() each listed key's list totals (its count), beside projects/annual_plan/completed.
KEY_FIGURE = {
    "planned_new_starts": "planned_new_starts",
    "planned_new_starts_started": "planned_new_starts_started",
    "planned_starts_to_date": "planned_starts_to_date",
    "planned_starts_to_date_started": "planned_starts_to_date_started",
    "planned_completions": "planned_completions",
    "planned_completions_done": "planned_completions_done",
    "planned_operations": "planned_operations",
    "planned_operations_done": "planned_operations_done",
}


@pytest.fixture
def world(town):
    # A correction of a locked month goes through review again: accepted again by the city.
    r = save_report(
        project=town.p[1],
        year=2024,
        month=5,
        amount=Decimal(800),
        progress_text="主体完工",
        reason="补充形象进度",
        status=ReportStatus.SUBMITTED, actor=SYSTEM,
    )
    review_report(report=r, accept=True, level="city", actor=SYSTEM)
    return town


def _spec(user, **params):
    q = QueryDict(mutable=True)
    for k, v in params.items():
        q[k] = str(v)
    return selectors.parse_drill(user, q)


def _list(user, raw=False, **params):
    if not raw:
        return selectors.drill_list(user, _spec(user, **params))
    original = engine.store_serves
    engine.store_serves = lambda scope: False
    try:
        return selectors.drill_list(user, _spec(user, **params))
    finally:
        engine.store_serves = original


def _rows(data):
    return [(r.project.pk, r.project.code, r.cells, r.light) for r in data.rows]


def _variants(t):
    """(user, params) for the lists compared: the city, a district, 本级, a category, an industry node and
    未标注, a sector none, several periods; the city admin and a reporter restricted to P1."""
    admin, reporter = t.users["admin"], t.users["reporter"]
    base = {"city": t.city.pk, "through": "2024-05"}
    out = []
    for key in selectors.LISTED_KEYS:
        out.append((admin, {**base, "key": key}))
    for extra in (
        {"unit": t.jia.pk},
        {"unit": t.jia.pk, "own": 1},
        {"own": 1},
        {"category": t.p[3].category_id},
        {"node": t.nodes["新能源"].pk},
        {"node": "none"},
        {"sector": "none"},
        {"kind": "month"},
        {"kind": "quarter", "through": "2024-06"},
        {"through": "2024-12"},
        {"through": "2024-02"},
    ):
        out.append((admin, {**base, "key": "completed", **extra}))
    out.append((admin, {**base, "key": "planned_new_starts_not_started", "unit": t.yi.pk}))
    out.append((reporter, {**base, "key": "projects"}))
    out.append((t.users["jia_admin"], {**base, "key": "completion_rate"}))
    return out


def test_the_store_list_equals_the_raw_rows_list(world):
    """Every listed key and filter: the same projects in the same order, the same cells (list, plan, completed,
    rate, 形象进度, start flags), the same lights, totals and printed totals as the raw-row path."""
    checked = 0
    for user, params in _variants(world):
        store, raw = _list(user, **params), _list(user, raw=True, **params)
        assert isinstance(store.rows, selectors.FactRows), params
        assert isinstance(raw.rows, list), params
        assert _rows(store) == _rows(raw), params
        assert store.totals == raw.totals and store.printed == raw.printed, params
        assert (store.title, store.scope_text, store.kind) == (raw.title, raw.scope_text, raw.kind)
        checked += len(raw.rows)
    assert checked > 40
    city = _list(world.users["admin"], key="projects", city=world.city.pk, through="2024-05")
    p = world.p
    assert [r.project.pk for r in city.rows] == [
        p[1].pk,
        p[2].pk,
        p[3].pk,
        p[4].pk,
        p[5].pk,
        p[6].pk,
    ]
    assert [r.cells["completed"] for r in city.rows] == [4000, 0, 15000, 1500, 1000, 1500]
    assert city.rows[0].cells["progress"] == "主体完工" and city.rows[1].cells["progress"] == ""
    assert {r.project.pk: r.light.level for r in city.rows} == {
        p[1].pk: "green",
        p[2].pk: "red",
        p[3].pk: "green",
        p[4].pk: "yellow",
        p[5].pk: "yellow",
        p[6].pk: "green",
    }
    assert (city.totals["count"], city.totals["annual_plan"], city.totals["completed"]) == (
        6,
        74000,
        23000,
    )
    assert city.printed["completion_rate"] == "31.1%"
    reporter = _list(world.users["reporter"], key="projects", city=world.city.pk, through="2024-05")
    assert [r.project.pk for r in reporter.rows] == [p[1].pk]


@pytest.mark.parametrize(
    "through, kind", [("2024-05", "ytd"), ("2024-05", "month"), ("2024-06", "quarter")]
)
def test_the_totals_equal_the_engine_figure(world, through, kind):
    """The list's totals (one aggregate over the same fact rows) equal compute() for the scope and period: the
    city and each district; 1-5月: 6 projects, 74000 planned, 23000 completed, 2 计划新开工 with 1 started."""
    t = world
    admin = t.users["admin"]
    period = Period.parse(through, kind)
    for unit in (None, t.jia, t.yi, t.bing):
        params = {
            "city": t.city.pk,
            "through": through,
            "kind": kind,
            **({"unit": unit.pk} if unit else {}),
        }
        spec = _spec(admin, key="projects", **params)
        scope = selectors.dashboard_scope(admin, spec.city, spec.unit)
        fig = compute(scope, period, breakdown=False, use_cache=False)
        data = selectors.drill_list(admin, spec)
        assert (data.totals["count"], data.totals["annual_plan"], data.totals["completed"]) == (
            fig.projects,
            fig.annual_plan,
            fig.completed,
        )
        assert data.totals["completion_rate"] == fig.completion_rate
        assert data.totals["schedule_variance"] == fig.schedule_variance
        assert data.totals["total_investment"] == fig.total_investment
        for key, figure in KEY_FIGURE.items():
            assert _list(admin, key=key, **params).totals["count"] == getattr(fig, figure), (
                unit,
                key,
            )
    whole = _list(admin, key="completed", city=t.city.pk, through="2024-05")
    assert (whole.totals["count"], whole.totals["completed"]) == (6, Decimal(23000))
    starts = _list(admin, key="planned_new_starts", city=t.city.pk, through="2024-05")
    assert (starts.totals["count"], starts.totals["start_rate"]) == (2, Decimal("0.5"))


def _page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    return r.content.decode(), len(sql), sql


def test_a_page_costs_the_same_queries_whatever_the_number_of_projects(
    client, world, settings, monkeypatch
):
    """Three rows a page: page 1 and the last page of the city's list cost the same number of queries with 6
    listed projects and with 6 + 20; the page's rows are read with a LIMIT, and the last page lists the last
    projects in code order (the 20 added in 丙区 come after P5 and P6, by code)."""
    settings.INDICATOR_CACHE_SECONDS = 0
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 3)
    client.force_login(world.users["admin"])
    url = f"/dashboard/list/?key=completion_rate&city={world.city.pk}&through=2024-05"
    client.get(url)  # per-process memos filled
    _html, first_small, _ = _page(client, url)
    _html, last_small, _ = _page(client, url + "&page=2")
    added = []
    for i in range(20):
        p = f.project(
            world.bing,
            total=Decimal(20000),
            code=f"2024-329999-34-03-{i:05d}9",
            name=f"新增项目{i:02d}",
        )
        f.entry(world.shi, p, plan=Decimal(1000), continuing=True)
        f.reports(p, 2024, [Decimal(50)] * 5)
        added.append(p)
    html, first_big, sql = _page(client, url)
    assert any("LIMIT" in s.upper() and "indicators_projectyearfact" in s for s in sql)
    last_html, last_big, _ = _page(client, url + "&page=9")
    middle_html, middle_big, _ = _page(client, url + "&page=5")
    assert first_small == last_small == first_big == last_big == middle_big, (
        first_small,
        last_small,
        first_big,
        last_big,
        middle_big,
    )
    assert 'data-count="26"' in html
    # page 9 of 26 rows at 3 a page: rows 25-26, the last two added
    assert (
        added[-1].name in last_html
        and added[-2].name in last_html
        and added[-3].name not in last_html
    )
    data = _list(world.users["admin"], key="completion_rate", city=world.city.pk, through="2024-05")
    assert [r.project.pk for r in data.rows[24:26]] == [added[-2].pk, added[-1].pk]
    assert data.totals["completed"] == Decimal(23000 + 20 * 250)


def test_the_export_of_a_store_list_has_every_row_and_the_total(client, world, monkeypatch):
    """The Excel export reads every row (a chunk at a time), not just a page, with the same total."""
    import io

    from openpyxl import load_workbook

    monkeypatch.setattr(selectors.FactRows, "CHUNK", 4)
    client.force_login(world.users["admin"])
    r = client.get(
        f"/dashboard/list/?key=projects&city={world.city.pk}&through=2024-05&format=xlsx"
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [row for row in ws.iter_rows(min_row=4, values_only=True)]
    assert [row[2] for row in rows[:-1]] == [world.p[i].name for i in range(1, 7)]
    assert rows[-1][2] == "合计 6 个" and rows[-1][8] == 23000


def test_an_empty_store_list_renders(client, world):
    """No project is planned to go into production in 测试市: the list says so, with a total of 0 个."""
    client.force_login(world.users["admin"])
    r = client.get(
        f"/dashboard/list/?key=planned_operations&city={world.city.pk}&through=2024-05&page=3"
    )
    html = r.content.decode()
    assert r.status_code == 200 and "没有项目" in html and 'data-count="0"' in html
