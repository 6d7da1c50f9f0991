"""Done when: `tuijin livelihood --city 镇江市 --through 2024-05 --format json` on the demo programme reports
items 40, categories 12, completed 2, ahead 2, on_schedule 36, and parking at 55.7% ahead of schedule
(reference A10–A13). The demo is built on a fresh 镇江市 through build_livelihood_demo."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tests import factories
from tests.factories import SYSTEM
from tuijin.livelihood.demo import build_livelihood_demo
from tuijin.livelihood.models import Item, ItemReport, ReportStatus
from tuijin.orgs.models import OrgUnit
from tuijin.orgs.services import create_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    """The demo programme, built once for this module inside a transaction rolled back at its end (each test
    runs in a savepoint within it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        city, districts = factories.city_tree("镇江市", ("京口区", "润州区"), province="江苏省")
        ndrc = create_unit(name="镇江市发展和改革委员会", kind="department", parent=city, actor=SYSTEM)
        build_livelihood_demo(city=city, departments={"发展和改革委员会": ndrc})
        yield city
        transaction.set_rollback(True)


@pytest.fixture
def zhenjiang(_built, db):
    return _built


def run(*args) -> str:
    out = io.StringIO()
    call_command("livelihood", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_cli_reports_the_bulletins_figures(zhenjiang):
    data = json.loads(run("--city", "镇江市", "--through", "2024-05", "--format", "json"))
    assert {k: data[k] for k in ("items", "categories", "completed", "ahead", "on_schedule", "behind")} == {
        "items": 40, "categories": 12, "completed": 2, "ahead": 2, "on_schedule": 36, "behind": 0}
    items = {i["name"]: i for i in data["item_list"]}
    assert len(items) == 40
    parking = items["新增公共停车泊位"]
    assert (parking["target"], parking["unit"], parking["done"]) == (2000, "个", 1113)
    assert parking["progress_pct"] == 55.7  # 55.65 rounded half up (half-even would print 55.6)
    assert parking["status"] == "ahead"
    assert parking["planned_pct"] < parking["progress_pct"]
    screening = items["适龄妇女两癌免费筛查"]
    assert screening["status"] == "completed"
    assert {s["name"]: (s["done"], s["unit"], s["met"]) for s in screening["sub_items"]} == {
        "宫颈癌筛查": (4.01, "万人", True), "乳腺癌筛查": (4.73, "万人", True)}
    cloud = items["市级云影像平台建设"]
    assert cloud["status"] == "completed"
    assert {s["name"]: s["done"] for s in cloud["sub_items"]} == {"平台功能": 10, "接入公立医院": 27}
    for row in data["item_list"]:
        assert set(row) >= {"name", "category", "lead_department", "target", "unit", "done", "progress_pct",
                            "planned_pct", "status"}
        assert row["status"] in ("completed", "ahead", "on_schedule", "behind")
    # The three real items are not marked; every other item is (演示, is_demo).
    synthetic = [r for r in data["item_list"] if r["is_demo"]]
    assert len(synthetic) == 37 and all("演示" in r["name"] for r in synthetic)


def test_the_demo_uses_the_departments_given_and_creates_the_others(zhenjiang):
    ndrc = OrgUnit.objects.get(name="镇江市发展和改革委员会")
    assert Item.objects.filter(lead_unit=ndrc).exists()
    health = OrgUnit.objects.get(name="镇江市卫生健康委员会")
    assert (health.kind, health.parent_id) == ("department", zhenjiang.pk)
    # Confirmed reports January to May for every item; three June reports wait for review.
    assert ItemReport.objects.filter(status=ReportStatus.ACCEPTED).count() == 40 * 5
    assert ItemReport.objects.filter(status=ReportStatus.SUBMITTED, month=6).count() == 3


def test_the_table_prints_chinese_words(zhenjiang):
    text = run("--city", "镇江市", "--through", "2024-05")
    assert "共 12 类 40 件, 已完成 2 件, 超序时 2 件, 按序时 36 件, 欠序时 0 件" in text
    line = next(x for x in text.splitlines() if "新增公共停车泊位" in x)
    assert "55.7%" in line and "超序时" in line and "2000个" in line and "1113个" in line
    assert "ahead" not in text and "on_schedule" not in text


def test_the_cli_writes_the_public_notice(zhenjiang, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "公示表.xlsx"
    run("--city", "镇江市", "--through", "2024-05", "--xlsx", str(path), "--format", "json")
    ws = load_workbook(path).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert ws["A1"].value == "2024年镇江市民生实事项目推进情况公示表"
    assert "截至2024年5月底, 12类40件民生实事中, 已完成2件, 超序时推进2件, 按序时推进36件, 滞后0件。" in ws["A2"].value
    assert "一、教育提质（4件）" in cells and "十二、便民服务（3件）" in cells
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "新增公共停车泊位")
    assert row[2:9] == ("2000个", "镇江市住房和城乡建设局", "镇江市公安局、镇江市自然资源和规划局", "1113个", 55.7,
                        36.7, "超序时")


@pytest.mark.parametrize(("args", "message"), [
    (("--city", "镇江", "--through", "2024-05"), "城市不存在: '镇江'"),
    (("--city", "镇江市", "--through", "2024-13"), "--through: 月份应在 1-12 之间, 收到 '2024-13'"),
    (("--city", "镇江市", "--through", "2025-05"), "镇江市 没有 2025 年民生实事计划"),
    (("--city", "镇江市", "--through", "2024-05", "--unit", "丹徒区"), "镇江市 下没有单位 '丹徒区'"),
    (("--city", "镇江市", "--through", "2024-05", "--as", "nobody"), "用户不存在或已停用: 'nobody'"),
])
def test_bad_cli_input_is_one_line_and_exit_status_2(zhenjiang, args, message):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert exc.value.returncode == 2
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)
