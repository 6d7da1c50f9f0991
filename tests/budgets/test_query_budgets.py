"""Query budgets (issue 21, item 5): each busy page's query count, pinned in tests/query_budgets.json.

The world is tests/dashboard/world.py's 测试市 (6 listed projects, 4 signings; users town_admin …). Each page is
requested by the 市管理员 with the indicator cache off (the cold cost), once in that world and once after 丙区 gains
GROWTH more listed projects (each with a 1,000 万元 plan, 50 万元 a month for January-May 2024 — 25% against 41.7%,
so every one lags — and a planned start in February not made), so the second world has 6 + GROWTH listed projects,
all of them on 省重大项目 and so on the bulletin's lagging list. A page fails when

- its count in the second world differs from the first (it grows with the number of projects), or
- its count exceeds its baseline in tests/query_budgets.json.

A deliberate change of a page's cost updates the file:

    TUIJIN_UPDATE_QUERY_BUDGETS=1 PYTHONPATH=src .venv/bin/pytest -q tests/budgets/test_query_budgets.py

(it then writes the counts it measured, and passes; review the diff like any other change).
"""

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.dashboard.world import build_town

BUDGET_FILE = Path(__file__).resolve().parent.parent / "query_budgets.json"
GROWTH = 15
THROUGH = "2024-05"

# page → (method, url template); {city} is the town's id.
PAGES = {
    "overview": "/overview/?through=" + THROUGH,
    "dashboard": "/dashboard/?through=" + THROUGH,
    "dashboard_lights": "/dashboard/lights/?through=" + THROUGH,
    "dashboard_list_projects": "/dashboard/list/?key=projects&city={city}&through=" + THROUGH,
    "dashboard_list_lagging_rate": "/dashboard/list/?key=completion_rate&city={city}&through="
    + THROUGH,
    "bulletins_page": "/bulletins/?through=" + THROUGH,
    "bulletins_generate_txt": "/bulletins/download/?format=txt&through=" + THROUGH,
    "bulletins_generate_json": "/bulletins/download/?format=json&through=" + THROUGH,
    "weekly_agenda": "/problems/weekly/?city={city}&week=2024-06-12",
    "map_page": "/map/?through=" + THROUGH,  # 一张图 (tuijin.geo)
    "map_data": "/map/data/?through=" + THROUGH,
    "screen_data": "/screen/data/?through=" + THROUGH,  # 大屏's JSON, fetched on a schedule
    "api_projects": "/api/v1/projects?limit=50",
    "api_indicators": "/api/v1/indicators?city={city_name}&through=" + THROUGH,
}


def _grow(town, n: int) -> None:
    for _i in range(n):
        p = f.project(town.bing, total=Decimal(20000))
        # On 省重大项目, the first list: the one the bulletin's lagging section lists by default.
        f.entry(town.sheng, p, plan=Decimal(1000), planned_new_start=True, planned_start_month=2)
        f.reports(p, 2024, [Decimal(50)] * 5)


def _measure(client, token: str, town) -> dict[str, tuple[int, int]]:
    out = {}
    for name, template in PAGES.items():
        url = template.format(city=town.city.pk, city_name=town.city.name)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if url.startswith("/api/") else {}
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, **headers)
            if hasattr(r, "streaming_content"):
                b"".join(r.streaming_content)
        out[name] = (r.status_code, len(ctx.captured_queries))
    return out


@pytest.mark.django_db
def test_query_budgets(client, settings):
    settings.INDICATOR_CACHE_SECONDS = 0
    from tuijin.api.services import create_token

    town = build_town()
    admin = town.users["admin"]
    token = create_token(user=admin, name="预算", days=30, actor=admin)[1]
    client.force_login(admin)
    _measure(client, token, town)  # warm: per-process memos (conventions, categories) filled
    small = _measure(client, token, town)
    _grow(town, GROWTH)
    big = _measure(client, token, town)

    assert {k: s for k, (s, _n) in big.items() if s != 200} == {}, "every page answers"
    if os.environ.get("TUIJIN_UPDATE_QUERY_BUDGETS"):
        BUDGET_FILE.write_text(
            json.dumps({k: n for k, (_s, n) in sorted(big.items())}, indent=2, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )
        return
    budgets = json.loads(BUDGET_FILE.read_text(encoding="utf-8"))
    grew = {k: (small[k][1], big[k][1]) for k in PAGES if small[k][1] != big[k][1]}
    over = {
        k: (big[k][1], budgets.get(k))
        for k in PAGES
        if budgets.get(k) is None or big[k][1] > budgets[k]
    }
    assert grew == {}, f"queries grow with the number of projects (6 → {6 + GROWTH} listed): {grew}"
    assert over == {}, f"over the budget in {BUDGET_FILE.name} (measured, budget): {over}"
