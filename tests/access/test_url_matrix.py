"""Every URL of the project, for every role, with objects inside and outside the user's scope.

The URL patterns are read from the URL resolver, so a new page is walked as soon as it is routed. What each
page requires is looked up in URL_ACTIONS (default: READ); the objects a URL parameter names are filled by
the parameter's name from the hand-made world (tests/access/world.py): a project, unit, list entry, monthly
report or user of 京口区, 润州区, 苏州市姑苏区 or 杭州市西湖区. A parameter this file does not know makes the test
fail, with a message saying where to add it: no page can escape the matrix silently.

The expectations come from two hand-written tables (ROLE_CAN and VISIBLE), not from scoping.py:

    object outside the role's reach                 → 404 (403 also accepted when the role may not do the
                                                      page's action anywhere: that refusal leaks nothing)
    object inside, action not allowed for the role  → 403
    object inside, action allowed                   → 200 / 201 / 302 (400 / 422 for missing input)
    anonymous                                       → redirect to the login page (401/403 for the API)

and on every page that answers 200, no project outside the role's reach may be named (name or code), in
HTML, JSON, CSV or an Excel / Word export.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access.world import FAST_HASHERS, PLACES, add_files, add_leads, add_problems, build_world
from tests.worlds import fresh, module_world
from tuijin.accounts.scoping import AUDIT, CONFIGURE, MANAGE_USERS, READ, REPORT, REVIEW, WRITE

# ------------------------------------------------------------------------------------------ the tables

# What each role may do (hand-written from issue 3; tests/accounts/test_scoping.py pins scoping.ROLE_ACTIONS).
ROLE_CAN = {
    "city_admin": {READ, WRITE, REPORT, REVIEW, MANAGE_USERS, AUDIT, CONFIGURE},
    "city_leader": {READ},
    "district_admin": {READ, WRITE, REPORT, REVIEW},
    "reporter": {READ, REPORT},
    "department": {READ},
    "province_reader": {READ},
    "norole": set(),  # active, in 京口区, but without a role: fails closed
    "inactive": set(),  # a 板块管理员 whose account was switched off
}

# Which places' objects each role reaches, by kind of object.
_PROJECTS = {"city_admin": {"jk", "rz"}, "city_leader": {"jk", "rz"}, "district_admin": {"jk"},
             "reporter": {"jk"}, "department": {"jk"}, "province_reader": {"jk", "rz", "sz"},
             "norole": set(), "inactive": set()}
_UNITS = {**_PROJECTS, "department": set()}  # a department handler sees its own department unit only
_USERS = {role: ({"jk", "rz"} if role == "city_admin" else set()) for role in ROLE_CAN}
# 民生实事: each city's programme, an item led by each district (发改委 cooperates on jk's): reached as projects are.
# 问题协调 (problems.selectors): a problem is seen with its project (problems_for: the projects the user sees; a
# 部门经办 also those its department leads or cooperates on, here only jk's, which 发改委 already answers for).
# Meetings and their decisions belong to a city: seen by everyone whose visible cities hold it (web.selectors.
# visible_cities: the city of one's unit, a province reader's whole province). A department's page: a city
# role's departments of its subtree, a 部门经办 its own department; never a district's or a reporter's.
_CITIES = {"city_admin": {"jk", "rz"}, "city_leader": {"jk", "rz"}, "district_admin": {"jk", "rz"},
           "reporter": {"jk", "rz"}, "department": {"jk", "rz"}, "province_reader": {"jk", "rz", "sz"},
           "norole": set(), "inactive": set()}
_DEPARTMENTS = {**_CITIES, "district_admin": set(), "reporter": set()}
VISIBLE = {"project": _PROJECTS, "entry": _PROJECTS, "report": _PROJECTS, "unit": _UNITS, "user": _USERS,
           "item": _PROJECTS, "problem": _PROJECTS, "city": _CITIES, "meeting": _CITIES, "decision": _CITIES,
           "department": _DEPARTMENTS, "photo": _PROJECTS, "attachment": _PROJECTS, "item_photo": _PROJECTS,
           "lead": _UNITS, "contract": _PROJECTS,  # 招商线索: seen by the units a user sees
           "event": _UNITS,  # 招商活动: seen by the units a user sees taking part (each place's: its unit)
           "endpoint": _CITIES,  # a city's reminder webhook (提醒通道): its administrator's to change
           "approval": _PROJECTS,  # 审批要件: seen with its project
           "annual_list": _CITIES, "sector": _CITIES, "period": _CITIES}  # a city's lists and 行业领域: its administrator's to change

# The action a page requires, by URL name; pages not listed require READ.
URL_ACTIONS = {
    "project_create": WRITE,
    "project_edit": WRITE,
    "project_stage": WRITE,
    "accounts:users": MANAGE_USERS,
    "accounts:user_active": MANAGE_USERS,
    "audit:list": AUDIT,
    "bulletins:templates": CONFIGURE,  # the city administrator's sentence templates and settings
    "bulletins:oc4ids": CONFIGURE,  # the city administrator's OC4IDS download
    "progress:mine": REPORT,
    "progress:form": REPORT,
    "progress:import": REPORT,
    "progress:review": REVIEW,
    "progress:review_report": REVIEW,
    "progress:periods": CONFIGURE,  # opening a reporting month (填报期)
    "orgs:conventions": CONFIGURE,  # the city administrator's conventions (口径) per year
    # 本市设置: the city administrator's units, lists and breakdown dimensions (and their workbooks).
    **{name: CONFIGURE for name in (
        "orgs:units", "orgs:units_template", "orgs:unit", "orgs:unit_edit", "orgs:unit_move", "orgs:unit_retire",
        "orgs:unit_restore", "orgs:city_new", "projects:lists", "projects:lists_template", "projects:list_edit",
        "projects:dimensions", "projects:dimension_edit", "progress:period_action")},
    # 提醒设置: the city administrator's schedule, webhooks (and their buttons) and delivery log. A user's own
    # reminder preference (reminders:preferences) needs READ only: every role with one sets its own.
    "reminders:setup": CONFIGURE,
    "reminders:endpoint": CONFIGURE,
    "reminders:log": CONFIGURE,
    # The reporting deadline (月报): bulk review and 催报 by reviewers, 本月无变化 by reporters, a password reset by
    # those who manage users; the 报送进度 board is read by anyone who reads the city.
    "progress:review_batch": REVIEW,
    "reminders:remind": REVIEW,
    "progress:unchanged": REPORT,
    "accounts:user_password": MANAGE_USERS,
    "progress:template": REPORT,  # the blank monthly-report workbook
    "progress:projects_template": WRITE,  # the project-registry workbook: for those who may change projects
    "progress:list_template": WRITE,  # the annual-list workbook (without ?list= it answers 400)
    "progress:plans_template": WRITE,  # the 分月计划 workbook of the year's list entries in reach
    "livelihood:report": REPORT,
    "livelihood:review": REVIEW,
    "livelihood:review_report": REVIEW,
    "problems:raise": REPORT,  # 提出: REPORT on the project (its 填报员, its district, the city)
    # A problem's workflow step: 交办 needs WRITE, 销号 / 退回重办 the raiser or WRITE; 签收 / 办理中 / 办结 only the
    # lead department's handler. The step walked here is 签收 (PARAM_VALUES): see DEPARTURES.
    "problems:step": WRITE,
    # 周调度 and 联审会办 are run by the city's administrators (selectors.can_run_meetings: WRITE and the unit is
    # the city); reading the agenda and the meetings needs READ only.
    "problems:weekly_create": WRITE,
    "problems:joint_new": WRITE,
    "problems:decision_done": WRITE,  # the decision's owner unit or the city's administrators: see DEPARTURES
    "api-v1:raise_problem": REPORT,
    # 招商引资: registering, moving, logging, signing a lead and importing registers need WRITE.
    "attraction:lead_create": WRITE,
    "attraction:lead_move": WRITE,
    "attraction:lead_contact": WRITE,
    "attraction:lead_sign": WRITE,
    "attraction:lead_decide": WRITE,
    "attraction:target_create": WRITE,
    "attraction:contract_milestone": WRITE,
    "attraction:contract_arrival": WRITE,
    "attraction:import": WRITE,
    "attraction:lead_event": WRITE,
    # 招商活动: registering and editing need WRITE (a district's writer edits only events whose units are all its
    # own; each place's event here has only the place's unit).
    "attraction:event_create": WRITE,
    "attraction:event_edit": WRITE,
    # 一张图 / 大屏: the map and the screen are read (READ); the city administrator manages boundaries and kiosk
    # links; a site photo's position becomes its project's by whoever reports on the project.
    "geo:boundaries": CONFIGURE,
    "geo:boundary_delete": CONFIGURE,
    "screen:kiosks": CONFIGURE,
    "geo:photo_position": REPORT,
    # 统计对账: read by the city's 市管理员 (and 市领导: see DEPARTURES); imports, notes and settings, and 签发 of a
    # bulletin, by its 市管理员.
    "reconciliation:index": CONFIGURE,
    "reconciliation:import": CONFIGURE,
    "reconciliation:note": CONFIGURE,
    "reconciliation:settings": CONFIGURE,
    "bulletins:issue": CONFIGURE,
    # 一项目一档: 审批要件 are added, changed and deleted by those who may change the project; the dossier's page,
    # its A4 summary (.pdf, .docx) and an approval's file are read by anyone who sees the project.
    "dossier:approval_create": WRITE,
    "dossier:approval_edit": WRITE,
    "dossier:approval_delete": WRITE,
}

# URL parameters by name: the kind of world object that fills them.
PARAM_KINDS = {"pk": "project", "project_id": "project", "project_pk": "project", "unit_id": "unit",
               "unit_pk": "unit", "report_id": "report", "entry_id": "entry", "user_id": "user",
               "item_id": "item", "problem_id": "problem", "lead_id": "lead",
               "contract_id": "contract", "event_id": "event", "approval_id": "approval"}
# Where `pk` (or another name) means something else on a particular page: {(url name, param): kind}.
PARAM_OVERRIDES: dict[tuple[str, str], str] = {
    ("progress:review_report", "pk"): "report",
    ("problems:detail", "pk"): "problem",
    ("problems:attach", "pk"): "problem",
    ("problems:attachment", "pk"): "attachment",  # a file: served after its problem's scope check
    ("progress:photo", "pk"): "photo",  # a file: served after its report's project's scope check
    ("livelihood:photo", "pk"): "item_photo",  # a file: served after its item's scope check
    ("problems:step", "pk"): "problem",
    ("problems:meeting", "pk"): "meeting",
    ("agenda:meeting_docx", "pk"): "meeting",
    ("problems:decision_done", "pk"): "decision",
    ("problems:department_unit", "unit_id"): "department",
    **{(name, "pk"): "unit" for name in ("orgs:unit", "orgs:unit_edit", "orgs:unit_move", "orgs:unit_retire",
                                         "orgs:unit_restore")},
    ("projects:list_edit", "pk"): "annual_list",
    ("projects:dimension_edit", "pk"): "sector",
    ("progress:period_action", "pk"): "period",
    ("geo:photo_position", "pk"): "photo",  # 用照片位置作为项目位置: the photo's project's scope
    ("reminders:endpoint", "pk"): "endpoint",
}
# Parameters that are plain values, the same for every role.
PARAM_VALUES = {"year": 2024, "month": 2,
                "token": "0123456789abcdef0123456789abcdef",  # an import's progress key (the user's own only)
                "step": "sign",
                "kind": "sector"}  # a breakdown dimension's kind (行业领域)  # 签收: a problem's step (problems.selectors.STEP_FROM); unknown steps answer 404
# Pages that name their object in the request body, not the URL: {url name: (kind or None, body(world, place))}.
# They are POSTed that body (JSON for the API) instead of an empty form, so the page gets past its input checks
# and answers for the object's scope; a kind given here makes the page walked for each place, like a parameter.
POST_BODIES = {
    "problems:weekly_create": (
        "city", lambda world, place: {"city": world.places[place].city.pk,
                                      "week": f"{datetime.date.today():%Y-%m-%d}"}),
    "api-v1:raise_problem": (None, lambda world, place: {"category": "land", "title": "矩阵测试问题"}),
}

# Pages anyone may open, and why.
PUBLIC = {
    "login": "the login page",
    "logout": "logging out needs no login (POST only since Django 5)",
    "api-v1:openapi-json": "the API's schema: names operations and fields, holds no data",
    "api-v1:openapi-view": "the API's documentation page (Swagger UI), holds no data",
    "api-docs-css": "a static asset of the API documentation page",
    "api-docs-bundle": "a static asset of the API documentation page",
    "api-docs-init": "a static asset of the API documentation page",
    "api-docs-favicon": "a static asset of the API documentation page",
    "api-v1:api-root": "django-ninja's root route: answers 404 to everyone",
    "screen:kiosk": "the big screen's kiosk link: its token (only a hash stored) is the credential; an unknown or "
                    "revoked token answers a 403 page (tests/geo/test_kiosk.py)",
    "screen:kiosk_data": "the kiosk link's data: as screen:kiosk, 403 JSON without a valid token",
}
# URL prefixes left out of the matrix, with the reason.
EXCLUDED = {
    "admin/": "the Django admin is the operator's (active superusers only); tests/audit/test_admin.py shows it "
              "is closed to every role, staff flag or not, and that the audit trail is read-only there",
}
# Known, deliberate departures from the table for one role on one page: {(url name, role): (statuses, why)}.
# Keep this short; each entry is a decision someone can point to.
DEPARTURES: dict[tuple[str, str], tuple[set[int], str]] = {
    ("orgs:city_new", "city_admin"): (
        {403}, "creating a city is the platform operator's (a superuser): a city administrator administers one"),
    ("exports:progress", "province_reader"): (
        {404}, "the progress table is exported per city; a province-level reader has no city yet (fails closed)"),
    ("livelihood:review_report", "district_admin"): (
        {403, 404}, "a livelihood item is reviewed by its programme's owner (here the city), not by the district "
                    "that leads it: 403 on its own district's item, 404 elsewhere"),
    ("problems:step", "city_admin"): (
        {403, 404}, "签收 is the lead department's handler's alone: the city administrator is refused it (403) in "
                    "reach, 404 elsewhere"),
    ("problems:step", "district_admin"): (
        {403, 404}, "签收 is the lead department's handler's alone: the district administrator is refused it (403) "
                    "in reach, 404 elsewhere"),
    ("problems:step", "department"): (
        {302, 404}, "the lead department's handler (no WRITE) signs the problem assigned to it (jk's: 302); the "
                    "others are out of its reach (404)"),
    ("problems:weekly_create", "district_admin"): (
        {403, 404}, "周调度 is run by the city's administrators: a district administrator is refused (403) for "
                    "its city, 404 for another"),
    ("problems:joint_new", "district_admin"): (
        {403}, "联审会办 is run by the city's administrators: a district administrator is refused (403)"),
    ("reconciliation:index", "city_leader"): (
        {200}, "统计对账 is read by the city's 市管理员 and 市领导 (the leader before a bulletin goes out); only the "
               "administrator imports, explains and sets it"),
    ("problems:decision_done", "district_admin"): (
        {403, 404}, "a meeting decision is marked done by its owner unit (here 润州区) or the city's "
                    "administrators: 京口区's administrator sees the city's meeting but is refused (403), 404 "
                    "outside its city"),
}
API_PREFIX = "api/"
OK = {200, 201, 302}
BAD_INPUT = {400, 422}  # a form posted empty, or a page (an API route) missing its required query parameters


# ------------------------------------------------------------------------------------------ walking

@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "projects/<int:pk>/edit/"
    name: str | None  # the full name with namespaces, e.g. "audit:list"
    params: tuple[tuple[str, str], ...]  # (converter, name)

    @property
    def id(self) -> str:
        return self.name or self.route

    @property
    def action(self) -> str:
        return URL_ACTIONS.get(self.name, READ)

    def kind(self, param: str) -> str | None:
        return PARAM_OVERRIDES.get((self.name, param)) or PARAM_KINDS.get(param)

    @property
    def body_kind(self) -> str | None:
        return POST_BODIES[self.name][0] if self.name in POST_BODIES else None


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def walk(patterns=None, prefix: str = "", namespace: str | None = None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        piece = str(p.pattern)
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) or None
            yield from walk(p.url_patterns, prefix + piece, ns)
        elif isinstance(p, URLPattern):
            route = prefix + piece
            name = ":".join(x for x in (namespace, p.name) if x) if p.name else None
            params = [(m["conv"] or "str", m["name"]) for m in _PARAM.finditer(route)]
            params += [("regex", m["name"]) for m in _REGEX_GROUP.finditer(route)]
            yield Route(route, name, tuple(params))


def excluded(route: Route) -> str | None:
    for prefix, reason in EXCLUDED.items():
        if route.route.lstrip("^").startswith(prefix):
            return reason
    return None


ROUTES = [r for r in walk() if not excluded(r)]


def unmapped(route: Route) -> list[str]:
    return [f"<{conv}:{name}>" for conv, name in route.params
            if route.kind(name) is None and name not in PARAM_VALUES]


def fill(route: Route, world, place: str | None) -> str:
    """The URL with its parameters filled from `place`'s objects."""
    def value(match):
        name = match["name"]
        if name in PARAM_VALUES:
            return str(PARAM_VALUES[name])
        obj = getattr(world.places[place], route.kind(name))
        return str(obj.pk)

    url = _PARAM.sub(value, route.route)
    if "(?P<" in url or url.startswith("^"):
        pytest.fail(f"{route.id}: a regular-expression route ({route.route}); give it path() syntax or add a filler")
    return "/" + url


def object_kinds(route: Route) -> set[str]:
    kinds = {route.kind(name) for _, name in route.params if name not in PARAM_VALUES}
    return kinds | {route.body_kind} if route.body_kind else kinds


# ------------------------------------------------------------------------------------------ reading bodies

def body_text(response) -> str:
    """What a person would read in the response: HTML/JSON/CSV text, or the cells of an Excel or Word file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype or (content[:2] == b"PK" and "wordprocessingml" not in ctype):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for c in row if c is not None)
    if "wordprocessingml" in ctype:
        import docx

        doc = docx.Document(io.BytesIO(content))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    return content.decode("utf-8", errors="replace")


def assert_no_leak(route, role, url, response, world):
    if response.status_code not in (200, 201):
        return
    text = body_text(response)
    for place in PLACES:
        if place in _PROJECTS[role]:
            continue
        p = world.project(place)
        assert p.name not in text and p.code not in text, (
            f"{route.id} ({url}) shows {role} the project {p.name} ({p.code}) of {place}, outside its reach")


# ------------------------------------------------------------------------------------------ requests

def fetch(client, url, body=None):
    """GET the page; a POST-only page (405) is POSTed empty instead, or the body POST_BODIES gives it (JSON for
    the API). Each request runs in a savepoint that is rolled back, so a POST by one role changes nothing for
    the next."""
    with transaction.atomic():
        if body is not None:
            method = "POST"
            if url.startswith("/" + API_PREFIX):
                response = client.post(url, body, content_type="application/json")
            else:
                response = client.post(url, body)
        else:
            response = client.get(url)
            method = "GET"
            if response.status_code == 405:
                response = client.post(url, {})
                method = "POST"
        transaction.set_rollback(True)
    return method, response


def expected(route: Route, role: str, place: str | None) -> set[int]:
    if (route.name, role) in DEPARTURES:
        return DEPARTURES[(route.name, role)][0]
    may = route.action in ROLE_CAN[role]
    if place is not None:
        visible = all(place in VISIBLE[kind][role] for kind in object_kinds(route))
        if not visible:
            return {404} if may else {403, 404}
        return OK | BAD_INPUT if may else {403}
    if not ROLE_CAN[role] and route.action == READ:
        # No role: an empty page, a redirect or a refusal, never data (assert_no_leak checks the pages).
        return {200, 302, 403} | BAD_INPUT
    return OK | BAD_INPUT if may else {403}


# ------------------------------------------------------------------------------------------ the tests

def build_matrix_world():
    """The access world with 问题协调's problems, departments, meetings and decisions (world.add_problems), an
    uploaded file of each kind per place (world.add_files) and a 招商线索 per place (world.add_leads)."""
    world = add_leads(add_files(add_problems(build_world())))
    from tuijin.progress.models import ReportingPeriod
    from tuijin.projects.models import AnnualList, Sector

    for place in world.places.values():  # 本市设置's objects: the place's city's list and 行业领域
        place.annual_list = AnnualList.objects.filter(city=place.city).order_by("pk").first()
        place.sector, _ = Sector.objects.get_or_create(city=place.city, code="transport",
                                                       defaults={"name": "交通"})
        place.period, _ = ReportingPeriod.objects.get_or_create(
            city=place.city, year=2024, month=2,
            defaults={"opens_on": datetime.date(2024, 3, 1), "deadline": datetime.date(2024, 3, 10)})
        place.endpoint = _endpoint(place.city)
    return world


# Built once for the file (tests/worlds.py), its uploaded files in a temporary MEDIA_ROOT of the file's own.
matrix_world_built_once = module_world(build_matrix_world, media=True)


@pytest.fixture
def world(matrix_world_built_once, db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return fresh(matrix_world_built_once)


def _endpoint(city):
    """A 提醒通道 of the city (an address nothing listens on: the matrix never presses 发送测试消息)."""
    from django.utils import timezone

    from tuijin.reminders.models import Endpoint

    return Endpoint.objects.get_or_create(city=city, name="调度群", defaults={
        "kind": "wecom", "url": "http://127.0.0.1:9/robot", "created_at": timezone.now()})[0]


def test_the_walk_finds_the_pages_of_issue_3():
    names = {r.name for r in ROUTES}
    assert {"login", "accounts:users", "audit:list"} <= names, sorted(n for n in names if n)


def test_every_url_parameter_has_a_mapping():
    missing = {r.id: unmapped(r) for r in ROUTES if unmapped(r)}
    assert not missing, (
        "These URLs take parameters the access matrix cannot fill: "
        + "; ".join(f"{name} {params}" for name, params in missing.items())
        + ". Add the parameter to PARAM_KINDS (an object of the world: project, unit, entry, report, user, item, "
          "problem, department, city, meeting, decision; or a "
          "new kind added to tests/access/world.py Place and to VISIBLE), to PARAM_OVERRIDES for this one "
          "URL, or to PARAM_VALUES, in tests/access/test_url_matrix.py.")


def test_every_action_named_in_url_actions_is_a_known_action():
    known = set().union(*ROLE_CAN.values())
    assert set(URL_ACTIONS.values()) <= known
    stale = set(URL_ACTIONS) - {r.name for r in ROUTES}
    assert not stale, f"URL_ACTIONS names URLs that no longer exist: {sorted(stale)}"


def test_anonymous(world, client):
    """Every route, logged out: the login page (401/403 for the API), public pages no server error. One test
    for all routes (one world), every failure listed."""
    failures = []
    for route in ROUTES:
        if unmapped(route):
            failures.append(f"{route.id}: unmapped parameters {unmapped(route)}: see "
                            "test_every_url_parameter_has_a_mapping")
            continue
        url = fill(route, world, "jk" if object_kinds(route) else None)
        method, response = fetch(client, url)
        got = response.status_code
        if route.name in PUBLIC:
            ok = got < 500
        elif route.route.startswith(API_PREFIX):
            ok = got in (401, 403)
        else:
            ok = got == 302 and response["Location"].startswith("/login/")
        if not ok:
            failures.append(f"{route.id}: anonymous {method} {url} → {got} {response.get('Location', '')}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC], ids=lambda r: r.id)
def test_every_role(route, world, client, request):
    if route.name == "dossier:pdf":
        request.getfixturevalue("fake_soffice")  # who may download it, not LibreOffice's conversion (slow lane)
    if unmapped(route):
        pytest.fail(f"{route.id}: unmapped parameters {unmapped(route)}: see test_every_url_parameter_has_a_mapping")
    places = PLACES if object_kinds(route) else (None,)
    failures = []
    for role in ROLE_CAN:
        client.force_login(world.users[role])
        for place in places:
            url = fill(route, world, place)
            body = POST_BODIES[route.name][1](world, place) if route.name in POST_BODIES else None
            try:
                method, response = fetch(client, url, body)
            except Exception as exc:  # noqa: BLE001 - report every role's failure, not only the first
                failures.append(f"{role:<16} {url} raised {type(exc).__name__}: {exc}")
                continue
            want = expected(route, role, place)
            got = response.status_code
            if role == "inactive" and (got == 401 or got == 302 and response["Location"].startswith("/login/")):
                continue  # a switched-off account is logged out: as good as a refusal
            if got not in want:
                failures.append(f"{role:<16} {method} {url} → {got}, expected {sorted(want)}")
                continue
            assert_no_leak(route, role, url, response, world)
        client.logout()
    assert not failures, f"{route.id}: the role table is not respected:\n" + "\n".join(failures)
