"""Each status on hand-made items, through the services and the selectors (the same path as the pages,
the CLI and the demo), including a quarterly plan where the linear share would give another status."""

from decimal import Decimal

import pytest

from tests.factories import SYSTEM
from tuijin.livelihood import selectors, services
from tuijin.livelihood.models import ReportStatus
from tuijin.livelihood.progress import AHEAD, BEHIND, COMPLETED, NOT_REPORTED, ON_SCHEDULE

from .conftest import dec

pytestmark = pytest.mark.django_db


def state(w, item, month=5, basis="accepted"):
    item.refresh_from_db()
    return selectors.item_states([item], year=2024, month=month, tolerance_pp=item.programme.tolerance_pp,
                                 basis=basis)[0]


def test_completed_when_the_target_is_met_even_early(w):
    item = w.item("两癌筛查", sub_items=[{"name": "宫颈癌筛查", "quantity": 4, "unit": "万人"},
                                    {"name": "乳腺癌筛查", "quantity": 4, "unit": "万人"}])
    w.report(item, 5, {"宫颈癌筛查": "4.01", "乳腺癌筛查": "4.73"})
    s = state(w, item)
    assert s.status == COMPLETED
    assert s.done_share == dec("4.01") / 4  # the slower sub-item: 100.25%, shown as over 100%


def test_not_completed_while_one_sub_item_is_short(w):
    item = w.item("两癌筛查", sub_items=[{"name": "宫颈癌筛查", "quantity": 4, "unit": "万人"},
                                    {"name": "乳腺癌筛查", "quantity": 4, "unit": "万人"}])
    w.report(item, 5, {"宫颈癌筛查": "3.99", "乳腺癌筛查": "4.73"})
    assert state(w, item).status == AHEAD  # 99.75% against 41.67%


def test_deliverables_target_completed_when_every_deliverable_is_done(w):
    functions = [f"功能{i}" for i in range(1, 11)]
    item = w.item("云影像平台", sub_items=[{"name": "平台功能", "deliverables": functions},
                                      {"name": "接入公立医院", "quantity": 27, "unit": "家"}])
    w.report(item, 5, {"接入公立医院": 27}, delivered={"平台功能": functions[:9]})
    assert state(w, item).status == AHEAD  # 90% of the functions
    w.report(item, 5, {"接入公立医院": 27}, delivered={"平台功能": functions})
    assert state(w, item).status == COMPLETED


def test_ahead_on_the_linear_plan(w):
    item = w.item()
    w.report(item, 5, 1113)
    s = state(w, item)
    assert s.status == AHEAD
    assert s.planned == Decimal(5) / 12


def test_on_schedule_within_the_tolerance(w):
    item = w.item()
    w.report(item, 5, 800)  # 40% against 41.67%: 1.67 points behind, within 5
    assert state(w, item).status == ON_SCHEDULE


def test_behind_beyond_the_tolerance(w):
    item = w.item()
    w.report(item, 5, 600)  # 30% against 41.67%
    s = state(w, item)
    assert s.status == BEHIND
    assert s.lagging


def test_an_item_without_a_report_is_not_reported_never_behind(w):
    """Issue 17: the bulletin called items without a report 欠序时 (35 of 40) while the page said 0. An item
    with no counted report through the month is 未报; once it reports 0 done it is compared with its plan."""
    item = w.item()
    assert state(w, item, month=1).status == NOT_REPORTED
    assert state(w, item, month=1).status_label == "未报"
    w.report(item, 1, 0)
    assert state(w, item, month=1).status == BEHIND  # 0% against 8.33%
    late = w.item("农贸市场改造", quantity=20, start_month=7)
    assert state(w, late, month=5).status == NOT_REPORTED
    w.report(late, 5, 0)
    assert state(w, late, month=5).status == ON_SCHEDULE  # nothing due before July


def test_quarterly_plan_where_the_linear_share_gives_another_status(w):
    """A back-loaded quarterly plan (一季度 10%, 二季度 20%, 三季度 60%, 全年 100%): through May 16.67% is due,
    where the linear share would be 41.67%. 25% done is ahead of this plan and behind the linear one."""
    item = w.item("老旧小区改造", quantity=60, unit="个")
    w.report(item, 5, 15)
    assert state(w, item).status == BEHIND  # linear: 25% against 41.67%
    services.set_milestones(item=item, points={1: 10, 2: 20, 3: 60, 4: 100}, by="quarter", actor=SYSTEM)
    s = state(w, item)
    assert abs(s.planned - (dec("0.10") + dec("0.10") * 2 / 3)) < Decimal("1e-20")  # 16.67%
    assert s.status == AHEAD
    # 12 done (20%) is on this plan (within 5 points of 16.67%), still behind the linear share.
    w.report(item, 5, 12, reason="复核后调减")
    assert state(w, item).status == ON_SCHEDULE


def test_quarterly_plan_in_quantities(w):
    item = w.item()
    services.set_milestones(item=item, points={1: 400, 2: 900, 3: 1500, 4: 2000}, by="quarter", basis="quantity", actor=SYSTEM)
    w.report(item, 5, 1113)
    s = state(w, item)
    assert abs(s.planned - (Decimal(400) + Decimal(500) * 2 / 3) / 2000) < Decimal("1e-20")  # 36.67%
    assert s.status == AHEAD


def test_monthly_plan_and_backward_scheduling(w):
    item = w.item("公交线路", quantity=20, unit="条")
    services.set_milestones(item=item, points={5: 50, 12: 100}, actor=SYSTEM)
    w.report(item, 5, 8)  # 40% against 50%
    assert state(w, item).status == BEHIND
    services.schedule_backwards(item=item, deadline_month=12, start_month=3, actor=SYSTEM)  # 3 of 10 months: 30%
    assert state(w, item).planned == Decimal(3) / 10
    assert state(w, item).status == AHEAD


def test_policy_item_reports_a_share_of_the_work(w):
    item = w.item("出台长护险办法", kind="policy")
    w.report(item, 5, 40)
    assert state(w, item).status == ON_SCHEDULE
    w.report(item, 6, 100)
    assert state(w, item, month=6).status == COMPLETED


def test_the_tolerance_is_the_programmes_setting(w):
    item = w.item()
    w.report(item, 5, 900)  # 45%: 3.33 points ahead
    assert state(w, item).status == ON_SCHEDULE
    services.update_programme(programme=w.programme, tolerance_pp=2, actor=SYSTEM)
    assert state(w, item).status == AHEAD


def test_basis_accepted_or_submitted(w):
    item = w.item()
    w.report(item, 4, 700)
    w.report(item, 5, 1113, status=ReportStatus.SUBMITTED)
    assert state(w, item).targets[0].done == 700  # the confirmed April figure
    assert state(w, item, basis="submitted").targets[0].done == 1113
    report = w.programme.items.get().reports.get(month=5)
    services.review_progress(report=report, accept=True, actor=SYSTEM)
    assert state(w, item).targets[0].done == 1113


def test_counts_by_status_category_and_lead_unit(w):
    a = w.item()
    b = w.item("公交线路", quantity=20, unit="条", lead="教育局", category="交通出行")
    c = w.item("学校建设", quantity=12, unit="所", lead="教育局", category="教育提质")
    w.report(a, 5, 1113)
    w.report(b, 5, 8)
    w.report(c, 5, 1)
    status = selectors.programme_status(programme=w.programme, month=5)
    assert status.total.counts == {COMPLETED: 0, AHEAD: 1, ON_SCHEDULE: 1, BEHIND: 1, NOT_REPORTED: 0}
    assert status.categories == 2
    assert [(t.label, t.items) for t in status.by_category] == [("交通出行", 2), ("教育提质", 1)]
    assert {t.label: t.counts[BEHIND] for t in status.by_lead_unit} == {"镇江市住房和城乡建设局": 0,
                                                                         "镇江市教育局": 1}
    assert [s.item.name for s in status.lagging] == ["学校建设"]
    agenda = selectors.dispatch_agenda_items(w.city, 2024, 5)
    assert [(x["item"].name, x["lead_unit"].name) for x in agenda] == [("学校建设", "镇江市教育局")]


def test_a_province_item_counts_in_the_city_programme(w):
    province = services.create_programme(unit=w.province, year=2024, actor=SYSTEM)
    item = w.item("全省统一办理", quantity=10, unit="项", programme=province, lead=w.depts["教育局"])
    services.share_item(item=item, programme=w.programme, actor=SYSTEM)
    w.report(item, 5, 10)
    names = [s.item.name for s in selectors.programme_status(programme=w.programme, month=5).states]
    assert names == ["全省统一办理"]
    assert selectors.programme_status(programme=w.programme, month=5).total.counts[COMPLETED] == 1


def test_the_bulletin_says_not_reported_where_the_page_does(w):
    """Three items, one reported ahead (1113 of 2000 through May: 55.7% against 41.7%), two without a report:
    the bulletin's summary counts 超序时 1 and 未报 2 and no 欠序时, and names no item as 欠序时."""
    from tuijin.bulletins.generator import generate
    from tuijin.core.periods import Period

    a = w.item()
    w.item("公交线路", quantity=20, unit="条", lead="教育局", category="交通出行")
    w.item("学校建设", quantity=12, unit="所", lead="教育局", category="教育提质")
    w.report(a, 5, 1113)
    texts = [s.text for s in generate(w.city, Period.year_to_date(2024, 5)).sentences if s.section == "livelihood"]
    assert texts[0].endswith("3件民生实事中，超序时推进1件，尚未报送进度2件。"), texts[0]
    assert not any("欠序时" in t for t in texts)
