"""A small hand-made world for the access tests: two provinces, three cities, districts, a department, one
project per district with a list entry and monthly reports, and one user per role.

    江苏省 ─ 镇江市 ─ 京口区   project jk (assigned to jk_reporter, responsible department: 发改委)
           │        ├ 润州区   project rz
           │        └ 镇江市发展和改革委员会 (department)
           └ 苏州市 ─ 姑苏区   project sz
    浙江省 ─ 杭州市 ─ 西湖区   project hz

Each place (jk, rz, sz, hz) carries a project, its unit, a list entry, a monthly report, an ordinary user and
a livelihood item (民生实事, on its city's 2024 programme, led by the district; 发改委 cooperates on jk's), so a
URL parameter of any of these kinds can be filled with an object inside or outside a user's scope.

问题协调 (tuijin.problems) is added by add_problems, through its services, for the URL matrix only (the audit
tests count the trail's entries of `world`): each place carries a problem raised on its project (jk's raised
by jk_reporter and assigned by jk_admin to 发改委, so its handler zj_dept can sign it; the others only raised), a
department of its city (jk and rz: 发改委; 苏州市 and 杭州市 each get their own 发改委), and its city's weekly
dispatch meeting of last week with one open decision due today (jk and rz share 镇江市's: its decision is on rz's
problem, owned by 润州区, so a 京口区 user who sees the city's meeting must not see rz's project through it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.factories import SYSTEM
from tests.worlds import fresh, module_world
from tuijin.accounts.models import Role
from tuijin.orgs.services import create_unit

PASSWORD = "Tuijin-test-2024!"
PLACES = ("jk", "rz", "sz", "hz")
PROJECT_NAMES = {"jk": "京口区智能制造基地项目", "rz": "润州区现代物流园项目", "sz": "姑苏区古城文旅融合项目",
                 "hz": "西湖区数字经济产业园项目"}
CITY_OF = {"jk": "zhenjiang", "rz": "zhenjiang", "sz": "suzhou", "hz": "hangzhou"}
TOTALS = {"jk": Decimal(12000), "rz": Decimal(34000), "sz": Decimal(56000), "hz": Decimal(78000)}

# role key → (username, Role, unit key, active)
ROLE_USERS = {
    "city_admin": ("zj_admin", Role.CITY_ADMIN, "zhenjiang", True),
    "city_leader": ("zj_leader", Role.CITY_LEADER, "zhenjiang", True),
    "district_admin": ("jk_admin", Role.DISTRICT_ADMIN, "jk", True),
    "reporter": ("jk_reporter", Role.REPORTER, "jk", True),
    "department": ("zj_dept", Role.DEPARTMENT, "dept", True),
    "province_reader": ("js_reader", Role.PROVINCE_READER, "jiangsu", True),
    "norole": ("jk_norole", "", "jk", True),
    "inactive": ("jk_inactive", Role.DISTRICT_ADMIN, "jk", False),
}


@dataclass
class Place:
    key: str
    unit: object
    project: object
    entry: object
    report: object
    user: object
    item: object = None
    department: object = None  # a department of the place's city (the unit of the department page)
    problem: object = None  # a problem raised on the place's project
    city: object = None  # the place's city (the city named in a weekly meeting's form)
    meeting: object = None  # the city's weekly dispatch meeting of last week (shared by jk and rz)
    decision: object = None  # that meeting's decision
    photo: object = None  # a photo of the place's monthly report (add_files)
    attachment: object = None  # an attachment of the place's problem (add_files)
    item_photo: object = None  # a photo of the place's livelihood item's January report (add_files)
    lead: object = None  # 招商线索 followed by the place's unit (add_leads)
    contract: object = None  # a contract signing the place's project, from another lead (add_leads)
    event: object = None  # 招商活动 of the place's city with the place's unit, where both leads were met (add_leads)
    annual_list: object = None  # the place's city's highest list (the URL matrix's 本市设置 pages)
    sector: object = None  # a 行业领域 of the place's city (the URL matrix's 本市设置 pages)
    period: object = None  # a reporting month (填报期) of the place's city
    endpoint: object = None  # a reminder webhook (提醒通道) of the place's city (the URL matrix's 提醒设置 page)
    approval: object = None  # 审批要件 of the place's project, with its file (add_files)


@dataclass
class World:
    units: dict = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)

    def project(self, key):
        return self.places[key].project


def build_world() -> World:
    w = World()
    zj, zj_d = factories.city_tree("镇江市", ("京口区", "润州区"), province="江苏省")
    sz, sz_d = factories.city_tree("苏州市", ("姑苏区",), province="江苏省")
    hz, hz_d = factories.city_tree("杭州市", ("西湖区",), province="浙江省")
    dept = create_unit(name="镇江市发展和改革委员会", kind="department", parent=zj, actor=SYSTEM)
    w.units.update(zhenjiang=zj, suzhou=sz, hangzhou=hz, jiangsu=zj.parent, zhejiang=hz.parent, dept=dept,
                   jk=zj_d["京口区"], rz=zj_d["润州区"], sz=sz_d["姑苏区"], hz=hz_d["西湖区"])
    for key, city in (("zhenjiang", zj), ("suzhou", sz), ("hangzhou", hz)):
        w.lists[key] = factories.annual_list(city, name="市重大项目", rank=2)
    city_of = {"jk": "zhenjiang", "rz": "zhenjiang", "sz": "suzhou", "hz": "hangzhou"}
    from tuijin.livelihood import services as livelihood

    programmes = {key: livelihood.create_programme(unit=w.units[key], year=2024, actor=SYSTEM)
                  for key in ("zhenjiang", "suzhou", "hangzhou")}
    for key in PLACES:
        unit = w.units[key]
        extra = {"responsible_department": dept} if key == "jk" else {}
        p = factories.project(unit, name=PROJECT_NAMES[key], total=TOTALS[key], **extra)
        e = factories.entry(w.lists[city_of[key]], p, year=2024, plan=TOTALS[key] / 4)
        r = factories.reports(p, 2024, [Decimal(100), Decimal(200)])[-1]
        u = factories.user(f"{key}_other", unit, Role.REPORTER, password=PASSWORD)
        item = livelihood.add_item(programme=programmes[city_of[key]], category="交通出行", name=f"{unit.name}停车泊位",
                                   lead_unit=unit, quantity=100, unit="个",
                                   cooperating_units=[dept] if key == "jk" else (), actor=SYSTEM)
        w.places[key] = Place(key, unit, p, e, r, u, item)
    for role_key, (username, role, unit_key, active) in ROLE_USERS.items():
        w.users[role_key] = factories.user(username, w.units[unit_key], role, password=PASSWORD, is_active=active)
    w.project("jk").reporters.add(w.users["reporter"])
    return w


def add_problems(w: World) -> World:
    """问题协调: a problem per place, a department per city, a weekly meeting per city with one decision."""
    import datetime

    from tuijin.accounts.models import User
    from tuijin.problems import services as problems
    from tuijin.problems.models import ProblemCategory

    problems.ensure_categories()
    land = ProblemCategory.objects.get(code="land")
    operator = User(username="测试数据", is_superuser=True, is_active=True)  # unsaved, as the problems demo acts
    today = timezone.localdate()
    w.units.update(sz_dept=create_unit(name="苏州市发展和改革委员会", kind="department", parent=w.units["suzhou"], actor=SYSTEM),
                   hz_dept=create_unit(name="杭州市发展和改革委员会", kind="department", parent=w.units["hangzhou"], actor=SYSTEM))
    departments = {"zhenjiang": w.units["dept"], "suzhou": w.units["sz_dept"], "hangzhou": w.units["hz_dept"]}
    for key in PLACES:
        place = w.places[key]
        actor = w.users["reporter"] if key == "jk" else operator
        place.problem = problems.raise_problem(actor=actor, project=place.project, category=land,
                                               title=f"{place.unit.name}新增建设用地指标未落实",
                                               description="需要新增建设用地指标 50 亩")
        place.department = departments[CITY_OF[key]]
        place.city = w.units[CITY_OF[key]]
    w.places["jk"].problem = problems.assign(actor=w.users["district_admin"], problem=w.places["jk"].problem,
                                             lead_department=w.units["dept"],
                                             deadline=today + datetime.timedelta(days=14))
    for city_key, about in (("zhenjiang", "rz"), ("suzhou", "sz"), ("hangzhou", "hz")):
        city = w.units[city_key]
        meeting = problems.create_weekly_meeting(actor=operator, city=city,
                                                 week_start=today - datetime.timedelta(days=7))
        decision = problems.add_decision(actor=operator, meeting=meeting, text="协调落实用地指标",
                                         owner=w.units[about], deadline=today, problem=w.places[about].problem)
        for key in PLACES:
            if CITY_OF[key] == city_key:
                w.places[key].meeting, w.places[key].decision = meeting, decision
    return w


def add_files(w: World) -> World:
    """Uploaded files: a report photo, a problem attachment, a livelihood photo and an approval document (审批要件)
    per place (after add_problems; MEDIA_ROOT must point at a temporary folder)."""
    import datetime

    from django.core.files.base import ContentFile

    from tuijin.dossier.models import ApprovalDocument
    from tuijin.livelihood.models import ItemPhoto, ItemReport
    from tuijin.problems.models import ProblemAttachment
    from tuijin.progress.models import ReportPhoto

    now = timezone.now()
    for key in PLACES:
        place = w.places[key]
        place.photo = ReportPhoto.objects.create(report=place.report, image=ContentFile(b"\xff\xd8 jpeg", f"{key}.jpg"))
        place.attachment = ProblemAttachment.objects.create(
            problem=place.problem, file=ContentFile(b"%PDF-1.4", f"{key}.pdf"), name=f"{key}.pdf", uploaded_at=now)
        report = ItemReport.objects.create(item=place.item, year=datetime.date.today().year, month=1)
        place.item_photo = ItemPhoto.objects.create(report=report, image=ContentFile(b"\x89PNG", f"{key}.png"))
        place.approval = ApprovalDocument.objects.create(
            project=place.project, item="permit", number=f"{key}建施〔2024〕1号", issued_on=datetime.date(2024, 1, 5),
            file=ContentFile(b"%PDF-1.4", f"{key}-permit.pdf"), file_name=f"{key}-permit.pdf")
    return w


def add_leads(w: World) -> World:
    """招商引资: a lead followed by each place's unit (its title names no project), and a contract signing the
    place's project (through a second lead of the same unit, so the first stays open), signed at an event of
    the place's city in which only the place's unit took part."""
    import datetime

    from tuijin.attraction.services import create_event, create_lead, sign_lead

    for key in PLACES:
        place = w.places[key]
        place.lead = create_lead(unit=place.unit, title=f"{place.unit.name}招商线索", investor=f"{key}投资公司",
                                 investor_kind="private", source="visit", intended_investment=Decimal(10000),
                                 stage_date=datetime.date(2024, 3, 1), actor=SYSTEM)
        signed = create_lead(unit=place.unit, title=f"{place.unit.name}签约线索", investor=f"{key}签约公司",
                             investor_kind="private", source="visit", intended_investment=Decimal(10000),
                             stage_date=datetime.date(2024, 3, 1), actor=SYSTEM)
        place.event = create_event(city=place.unit.city(), name=f"{place.unit.name}招商推介会", kind="promotion",
                                   date=datetime.date(2024, 3, 5), place="上海", leader="市长",
                                   units=[place.unit], leads=[place.lead], actor=SYSTEM)
        place.contract = sign_lead(lead=signed, signed_on=datetime.date(2024, 3, 10), investment=Decimal(10000),
                                   project=place.project, milestones={"started": datetime.date(2024, 9, 1)},
                                   instalments=[(datetime.date(2024, 6, 30), Decimal(5000))], event=place.event, actor=SYSTEM)
    return w


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Built once per test module (tests/worlds.py); each test gets its own copy, in its own savepoint.
access_world_built_once = module_world(build_world)


@pytest.fixture
def world(access_world_built_once, db, settings) -> World:
    """The world, with a fast password hasher (argon2 costs ~0.15 s a user; tests/access checks argon2 on
    its own)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return fresh(access_world_built_once)
