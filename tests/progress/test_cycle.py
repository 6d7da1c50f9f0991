"""The monthly reporting cycle: periods lock after the deadline and a correction needs a reason and goes
through review again; sanity checks warn (to confirm) or refuse as settings say; review moves a report
from 已报送 to 板块已审核 to 市级已确认, or returns it with a reason; indicators count accepted figures."""

import datetime
from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.scope import build_scope
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.progress.services import (
    NeedsConfirmation,
    lock_due_periods,
    open_period,
    review_report,
    save_report,
)

TODAY = datetime.date(2024, 8, 20)


@pytest.fixture
def setup(db):
    city, d = f.city_tree("测试市", ("甲区",))
    lst = f.annual_list(city)
    p = f.project(d["甲区"], total=Decimal(50000))
    f.entry(lst, p, plan=Decimal(12000))
    f.reports(p, 2024, [Decimal(1000)] * 6)  # 1-6月, accepted
    return city, p


def test_locked_period_needs_a_reason_and_goes_back_to_review(setup):
    city, p = setup
    open_period(city=city, year=2024, month=6, opens_on=datetime.date(2024, 6, 1), deadline=datetime.date(2024, 7, 5), actor=SYSTEM)
    with pytest.raises(InputError, match="已锁定"):
        save_report(project=p, year=2024, month=6, amount=Decimal(1500), today=TODAY, actor=SYSTEM)
    assert MonthlyReport.objects.get(project=p, month=6).amount == Decimal(1000)
    report = save_report(project=p, year=2024, month=6, amount=Decimal(1500), today=TODAY,
                         status=ReportStatus.ACCEPTED, reason="统计口径更正: 补报设备款", actor=SYSTEM)
    assert (report.amount, report.ytd, report.status) == (Decimal(1500), Decimal(6500), ReportStatus.SUBMITTED)
    entry = AuditEntry.objects.filter(model="progress.MonthlyReport", object_id=str(report.pk)).latest("id")
    assert entry.reason == "统计口径更正: 补报设备款"
    assert (entry.before["amount"], entry.after["amount"]) == ("1000.00", "1500.00")


def test_lock_due_periods_is_idempotent(setup):
    city, _ = setup
    open_period(city=city, year=2024, month=6, opens_on=datetime.date(2024, 6, 1), deadline=datetime.date(2024, 7, 5), actor=SYSTEM)
    open_period(city=city, year=2024, month=7, opens_on=datetime.date(2024, 7, 1), deadline=datetime.date(2024, 8, 30), actor=SYSTEM)
    assert [(p.month) for p in lock_due_periods(today=TODAY, actor=SYSTEM)] == [6]
    assert lock_due_periods(today=TODAY, actor=SYSTEM) == []


def test_a_month_far_above_the_projects_history_must_be_confirmed(setup):
    _, p = setup
    with pytest.raises(NeedsConfirmation) as exc:
        save_report(project=p, year=2024, month=7, amount=Decimal(6000), today=TODAY, actor=SYSTEM)  # 6 × the median 1000
    assert [x.code for x in exc.value.findings] == ["month_jump"]
    assert not MonthlyReport.objects.filter(project=p, month=7).exists()
    report = save_report(project=p, year=2024, month=7, amount=Decimal(6000), today=TODAY, confirm_warnings=True, actor=SYSTEM)
    assert report.confirmed_warnings == ["month_jump"]


def test_yuan_typed_into_wan_is_flagged(setup):
    _, p = setup
    with pytest.raises(NeedsConfirmation) as exc:
        save_report(project=p, year=2024, month=7, amount=Decimal(12_000_000), today=TODAY, actor=SYSTEM)  # 1200万元 typed in 元
    assert {x.code for x in exc.value.findings} >= {"yuan_as_wan"}


def test_cumulative_above_total_investment_is_flagged(setup):
    _, p = setup
    with pytest.raises(NeedsConfirmation) as exc:
        save_report(project=p, year=2024, month=7, ytd=Decimal(50_001), today=TODAY, actor=SYSTEM)
    assert "ytd_above_total" in {x.code for x in exc.value.findings}


def test_future_month_is_an_error_and_levels_follow_settings(setup, settings):
    _, p = setup
    with pytest.raises(InputError, match="在未来"):
        save_report(project=p, year=2024, month=9, amount=Decimal(10), today=TODAY, actor=SYSTEM)
    settings.REPORT_CHECKS = {**settings.REPORT_CHECKS, "month_jump": "error"}
    with pytest.raises(InputError, match="中位数") as exc:
        save_report(project=p, year=2024, month=7, amount=Decimal(6000), today=TODAY, confirm_warnings=True, actor=SYSTEM)
    assert not isinstance(exc.value, NeedsConfirmation)


def test_review_steps_and_indicators_use_accepted_figures(setup):
    city, p = setup
    report = save_report(project=p, year=2024, month=7, amount=Decimal(2000), today=TODAY, actor=SYSTEM)
    scope = build_scope(city="测试市")
    july = Period.year_to_date(2024, 7)
    # 1-6月 accepted 6000; July submitted only: accepted basis 6000, submitted basis 8000.
    assert compute(scope, july).completed == Decimal(6000)
    assert compute(scope, july, basis="submitted").completed == Decimal(8000)
    with pytest.raises(InputError, match="原因"):
        review_report(report=report, accept=False, level="district", actor=SYSTEM)
    report = review_report(report=report, accept=True, level="district", actor=SYSTEM)
    assert report.status == ReportStatus.DISTRICT_ACCEPTED
    with pytest.raises(InputError, match="不能审核"):
        review_report(report=report, accept=True, level="district", actor=SYSTEM)
    report = review_report(report=report, accept=True, level="city", actor=SYSTEM)
    assert report.status == ReportStatus.ACCEPTED
    assert compute(scope, july).completed == Decimal(8000)


def test_returned_report_keeps_the_reason(setup):
    _, p = setup
    report = save_report(project=p, year=2024, month=7, amount=Decimal(900), today=TODAY, actor=SYSTEM)
    report = review_report(report=report, accept=False, level="district", reason="缺少现场照片", actor=SYSTEM)
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "缺少现场照片")
