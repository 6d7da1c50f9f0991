"""签约 → 项目, and counting signings without double counting (不重复统计): a project counts once, at its first
signing, an increase (增资) counts only its increment; the engine's new-signing figures come out of these."""

from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.attraction.models import Contract, ContractKind, LeadStage
from tuijin.attraction.services import record_capital_increase, sign_lead
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.scope import Scope
from tuijin.projects.models import Project, Stage, StageEvent

from .conftest import D, code, lead


def signed(scope, year, month):
    return compute(scope, Period.year_to_date(year, month), use_cache=False).new_signed


def test_signing_counts_once_plus_increments_even_when_resigned_by_another_unit(town):
    cat = f.category()
    first = sign_lead(lead=lead(town.jia, amount=30000), signed_on=D(2024, 2, 10), investment=30000,
                      code=code(), category=cat, actor=SYSTEM)
    project = first.project
    assert first.kind == ContractKind.FIRST
    assert StageEvent.objects.filter(project=project, stage=Stage.SIGNED, date=D(2024, 2, 10)).exists()
    record_capital_increase(project=project, signed_on=D(2024, 4, 1), increment=5000, actor=SYSTEM)
    record_capital_increase(project=project, signed_on=D(2024, 5, 20), increment="2500.5", actor=SYSTEM)
    # 乙区 chases the same investor and signs "its" project under a new name: linked, counted nowhere again.
    other = lead(town.yi, investor="星河科技 有限公司", title="星河智造新基地")
    assert other.duplicate_of is not None  # 重复招商 flagged
    with pytest.raises(InputError) as err:
        sign_lead(lead=other, signed_on=D(2024, 6, 3), investment=40000, code=code(), category=cat, actor=SYSTEM)
    assert err.value.field == "project" and "星河" in err.value.text
    again = sign_lead(lead=other, signed_on=D(2024, 6, 3), investment=40000, project=project, actor=SYSTEM)
    assert again.kind == ContractKind.RESIGNED
    # A different investor in 乙区, signed in the same year: a plain first signing.
    sign_lead(lead=lead(town.yi, investor="远山材料公司"), signed_on=D(2024, 3, 3), investment=12000,
              code=code(), category=cat, actor=SYSTEM)

    city = Scope(town.city)
    fig = signed(city, 2024, 6)
    # By hand: 2 projects (星河 once, 远山); 30000 + 12000 + increments 5000 + 2500.50 = 49500.50 万元.
    assert (fig.count, fig.total) == (2, Decimal("49500.50"))
    # Through April: 星河 + 远山 + the first increment only.
    assert (signed(city, 2024, 4).count, signed(city, 2024, 4).total) == (2, Decimal("47000"))
    # 甲区 holds the project: 1 project, 30000 + 7500.50; 乙区 only 远山 (the re-signing adds nothing).
    jia = signed(Scope(town.city, town.jia), 2024, 6)
    yi = signed(Scope(town.city, town.yi), 2024, 6)
    assert (jia.count, jia.total) == (1, Decimal("37500.50"))
    assert (yi.count, yi.total) == (1, Decimal("12000"))
    # By unit, the breakdown adds up to the city.
    by_unit = {u.unit.name: u.new_signed.total for u in compute(city, Period.year_to_date(2024, 6),
                                                                use_cache=False).by_unit}
    assert by_unit == {"甲区": Decimal("37500.50"), "乙区": Decimal("12000")}
    assert Project.objects.count() == 2
    # An increase in 2025 counts in 2025's amount (year on year: this year's increments vs last year's).
    record_capital_increase(project=project, signed_on=D(2025, 3, 1), increment=1000, actor=SYSTEM)
    next_year = signed(city, 2025, 6)
    assert (next_year.count, next_year.total, next_year.count_prev, next_year.total_prev) == \
        (0, Decimal("1000"), 2, Decimal("49500.50"))


def test_bad_signing_input_is_refused_and_nothing_written(town):
    cat = f.category()
    contract = sign_lead(lead=lead(town.jia), signed_on=D(2024, 2, 10), investment=30000, code=code(),
                         category=cat, actor=SYSTEM)
    before = (Contract.objects.count(), Project.objects.count())
    with pytest.raises(InputError, match="已签约"):
        sign_lead(lead=contract.lead, signed_on=D(2024, 3, 1), investment=1, project=contract.project, actor=SYSTEM)
    for bad in (0, -5):
        with pytest.raises(InputError, match="增资额") as err:
            record_capital_increase(project=contract.project, signed_on=D(2024, 4, 1), increment=bad, actor=SYSTEM)
        assert err.value.field == "increment"
    with pytest.raises(InputError) as err:
        sign_lead(lead=lead(town.jia, investor="海外公司"), signed_on=D(2024, 2, 10), investment=7000,
                  code=code(), category=cat, foreign_currency="USD", foreign_amount=1000, actor=SYSTEM)
    assert err.value.field == "fx_rate" and "USD" in err.value.text
    assert (Contract.objects.count(), Project.objects.count()) == before
    assert contract.lead.stage == LeadStage.SIGNED


def test_lead_outside_the_users_scope_is_refused(town):
    from tuijin.accounts.models import Role

    user = f.user("yiqu", town.yi, Role.DISTRICT_ADMIN)
    jia_lead = lead(town.jia)
    with pytest.raises(InputError, match="不在您的权限范围内"):
        sign_lead(lead=jia_lead, signed_on=D(2024, 2, 10), investment=100, code=code(), category=f.category(),
                  actor=user)
    assert Contract.objects.count() == 0


def test_duplicate_attraction_is_flagged_and_the_city_decides(town):
    from tuijin.attraction.services import decide_duplicate

    a = lead(town.jia, investor="（星河）科技有限公司", title="甲区方案")
    b = lead(town.yi, investor="星河科技", title="乙区方案")
    assert a.duplicate_of is None and b.duplicate_of == a  # the same investor, two units: 重复招商
    with pytest.raises(InputError, match="裁定说明不能为空"):
        decide_duplicate(lead=b, owner_unit=town.yi, decision=" ", actor=SYSTEM)
    owner = decide_duplicate(lead=b, owner_unit=town.yi, decision="乙区已有用地方案", actor=SYSTEM)
    a.refresh_from_db()
    assert owner == b and owner.duplicate_of is None
    assert (a.stage, a.abandon_reason) == (LeadStage.ABANDONED, "重复招商: 乙区已有用地方案 (由 乙区 跟进)")
    b.refresh_from_db()
    assert b.duplicate_decision == "乙区已有用地方案 (由 乙区 跟进)" and b.stage == LeadStage.LEAD


def test_a_foreign_amount_keeps_its_currency_and_rate_and_needs_the_rate(town):
    from tuijin.attraction.models import Lead

    with pytest.raises(InputError, match="未填写折算汇率") as err:
        lead(town.jia, investor="Bosch GmbH", foreign_currency="eur", foreign_amount=1000)
    assert err.value.field == "fx_rate" and Lead.objects.count() == 0
    ok = lead(town.jia, investor="Bosch GmbH", amount=7850, foreign_currency="eur", foreign_amount=1000,
              fx_rate="7.85")
    assert (ok.foreign_currency, ok.foreign_amount, ok.fx_rate, ok.intended_investment) == (
        "EUR", Decimal("1000.00"), Decimal("7.85"), Decimal("7850.00"))


def test_the_list_behind_new_signed_adds_the_increments_and_equals_the_figure(client, town):
    """The dashboard's list behind 新签约 holds the projects signed in the period and those with an increase in
    it; its count is the first signings, its amount the figure (signings + increments), also in the export."""
    import io

    from openpyxl import load_workbook

    from tuijin.accounts.models import Role

    cat = f.category()
    old = sign_lead(lead=lead(town.jia, investor="老厂公司", when=D(2023, 5, 1)), signed_on=D(2023, 5, 8),
                    investment=20000, code=code(), category=cat, actor=SYSTEM).project
    new = sign_lead(lead=lead(town.yi, investor="新厂公司"), signed_on=D(2024, 3, 3), investment=15000,
                    code=code(), category=cat, actor=SYSTEM).project
    record_capital_increase(project=old, signed_on=D(2024, 2, 1), increment=4000, actor=SYSTEM)
    record_capital_increase(project=new, signed_on=D(2024, 5, 1), increment="1000.5", actor=SYSTEM)
    record_capital_increase(project=old, signed_on=D(2024, 8, 1), increment=9999, actor=SYSTEM)  # after the period
    # By hand, 1-6月 2024: one first signing (新厂 15000); increments 4000 + 1000.50; amount 20000.50 万元.
    fig = signed(Scope(town.city), 2024, 6)
    assert (fig.count, fig.total) == (1, Decimal("20000.50"))

    client.force_login(f.user("city_admin", town.city, Role.CITY_ADMIN))
    url = f"/dashboard/list/?key=new_signed&city={town.city.pk}&through=2024-06"
    html = client.get(url).content.decode()
    assert 'data-total="count">1 个<' in html
    assert 'data-total="total_investment">2.0 亿元<' in html  # 20000.50 万元, printed in 亿元
    assert 'data-total="increments">0.5 亿元<' in html
    assert old.name in html and new.name in html and html.count("仅计增资") == 1
    ws = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(r for r in rows if r[0] == "序号")
    assert header[5:8] == ["计划总投资(万元)", "增资(万元)", "计入金额(万元)"]
    body = {r[2]: r for r in rows if isinstance(r[0], int)}
    assert body[old.name][6:8] == [4000, 4000] and body[new.name][6:8] == [1000.5, 16000.5]
    assert rows[-1][2] == "合计 1 个" and rows[-1][6:8] == [5000.5, 20000.5]


def test_signing_may_fill_the_new_projects_record_fields_and_nothing_else(town):
    cat = f.category()
    fields = {"location": "甲区滨江路", "description": "新建生产基地", "responsible_leader": "张副市长",
              "registered_on": D(2023, 11, 20)}
    for bad, field in (({"owner": "别人"}, "owner"), ({"registered_on": D(2024, 3, 1)}, "registered_on")):
        with pytest.raises(InputError) as err:
            sign_lead(lead=lead(town.jia, investor=f"字段{field}公司"), signed_on=D(2024, 2, 10), investment=9000,
                      code=code(), category=cat, project_fields=bad, actor=SYSTEM)
        assert err.value.field == field
    assert (Contract.objects.count(), Project.objects.count()) == (0, 0)
    c = sign_lead(lead=lead(town.jia, investor="字段公司", title="字段项目"), signed_on=D(2024, 2, 10),
                  investment=9000, code=code(), category=cat, project_fields=fields, actor=SYSTEM)
    p = c.project
    assert (p.name, p.owner, p.location, p.description, p.responsible_leader, p.total_investment) == (
        "字段项目", "字段公司", "甲区滨江路", "新建生产基地", "张副市长", Decimal("9000.00"))
    assert StageEvent.objects.get(project=p, stage=Stage.PLANNING).date == D(2023, 11, 20)
    # Linking an existing project takes its record as it is.
    with pytest.raises(InputError, match="关联已有项目") as err:
        sign_lead(lead=lead(town.yi, investor="另一公司"), signed_on=D(2024, 3, 1), investment=100, project=p,
                  project_fields={"location": "乙区"}, actor=SYSTEM)
    assert err.value.field == "location"
