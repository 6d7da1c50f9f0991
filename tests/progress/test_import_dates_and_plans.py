"""Past dates on the registry import (签约/开工/竣工/投产 → stage events in order, registration dated no later
than the earliest), and the 分月计划 import (cumulative plan by month for 同期计划): good files stored as
computed by hand, bad cells named, a reporter refused, the template downloaded and imported back."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.progress import registry
from tuijin.projects.models import EntryMonthlyPlan, Project, Stage, StageEvent
from tuijin.projects.services import set_monthly_plan

A = "2024-320101-34-03-00001A"
B = "2024-320102-34-03-00002A"
NEW1 = "2024-320101-34-03-00031A"
NEW2 = "2024-320101-34-03-00032A"


@pytest.fixture
def world(db):
    city, d = f.city_tree("测试市", ("甲区", "乙区"))
    lst = f.annual_list(city, "省重大项目")
    a = f.project(d["甲区"], code=A, name="甲区光伏组件项目")
    b = f.project(d["乙区"], code=B, name="乙区道路工程")
    ea = f.entry(lst, a, plan=Decimal(24000), continuing=True)
    eb = f.entry(lst, b, plan=Decimal(12000), continuing=True)
    admin = f.user("city_admin", city, Role.CITY_ADMIN)
    jia = f.user("jia_admin", d["甲区"], Role.DISTRICT_ADMIN)
    rep = f.user("jia_rep", d["甲区"], Role.REPORTER)
    return {
        "city": city,
        "d": d,
        "list": lst,
        "a": a,
        "b": b,
        "ea": ea,
        "eb": eb,
        "admin": admin,
        "jia": jia,
        "rep": rep,
    }


def book(header, rows, title=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


PROJECT_HEADER = [
    "项目代码",
    "项目名称",
    "所属单位",
    "项目类别",
    "计划总投资",
    "签约日期",
    "开工日期",
    "竣工日期",
    "投产日期",
]


def events(code):
    return list(
        StageEvent.objects.filter(project__code=code)
        .order_by("date", "id")
        .values_list("stage", "date")
    )


def test_registry_import_with_past_dates(world):
    admin = world["admin"]
    data = book(
        PROJECT_HEADER,
        [
            [
                NEW1,
                "甲区新材料项目",
                "甲区",
                "产业",
                30000,
                datetime.date(2024, 1, 10),
                "2024-03-15",
                None,
                None,
            ],
            [NEW2, "甲区物流园", "甲区", "产业", 12000, None, None, None, None],
            [
                A,
                None,
                None,
                None,
                None,
                None,
                "2024年3月1日",
                None,
                None,
            ],  # an existing project starts
        ],
    )
    plan = registry.plan_projects(user=admin, data=data, filename="项目库.xlsx")
    assert plan.ok, [str(e) for e in plan.errors]
    assert [(c.code, c.created) for c in plan.changes] == [(NEW1, True), (NEW2, True), (A, False)]
    assert ("开工日期", "空", "2024-03-01") in plan.changes[2].diffs
    registry.commit_projects(user=admin, plan=plan)
    # Imported in December 2026, counted as signed in January and started in March 2024.
    assert events(NEW1) == [
        ("planning", datetime.date(2024, 1, 10)),
        ("signed", datetime.date(2024, 1, 10)),
        ("started", datetime.date(2024, 3, 15)),
    ]
    assert Project.objects.get(code=NEW1).stage == Stage.STARTED
    assert events(NEW2) == [("planning", timezone.localdate())]
    assert events(A) == [
        ("planning", datetime.date(2020, 1, 1)),
        ("started", datetime.date(2024, 3, 1)),
    ]
    assert Project.objects.get(code=A).stage == Stage.STARTED
    assert (
        AuditEntry.objects.filter(
            model="projects.StageEvent", actor=admin, reason__contains="项目库"
        ).count()
        == 3
    )
    again = registry.plan_projects(user=admin, data=data, filename="项目库.xlsx")
    assert again.ok and again.changes == [] and again.unchanged == 3


def test_dates_out_of_order_in_the_future_or_changed_are_named(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = book(
        PROJECT_HEADER,
        [
            [NEW1, "甲区新材料项目", "甲区", "产业", 30000, None, "2024-03-15", "2024-02-01", None],
            [NEW2, "甲区物流园", "甲区", "产业", 12000, None, None, None, tomorrow],
            [
                A,
                None,
                None,
                None,
                None,
                "2019-05-01",
                None,
                None,
                None,
            ],  # before its registration (2020-01-01)
            [
                "2024-320101-34-03-00033A",
                "甲区仓储",
                "甲区",
                "产业",
                100,
                "2024-02-30",
                None,
                None,
                None,
            ],
        ],
    )
    plan = registry.plan_projects(user=world["admin"], data=data, filename="项目库.xlsx")
    assert [(e.row, e.column, e.field) for e in plan.errors] == [
        (2, "H", "竣工日期"),
        (3, "I", "投产日期"),
        (4, "F", "签约日期"),
        (5, "F", "签约日期"),
    ]
    texts = [e.reason for e in plan.errors]
    assert texts[0] == "竣工日期 2024-02-01 早于开工日期 2024-03-15"
    assert texts[1] == f"投产日期 {tomorrow} 在未来 (今天是 {timezone.localdate()})"
    assert texts[2] == "签约日期 2019-05-01 早于谋划阶段日期 2020-01-01"
    assert texts[3] == "签约日期不是有效日期 (应如 2024-03-15)"
    with pytest.raises(InputError):
        registry.commit_projects(user=world["admin"], plan=plan)
    assert not Project.objects.filter(code=NEW1).exists()


def test_service_refuses_what_the_form_and_api_send(world):
    from tuijin.projects.services import create_project

    kw = dict(
        code=NEW1,
        name="x",
        unit=world["d"]["甲区"],
        category=f.category(),
        total_investment=1,
        actor=world["admin"],
    )
    with pytest.raises(InputError) as exc:
        create_project(
            **kw, started_on=datetime.date(2024, 3, 15), completed_on=datetime.date(2024, 3, 1)
        )
    assert exc.value.field == "completed_on" and "早于开工日期 2024-03-15" in exc.value.text
    with pytest.raises(InputError) as exc:
        create_project(**kw, signed_on=timezone.localdate() + datetime.timedelta(days=3))
    assert exc.value.field == "signed_on"
    assert not Project.objects.filter(code=NEW1).exists()


def test_web_form_takes_the_dates(world, client):
    client.force_login(world["admin"])
    r = client.post(
        "/projects/new/",
        {
            "code": NEW1,
            "name": "甲区新材料项目",
            "unit": world["d"]["甲区"].pk,
            "category": f.category().pk,
            "total_investment": "30000",
            "started_on": "2024-03-15",
            "completed_on": "2024-01-01",
        },
    )
    assert (
        r.status_code == 400 and "竣工日期 2024-01-01 早于开工日期 2024-03-15" in r.content.decode()
    )
    r = client.post(
        "/projects/new/",
        {
            "code": NEW1,
            "name": "甲区新材料项目",
            "unit": world["d"]["甲区"].pk,
            "category": f.category().pk,
            "total_investment": "30000",
            "started_on": "2024-03-15",
        },
    )
    assert r.status_code == 302
    assert events(NEW1) == [
        ("planning", datetime.date(2024, 3, 15)),
        ("started", datetime.date(2024, 3, 15)),
    ]


PLAN_HEADER = ["项目名称", "县（市、区）", "清单", "年度", *[f"{m}月" for m in range(1, 13)]]


def test_plans_import_good_file(world, tmp_path):
    a_months = [2000 * m for m in range(1, 13)]  # 2000 … 24000 = the annual plan
    data = book(
        PLAN_HEADER,
        [
            ["甲区光伏组件项目", "甲区", "省重大项目", 2024, *a_months],
            [
                "乙区道路工程",
                "乙区",
                "省重大项目",
                "2024年",
                None,
                None,
                3000,
                None,
                None,
                6000,
                None,
                None,
                9000,
                None,
                None,
                11000,
            ],  # 12月 11000 ≠ 12000: a note
        ],
        title="2024年分月计划",
    )
    path = tmp_path / "分月计划.xlsx"
    path.write_bytes(data)
    assert registry.detect_kind(data, path.name) == registry.KIND_PLANS
    out = io.StringIO()
    call_command("import", str(path), "--as", "city_admin", "--kind", "plans", stdout=out)
    assert (
        "3月累计计划: 空 → 3,000.00 万元" in out.getvalue()
        and not EntryMonthlyPlan.objects.exists()
    )
    assert "12月累计计划 11,000.00 万元与年度计划投资 12,000.00 万元不一致" in out.getvalue()
    call_command(
        "import",
        str(path),
        "--as",
        "city_admin",
        "--kind",
        "plans",
        "--commit",
        stdout=io.StringIO(),
    )
    stored = dict(
        EntryMonthlyPlan.objects.filter(entry=world["ea"]).values_list("month", "cumulative_plan")
    )
    assert stored == {m: Decimal(2000 * m) for m in range(1, 13)}
    stored = dict(
        EntryMonthlyPlan.objects.filter(entry=world["eb"]).values_list("month", "cumulative_plan")
    )
    assert stored == {3: Decimal(3000), 6: Decimal(6000), 9: Decimal(9000), 12: Decimal(11000)}
    assert (
        AuditEntry.objects.filter(model="projects.EntryMonthlyPlan", actor=world["admin"]).count()
        == 16
    )
    plan = registry.plan_plans(user=world["admin"], data=data, filename=path.name)
    assert plan.ok and plan.changes == [] and plan.unchanged == 2


def test_plans_import_bad_cells(world):
    set_monthly_plan(entry=world["eb"], cumulative={6: Decimal(6000)}, actor=world["admin"])
    data = book(
        PLAN_HEADER,
        [
            [
                "甲区光伏组件项目",
                "甲区",
                "省重大项目",
                2024,
                1000,
                2000,
                1500,
                *[None] * 9,
            ],  # 3月 decreases
            [
                "乙区道路工程",
                "乙区",
                "省重大项目",
                2024,
                *[None] * 6,
                5000,
                *[None] * 5,
            ],  # 7月 below the stored 6月
            ["乙区道路工程", "乙区", "市重点清单", 2024, 100, *[None] * 11],  # no such list
            [
                "甲区光伏组件项目",
                "甲区",
                "省重大项目",
                2023,
                100,
                *[None] * 11,
            ],  # not on the 2023 list
            ["甲区光伏组件项目", "甲区", "省重大项目", 2025, -5, *[None] * 11],  # negative
        ],
    )
    plan = registry.plan_plans(user=world["admin"], data=data, filename="分月计划.xlsx")
    assert [(e.row, e.column, e.field) for e in plan.errors] == [
        (2, "G", "3月"),
        (3, "K", "7月"),
        (4, "C", "清单"),
        (5, "A", "项目名称"),
        (6, "E", "1月"),
    ]
    texts = [e.reason for e in plan.errors]
    assert texts[0] == "3月累计计划 1,500.00 万元小于2月的 2,000.00 万元 (累计计划不能减少)"
    assert "7月累计计划 5,000.00 万元小于6月的 6,000.00 万元 (含已保存的月份" in texts[1]
    assert texts[2] == "清单 市重点清单 不存在或不在您的城市"
    assert texts[3] == "项目 甲区光伏组件项目 不在 2023 年省重大项目中 (请先导入年度清单)"
    assert texts[4] == "1月不能为负数"


def test_plans_scope_and_template(world, client):
    data = book(PLAN_HEADER, [["乙区道路工程", "乙区", "省重大项目", 2024, 100, *[None] * 11]])
    plan = registry.plan_plans(user=world["jia"], data=data, filename="x.xlsx")
    assert [e.reason for e in plan.errors] == ["项目名称 乙区道路工程 不在您的范围内或不存在"]
    with pytest.raises(PermissionDenied):
        registry.plan_plans(user=world["rep"], data=data, filename="x.xlsx")
    with pytest.raises(PermissionDenied):
        set_monthly_plan(entry=world["eb"], cumulative={1: 5}, actor=world["jia"])
    with pytest.raises(CommandError):
        call_command("import", "/nonexistent.xlsx", "--as", "jia_admin", "--kind", "plans")

    client.force_login(world["jia"])
    page = client.get("/reports/import/").content.decode()
    assert "/reports/template/plans/?year=" in page and "分月计划" in page
    response = client.get("/reports/template/plans/?year=2024")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    assert [c.value for c in ws[3]][:7] == [
        "项目代码",
        "项目名称",
        "所属单位",
        "清单",
        "年度",
        "年度计划投资",
        "1月",
    ]
    assert [ws.cell(r, 1).value for r in (5, 6)] == [A, None]  # 甲区's entry only
    for m in range(1, 13):
        ws.cell(5, 6 + m).value = 2000 * m
    buf = io.BytesIO()
    wb.save(buf)
    plan = registry.plan_plans(
        user=world["jia"], data=buf.getvalue(), filename="plans-template-2024.xlsx"
    )
    assert plan.ok, [str(e) for e in plan.errors]
    registry.commit_plans(user=world["jia"], plan=plan)
    assert EntryMonthlyPlan.objects.get(entry=world["ea"], month=12).cumulative_plan == Decimal(
        24000
    )
    r = client.post("/reports/import/", {"kind": "plans", "file": _upload(buf.getvalue())})
    assert r.status_code == 200 and "未变 1 个" in r.content.decode()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "plans.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
