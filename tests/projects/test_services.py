"""The registry's services refuse bad input with a message naming the field and the value, and leave nothing
half-written behind (no row, no audit entry)."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.projects.codes import check_project_code
from tuijin.projects.models import ListEntry, Project, Stage, StageEvent
from tuijin.projects.services import add_list_entry, create_project, record_stage, update_project

day = datetime.date
GOOD = "2024-321102-34-03-00017X"


@pytest.fixture
def place(db):
    city, d = f.city_tree()
    return city, d["甲区"]


@contextmanager
def refused(field, *words):
    """Expect an InputError on `field` whose message names every word; and no row or audit entry written."""
    counts = (Project.objects.count(), StageEvent.objects.count(), ListEntry.objects.count(),
              AuditEntry.objects.count())
    with pytest.raises(InputError) as exc:
        yield exc
    assert exc.value.field == field
    for w in words:
        assert w in exc.value.text, f"{w!r} not in {exc.value.text!r}"
    assert "\n" not in exc.value.text  # one line
    assert (Project.objects.count(), StageEvent.objects.count(), ListEntry.objects.count(),
            AuditEntry.objects.count()) == counts


def make(unit, code=GOOD, total=1000, **kw):
    return create_project(code=code, name=kw.pop("name", "测试项目"), unit=unit, category=f.category(),
                          total_investment=total, registered_on=day(2020, 1, 1), **{"actor": SYSTEM, **kw})


# ---------------------------------------------------------------- project codes


def test_modern_code_accepted_without_warning(place):
    p, warnings = make(place[1], code=" 2024-321102-34-03-00001x ")
    assert p.code == "2024-321102-34-03-00001X"  # trimmed, check character upper-cased
    assert not p.code_is_legacy and warnings == []
    assert AuditEntry.objects.filter(model="projects.Project", object_id=str(p.pk), action="create").count() == 1


@pytest.mark.parametrize("code", [
    "2024-321102-34-03-00001",     # serial one digit short
    "2024-321102-34-3-000017",     # project type one digit
    "2024-321102-34-03-0000170",   # 25 characters
    "2024-321102-34-03-00001*",    # bad check character
    "1899-321102-34-03-000017",    # year out of range
    "项目代码123456789",            # not a code at all
    "ABC-12",                      # too short
])
def test_malformed_code_refused_naming_the_value(place, code):
    with refused("code", code):
        make(place[1], code=code)


def test_empty_code_refused(place):
    with refused("code", "项目代码"):
        make(place[1], code="  ")


def test_legacy_code_accepted_with_a_warning(place):
    p, warnings = make(place[1], code="JSFG2015-0318")
    assert p.code_is_legacy
    assert len(warnings) == 1 and "JSFG2015-0318" in warnings[0] and "旧版" in warnings[0]
    assert check_project_code("js-2016-118").legacy


def test_duplicate_code_refused(place):
    make(place[1])
    with refused("code", GOOD, "已存在"):
        make(place[1], code=GOOD.lower(), name="另一个项目")  # normalised to the same code
    other, _ = make(place[1], code="2024-321102-34-03-000025", name="另一个项目")
    with refused("code", GOOD):
        update_project(project=other, code=GOOD, actor=SYSTEM)


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize("total, word", [(-1, "-1"), ("-0.01", "-0.01"), ("十亿", "十亿"), ("1e", "1e")])
def test_bad_total_investment_refused(place, total, word):
    with refused("total_investment", word):
        make(place[1], total=total)


def test_total_investment_is_decimal(place):
    p, _ = make(place[1], total=12345.67)
    p.refresh_from_db()
    assert p.total_investment == Decimal("12345.67")


def test_update_refuses_negative_total_and_keeps_the_old(place):
    p, _ = make(place[1], total=1000)
    with refused("total_investment", "-5"):
        update_project(project=p, total_investment=-5, actor=SYSTEM)
    p.refresh_from_db()
    assert p.total_investment == Decimal(1000)


def test_project_on_a_department_refused(place):
    from tuijin.orgs.services import create_unit

    dept = create_unit(name="自然资源和规划局", kind="department", parent=place[0], actor=SYSTEM)
    with refused("unit", "自然资源和规划局"):
        make(dept)


# ---------------------------------------------------------------- stages


def test_stages_move_forward_with_history(place):
    p, _ = make(place[1])
    record_stage(project=p, stage=Stage.SIGNED, date=day(2024, 1, 10), actor=SYSTEM)
    record_stage(project=p, stage=Stage.STARTED, date=day(2024, 3, 1), actor=SYSTEM)
    p.refresh_from_db()
    assert p.stage == Stage.STARTED
    assert list(p.stage_events.values_list("stage", flat=True)) == ["planning", "signed", "started"]


def test_stage_cannot_move_backward(place):
    p, _ = make(place[1])
    record_stage(project=p, stage=Stage.STARTED, date=day(2024, 3, 1), actor=SYSTEM)
    with refused("stage", "开工", "签约"):
        record_stage(project=p, stage=Stage.SIGNED, date=day(2024, 4, 1), actor=SYSTEM)
    with refused("stage", "开工"):
        record_stage(project=p, stage=Stage.STARTED, date=day(2024, 4, 1), actor=SYSTEM)  # the same stage twice


def test_stage_date_not_in_the_future(place):
    p, _ = make(place[1])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with refused("date", str(tomorrow)):
        record_stage(project=p, stage=Stage.SIGNED, date=tomorrow, actor=SYSTEM)
    record_stage(project=p, stage=Stage.SIGNED, date=timezone.localdate(), actor=SYSTEM)  # today is fine


def test_stage_date_not_before_the_previous_stage(place):
    p, _ = make(place[1])
    record_stage(project=p, stage=Stage.SIGNED, date=day(2024, 3, 1), actor=SYSTEM)
    with refused("date", "2024-02-01", "2024-03-01"):
        record_stage(project=p, stage=Stage.STARTED, date=day(2024, 2, 1), actor=SYSTEM)
    record_stage(project=p, stage=Stage.STARTED, date=day(2024, 3, 1), actor=SYSTEM)  # the same day is fine


def test_unknown_stage_and_terminated_project(place):
    p, _ = make(place[1])
    with refused("stage", "demolished"):
        record_stage(project=p, stage="demolished", date=day(2024, 1, 1), actor=SYSTEM)
    record_stage(project=p, stage=Stage.TERMINATED, date=day(2024, 2, 1), actor=SYSTEM)
    with refused("stage", "终止"):
        record_stage(project=p, stage=Stage.SIGNED, date=day(2024, 3, 1), actor=SYSTEM)


def test_registration_date_not_in_the_future(place):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with refused("registered_on", str(tomorrow)):
        create_project(code=GOOD, name="未来项目", unit=place[1], category=f.category(), total_investment=1,
                       registered_on=tomorrow, actor=SYSTEM)


# ---------------------------------------------------------------- list entries


@pytest.fixture
def listed(place):
    city, unit = place
    return f.annual_list(city), make(unit)[0]


def test_list_entry(listed):
    lst, p = listed
    e = add_list_entry(annual_list=lst, project=p, year=2024, annual_plan="1234.5", planned_new_start=True,
                       planned_start_month=3, actor=SYSTEM)
    assert e.annual_plan == Decimal("1234.5")


@pytest.mark.parametrize("month", [13, 0, -1])
def test_planned_start_month_out_of_range_refused(listed, month):
    lst, p = listed
    with refused("planned_start_month", str(month)):
        add_list_entry(annual_list=lst, project=p, year=2024, annual_plan=100, planned_new_start=True,
                       planned_start_month=month, actor=SYSTEM)


def test_new_start_and_continuing_both_refused(listed):
    lst, p = listed
    with refused("continuing", "新开工", "续建"):
        add_list_entry(annual_list=lst, project=p, year=2024, annual_plan=100, planned_new_start=True,
                       continuing=True, actor=SYSTEM)


def test_start_month_without_new_start_refused(listed):
    lst, p = listed
    with refused("planned_start_month"):
        add_list_entry(annual_list=lst, project=p, year=2024, annual_plan=100, planned_start_month=5, actor=SYSTEM)


def test_negative_annual_plan_refused(listed):
    lst, p = listed
    with refused("annual_plan", "-100"):
        add_list_entry(annual_list=lst, project=p, year=2024, annual_plan=-100, actor=SYSTEM)


def test_same_list_twice_in_a_year_refused(listed):
    lst, p = listed
    add_list_entry(annual_list=lst, project=p, year=2024, annual_plan=100, actor=SYSTEM)
    with refused("project", "2024"):
        add_list_entry(annual_list=lst, project=p, year=2024, annual_plan=200, actor=SYSTEM)
    add_list_entry(annual_list=lst, project=p, year=2025, annual_plan=200, actor=SYSTEM)  # next year's list is another entry


def test_project_of_another_city_refused(listed):
    lst, _ = listed
    other_city, d = f.city_tree(city="别的市", districts=("丙区",))
    stranger, _ = make(d["丙区"], code="2024-321102-34-03-000033", name="外市项目")
    with refused("project", "外市项目"):
        add_list_entry(annual_list=lst, project=stranger, year=2024, annual_plan=100, actor=SYSTEM)
