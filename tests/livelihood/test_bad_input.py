"""Bad input: clear messages naming the field and the value, in Chinese, and nothing half-written."""

import datetime

import pytest

from tests.factories import SYSTEM
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.livelihood import services
from tuijin.livelihood.models import (
    Item,
    ItemReport,
    Milestone,
    Programme,
    ReportStatus,
    Target,
    TargetProgress,
)
from tuijin.progress.services import open_period

pytestmark = pytest.mark.django_db


def counts():
    return (Item.objects.count(), Target.objects.count(), ItemReport.objects.count(),
            TargetProgress.objects.count(), Milestone.objects.count(), AuditEntry.objects.count())


def test_progress_above_the_target_is_allowed_and_shown_over_100(w):
    from tuijin.livelihood import selectors
    from tuijin.livelihood.present import present_status

    item = w.item()
    w.report(item, 5, 2150)
    data = present_status(selectors.programme_status(programme=w.programme, month=5))
    row = data["item_list"][0]
    assert (row["done"], row["progress_pct"], row["status"]) == (2150, 107.5, "completed")


def test_a_decrease_of_the_cumulative_needs_a_reason(w):
    item = w.item()
    w.report(item, 4, 900)
    before = counts()
    with pytest.raises(InputError) as exc:
        w.report(item, 5, 850)
    assert exc.value.field == "reason"
    assert "850" in exc.value.text and "900" in exc.value.text and "原因" in exc.value.text
    assert counts() == before  # nothing written, not even the report row
    report = w.report(item, 5, 850, reason="重复统计的50个泊位已核减")
    assert report.decrease_reason == "重复统计的50个泊位已核减"
    assert AuditEntry.objects.filter(model="livelihood.ItemReport", object_id=str(report.pk),
                                     reason="重复统计的50个泊位已核减").exists()


def test_raising_a_month_above_a_later_month_needs_a_reason_too(w):
    item = w.item()
    w.report(item, 3, 500)
    w.report(item, 4, 700)
    with pytest.raises(InputError, match="高于以后月份"):
        w.report(item, 3, 800)
    assert ItemReport.objects.get(item=item, month=3).progress.get().done == 500


def test_taking_back_a_deliverable_needs_a_reason(w):
    item = w.item("云影像平台", deliverables=["影像调阅", "互认共享", "远程诊断"])
    w.report(item, 4, delivered=["影像调阅", "互认共享"])
    with pytest.raises(InputError, match="撤回: 互认共享"):
        w.report(item, 5, delivered=["影像调阅", "远程诊断"])
    w.report(item, 5, delivered=["影像调阅", "远程诊断"], reason="互认共享功能下线整改")


def test_a_milestone_plan_that_decreases_is_refused(w):
    item = w.item()
    services.set_milestones(item=item, points={3: 20, 6: 50}, actor=SYSTEM)
    before = counts()
    with pytest.raises(InputError) as exc:
        services.set_milestones(item=item, points={3: 30, 6: 25, 12: 100}, actor=SYSTEM)
    assert exc.value.field == "points"
    assert "6月累计 25" in exc.value.text and "3月累计 30" in exc.value.text and "不能减少" in exc.value.text
    assert counts() == before
    assert list(item.milestones.values_list("month", "planned_pct")) == [(3, 20), (6, 50)]  # the old plan stays


def test_a_quarterly_plan_that_decreases_is_refused(w):
    item = w.item()
    with pytest.raises(InputError, match="不能减少"):
        services.set_milestones(item=item, points={1: 600, 2: 500}, by="quarter", basis="quantity", actor=SYSTEM)


@pytest.mark.parametrize(("points", "by", "basis", "message"), [
    ({13: 50}, "month", "pct", "节点月份应在 1-12 之间, 收到 13"),
    ({5: 120}, "month", "pct", "超过年度目标 100%"),
    ({5: 2500}, "month", "quantity", "超过年度目标 2000个"),
    ({5: -1}, "month", "pct", "不能为负数"),
    ({5: "五成"}, "month", "pct", "不是数字: '五成'"),
    ({5: 20}, "quarter", "pct", "季度应为 1-4, 收到 5"),
])
def test_other_bad_plans(w, points, by, basis, message):
    item = w.item()
    with pytest.raises(InputError, match=message):
        services.set_milestones(item=item, points=points, by=by, basis=basis, actor=SYSTEM)
    assert not item.milestones.exists()


def test_a_month_outside_the_programme_year_is_refused(w):
    item = w.item()
    before = counts()
    with pytest.raises(InputError) as exc:
        services.save_progress(item=item, year=2025, month=1, done=100, today=datetime.date(2025, 3, 1), actor=SYSTEM)
    assert exc.value.field == "month"
    assert "2025年1月" in exc.value.text and "2024" in exc.value.text
    with pytest.raises(InputError, match="月份应在 1-12 之间, 收到 13"):
        services.save_progress(item=item, year=2024, month=13, done=100, actor=SYSTEM)
    with pytest.raises(InputError, match="尚未开始"):
        services.save_progress(item=item, year=2024, month=7, done=100, today=datetime.date(2024, 6, 20), actor=SYSTEM)
    assert counts() == before


def test_bad_quantities(w):
    item = w.item()
    for value, message in [(-5, "不能为负数"), ("abc", "不是数字: 'abc'"), (None, "累计完成不能为空"),
                           ("1.234", "最多两位小数")]:
        with pytest.raises(InputError, match=message) as exc:
            w.report(item, 5, value)
        assert exc.value.field == "done"
    assert not ItemReport.objects.exists()


def test_sub_items_must_be_reported_one_by_one(w):
    item = w.item("两癌筛查", sub_items=[{"name": "宫颈癌筛查", "quantity": 4, "unit": "万人"},
                                    {"name": "乳腺癌筛查", "quantity": 4, "unit": "万人"}])
    with pytest.raises(InputError, match="分 2 个事项"):
        w.report(item, 5, "4.01")
    with pytest.raises(InputError, match="没有事项 '肺癌筛查'"):
        w.report(item, 5, {"宫颈癌筛查": 1, "乳腺癌筛查": 1, "肺癌筛查": 1})
    with pytest.raises(InputError, match="乳腺癌筛查 累计完成不能为空"):
        w.report(item, 5, {"宫颈癌筛查": 1})
    assert not ItemReport.objects.exists()


def test_unknown_deliverable_and_policy_above_100(w):
    item = w.item("云影像平台", deliverables=["影像调阅"])
    with pytest.raises(InputError, match="没有建设内容 '胶片打印'"):
        w.report(item, 5, delivered=["胶片打印"])
    policy = w.item("出台办法", kind="policy")
    with pytest.raises(InputError, match="不超过 100%"):
        w.report(policy, 5, 120)


def test_a_locked_month_needs_a_reason_and_goes_back_to_review(w):
    item = w.item()
    open_period(city=w.city, year=2024, month=5, opens_on=datetime.date(2024, 5, 1),
                deadline=datetime.date(2024, 6, 5), actor=SYSTEM)
    with pytest.raises(InputError, match="已锁定"):
        w.report(item, 5, 1000)
    report = w.report(item, 5, 1000, reason="补报")
    assert report.status == ReportStatus.SUBMITTED


def test_bad_items_and_programmes(w):
    before = counts()
    with pytest.raises(InputError, match="已有 2024 年民生实事计划"):
        services.create_programme(unit=w.city, year=2024, actor=SYSTEM)
    with pytest.raises(InputError, match="应属于省、市或县区"):
        services.create_programme(unit=w.depts["教育局"], year=2024, actor=SYSTEM)
    with pytest.raises(InputError, match="年度目标应大于 0"):
        w.item("零目标", quantity=0)
    with pytest.raises(InputError, match="请填写计量单位"):
        w.item("无单位", quantity=10, unit="")
    with pytest.raises(InputError, match="请列出建设内容"):
        w.item("空平台", deliverables=[])
    with pytest.raises(InputError, match="开始月份 9 晚于完成时限 6"):
        w.item("倒排错误", start_month=9, deadline_month=6)
    with pytest.raises(InputError, match="已有实事"):
        w.item()
        w.item()
    other_city, _ = __import__("tests.factories", fromlist=["city_tree"]).city_tree("苏州市", ("姑苏区",),
                                                                                   province="江苏省")
    with pytest.raises(InputError, match="不在 镇江市 范围内"):
        w.item("跨市牵头", lead=other_city)
    assert Programme.objects.count() == 1
    assert Item.objects.count() == before[0] + 1  # only the first 新增公共停车泊位


def test_review_needs_a_reason_to_return(w):
    item = w.item()
    report = w.report(item, 5, 1000, status=ReportStatus.SUBMITTED)
    with pytest.raises(InputError, match="退回必须填写原因"):
        services.review_progress(report=report, accept=False, actor=SYSTEM)
    services.review_progress(report=report, accept=False, reason="数据与台账不符", actor=SYSTEM)
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "数据与台账不符")
    with pytest.raises(InputError, match="不能审核"):
        services.review_progress(report=report, accept=True, actor=SYSTEM)
