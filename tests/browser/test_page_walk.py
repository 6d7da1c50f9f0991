"""Every page of the URL map, in chromium, as the role that uses it, on a phone (390×844) and a desktop (1440×900).

The pages are the access matrix's (tests/access/test_url_matrix.ROUTES: read from the URL resolver, so a new page
is walked as soon as it is routed); parameters are filled with demo objects the role reaches. For each page:

- nothing scrolls sideways: `scrollWidth <= innerWidth`, and no element sticks out of the viewport, except inside
  an element that scrolls horizontally on purpose (overflow-x auto/scroll, e.g. `.table-scroll`);
- every ECharts container has drawn (a canvas or svg inside it);
- no Django "---------" empty choice, none of the words users must not see (DOMAIN, 服务器用时, JSON);
- no console error and no uncaught script error.

A screenshot of every page is written to test-output/screenshots/<role>/<page>-<width>.png for a person to look
at. The demo database is built once (one test: pytest-django's live server flushes the database after each test),
one browser, one context per role and size.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from tests.access.test_url_matrix import API_PREFIX, PUBLIC, ROUTES, Route
from tests.browser.conftest import OUTPUT, TIMEOUT_MS
from tuijin.accounts.scoping import AUDIT, CONFIGURE, MANAGE_USERS, READ, REPORT, REVIEW, WRITE

SIZES = [(390, 844), (1440, 900)]

# The demo's login of each role (tuijin.demo.users.DEMO_USERS).
LOGINS = {"city_admin": "zj_admin", "city_leader": "zj_leader", "district_admin": "jk_admin",
          "reporter": "jk_reporter", "department": "zj_dept", "province_reader": "js_reader"}

# Who uses a page, by the action it requires: the leader reads (on the phone), the reporter reports, the city's
# administrator writes and configures, the district's administrator reviews its district's reports.
ROLE_FOR_ACTION = {READ: "city_leader", REPORT: "reporter", WRITE: "city_admin", REVIEW: "district_admin",
                   CONFIGURE: "city_admin", AUDIT: "city_admin", MANAGE_USERS: "city_admin"}
# Pages a role other than the action's uses.
ROLE_FOR_PAGE = {
    "problems:department": "department",
    "problems:department_unit": "department",
    "livelihood:mine": "department",
    "livelihood:report": "department",  # a 民生实事 item is reported by the unit leading it (a department)
    "livelihood:review": "city_admin",  # the programme's owner (the city) reviews its items' reports
    "livelihood:review_report": "city_admin",
    "api-tokens:list": "city_admin",
    "progress:missing": "district_admin",
    "reconciliation:index": "city_leader",  # 统计对账: the leader reads it (on the phone) before the bulletin
}
# The month a page is opened for: the demo's open month (7月 2024) for the forms, a closed one elsewhere.
MONTHS = {"progress:form": (2024, 7), "livelihood:report": (2024, 7)}

# Routes that are not pages to look at, and why. Everything else must answer 200 with HTML to its role.
NOT_PAGES = {
    "login": "the login page (tests/browser/test_login_page.py), before any role",
    "home": "redirects to the role's start page (walked as that page)",
    "logout": "POST only",
    "api-tokens:revoke": "POST only",
    "accounts:user_active": "POST only",
    "exports:progress": "a workbook download",
    "progress:import_progress": "a fragment polled by the import page",
    "progress:template": "a workbook download",
    "progress:projects_template": "a workbook download",
    "progress:list_template": "a workbook download (400 without ?list=)",
    "progress:photo": "an uploaded photo",
    "livelihood:export": "a workbook download",
    "livelihood:photo": "an uploaded photo",
    "bulletins:download": "a Word download",
    "bulletins:oc4ids": "a JSON download",
    "problems:attach": "POST only",
    "problems:attachment": "an uploaded file",
    "problems:step": "POST only (a problem's workflow step)",
    "problems:notifications_read": "POST only",
    "agenda:weekly_docx": "a Word download",
    "problems:weekly_create": "POST only",
    "agenda:meeting_docx": "a Word download",
    "problems:decision_done": "POST only",
    "attraction:lead_move": "POST only",
    "attraction:lead_contact": "POST only",
    "attraction:lead_decide": "POST only",
    "attraction:lead_event": "POST only",
    "attraction_figures:contract_figure": "a fragment loaded into the contracts page",
    "attraction:contract_milestone": "POST only",
    "attraction:contract_arrival": "POST only",
    "attraction:export_leads": "a workbook download",
    "attraction:export_contracts": "a workbook download",
    "project_stage": "POST only",
    "progress:review_report": "POST only (a review's decision)",
    "livelihood:review_report": "POST only (a review's decision)",
    "attraction:lead_create": "POST only (the form is on the pipeline page)",
    "attraction:lead_sign": "POST only",
    "attraction:target_create": "POST only (the form is on the targets page)",
    "dashboard:project_light": "a fragment loaded into the project page",
    "dashboard:media": "a highlight's photo or video",
    "orgs:units_template": "a workbook download",
    "projects:lists_template": "a workbook download",
    "progress:plans_template": "a workbook download",
    "orgs:unit_edit": "POST only (the form is on the unit's page)",
    "orgs:unit_move": "POST only (the form is on the unit's page)",
    "orgs:unit_retire": "POST only (the form is on the unit's page)",
    "orgs:unit_restore": "POST only (the form is on the unit's page)",
    "orgs:city_new": "the platform operator's page (a superuser; no demo login): tests/orgs",
    "progress:review_batch": "POST only (the form is the review list)",
    "reminders:remind": "POST only (the form is on the 报送进度 board)",
    "progress:unchanged": "POST only (a button on the reporter's list)",
    "progress:period_action": "POST only (the forms are on the 填报期 page)",
    "reminders:endpoint": "POST only (a webhook's 启用/停用/测试 buttons are on the 提醒设置 page)",
    "accounts:user_password": "POST only (the answer shows the new password once)",
    "geo:data": "the map's JSON (drawn by the map page and the screen)",
    "geo:boundary_delete": "POST only (a button on the boundaries page)",
    "geo:photo_position": "POST only (a button beside a photo with GPS on the report form)",
    "screen:data": "the screen's JSON (fetched by the screen on a schedule)",
    "reconciliation:note": "POST only (the forms are on the 统计对账 page)",
    "reconciliation:settings": "POST only (the form is on the 统计对账 page)",
    "bulletins:issue": "POST only (签发: the button is on the bulletin page)",
    "dossier:pdf": "a PDF download (the dossier's one-page summary: tests/dossier/test_pages.py reads its page count)",
    "dossier:docx": "a Word download",
    "dossier:approval_delete": "POST only (the form is on the approval's edit page)",
    "dossier:approval_file": "an uploaded file",
}
# Query strings a page needs: the drill-down list behind the dashboard's completion-rate figure (the list the
# leader opens from a chart; the widest table of the application).
QUERIES = {"dashboard:list": "?key=completion_rate&through=2024-05"}
WORDS_NOT_SHOWN = ["---------", "DOMAIN", "服务器用时"]
# Words a reader must not see in the page's text (the markup may hold them: a json_script's type).
TEXT_NOT_SHOWN = ["JSON"]

CHECK_LAYOUT = """() => {
  const vw = window.innerWidth;
  const scrollsOnPurpose = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    if (getComputedStyle(el).position === 'fixed') continue;
    if (scrollsOnPurpose(el)) continue;
    const parent = el.parentElement;
    const pr = parent ? parent.getBoundingClientRect() : null;
    if (pr && (pr.right > vw + 1 || pr.left < -1) && !scrollsOnPurpose(parent) && parent !== document.body) continue;
    wide.push(`${name(el)} [${Math.round(r.left)}..${Math.round(r.right)}]`);
  }
  const charts = [...document.querySelectorAll('[data-chart], [_echarts_instance_]')];
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, wide: wide.slice(0, 5),
    emptyCharts: charts.filter(c => !c.querySelector('canvas, svg')).map(name),
    text: document.body.innerText,
  };
}"""

CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-chart], [_echarts_instance_]')]
  .every(c => c.querySelector('canvas, svg'))"""


def role_of(route: Route) -> str:
    return ROLE_FOR_PAGE.get(route.name) or ROLE_FOR_ACTION[route.action]


def page_routes() -> list[Route]:
    return [r for r in ROUTES if r.name and r.name not in PUBLIC and r.name not in NOT_PAGES
            and not r.route.startswith(API_PREFIX)]


def demo_object(kind: str, user):
    """The first demo object of `kind` that `user` reaches (the same one on every run)."""
    from tuijin.attraction import selectors as attraction
    from tuijin.dossier.selectors import approvals_for
    from tuijin.livelihood import scoping
    from tuijin.livelihood.models import ItemReport
    from tuijin.problems import selectors as problems
    from tuijin.problems.models import Decision
    from tuijin.progress.models import MonthlyReport, ReportingPeriod
    from tuijin.projects.models import AnnualList, ListEntry, Sector

    projects = scoping.projects_for(user)
    found = {
        "project": lambda: projects.filter(reports__isnull=False).distinct(),
        "report": lambda: MonthlyReport.objects.filter(project__in=projects),
        "entry": lambda: ListEntry.objects.filter(project__in=projects),
        # A unit page is a 板块's (the city's own unit has no page of its own under 单位管理).
        "unit": lambda: scoping.units_for(user).exclude(kind__in=["city", "province"]),
        "annual_list": lambda: AnnualList.objects.filter(city__in=scoping.units_for(user).filter(kind="city")),
        "sector": lambda: Sector.objects.filter(city__in=scoping.units_for(user).filter(kind="city")),
        "period": lambda: ReportingPeriod.objects.filter(city__in=scoping.units_for(user).filter(kind="city")),
        "user": lambda: scoping.users_for(user),
        "item": lambda: scoping.livelihood_items_for(user).filter(
            pk__in=ItemReport.objects.values("item_id")),
        "problem": lambda: problems.problems_for(user),
        "department": lambda: problems.department_units(user),
        "meeting": lambda: problems.meetings_for(user),
        "decision": lambda: problems.visible_decisions(user, Decision.objects.all()),
        "lead": lambda: attraction.leads_for(user),
        "contract": lambda: attraction.contracts_for(user),
        "event": lambda: attraction.events_for(user),
        "approval": lambda: approvals_for(user),
    }[kind]().order_by("pk").first()
    assert found is not None, f"the demo has no {kind} that {user.username} reaches"
    return found


def url_for(route: Route, user) -> str:
    year, month = MONTHS.get(route.name, (2024, 5))

    def value(match):
        name = match["name"]
        if name in ("year", "month"):
            return str(year if name == "year" else month)
        if name == "kind":
            return "sector"  # a breakdown dimension's kind (行业领域)
        return str(demo_object(route.kind(name), user).pk)

    return "/" + re.sub(r"<(?:[^>:]+:)?(?P<name>\w+)>", value, route.route) + QUERIES.get(route.name, "")


def slug(route: Route) -> str:
    return route.name.replace(":", "-")


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The demo database, built once for the walk (committed: the live server reads it from its own thread)."""
    from tuijin.demo.builder import build_demo
    from tuijin.demo.users import DEMO_USERS

    build_demo()
    return live_server, {username: password for username, password, *_ in DEMO_USERS}


def pages_by_role(failures: list[str]) -> dict[str, list[tuple[Route, str]]]:
    """{role: [(route, url)]}: each page with its parameters filled, checked to answer its role with HTML."""
    from django.test import Client

    from tuijin.accounts.models import User

    by_role: dict[str, list[tuple[Route, str]]] = defaultdict(list)
    client = Client()
    for route in page_routes():
        role = role_of(route)
        user = User.objects.get(username=LOGINS[role])
        url = url_for(route, user)
        client.force_login(user)
        response = client.get(url)
        ctype = response.get("Content-Type", "")
        if response.status_code != 200 or "text/html" not in ctype:
            failures.append(f"{route.name} as {role}: GET {url} → {response.status_code} {ctype}: not a page "
                            "(list it in NOT_PAGES with the reason, or give it the role that uses it)")
            continue
        by_role[role].append((route, url))
    return by_role


def walk(browser, base_url: str, by_role, passwords: dict[str, str], failures: list[str]) -> None:
    """Open every page at both sizes, one context per role and size; append what is wrong to `failures`."""
    for role, pages in by_role.items():
        folder = OUTPUT / "screenshots" / role
        folder.mkdir(parents=True, exist_ok=True)
        for width, height in SIZES:
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                          viewport={"width": width, "height": height})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(f"{base_url}/login/")
            page.fill("input[name=username]", LOGINS[role])
            page.fill("input[name=password]", passwords[LOGINS[role]])
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            assert "/login/" not in page.url, f"{role} did not log in"
            for route, url in pages:
                where = f"{route.name} ({url}) as {role} at {width}px"
                errors.clear()
                page.goto(base_url + url)
                page.wait_for_load_state("networkidle")
                try:
                    page.wait_for_function(CHARTS_DRAWN, timeout=5_000)
                except Exception:  # noqa: BLE001 - reported below as an empty chart
                    pass
                found = page.evaluate(CHECK_LAYOUT)
                page.screenshot(path=str(folder / f"{slug(route)}-{width}.png"), full_page=True, timeout=60_000)
                if found["scrollWidth"] > found["innerWidth"]:
                    failures.append(f"{where}: the page is {found['scrollWidth']}px wide: {found['wide']}")
                elif found["wide"]:
                    failures.append(f"{where}: wider than the screen: {found['wide']}")
                if found["emptyCharts"]:
                    failures.append(f"{where}: empty charts {found['emptyCharts']}")
                html = page.content()
                shown = [w for w in WORDS_NOT_SHOWN if w in found["text"] or w in html]
                shown += [w for w in TEXT_NOT_SHOWN if w in found["text"]]
                if shown:
                    failures.append(f"{where}: shows {shown}")
                if errors:
                    failures.append(f"{where}: console errors {errors}")
            context.close()


def test_every_page_fits_phone_and_desktop(browser, demo_site):
    live_server, passwords = demo_site
    failures: list[str] = []
    by_role = pages_by_role(failures)
    assert len(by_role) >= 5 and sum(map(len, by_role.values())) >= 40, dict(by_role)
    walk(browser, live_server.url, by_role, passwords, failures)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
