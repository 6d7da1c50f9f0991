"""Each rule on the hand-made town (conftest.py), through 2024-03, values computed by hand."""

from decimal import Decimal

from tests.factories import SYSTEM
from tuijin.reconciliation.models import Rule, ThresholdKind
from tuijin.reconciliation.rules import Threshold, reconcile


def found(r):
    return {(f.rule, f.subject): f for f in r.findings}


def test_every_rule_at_the_default_threshold(imported):
    """5%: P2 (absent) and P3 (待入库) reported but not 入库; P4 100/1900 = 5.26% > 5%, P5 2.56% not; P7/P8 same
    name and owner, P9/P10 one 审批文号; P11 started 2024-02-10 before its 备案 2024-03-01 (P9 after, P12 after the
    period); P6 开累 600 + 500 = 1100 > 1000. Seven findings, all open."""
    p = imported["p"]
    r = reconcile(imported["city"], 2024, 3)
    pair = lambda a, b: "|".join(sorted([p[a].code, p[b].code]))  # noqa: E731
    assert set(found(r)) == {
        (Rule.NOT_IN_STATS, p[2].code),
        (Rule.NOT_IN_STATS, p[3].code),
        (Rule.AMOUNT, p[4].code),
        (Rule.DUPLICATE, pair(7, 8)),
        (Rule.DUPLICATE, pair(9, 10)),
        (Rule.START_BEFORE_APPROVAL, p[11].code),
        (Rule.OVER_TOTAL, p[6].code),
    }
    f = found(r)
    assert f[(Rule.NOT_IN_STATS, p[2].code)].figures["reported"] == Decimal(1000)
    assert f[(Rule.NOT_IN_STATS, p[3].code)].figures["stats_status"] == "待入库"
    amount = f[(Rule.AMOUNT, p[4].code)].figures
    assert (amount["reported"], amount["statistics"], amount["difference"]) == (2000, 1900, 100)
    assert round(amount["difference_pct"], 2) == Decimal("5.26")
    assert "+5.3%" in f[(Rule.AMOUNT, p[4].code)].text
    twice = f[(Rule.DUPLICATE, pair(7, 8))].figures
    assert twice["counted_twice"] == 200 and "名称和业主相同" in twice["reasons"]
    assert f[(Rule.DUPLICATE, pair(9, 10))].figures["counted_twice"] == 0
    start = f[(Rule.START_BEFORE_APPROVAL, p[11].code)].figures
    assert (start["started"], start["approved_on"], start["approval_kind"]) == (
        "2024-02-10",
        "2024-03-01",
        "备案",
    )
    over = f[(Rule.OVER_TOTAL, p[6].code)].figures
    assert (over["since_start"], over["total_investment"], over["excess"]) == (1100, 1000, 100)
    assert (r.open, r.explained, r.resolved, r.statistics_rows, r.approval_rows) == (7, 0, 0, 7, 4)


def test_threshold_in_wan_and_percent(imported):
    """40 万元: P4 (100) and P5 (50); 60 万元: P4 only; 200 万元: none; 6%: none (5.26%); 2%: P4 and P5 (2.56%)."""
    p, city = imported["p"], imported["city"]

    def amounts(t):
        return {f.subject for f in reconcile(city, 2024, 3, t).findings if f.rule == Rule.AMOUNT}

    assert amounts(Threshold(ThresholdKind.WAN, Decimal(40))) == {p[4].code, p[5].code}
    assert amounts(Threshold(ThresholdKind.WAN, Decimal(60))) == {p[4].code}
    assert amounts(Threshold(ThresholdKind.WAN, Decimal(200))) == set()
    assert amounts(Threshold(ThresholdKind.PERCENT, Decimal(6))) == set()
    assert amounts(Threshold(ThresholdKind.PERCENT, Decimal(2))) == {p[4].code, p[5].code}
    assert (
        amounts(Threshold(ThresholdKind.WAN, Decimal(100))) == set()
    )  # exactly the threshold: not beyond


def test_through_an_earlier_month(imported):
    """Through 2024-01: P4 1000 vs 1000, P2 500 (not 入库), P6 开累 600 + 300 = 900 ≤ 1000; P11 started before."""
    p = imported["p"]
    r = reconcile(imported["city"], 2024, 1)
    rules = {(f.rule, f.subject) for f in r.findings}
    assert (Rule.NOT_IN_STATS, p[2].code) in rules
    assert not any(f.rule in (Rule.AMOUNT, Rule.OVER_TOTAL) for f in r.findings)
    assert found(r)[(Rule.NOT_IN_STATS, p[2].code)].figures["reported"] == Decimal(500)


def test_without_statistics_no_stats_rules(town):
    """No statistics list for 2024: neither 未入库 nor amount findings (only the registry duplicate P7/P8 and the
    over-total P6, which need no outside list)."""
    r = reconcile(town["city"], 2024, 3)
    assert not r.statistics_imported
    assert {f.rule for f in r.findings} == {Rule.DUPLICATE, Rule.OVER_TOTAL}


def test_unaccepted_reports_are_not_reported(imported):
    """Only accepted reports count: P2's reports sent back → it is no longer 'reported but not 入库'."""
    from tuijin.progress.models import MonthlyReport, ReportStatus

    p = imported["p"]
    MonthlyReport.objects.filter(project=p[2]).update(status=ReportStatus.RETURNED)
    assert (Rule.NOT_IN_STATS, p[2].code) not in found(reconcile(imported["city"], 2024, 3))


def test_a_terminated_registration_is_no_longer_a_duplicate(imported):
    """Ending P8 (终止) removes the P7/P8 pair; ending P10 removes the 文号 pair P9/P10."""
    import datetime

    from tuijin.projects.models import Stage
    from tuijin.projects.services import record_stage

    p = imported["p"]
    for i in (8, 10):
        record_stage(project=p[i], stage=Stage.TERMINATED, date=datetime.date(2024, 3, 20), actor=SYSTEM)
    assert not [
        f for f in reconcile(imported["city"], 2024, 3).findings if f.rule == Rule.DUPLICATE
    ]
