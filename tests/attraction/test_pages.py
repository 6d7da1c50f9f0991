"""The attraction pages: the board, a lead (move, sign with the contract), events, contracts, targets; all scoped
(another district's lead answers 404), bad input shown in Chinese with nothing written."""

from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.attraction.models import Contract, LeadStage
from tuijin.attraction.services import set_target
from tuijin.projects.models import Project, Stage

from .conftest import D, code, lead

PASSWORD = "Tuijin-test-2024!"


@pytest.fixture
def jia_admin(town):
    return f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN, password=PASSWORD)


def test_board_lead_page_and_signing(client, town, jia_admin):
    f.category()
    mine = lead(town.jia, title="甲区新能源电池项目")
    theirs = lead(town.yi, investor="别家公司", title="乙区项目")
    client.force_login(jia_admin)
    html = client.get("/attraction/").content.decode()
    assert "甲区新能源电池项目" in html and "乙区项目" not in html and 'data-stage="pre_signing"' in html
    assert client.get(f"/attraction/leads/{theirs.pk}/").status_code == 404
    assert client.post(f"/attraction/leads/{theirs.pk}/sign/", {}).status_code == 404
    r = client.post(f"/attraction/leads/{mine.pk}/move/", {"stage": "negotiation", "date": "2024-02-01",
                                                          "note": "第二轮洽谈"}, follow=True)
    assert "已进入洽谈" in r.content.decode()
    bad = client.post(f"/attraction/leads/{mine.pk}/sign/", {"signed_on": "2024-03-01", "investment": "-1",
                                                            "code": code()}, follow=True).content.decode()
    assert "合同投资：-1 超出允许范围" in bad and Contract.objects.count() == 0
    cat = f.category()
    r = client.post(f"/attraction/leads/{mine.pk}/sign/", {
        "signed_on": "2024-03-01", "investment": "25000", "code": code(), "category": cat.pk,
        "due_started": "2024-06-10"}, follow=True)
    page = r.content.decode()
    assert "已签约" in page and "首次签约" in page
    assert "合同投资 2.5 亿元" in page  # 25000 万元, printed in 亿元
    project = Project.objects.get(name="甲区新能源电池项目")
    assert (project.unit, project.stage, project.total_investment) == (town.jia, Stage.SIGNED, Decimal(25000))
    mine.refresh_from_db()
    assert mine.stage == LeadStage.SIGNED
    contracts = client.get("/attraction/contracts/?through=2024-06").content.decode()
    assert "甲区新能源电池项目" in contracts and 'id="performance"' in contracts
    assert client.get("/attraction/events/").status_code == 200


def test_targets_page(client, town, jia_admin):
    lst = f.annual_list(town.city, "市重大项目")
    p1 = f.project(town.jia, stages={Stage.SIGNED: D(2024, 1, 5), Stage.STARTED: D(2024, 3, 1)})
    p2 = f.project(town.jia)
    f.entry(lst, p1, planned_new_start=True)
    f.entry(lst, p2, planned_new_start=True)
    set_target(unit=town.jia, year=2024, indicator="start_rate", value=90, annual_list=lst, due_month=6,
               description="上半年开工率超过90%", strictly_above=True, actor=SYSTEM)
    client.force_login(jia_admin)
    html = client.get("/attraction/targets/?through=2024-06").content.decode()
    # 1 of 2 planned starts started: 50%, 55.6% of the target, not met.
    assert "上半年开工率超过90%" in html and ">50.0<" in html and "55.6%" in html and "未完成" in html
    # The year control: the month shown, the years either side; another year has its own (no) targets.
    assert 'name="through" value="2024-06"' in html and 'href="?through=2023-12"' in html
    assert 'href="?through=2025-12"' in html
    html = client.get("/attraction/targets/?through=2025-12").content.decode()
    assert "2025年 截至12月" in html and "本年度没有目标任务" in html


def test_import_page_previews_then_commits_and_exports_download(client, town):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuijin.attraction.models import Lead

    f.category()
    admin = f.user("city_admin", town.city, Role.CITY_ADMIN, password=PASSWORD)
    client.force_login(admin)
    csv = ("项目名称,投资方,投资方类型,线索来源,意向投资(万元),跟进单位,日期\n"
           "智能装备基地,德马机械有限公司,外资,招商活动,25000,甲区,2024-03-01\n").encode()
    html = client.post("/attraction/import/", {"kind": "leads", "preview": "1",
                                               "file": SimpleUploadedFile("l.csv", csv)}).content.decode()
    assert "智能装备基地" in html and "确认导入 1 行" in html
    assert Lead.objects.count() == 0
    r = client.post("/attraction/import/", {"kind": "leads", "commit": "1", "file": SimpleUploadedFile("l.csv", csv)},
                    follow=True)
    assert "已导入 1 行" in r.content.decode() and Lead.objects.count() == 1
    for url in ("/attraction/export/leads.xlsx", "/attraction/export/contracts.xlsx"):
        r = client.get(url)
        assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"PK"


def test_city_decides_a_duplicate_on_the_lead_page(client, town):
    admin = f.user("city_admin", town.city, Role.CITY_ADMIN, password=PASSWORD)
    a = lead(town.jia, title="甲区方案")
    b = lead(town.yi, title="乙区方案")
    client.force_login(admin)
    html = client.get(f"/attraction/leads/{b.pk}/").content.decode()
    assert "重复招商" in html and 'id="decide-form"' in html
    r = client.post(f"/attraction/leads/{b.pk}/decide/", {"owner_unit": town.jia.pk, "decision": "甲区先接触"},
                    follow=True)
    assert "已裁定由 甲区 跟进" in r.content.decode()
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.stage == LeadStage.ABANDONED and a.duplicate_decision == "甲区先接触 (由 甲区 跟进)"


def test_setting_a_target_on_the_page_refuses_an_unknown_indicator(client, town, jia_admin):
    from tuijin.attraction.models import Target

    client.force_login(jia_admin)
    data = {"unit": town.jia.pk, "year": 2024, "value": "12", "level": "city", "due_month": 12}
    r = client.post("/attraction/targets/new/", {**data, "indicator": "gdp"}, follow=True)
    assert "指标未知: &#x27;gdp&#x27;" in r.content.decode() and Target.objects.count() == 0
    r = client.post("/attraction/targets/new/", {**data, "unit": town.yi.pk, "indicator": "new_signed_count"},
                    follow=True)
    assert Target.objects.count() == 0  # 乙区 is not among 甲区's units: refused by the form
    r = client.post("/attraction/targets/new/", {**data, "indicator": "new_signed_count"}, follow=True)
    assert "已下达 甲区 2024 年目标" in r.content.decode() and Target.objects.get().value == 12


def test_contract_page_records_milestones_and_funds(client, town, jia_admin, book):
    c1, c2 = book[0], book[1]
    client.force_login(jia_admin)
    assert client.get(f"/attraction/contracts/{c2.pk}/").status_code == 404  # 乙区's contract
    html = client.get(f"/attraction/contracts/{c1.pk}/").content.decode()
    assert 'id="arrival-form"' in html and "约定到位" in html
    assert "合同投资</dt><dd>1.0 亿元" in html  # 10000 万元
    r = client.post(f"/attraction/contracts/{c1.pk}/arrival/", {"date": "2024-07-01", "amount": "4001",
                                                               "source": "domestic"}, follow=True)
    assert "将超过合同投资 10000.00 万元, 请确认" in r.content.decode() and c1.arrivals.count() == 2
    client.post(f"/attraction/contracts/{c1.pk}/arrival/", {"date": "2024-07-01", "amount": "4001",
                                                           "source": "domestic", "confirm_over": "on"})
    assert c1.arrivals.count() == 3
    r = client.post(f"/attraction/contracts/{c1.pk}/milestone/", {"kind": "started", "actual_date": "2024-04-20"},
                    follow=True)
    assert "已记录节点完成日期" in r.content.decode()
    assert c1.milestones.get(kind="started").actual_date == D(2024, 4, 20)


def test_contracts_page_lists_those_signed_by_the_period_end_fifty_a_page(client, town):
    from tests import factories as f2
    from tuijin.attraction.services import sign_lead

    cat = f2.category()
    for i in range(52):
        sign_lead(lead=lead(town.jia, investor=f"投资方{i:02d}"), signed_on=D(2024, 1, 1 + i % 28),
                  investment=10000 + i, code=code(), category=cat, actor=SYSTEM)
    sign_lead(lead=lead(town.jia, investor="七月公司", when=D(2024, 7, 1)), signed_on=D(2024, 7, 2),
              investment=9999, code=code(), category=cat, actor=SYSTEM)  # after June: not listed through 2024-06
    client.force_login(f2.user("city_admin", town.city, Role.CITY_ADMIN))
    first = client.get("/attraction/contracts/?through=2024-06").content.decode()
    assert "合同 <small>52 份, 截至 2024-06-30</small>" in first and "第 1 / 2 页" in first
    assert first.count('href="/attraction/contracts/') - first.count("/attraction/contracts/figure/") >= 50
    assert "七月公司" not in first and "?through=2024-06&amp;page=2" in first
    second = client.get("/attraction/contracts/?through=2024-06&page=2").content.decode()
    assert "第 2 / 2 页" in second and "上一页" in second
    assert second.count("<tr><td class=\"nowrap\"><a href=\"/attraction/contracts/") == 2


def test_the_import_preview_lists_the_first_rows_only(client, town, settings):
    """IMPORT_PREVIEW_ROWS = 2 and a register of 5 leads: the preview shows rows 2 and 3 of the file, says 3 more
    are imported on confirmation, and the confirm button counts all 5."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_PREVIEW_ROWS = 2
    f.category()
    client.force_login(f.user("city_admin", town.city, Role.CITY_ADMIN, password=PASSWORD))
    csv = "项目名称,投资方,投资方类型,线索来源,意向投资(万元),跟进单位,日期\n" + "".join(
        f"预览项目{i},某某有限公司{i},外资,招商活动,{1000 * i},甲区,2024-03-0{i}\n" for i in range(1, 6))
    html = client.post("/attraction/import/", {"kind": "leads", "preview": "1",
                                               "file": SimpleUploadedFile("l.csv", csv.encode())}).content.decode()
    assert "预览项目1" in html and "预览项目2" in html and "预览项目3" not in html
    assert "预览只列出前 2 行, 其余 3 行确认后一并导入" in html and "确认导入 5 行" in html
