"""Monthly reports: this month's amount and the 1-N月 cumulative kept consistent, bad figures refused with the
field and the value named, nothing half-written, later months following an edit of an earlier one."""

import datetime
from contextlib import contextmanager
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
from tuijin.progress.services import save_report, set_report_status

D = Decimal
TODAY = datetime.date(2024, 4, 10)  # 2024 still open: these tests are about cumulatives, not locks


@pytest.fixture
def project(db):
    city, d = f.city_tree()
    p = f.project(d["甲区"])
    f.entry(f.annual_list(city), p, plan=10000)
    return p


def ytds(p, year=2024):
    return {r.month: (r.amount, r.ytd) for r in MonthlyReport.objects.filter(project=p, year=year)}


@contextmanager
def refused(p, field, *words):
    before = (ytds(p), AuditEntry.objects.count())
    with pytest.raises(InputError) as exc:
        yield exc
    assert exc.value.field == field
    for w in words:
        assert w in exc.value.text, f"{w!r} not in {exc.value.text!r}"
    assert (ytds(p), AuditEntry.objects.count()) == before


def test_amount_or_ytd_or_both(project):
    save_report(project=project, year=2024, month=1, amount=100, actor=SYSTEM)
    save_report(project=project, year=2024, month=2, ytd=350, actor=SYSTEM)            # amount = 350 − 100 = 250
    save_report(project=project, year=2024, month=3, amount=50, ytd=400, actor=SYSTEM)  # 350 + 50 = 400: consistent
    assert ytds(project) == {1: (D(100), D(100)), 2: (D(250), D(350)), 3: (D(50), D(400))}


def test_negative_amount_refused(project):
    with refused(project, "amount", "-5"):
        save_report(project=project, year=2024, month=1, amount=-5, actor=SYSTEM)
    with refused(project, "ytd", "-1"):
        save_report(project=project, year=2024, month=1, ytd=-1, actor=SYSTEM)


def test_amount_in_words_refused(project):
    with refused(project, "amount", "一百"):
        save_report(project=project, year=2024, month=1, amount="一百", actor=SYSTEM)


def test_nothing_given_refused(project):
    with refused(project, "amount"):
        save_report(project=project, year=2024, month=1, actor=SYSTEM)


@pytest.mark.parametrize("month", [0, 13])
def test_month_out_of_range_refused(project, month):
    with refused(project, "month", str(month)):
        save_report(project=project, year=2024, month=month, amount=1, actor=SYSTEM)


def test_ytd_below_last_month_refused(project):
    save_report(project=project, year=2024, month=1, amount=100, actor=SYSTEM)
    save_report(project=project, year=2024, month=2, amount=200, actor=SYSTEM)  # 1-2月 300
    with refused(project, "ytd", "290", "300"):
        save_report(project=project, year=2024, month=3, ytd=290, actor=SYSTEM)


def test_amount_and_ytd_inconsistent_refused(project):
    save_report(project=project, year=2024, month=1, amount=100, actor=SYSTEM)
    # 100 + 50 = 150, not 200
    with refused(project, "ytd", "50", "100", "200"):
        save_report(project=project, year=2024, month=2, amount=50, ytd=200, actor=SYSTEM)


def test_a_new_year_starts_from_zero(project):
    save_report(project=project, year=2023, month=12, amount=900, ytd=900, actor=SYSTEM)
    r = save_report(project=project, year=2024, month=1, amount=40, actor=SYSTEM)
    assert (r.amount, r.ytd) == (D(40), D(40))


def test_editing_an_earlier_month_shifts_later_cumulatives(project):
    f.reports(project, 2024, [100, 200, 300])  # 1-3月 cumulatives 100, 300, 600
    save_report(project=project, year=2024, month=1, amount=150, status=ReportStatus.ACCEPTED, reason="更正",
                today=TODAY, actor=SYSTEM)
    # +50 in January: 150, 350, 650
    assert ytds(project) == {1: (D(150), D(150)), 2: (D(200), D(350)), 3: (D(300), D(650))}
    save_report(project=project, year=2024, month=2, ytd=300, status=ReportStatus.ACCEPTED, today=TODAY, actor=SYSTEM)
    # February's cumulative 300 → its amount 300 − 150 = 150 (−50): March 650 − 50 = 600
    assert ytds(project) == {1: (D(150), D(150)), 2: (D(150), D(300)), 3: (D(300), D(600))}
    # the engine's year-to-date equals the stored cumulative
    fig = compute(build_scope(city="测试市"), Period.parse("2024-03"))
    assert fig.completed == D(600)
    edits = AuditEntry.objects.filter(model="progress.MonthlyReport", action="update")
    # the two edits, and each later cumulative they moved (February and March, then March): audited too
    assert edits.count() == 5 and edits.filter(reason="更正").count() == 1
    assert edits.filter(reason__contains="1-N月累计随之调整").count() == 3


def test_filling_a_skipped_month_shifts_later_cumulatives(project):
    save_report(project=project, year=2024, month=1, amount=100, actor=SYSTEM)
    save_report(project=project, year=2024, month=3, amount=300, actor=SYSTEM)  # February not yet in: 100 + 300 = 400
    save_report(project=project, year=2024, month=2, amount=200, actor=SYSTEM)
    # with February in, March's cumulative is 100 + 200 + 300 = 600
    assert ytds(project) == {1: (D(100), D(100)), 2: (D(200), D(300)), 3: (D(300), D(600))}


def test_report_amounts_are_decimal(project):
    r = save_report(project=project, year=2024, month=1, amount=0.1, actor=SYSTEM)
    r2 = save_report(project=project, year=2024, month=2, amount=0.2, actor=SYSTEM)
    r2.refresh_from_db()
    assert r2.ytd == D("0.30")
    assert r.amount == D("0.10")


def test_return_needs_a_reason(project):
    r = save_report(project=project, year=2024, month=1, amount=100, actor=SYSTEM)
    with pytest.raises(InputError) as exc:
        set_report_status(report=r, status=ReportStatus.RETURNED, reason="  ", actor=SYSTEM)
    assert exc.value.field == "reason"
    r.refresh_from_db()
    assert r.status == ReportStatus.SUBMITTED
    set_report_status(report=r, status=ReportStatus.RETURNED, reason="金额疑似以元填报", actor=SYSTEM)
    r.refresh_from_db()
    assert (r.status, r.return_reason) == (ReportStatus.RETURNED, "金额疑似以元填报")
