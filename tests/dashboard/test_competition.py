"""Done-when (b): a hand-made campaign of three units and three weighted indicators gives the ranking and the
scores computed by hand; and the competition pages (ranking, red and black lists, export, who sees what).

赛马市, second quarter of 2024 (months 4-6), amounts in 万元:

  A区  P_A1 产业 续建, 2024 plan 20000; reports 1-3月 1000 each, 4-6月 4000 each; 2 projects signed in Q2
  B区  P_B1 基础设施 计划新开工 4月 (signed 2023-10-01, started 2024-04-15), plan 60000, 4-6月 2000 each;
       P_B2 社会民生 续建, plan 5000, 1-3月 500 each, none in Q2, 投产 2024-05-01; 4 projects signed in Q2
  C区  P_C1 产业 续建, plan 120000, 1-3月 2000 each, 4-6月 10000 each; 1 signed in Q2, 2 signed in Q1

Indicators: 完成投资 (weight 50, 标杆法), 新签约个数 (weight 30, 极差法), 项目赋分 (weight 1, 原值) with DOMAIN.md's
scheme: 新开工 5, 续建 2; plan ≥10亿 20, 5-10亿 10, 1-5亿 6, below 3; 产业 15, 社会民生 8, 基础设施 6;
progress 60 × completion rate in the period; 投产 in the period 10.

Q2 raw values and scores:
  完成投资   A 12000, B 6000, C 30000      → 50×v/30000:          A 20, B 10, C 50
  新签约     A 2, B 4, C 1                  → 30×(v−1)/(4−1):      A 10, B 30, C 0
  项目赋分   A: 2 + 6 + 15 + 60×0.6 = 59
             B: P_B1 5 + 10 + 6 + 60×0.1 = 27; P_B2 2 + 3 + 8 + 0 + 10 = 23 → 50
             C: 2 + 20 + 15 + 60×0.25 = 52                          → ×1: A 59, B 50, C 52
  totals     A 89, B 90, C 102; B's deduction of 2 (扣分) → B 88: ranks C 1, A 2, B 3
Q1 (the previous period, same indicators, no adjustments):
  完成投资   A 3000, B 1500, C 6000         → A 25, B 12.5, C 50
  新签约     A 0, B 0, C 2                  → A 0, B 0, C 30
  项目赋分   A 2+6+15+60×0.15 = 32; B (16) + (2+3+8+60×0.3) = 47; C 2+20+15+60×0.05 = 40
  totals     A 57, B 59.5, C 120: ranks C 1, B 2, A 3 → change: C 0, A +1, B −1
"""

import datetime
import io
from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.periods import Period
from tuijin.dashboard import services
from tuijin.indicators import competition as C

D = datetime.date
X = Decimal

POINTS = {"new_start": 5, "continuing": 2, "plan_size": [[100000, 20], [50000, 10], [10000, 6], [0, 3]],
          "category": {"industry": 15, "social": 8, "infrastructure": 6}, "progress": 60, "progress_cap": 1,
          "operating": 10}


@pytest.fixture
def race(db):
    city, u = f.city_tree("赛马市", ("A区", "B区", "C区"))
    a, b, c = u["A区"], u["B区"], u["C区"]
    lst = f.annual_list(city, "市重大项目")
    old = {"signed": D(2020, 1, 1), "started": D(2021, 1, 1)}
    pa1 = f.project(a, total=X(80000), stages=old)
    pb1 = f.project(b, total=X(150000), category_name="基础设施",
                    stages={"signed": D(2023, 10, 1), "started": D(2024, 4, 15)})
    pb2 = f.project(b, total=X(9000), category_name="社会民生", stages=old)
    pc1 = f.project(c, total=X(300000), stages=old)
    from tuijin.projects.services import record_stage

    record_stage(project=pb2, stage="operating", date=D(2024, 5, 1), actor=SYSTEM)
    f.entry(lst, pa1, plan=X(20000), continuing=True)
    f.entry(lst, pb1, plan=X(60000), planned_new_start=True, planned_start_month=4)
    f.entry(lst, pb2, plan=X(5000), continuing=True)
    f.entry(lst, pc1, plan=X(120000), continuing=True)
    f.reports(pa1, 2024, [1000, 1000, 1000, 4000, 4000, 4000])
    f.reports(pb1, 2024, [2000, 2000, 2000], first_month=4)
    f.reports(pb2, 2024, [500, 500, 500, 0, 0, 0])
    f.reports(pc1, 2024, [2000, 2000, 2000, 10000, 10000, 10000])
    for unit, dates in ((a, [D(2024, 4, 10), D(2024, 5, 20)]),
                        (b, [D(2024, 4, 2), D(2024, 4, 30), D(2024, 5, 5), D(2024, 6, 28)]),
                        (c, [D(2024, 6, 1), D(2024, 2, 1), D(2024, 3, 3)])):
        for d in dates:
            f.project(unit, total=X(12000), stages={"signed": d})
    admin = f.user("race_admin", city, Role.CITY_ADMIN)
    campaign = services.create_campaign(
        city=city, name="二季度双比双看", year=2024, first_month=4, last_month=6, units=[a, b, c], actor=admin,
        indicators=[dict(name="完成投资", kind="completed", weight=50, method="best"),
                    dict(name="新签约", kind="new_signed_count", weight=30, method="range"),
                    dict(name="项目赋分", kind="project_points", weight=1, method="raw", params=POINTS)],
        red_count=1, black_count=1)
    services.add_adjustment(campaign=campaign, unit=b, points="-2", reason="月报逾期被通报", actor=admin)
    return {"city": city, "a": a, "b": b, "c": c, "campaign": campaign, "admin": admin}


def test_the_hand_made_campaign_ranks_as_computed_by_hand(race):
    from tuijin.dashboard.selectors import ranking_page

    page = ranking_page(race["admin"], race["campaign"])
    rows = page.ranking.rows
    keys = [s.key for s in page.ranking.specs]
    by = {r.unit.name: r for r in rows}
    assert [r.unit.name for r in rows] == ["C区", "A区", "B区"]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert {n: [by[n].raw[k] for k in keys] for n in by} == {
        "A区": [X(12000), X(2), X(59)], "B区": [X(6000), X(4), X(50)], "C区": [X(30000), X(1), X(52)]}
    assert {n: [by[n].scores[k] for k in keys] for n in by} == {
        "A区": [X(20), X(10), X(59)], "B区": [X(10), X(30), X(50)], "C区": [X(50), X(0), X(52)]}
    assert {n: (by[n].adjustment, by[n].total) for n in by} == {
        "A区": (X(0), X(89)), "B区": (X(-2), X(88)), "C区": (X(0), X(102))}
    assert page.ranking.previous_period == Period(2024, 1, 3)
    assert {n: (by[n].prev_rank, by[n].rank_change) for n in by} == {"C区": (1, 0), "A区": (3, 1), "B区": (2, -1)}


def test_the_previous_period_by_hand(race):
    units = [race["a"], race["b"], race["c"]]
    specs = [i.as_spec() for i in race["campaign"].indicators.order_by("sort_order")]
    from tuijin.indicators.scope import Scope

    rows = C.score(units, specs, C.raw_values(Scope(race["city"]), units, specs, Period(2024, 1, 3)))
    assert [(r.unit.name, r.total, r.rank) for r in rows] == [("C区", X(120), 1), ("B区", X("59.5"), 2),
                                                              ("A区", X(57), 3)]


def test_scoring_methods_and_ties():
    units = [type("U", (), {"pk": i, "name": str(i)})() for i in (1, 2, 3)]
    assert C.normalise({1: X(5), 2: X(10), 3: None}, X(20), C.BEST) == {1: X(10), 2: X(20), 3: X(0)}
    assert C.normalise({1: X(-5), 2: X(5), 3: X(0)}, X(10), C.RANGE) == {1: X(0), 2: X(10), 3: X(5)}
    assert C.normalise({1: X(2), 2: X(2)}, X(10), C.RANGE) == {1: X(10), 2: X(10)}
    assert C.normalise({1: X(-1), 2: X(0)}, X(10), C.BEST) == {1: X(0), 2: X(0)}
    assert C.competition_ranks({1: X(5), 2: X(5), 3: X(1)}) == {1: 1, 2: 1, 3: 3}
    spec = C.IndicatorSpec("k", "k", "completed", X(1), C.RAW)
    rows = C.score(units, [spec], {1: {"k": X(3)}, 2: {"k": X(3)}, 3: {"k": X(4)}})
    assert [(r.unit.pk, r.rank) for r in rows] == [(3, 1), (1, 2), (2, 2)]
    assert C.previous_period(Period(2024, 4, 6)) == Period(2024, 1, 3)
    assert C.previous_period(Period(2024, 1, 3)) == Period(2023, 10, 12)
    assert C.previous_period(Period(2024, 6, 6)) == Period(2024, 5, 5)


def test_campaign_writes_are_validated_and_audited(race):
    camp = race["campaign"]
    assert AuditEntry.objects.filter(model="dashboard.Campaign", action="create").count() == 1
    assert AuditEntry.objects.filter(model="dashboard.CampaignIndicator").count() == 3
    assert AuditEntry.objects.filter(model="dashboard.CampaignAdjustment", action="create").count() == 1
    from tuijin.core.errors import InputError

    with pytest.raises(InputError):
        services.add_adjustment(campaign=camp, unit=race["a"], points="0", reason="零分", actor=SYSTEM)
    with pytest.raises(InputError):
        services.add_adjustment(campaign=camp, unit=race["city"], points="1", reason="不是参赛单位", actor=SYSTEM)
    with pytest.raises(InputError):
        services.create_campaign(city=race["city"], name="x", year=2024, first_month=4, last_month=6,
                                 units=[race["a"]], indicators=[{"name": "n", "kind": "completed", "weight": 1}], actor=SYSTEM)


def test_ranking_and_red_black_list_pages(client, race):
    camp = race["campaign"]
    client.force_login(race["admin"])
    html = client.get(f"/dashboard/competition/?campaign={camp.pk}").content.decode()
    assert html.index("C区") < html.index("A区") < html.index("B区")
    assert "102.00" in html and "88.00" in html and "↑1" in html and "↓1" in html and "月报逾期被通报" in html
    # before publication, only the city administrator sees the lists (as a preview)
    leader = f.user("race_leader", race["city"], Role.CITY_LEADER)
    client.force_login(leader)
    assert "尚未发布" in client.get(f"/dashboard/competition/lists/?campaign={camp.pk}").content.decode()
    assert client.post("/dashboard/competition/", {"campaign": camp.pk, "action": "publish"}).status_code == 403
    client.force_login(race["admin"])
    assert client.post("/dashboard/competition/", {"campaign": camp.pk, "action": "publish"}).status_code == 302
    client.force_login(leader)
    html = client.get(f"/dashboard/competition/lists/?campaign={camp.pk}").content.decode()
    red, black = html.split('id="red-title"')[1], html.split('id="black-title"')[1]
    assert "C区" in red.split("</section>")[0] and "B区" in black.split("</section>")[0]
    response = client.get(f"/dashboard/competition/lists/?campaign={camp.pk}&format=xlsx")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[2], r[-2]) for r in rows] == [("红榜", 1, "C区", 102.0), ("黑榜", 3, "B区", 88.0)]
    assert AuditEntry.objects.filter(model="dashboard.Campaign", action="update").exists()


def test_the_city_administrator_adds_adjustments_and_highlights(client, race):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    camp = race["campaign"]
    client.force_login(race["admin"])
    r = client.post("/dashboard/competition/", {"campaign": camp.pk, "action": "adjust", "unit": race["a"].pk,
                                                "points": "3", "reason": "获省级表彰"})
    assert r.status_code == 302 and camp.adjustments.count() == 2
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "PNG")
    photo = SimpleUploadedFile("site.png", buf.getvalue(), content_type="image/png")
    import tempfile

    from django.test import override_settings

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        r = client.post("/dashboard/competition/", {"campaign": camp.pk, "action": "highlight",
                                                    "unit": race["c"].pk, "title": "C区亮点", "photo": photo})
        assert r.status_code == 302
        h = camp.highlights.get()
        html = client.get(f"/dashboard/competition/?campaign={camp.pk}").content.decode()
        assert "C区亮点" in html
        img = client.get(f"/dashboard/competition/media/?highlight={h.pk}")
        assert img.status_code == 200 and b"".join(img.streaming_content)[:4] == b"\x89PNG"
    assert client.get("/dashboard/competition/media/").status_code == 400


def test_a_reporter_does_not_see_the_ranking(client, race):
    reporter = f.user("race_reporter", race["a"], Role.REPORTER)
    client.force_login(reporter)
    html = client.get(f"/dashboard/competition/?campaign={race['campaign'].pk}").content.decode()
    assert "竞赛排名对市级用户和板块用户开放" in html and "102.00" not in html


def test_the_city_administrator_sets_up_a_campaign_on_the_page(client, race):
    client.force_login(race["admin"])
    html = client.get("/dashboard/competition/").content.decode()
    assert "设立新一期竞赛" in html
    data = {"action": "create_campaign", "city": race["city"].pk, "name": "三季度赛马", "year": 2024,
            "first_month": 7, "last_month": 9, "units": [race["a"].pk, race["b"].pk], "red_count": 1,
            "black_count": 1, "previous": race["campaign"].pk,
            "ind0_name": "完成投资", "ind0_kind": "completed", "ind0_weight": "60", "ind0_method": "best",
            "ind1_name": "赋分", "ind1_kind": "project_points", "ind1_weight": "40", "ind1_method": "range"}
    r = client.post("/dashboard/competition/", data)
    assert r.status_code == 302
    from tuijin.dashboard.models import Campaign

    camp = Campaign.objects.get(name="三季度赛马")
    assert camp.units.count() == 2 and [i.kind for i in camp.indicators.order_by("sort_order")] == [
        "completed", "project_points"]
    assert camp.previous == race["campaign"]
    bad = client.post("/dashboard/competition/", {**data, "name": "缺指标", "ind0_kind": "", "ind0_name": "",
                                                  "ind1_kind": "", "ind1_name": ""})
    assert bad.status_code == 400 and "至少设置一个竞赛指标" in bad.content.decode()
    client.force_login(f.user("race_leader2", race["city"], Role.CITY_LEADER))
    assert client.post("/dashboard/competition/", {**data, "name": "领导"}).status_code == 403


# ---------------------------------------------------------------- 目标任务完成率 (target_progress)
#
# The race's 2024 targets for 新签约项目个数 (市定 unless said): A区 4, B区 5; C区 has none (it has a 完成投资
# target, which this indicator ignores). A区 also has a 省定 target of 2 and B区 one on 市重大项目 only, of 8:
# neither counts (the indicator reads the 市定 target on the unit's whole programme).
# Signed in 2024 through June (the Q2 campaign's last month): A 2, B 4, C 3.
#   progress      A 2/4 = 0.5, B 4/5 = 0.8, C none          → 20 × v / 0.8 (标杆法): A 12.5, B 20, C 0
#   完成投资 Q2    A 12000, B 6000, C 30000                  → 50 × v / 30000:        A 20,   B 10, C 50
#   totals        A 32.5, B 30, C 50: ranks C 1, A 2, B 3
# Q1 (through March): nobody signed in Q1 but C (no target): A 0, B 0 → best 0 → all 0; 完成投资 A 25, B 12.5,
# C 50: same order, so no rank changes.


@pytest.fixture
def target_race(race):
    from tuijin.attraction.services import set_target

    a, b, c = race["a"], race["b"], race["c"]
    set_target(unit=a, year=2024, indicator="new_signed_count", value=4, actor=SYSTEM)
    set_target(unit=a, year=2024, indicator="new_signed_count", value=2, level="province", actor=SYSTEM)
    set_target(unit=b, year=2024, indicator="new_signed_count", value=8, annual_list=_list(race["city"]), actor=SYSTEM)
    set_target(unit=b, year=2024, indicator="new_signed_count", value=5, actor=SYSTEM)
    set_target(unit=c, year=2024, indicator="completed_investment", value=10, actor=SYSTEM)
    campaign = services.create_campaign(
        city=race["city"], name="二季度目标任务赛", year=2024, first_month=4, last_month=6, units=[a, b, c],
        actor=race["admin"],
        indicators=[dict(name="新签约目标完成率", kind="target_progress", weight=20, method="best",
                         params={"indicator": "new_signed_count"}),
                    dict(name="完成投资", kind="completed", weight=50, method="best")])
    return {**race, "campaign": campaign}


def _list(city):
    from tuijin.projects.models import AnnualList

    return AnnualList.objects.get(city=city, name="市重大项目")


def test_target_progress_ranks_as_computed_by_hand(target_race):
    from tuijin.dashboard.selectors import ranking_page

    page = ranking_page(target_race["admin"], target_race["campaign"])
    keys = [s.key for s in page.ranking.specs]
    by = {r.unit.name: r for r in page.ranking.rows}
    assert {n: [by[n].raw[k] for k in keys] for n in by} == {
        "A区": [X("0.5"), X(12000)], "B区": [X("0.8"), X(6000)], "C区": [None, X(30000)]}
    assert {n: [by[n].scores[k] for k in keys] for n in by} == {
        "A区": [X("12.5"), X(20)], "B区": [X(20), X(10)], "C区": [X(0), X(50)]}
    assert [(r.unit.name, r.total, r.rank, r.rank_change) for r in page.ranking.rows] == [
        ("C区", X(50), 1, 0), ("A区", X("32.5"), 2, 0), ("B区", X(30), 3, 0)]
    spec = page.ranking.specs[0]
    assert (spec.unit_label, C.KIND_LABELS[spec.kind]) == ("%", "目标任务完成率")
    # Printed as the other rates are: 50.0% and 80.0%, — for C区.
    cells = {row["r"].unit.name: row["cells"][0]["raw"] for row in page.rows}
    assert cells == {"A区": "50.0%", "B区": "80.0%", "C区": "—"}


def test_target_progress_reads_every_unit_in_one_evaluation(target_race, django_assert_max_num_queries):
    """One query for the targets, one for their steps, one for their cities, then the engine once per distinct
    target scope (A区 and B区 here): never a query per unit or per target."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuijin.indicators.engine import compute
    from tuijin.indicators.scope import Scope

    units = [target_race["a"], target_race["b"], target_race["c"]]
    spec = C.IndicatorSpec("t", "t", C.TARGET_PROGRESS, X(20), C.BEST, {"indicator": "new_signed_count"})
    with CaptureQueriesContext(connection) as one:
        compute(Scope(target_race["city"], target_race["a"]), Period.year_to_date(2024, 6), breakdown=False)
    with django_assert_max_num_queries(3 + 2 * len(one.captured_queries)):
        values = C.target_progress(units, [spec], Period(2024, 4, 6))
    assert values == {units[0].pk: {"t": X("0.5")}, units[1].pk: {"t": X("0.8")}, units[2].pk: {"t": None}}


def test_target_progress_needs_a_known_target_indicator(target_race, client):
    from tuijin.core.errors import InputError

    camp = target_race["campaign"]
    with pytest.raises(InputError, match="目标任务指标未知: 'gdp'") as err:
        services.add_indicator(campaign=camp, name="GDP目标", kind="target_progress", weight=10,
                               params={"indicator": "gdp"}, actor=SYSTEM)
    assert err.value.field == "params"
    with pytest.raises(InputError, match="须选择目标任务指标"):
        services.add_indicator(campaign=camp, name="无指标", kind="target_progress", weight=10, actor=SYSTEM)
    with pytest.raises(InputError, match="下达层级未知: 'county'"):
        services.add_indicator(campaign=camp, name="县定", kind="target_progress", weight=10,
                               params={"indicator": "funds_arrived", "level": "county"}, actor=SYSTEM)
    assert camp.indicators.count() == 2
    # The campaign form: the target indicator is chosen per row; without it the campaign is refused.
    client.force_login(target_race["admin"])
    data = {"action": "create_campaign", "city": target_race["city"].pk, "name": "三季度目标赛", "year": 2024,
            "first_month": 7, "last_month": 9, "units": [target_race["a"].pk, target_race["b"].pk],
            "red_count": 1, "black_count": 1, "ind0_name": "到位资金目标", "ind0_kind": "target_progress",
            "ind0_weight": "30", "ind0_method": "best"}
    r = client.post("/dashboard/competition/", data)
    assert r.status_code == 400 and "须选择目标任务指标" in r.content.decode()
    r = client.post("/dashboard/competition/", {**data, "ind0_target": "funds_arrived"})
    assert r.status_code == 302
    from tuijin.dashboard.models import CampaignIndicator

    assert CampaignIndicator.objects.get(campaign__name="三季度目标赛").params == {"indicator": "funds_arrived"}


def test_a_highlight_video_is_checked_by_its_bytes(client, race):
    from django.core.files.uploadedfile import SimpleUploadedFile

    camp = race["campaign"]
    client.force_login(race["admin"])
    video = SimpleUploadedFile("亮点.mp4", b"<html><script>alert(1)</script></html>", content_type="video/mp4")
    r = client.post("/dashboard/competition/", {"campaign": camp.pk, "action": "highlight", "unit": race["c"].pk,
                                                "title": "C区亮点", "video": video}, follow=True)
    assert "亮点.mp4 不是视频" in r.content.decode()
    assert not camp.highlights.exists()
