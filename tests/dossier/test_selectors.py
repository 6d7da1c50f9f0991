"""The dossier selector: plan against actual by month from the engine (hand-computed in conftest), the timeline,
problems, contracts and list history, scoped by the user."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from tuijin.core.periods import Period
from tuijin.dossier.selectors import dossier, get_approval_or_404, project_scope
from tuijin.dossier.services import add_approval
from tuijin.indicators.engine import compute, plan_vs_actual
from tuijin.projects import scoping

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2024, 7, 10)


def test_plan_against_actual_by_month(town):
    """2024, 省重大项目's entry only (plan 12000; 市重大项目's 9000 and its 6月 9999 are not counted):
    累计计划 3月 2000, 6月 5000, 9月 8000, 12月 12000 (none elsewhere: null, never 0);
    当月完成 500, 700, 800, 1000, 2100 (6月's 1500 is only submitted); 累计 500, 1200, 2000, 3000, 5100, then none;
    完成率 5100/12000 = 42.5% at 5月, 2000/12000 = 16.666… → 16.7% at 3月; 同期计划完成率 3月 2000/2000 = 100%."""
    d = dossier(town.admin, town.p, today=TODAY)
    c = d.chart
    assert d.year == 2024 and d.years == [2024, 2023]
    assert c["annual_plan_wan"] == 12000 and c["through"] == 5 and c["projects"] == 1
    assert c["plan_cumulative_wan"] == [
        None,
        None,
        2000,
        None,
        None,
        5000,
        None,
        None,
        8000,
        None,
        None,
        12000,
    ]
    assert c["completed_wan"] == [500, 700, 800, 1000, 2100] + [None] * 7
    assert c["completed_cumulative_wan"] == [500, 1200, 2000, 3000, 5100] + [None] * 7
    assert c["completion_rate_pct"] == [4.2, 10.0, 16.7, 25.0, 42.5] + [None] * 7
    assert c["plan_rate_pct"] == [None, None, 100, None, None] + [None] * 7
    assert c["labels"][0] == "1月" and len(c["labels"]) == 12


def test_key_figures_are_the_engines_for_1_to_the_last_month_reported(town):
    """1-5月: plan 1.2 亿, completed 5100 → 0.5 亿 (0.51 half up), 42.5%, 序时 41.7%, 超 0.8 个百分点, 同期 —."""
    d = dossier(town.admin, town.p, today=TODAY)
    f = d.figures
    assert d.through_label == "2024年1-5月"
    assert (f["annual_plan_yi"], f["completed_yi"]) == (1.2, 0.5)
    assert (f["completion_rate_pct"], f["schedule_share_pct"], f["schedule_variance_pp"]) == (
        42.5,
        41.7,
        0.8,
    )
    assert f["period_plan_rate_pct"] is None and f["projects"] == 1
    # The same as compute() over the one-project scope, month by month: nothing is recomputed.
    scope = project_scope(town.p, town.city)
    pva = plan_vs_actual(scope, 2024)
    for m in (1, 3, 5):
        figures = compute(scope, Period.year_to_date(2024, m), breakdown=False)
        point = pva.months[m - 1]
        assert point.completed_cumulative == figures.completed
        assert point.completion_rate == figures.completion_rate
        assert (point.plan_cumulative or Decimal(0)) == figures.period_plan
    assert (
        pva.annual_plan == compute(scope, Period.year_to_date(2024, 5), breakdown=False).annual_plan
    )


def test_another_year_is_chosen_and_an_unlisted_year_falls_back(town):
    """2023: 市重大项目 plan 6000, no report → no cumulative, no key figures; 2019 (not listed) → 2024."""
    d = dossier(town.admin, town.p, year=2023, today=TODAY)
    assert d.year == 2023 and d.chart["annual_plan_wan"] == 6000 and d.chart["through"] is None
    assert d.figures is None and d.chart["completed_cumulative_wan"] == [None] * 12
    assert dossier(town.admin, town.p, year=2019, today=TODAY).year == 2024


def test_an_unlisted_project_has_no_chart(town):
    d = dossier(town.admin, town.q, today=TODAY)
    assert d.years == [] and d.year is None and d.chart is None and d.figures is None


def test_timeline_merges_stages_plans_contract_nodes_and_approvals_in_date_order(town):
    """谋划 (registered 2020-01-01), 签约 2023-12-01 (stage and contract), approval 2024-01-20, contract 开工 reached 2024-03-15, stage 开工
    2024-03-15, planned 竣工 2026-06-30 (not yet due on 2024-07-10), agreed 投产 2026-12-31."""
    add_approval(
        actor=town.east_admin,
        project=town.p,
        item="permit",
        number="东建施〔2024〕3号",
        issued_on=D(2024, 1, 20),
    )
    items = [
        (t.date, t.source, t.label, t.done, t.overdue)
        for t in dossier(town.admin, town.p, today=TODAY).timeline
    ]
    assert items == [
        (D(2020, 1, 1), "阶段", "谋划", True, False),
        (D(2023, 12, 1), "阶段", "签约", True, False),
        (D(2023, 12, 1), "合同", "首次签约", True, False),
        (D(2024, 1, 20), "审批", "施工许可", True, False),
        (D(2024, 3, 15), "阶段", "开工", True, False),
        (D(2024, 3, 15), "合同", "合同约定开工", True, False),
        (D(2026, 6, 30), "阶段", "计划竣工", False, False),
        (D(2026, 12, 31), "合同", "合同约定投产", False, False),
    ]
    late = dossier(town.admin, town.p, today=D(2026, 7, 1)).timeline
    assert [t.overdue for t in late if not t.done] == [True, False]


def test_problems_contracts_and_list_history(town):
    d = dossier(town.admin, town.p, today=TODAY)
    assert [p.title for p in d.problems_open] == ["新增建设用地指标未落实"]
    assert [p.title for p in d.problems_closed] == ["临时用电接入"]
    (row,) = d.contracts
    assert row.contract.investment == Decimal(20000) and row.arrived == Decimal(5000)
    assert [a.amount for a in row.arrivals] == [Decimal(3000), Decimal(2000)]
    assert [
        (y.year, [(e.annual_list.name, e.annual_plan) for e in y.entries]) for y in d.list_history
    ] == [
        (2024, [("省重大项目", Decimal(12000)), ("市重大项目", Decimal(9000))]),
        (2023, [("市重大项目", Decimal(6000))]),
    ]
    assert d.latest_progress.month == 5  # 6月's text is not confirmed yet
    assert "主厂房" in d.latest_progress.progress_text


def test_a_reporter_sees_the_dossier_of_its_project_and_nothing_of_another(town):
    d = dossier(town.reporter, town.p, today=TODAY)
    assert d.chart["through"] == 5 and len(d.contracts) == 1
    doc = add_approval(actor=town.east_admin, project=town.p, item="land", issued_on=D(2024, 1, 2))
    assert get_approval_or_404(town.reporter, doc.pk) == doc
    with pytest.raises(Http404):
        get_approval_or_404(town.west_admin, doc.pk)
    with pytest.raises(Http404):
        scoping.get_project_or_404(town.west_admin, town.p.pk)
