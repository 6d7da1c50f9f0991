"""A hand-made city for the reminder tests, and a stub webhook server on loopback.

提醒市 with 甲区 and 乙区 and one department (自然资源局); three listed projects for 2024: 甲区一号 and 甲区二号
(填报员 r1), 乙区一号 (填报员 r2). July's period opens 2024-08-01 and closes on 2024-08-10; 甲区二号 has
reported July, so 缺报 is 甲区一号 and 乙区一号. A problem on 甲区一号 is assigned to 自然资源局 with the
deadline 2024-08-08."""

import datetime
import json
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tests.worlds import fresh, module_world
from tuijin.orgs.services import create_unit
from tuijin.problems import services as problems
from tuijin.problems.models import ProblemCategory
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import open_period, save_report

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


@dataclass
class Stub:
    """What the stub server received ([(path, JSON body)]) and what it answers next ([(status, JSON)]; then
    200 {"errcode": 0})."""

    url: str = ""
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)


@pytest.fixture
def stub():
    state = Stub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append((self.path, json.loads(body.decode("utf-8"))))
            status, answer = (
                state.answers.pop(0) if state.answers else (200, {"errcode": 0, "errmsg": "ok"})
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class World:
    city: object
    jia: object
    yi: object
    bureau: object
    p1: object
    p2: object
    p3: object
    problem: object
    period: object
    admin: object
    leader: object
    jia_admin: object
    yi_admin: object
    r1: object
    r2: object
    dept: object


def build_world():
    problems.ensure_categories()
    city, d = f.city_tree("提醒市", ("甲区", "乙区"))
    bureau = create_unit(name="提醒市自然资源局", kind="department", parent=city, actor=SYSTEM)
    lst = f.annual_list(city)
    p1 = f.project(d["甲区"], name="甲区一号")
    p2 = f.project(d["甲区"], name="甲区二号")
    p3 = f.project(d["乙区"], name="乙区一号")
    for p in (p1, p2, p3):
        f.entry(lst, p)
    admin = f.user("admin", city, "city_admin", email="admin@example.cn")
    leader = f.user("leader", city, "city_leader", email="leader@example.cn")
    jia_admin = f.user("jia_admin", d["甲区"], "district_admin", email="jia@example.cn")
    yi_admin = f.user("yi_admin", d["乙区"], "district_admin")  # no e-mail address
    r1 = f.user("r1", d["甲区"], "reporter", email="r1@example.cn", phone="13800000001")
    r2 = f.user("r2", d["乙区"], "reporter", email="r2@example.cn")
    dept = f.user("land", bureau, "department", email="land@example.cn")
    p1.reporters.add(r1)
    p2.reporters.add(r1)
    p3.reporters.add(r2)
    period = open_period(
        city=city,
        year=2024,
        month=7,
        opens_on=datetime.date(2024, 8, 1),
        deadline=datetime.date(2024, 8, 10), actor=SYSTEM,
    )
    save_report(
        project=p2,
        year=2024,
        month=7,
        amount=Decimal(100),
        status=ReportStatus.SUBMITTED,
        today=datetime.date(2024, 8, 2), actor=SYSTEM,
    )
    problem = problems.raise_problem(
        actor=jia_admin,
        project=p1,
        category=ProblemCategory.objects.get(name="用地"),
        title="用地指标未落实",
        now=at(2024, 8, 1),
    )
    problem = problems.assign(
        actor=jia_admin,
        problem=problem,
        lead_department=bureau,
        deadline=datetime.date(2024, 8, 8),
        now=at(2024, 8, 1, 10),
    )
    return World(
        city=city,
        jia=d["甲区"],
        yi=d["乙区"],
        bureau=bureau,
        p1=p1,
        p2=p2,
        p3=p3,
        problem=problem,
        period=period,
        admin=admin,
        leader=leader,
        jia_admin=jia_admin,
        yi_admin=yi_admin,
        r1=r1,
        r2=r2,
        dept=dept,
    )


def _build_world_for_the_site():
    from django.test.utils import override_settings

    with override_settings(SITE_URL="https://tuijin.example.cn"):
        return build_world()


world_built_once = module_world(_build_world_for_the_site)


@pytest.fixture
def world(world_built_once, db, settings):
    settings.SITE_URL = "https://tuijin.example.cn"
    return fresh(world_built_once)
