"""History is locked (issue 15, item 7): an accepted month of a closed year, and every month before the city's
current open period, cannot be rewritten without a reason; history is corrected only by the 市管理员, the
correction is audited with its reason, and every later cumulative it moves is changed and audited the same way."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.progress.services import month_lock, open_period, save_report

D = Decimal
TODAY = datetime.date(2024, 8, 20)


@pytest.fixture
def setup(db):
    city, d = f.city_tree("测试市", ("甲区",))
    p = f.project(d["甲区"], total=D(90000))
    f.reports(p, 2023, [D(100)] * 12)  # 2023: accepted, never had a reporting period
    district_admin = f.user("qu_admin", d["甲区"], Role.DISTRICT_ADMIN)
    city_admin = f.user("shi_admin", city, Role.CITY_ADMIN)
    return city, p, district_admin, city_admin


def state(p, year=2023):
    return [(r.month, r.amount, r.ytd, r.status) for r in MonthlyReport.objects.filter(project=p, year=year)]


def test_a_district_admin_cannot_rewrite_an_accepted_month_of_a_closed_year_without_a_reason(setup):
    _, p, district_admin, _ = setup
    before, audits = state(p), AuditEntry.objects.count()
    with pytest.raises(InputError, match="2023年3月已锁定") as exc:
        save_report(project=p, year=2023, month=3, amount=D(500), actor=district_admin, today=TODAY)
    assert exc.value.field == "reason"
    assert (state(p), AuditEntry.objects.count()) == (before, audits)
    # a reason is not enough: history is corrected by the city
    with pytest.raises(InputError, match="只有市管理员可以更正"):
        save_report(project=p, year=2023, month=3, amount=D(500), actor=district_admin, today=TODAY,
                    reason="补报设备款")
    assert (state(p), AuditEntry.objects.count()) == (before, audits)


def test_the_city_admin_corrects_history_with_a_reason_and_later_cumulatives_follow_audited(setup):
    _, p, _, city_admin = setup
    report = save_report(project=p, year=2023, month=3, amount=D(500), actor=city_admin, today=TODAY,
                         reason="审计更正: 补报设备款")
    assert (report.amount, report.ytd, report.status) == (D(500), D(700), ReportStatus.SUBMITTED)
    rows = {m: ytd for m, _, ytd, _ in state(p)}
    assert [rows[m] for m in range(1, 13)] == [D(100), D(200), D(700)] + [D(700 + 100 * i) for i in range(1, 10)]
    entries = AuditEntry.objects.filter(model="progress.MonthlyReport", action="update")
    own = entries.get(object_id=str(report.pk))
    assert own.reason == "审计更正: 补报设备款" and own.actor == city_admin
    later = entries.exclude(object_id=str(report.pk))
    assert later.count() == 9  # 4-12月, each cumulative +400
    for e in later:
        assert "审计更正: 补报设备款" in e.reason and "2023年3月" in e.reason
        assert D(e.after["ytd"]) - D(e.before["ytd"]) == D(400)


def test_months_before_the_current_open_period_are_locked(setup):
    city, p, district_admin, _ = setup
    f.reports(p, 2024, [D(100)] * 5, status=ReportStatus.SUBMITTED)  # not accepted: only the period locks them
    open_period(city=city, year=2024, month=7, opens_on=datetime.date(2024, 7, 1), deadline=datetime.date(2024, 8, 31), actor=SYSTEM)
    lock = month_lock(project=p, year=2024, month=5, today=TODAY)
    assert lock is not None and lock.history and "早于当前填报期 2024年7月" in lock.message
    assert month_lock(project=p, year=2024, month=7, today=TODAY) is None
    with pytest.raises(InputError, match="2024年5月已锁定"):
        save_report(project=p, year=2024, month=5, amount=D(300), actor=district_admin, today=TODAY)
    assert MonthlyReport.objects.get(project=p, year=2024, month=5).amount == D(100)
    save_report(project=p, year=2024, month=7, amount=D(300), actor=district_admin, today=TODAY)  # open: fine


def test_the_report_form_shows_the_reason_field_on_a_locked_month(setup, client):
    _, p, district_admin, _ = setup
    client.force_login(district_admin)
    page = client.get(reverse("progress:form", args=[p.pk, 2023, 3]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "2023年3月已锁定" in text and 'name="reason"' in text


def _csv(p, amount):
    return f"项目代码,当月完成投资(万元)\n{p.code},{amount}\n".encode()


def test_the_import_applies_the_same_lock_and_audits_the_later_cumulatives(setup):
    from tuijin.progress.importer import commit_import, plan_import

    _, p, district_admin, city_admin = setup
    before = state(p)
    plan = plan_import(user=district_admin, data=_csv(p, 500), filename="2023-03.csv", year=2023, month=3)
    assert not plan.ok and "2023年3月已锁定" in str(plan.errors[0])
    plan = plan_import(user=district_admin, data=_csv(p, 500), filename="2023-03.csv", year=2023, month=3,
                       reason="补报")
    assert not plan.ok and "只有市管理员可以更正" in str(plan.errors[0])
    assert state(p) == before
    plan = plan_import(user=city_admin, data=_csv(p, 500), filename="2023-03.csv", year=2023, month=3,
                       reason="审计更正")
    assert plan.ok, plan.errors
    commit_import(user=city_admin, plan=plan, confirm_warnings=True)
    assert MonthlyReport.objects.get(project=p, year=2023, month=12).ytd == D(1600)
    shifted = AuditEntry.objects.filter(model="progress.MonthlyReport", reason__contains="1-N月累计随之调整")
    assert shifted.count() == 9 and all("审计更正" in e.reason for e in shifted)
