"""Conventions (口径) per year: shown and set through `tuijin conventions` and the city administrator's page,
one service (validated, scoped, audited), read for the figure's year with a fallback to the latest earlier
year, the unit's city, then the defaults; a bulletin of 2024 prints the same after 2025's are changed."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories
from tests.bulletins.conftest import build_town
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.bulletins.formats import to_text
from tuijin.bulletins.generator import generate
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute, schedule_share_at
from tuijin.indicators.present import present
from tuijin.indicators.scope import Scope
from tuijin.orgs.models import Conventions
from tuijin.orgs.selectors import conventions_for
from tuijin.orgs.services import create_unit, set_conventions

pytestmark = pytest.mark.django_db
MAY_2024 = Period.year_to_date(2024, 5)
CURVE = "3:20,6:45,9:72.5,12:100"


@pytest.fixture
def town():
    return build_town()


@pytest.fixture
def admins(town):
    other, _ = factories.city_tree("外市", ("外区",), province="测试省")
    return {
        "own": factories.user("own_admin", town.city, Role.CITY_ADMIN),
        "foreign": factories.user("foreign_admin", other, Role.CITY_ADMIN),
        "leader": factories.user("own_leader", town.city, Role.CITY_LEADER),
        "other_city": other,
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command("conventions", *args, stdout=out)
    return out.getvalue()


def written():
    return (list(Conventions.objects.order_by("id").values()), AuditEntry.objects.count())


# ---------------------------------------------------------------- the command


def test_show_prints_a_readable_chinese_table(town):
    text = run("--city", "测试市", "--year", "2024")
    assert text.splitlines()[0] == "测试市 2024年 口径 (沿用初始设置)"
    lines = {line.split()[0]: line for line in text.splitlines()[1:]}
    assert "四舍五入" in lines["取舍规则"] and "[rounding]" in lines["取舍规则"]
    assert "无 (按序时进度口径计算)" in lines["序时进度曲线"]
    assert "超序时 / 欠序时" in lines["超欠表述"]
    assert "10,000 万元" in lines["亿元以上门槛(万元)"]
    data = json.loads(run("--city", "测试市", "--year", "2024", "--format", "json"))
    assert data["conventions"] == {
        "schedule_basis": "month",
        "curve": "",
        "rounding": "half_up",
        "rate_places": 1,
        "amount_places": 1,
        "variance_basis": "unrounded",
        "threshold": "10000.00",
        "start_deadline_days": 100,
        "wording": "schedule",
    }


def test_set_through_the_command_holds_from_that_year_on_and_is_audited(town):
    text = run(
        "--city",
        "测试市",
        "--year",
        "2025",
        "--set",
        "rate_places=2",
        "--set",
        f"curve={CURVE}",
        "--set",
        "wording=time",
        "--set",
        "threshold=50000",
    )
    assert text.startswith("已保存 测试市 2025年起的口径 (4 项)。")
    assert "测试市 2025年 口径 (本年设置)" in text
    row = Conventions.objects.get(unit=town.city, year=2025)
    assert (row.rate_places, row.schedule_curve, row.wording, row.big_project_threshold_wan) == (
        2,
        [[3, "20"], [6, "45"], [9, "72.5"], [12, "100"]],
        "time",
        Decimal("50000.00"),
    )
    for year, places in ((2024, 1), (2025, 2), (2026, 2)):
        assert conventions_for(town.city, year).rate_places == places
    entry = AuditEntry.objects.get(model="orgs.Conventions", object_id=str(row.pk))
    assert (entry.action, entry.actor_name) == ("create", "运维命令行")
    assert (entry.before["rate_places"], entry.after["rate_places"]) == (1, 2)
    assert (entry.before["schedule_curve"], entry.after["wording"]) == ([], "time")
    # Changed again: an update of the same row, old → new.
    run("--city", "测试市", "--year", "2025", "--set", "rate_places=3")
    entry = AuditEntry.objects.filter(model="orgs.Conventions", object_id=str(row.pk)).latest("id")
    assert (entry.action, entry.before["rate_places"], entry.after["rate_places"]) == (
        "update",
        2,
        3,
    )
    # The same value again writes nothing.
    before = written()
    run("--city", "测试市", "--year", "2025", "--set", "rate_places=3")
    assert written() == before


def test_the_curve_sets_the_schedule_share_of_its_year(town):
    run("--city", "测试市", "--year", "2025", "--set", f"curve={CURVE}")
    assert schedule_share_at(town.city, 2025, 6) == Decimal("0.45")
    assert schedule_share_at(town.city, 2025, 8) == Decimal("0.45") + (Decimal("0.275") * 2 / 3)
    assert schedule_share_at(town.city, 2024, 6) == Decimal("0.5")  # 2024 by months ÷ 12, as before


BAD = [
    ("rate_places=5", "百分比小数位 (rate_places) 须为 0–4 的整数: '5'"),
    ("amount_places=-1", "金额(亿元)小数位 (amount_places) 须为 0–4 的整数: '-1'"),
    (
        "colour=red",
        "未知的口径项: 'colour' (可设: schedule_basis, curve, rounding, rate_places, amount_places, "
        "variance_basis, threshold, start_deadline_days, wording)",
    ),
    (
        "curve=3:20,6:10,12:100",
        "序时进度曲线 (curve) 须按月份逐项递增 (月份和累计进度都须增大): '3:20,6:10,12:100'",
    ),
    (
        "curve=6:20,3:40,12:100",
        "序时进度曲线 (curve) 须按月份逐项递增 (月份和累计进度都须增大): '6:20,3:40,12:100'",
    ),
    ("curve=3:20,6:45,9:90", "序时进度曲线 (curve) 须以 12:100 结束: '3:20,6:45,9:90'"),
    ("curve=3:20,6:45,12:99", "序时进度曲线 (curve) 须以 12:100 结束: '3:20,6:45,12:99'"),
    ("curve=3:20,13:100", "序时进度曲线 (curve) 的月份须在 1–12 之间: '13:100'"),
    ("curve=0:5,12:100", "序时进度曲线 (curve) 的月份须在 1–12 之间: '0:5'"),
    ("curve=3-20,12:100", "序时进度曲线 (curve) 每一项须写作 月:累计%, 如 3:20: '3-20'"),
    (
        "rounding=ceil",
        "取舍规则 (rounding) 不能取 'ceil': 可选 half_up / 四舍五入 / truncate / 截尾",
    ),
    ("threshold=-1", "亿元以上门槛(万元) (threshold) 须为不小于 0 的万元金额 (最多两位小数): '-1'"),
    ("start_deadline_days=0", "百日开工期限(天) (start_deadline_days) 须为 1–3650 的整数: '0'"),
    ("rate_places", "设置须写作 KEY=VALUE: 'rate_places'"),
]


@pytest.mark.parametrize(("setting", "message"), BAD)
def test_bad_values_are_refused_in_one_line_with_nothing_written(town, setting, message):
    before = written()
    # A good value beside the bad one is not written either: all or nothing.
    with pytest.raises(CommandError) as exc:
        run("--city", "测试市", "--year", "2025", "--set", "amount_places=2", "--set", setting)
    assert (str(exc.value), exc.value.returncode) == (message, 2)
    assert written() == before


def test_a_year_out_of_range_is_refused(town):
    with pytest.raises(CommandError) as exc:
        run("--city", "测试市", "--year", "1999", "--set", "rate_places=2")
    assert str(exc.value) == "年度须在 2000–2100 之间: 1999"


# ---------------------------------------------------------------- per year, per unit


def test_a_year_falls_back_to_the_latest_earlier_year_then_the_city_then_the_defaults(town, admins):
    city, district = town.city, town.units["甲区"]
    set_conventions(unit=city, year=2023, values={"rate_places": "2"}, actor=admins["own"])
    set_conventions(unit=city, year=2025, values={"rate_places": "3"}, actor=admins["own"])
    assert [conventions_for(city, y).rate_places for y in (2022, 2023, 2024, 2025, 2030)] == [
        1,
        2,
        2,
        3,
        3,
    ]
    # A district without its own conventions uses its city's; with its own (from 2024), its own.
    assert conventions_for(district, 2024).rate_places == 2
    set_conventions(
        unit=district,
        year=2024,
        values={"rate_places": "4", "wording": "progress"},
        actor=admins["own"],
    )
    assert [conventions_for(district, y).rate_places for y in (2023, 2024, 2025)] == [2, 4, 4]
    assert conventions_for(town.units["乙区"], 2024).rate_places == 2
    # A unit with no stored row anywhere above it: the defaults (unsaved).
    lone = create_unit(name="无口径省", kind="province", actor=SYSTEM)
    default = conventions_for(lone, 2024)
    assert default.pk is None and default.rate_places == 1


def test_a_district_bulletin_says_quanqu_and_uses_the_district_wording(town, admins):
    set_conventions(
        unit=town.units["乙区"], year=2024, values={"wording": "time"}, actor=admins["own"]
    )
    text = to_text(generate(town.city, MAY_2024, unit=town.units["乙区"]))
    assert "慢于时间进度16.7个百分点" in text and "欠序时" not in text
    assert "全区新签约亿元以上产业项目1个" in text
    city_text = to_text(generate(town.city, MAY_2024))
    assert "全市" in city_text and "慢于时间进度" not in city_text


# ---------------------------------------------------------------- scope


def test_a_foreign_city_administrator_is_refused_and_nothing_written(town, admins):
    before = written()
    for who in ("foreign", "leader"):
        with pytest.raises(PermissionDenied):
            set_conventions(
                unit=town.city, year=2025, values={"rate_places": "2"}, actor=admins[who]
            )
        with pytest.raises(CommandError) as exc:
            run(
                "--city",
                "测试市",
                "--year",
                "2025",
                "--set",
                "rate_places=2",
                "--as",
                admins[who].username,
            )
        assert exc.value.returncode == 2
    assert written() == before
    # The foreign administrator may change its own city.
    set_conventions(
        unit=admins["other_city"], year=2025, values={"rate_places": "2"}, actor=admins["foreign"]
    )


def test_a_department_keeps_no_conventions(town, admins):
    dept = create_unit(name="测试市发改委", kind="department", parent=town.city, actor=SYSTEM)
    with pytest.raises(InputError) as exc:
        set_conventions(unit=dept, year=2025, values={"rate_places": "2"}, actor=admins["own"])
    assert exc.value.text == "测试市发改委 (部门) 不单独设口径"


# ---------------------------------------------------------------- the page


URL = "/setup/conventions/"


def test_the_page_shows_and_sets_the_conventions_of_the_admins_city(client, town, admins):
    client.force_login(admins["own"])
    page = client.get(URL, {"unit": town.city.pk, "year": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    assert "测试市 2025年口径" in html and 'name="curve"' in html and "保存 2025年起的口径" in html
    assert f'href="{URL}"' in html  # linked from the navigation
    response = client.post(
        f"{URL}?unit={town.city.pk}&year=2025",
        {
            "unit": town.city.pk,
            "year": 2025,
            "rate_places": "2",
            "curve": CURVE,
            "wording": "progress",
            "rounding": "half_up",
        },
    )
    assert response.status_code == 302
    row = Conventions.objects.get(unit=town.city, year=2025)
    assert (row.rate_places, row.wording, row.schedule_curve[-1]) == (2, "progress", [12, "100"])
    entry = AuditEntry.objects.get(model="orgs.Conventions", object_id=str(row.pk))
    assert entry.actor_id == admins["own"].pk
    assert conventions_for(town.city, 2024).rate_places == 1


def test_the_page_refuses_bad_values_naming_the_key(client, town, admins):
    client.force_login(admins["own"])
    before = written()
    response = client.post(URL, {"unit": town.city.pk, "year": 2025, "rate_places": "5"})
    assert response.status_code == 400
    assert "百分比小数位 (rate_places) 须为 0–4 的整数: &#x27;5&#x27;" in response.content.decode()
    response = client.post(URL, {"unit": town.city.pk, "year": 2025, "curve": "3:20,6:45,9:90"})
    assert "须以 12:100 结束" in response.content.decode()
    assert written() == before


def test_the_page_refuses_a_foreign_city_and_readers(client, town, admins):
    before = written()
    client.force_login(admins["foreign"])
    assert client.get(URL, {"unit": town.city.pk}).status_code == 404
    assert (
        client.post(URL, {"unit": town.city.pk, "year": 2025, "rate_places": "2"}).status_code
        == 404
    )
    client.force_login(admins["leader"])
    assert client.get(URL).status_code == 403
    assert (
        client.post(URL, {"unit": town.city.pk, "year": 2025, "rate_places": "2"}).status_code
        == 403
    )
    assert written() == before


# ---------------------------------------------------------------- a past year's bulletin does not move


def test_a_2024_bulletin_prints_the_same_after_2025_conventions_change(town, admins):
    before = to_text(generate(town.city, MAY_2024))
    figures_before = present(compute(Scope(town.city), MAY_2024))
    set_conventions(
        unit=town.city,
        year=2025,
        actor=admins["own"],
        values={
            "rate_places": "3",
            "amount_places": "2",
            "rounding": "truncate",
            "curve": CURVE,
            "wording": "time",
            "variance_basis": "printed",
            "threshold": "5000",
        },
    )
    assert to_text(generate(town.city, MAY_2024)) == before
    assert present(compute(Scope(town.city), MAY_2024)) == figures_before
    assert "欠序时" in before and "完成年度投资计划的" in before
    # The same change made to 2024 does change it (so the comparison above can fail).
    set_conventions(
        unit=town.city,
        year=2024,
        actor=admins["own"],
        values={"rate_places": "3", "wording": "time"},
    )
    after = to_text(generate(town.city, MAY_2024))
    assert after != before and "慢于时间进度" in after


def test_pages_word_ahead_and_behind_by_the_years_conventions(client, town, admins):
    # 1-5月 2024: completed 1200×5 + 500×3 = 7500 of plan 20000 = 37.5% against 5/12 = 41.7%: 4.2 behind.
    client.force_login(admins["own"])
    overview = client.get("/overview/", {"through": "2024-05"}).content.decode()
    dashboard = client.get("/dashboard/", {"through": "2024-05"}).content.decode()
    assert "欠 4.2 个百分点" in overview and "欠 4.2 个百分点" in dashboard
    set_conventions(unit=town.city, year=2024, values={"wording": "progress"}, actor=admins["own"])
    overview = client.get("/overview/", {"through": "2024-05"}).content.decode()
    dashboard = client.get("/dashboard/", {"through": "2024-05"}).content.decode()
    assert "欠进度 4.2 个百分点" in overview and "超进度/欠进度" in overview
    assert "欠进度 4.2 个百分点" in dashboard and "超进度/欠进度" in dashboard


def test_the_command_line_as_typed(town, monkeypatch, capsys):
    """Through the argument parser a shell uses (run_from_argv), not call_command: --set must not clash with
    Django's own --settings, and a refusal is one line on stderr with status 2."""
    from django.db import connections

    from tuijin.accounts.management.commands.conventions import Command

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection open
    argv = ["tuijin", "conventions", "--city", "测试市", "--year", "2025"]
    Command().run_from_argv([*argv, "--set", "rate_places=2", "--set", f"curve={CURVE}"])
    assert Conventions.objects.get(unit=town.city, year=2025).rate_places == 2
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv([*argv, "--set", "rate_places=5"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "CommandError: 百分比小数位 (rate_places) 须为 0–4 的整数: '5'"
    ]
    assert Conventions.objects.get(unit=town.city, year=2025).rate_places == 2
