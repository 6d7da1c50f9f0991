"""Service-matrix cases (tests/access/test_service_matrix.py): problems, attraction, reminders, dossier, dashboard, geo.

Each case is (label, service, builder(world, place) → (kwargs without the actor, the object changed or None)).

The matrix's world (its `world` fixture) carries 问题协调's problems, meetings and decisions (world.add_problems),
the uploaded files (world.add_files) and, from `add_work_objects` below, what these cases change besides: per
city a 提醒通道, a 红黄绿灯规则, a 竞赛 with its districts, a 大屏链接; per place a 竞赛加减分, a boundary, and its
report photo's GPS position.

Where "out of reach" has a meaning of its own:
- a city-wide job (a meeting, a rule, a campaign, the reminders' schedule, boundaries, kiosk links) takes the
  place's city: 京口区's 板块管理员 is refused 镇江市's (only its 市管理员 sets the city up), 镇江市's 市管理员
  苏州市's;
- a user's own reminder preference: the place's user is another person (润州区's, 苏州市's); on 京口区 it is
  the city administrator itself, the one user who may set it;
- 签收 / 开始办理 / 办结答复 are the lead department's handler's alone (problems.selectors.may): see
  `_lead_handler_step`.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

D = datetime.date


def _svc(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(f"tuijin.{module}.services"), name)


def _today() -> datetime.date:
    return timezone.localdate()


def _land():
    from tuijin.problems import services
    from tuijin.problems.models import ProblemCategory

    services.ensure_categories()
    return ProblemCategory.objects.get(code="land")


def _pdf(name: str = "会办纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf"
    )


def _districts(w, p) -> list:
    """The districts of the place's city in the world (镇江市: 京口区 and 润州区)."""
    return [q.unit for q in w.places.values() if q.unit.city() == p.city]


def _fresh(obj):
    """The object as stored: a deletion sets the pk of the instance it deletes to None, and the matrix's third
    test hands one place's objects to every case in turn."""
    return type(obj)._default_manager.get(pk=obj.pk)


def _boundary_file(unit) -> bytes:
    ring = [[119.40, 32.10], [119.50, 32.10], [119.50, 32.20], [119.40, 32.20], [119.40, 32.10]]
    feature = {
        "type": "Feature",
        "properties": {"name": unit.name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode("utf-8")


def _no_network(name: str):
    """A reminders service with the webhook call replaced (a test sends nothing over the network): the
    endpoint answers as if the message got through."""

    def getter():
        service = _svc("reminders", name)

        def call(**kwargs):
            with mock.patch("tuijin.reminders.channels.send_to_endpoint") as send:
                send.return_value = None
                return service(**kwargs)

        return call

    return getter


def _lead_handler_step(name: str):
    """签收, 开始办理, 办结答复: only the lead department's handler (部门经办 of 牵头部门) takes them, not the city
    administrator, whom the matrix's third test names as the actor in reach. So when that test's actor is the
    administrator of the problem's city, the call checks that the administrator is refused (the role rule),
    then takes the step as the lead department's handler (the actor in reach for these steps): it must get
    through the actor and reach checks like every other case. The missing actor and the actors out of reach
    (the first two tests) call the service as it is."""

    def getter():
        service = _svc("problems", name)

        def call(**kwargs):
            from tuijin.accounts.models import Role, User
            from tuijin.accounts.scoping import administers_city

            actor, problem = kwargs.get("actor"), kwargs.get("problem")
            if getattr(actor, "role", None) != Role.CITY_ADMIN or not administers_city(
                actor, problem.project.unit.city()
            ):
                return service(**kwargs)
            try:
                with transaction.atomic():
                    service(**kwargs)
            except PermissionDenied:
                pass
            else:
                raise AssertionError(
                    f"problems.{name}: the city administrator took the lead department's step"
                )
            handler = User.objects.filter(
                unit_id=problem.lead_department_id, role=Role.DEPARTMENT, is_active=True
            ).first()
            assert handler is not None, (
                f"problems.{name}: the problem has no lead department's handler"
            )
            return service(**{**kwargs, "actor": handler})

        return call

    return getter


def add_work_objects(w):
    """What the cases below change that the access world lacks (after add_leads, add_problems and add_files):
    per city a reminder endpoint, a traffic-light rule, a campaign of its districts and a kiosk link; per place
    a campaign adjustment, a boundary of its unit, a GPS position on its report photo and a lead met at no event
    (京口区's report also names a problem in its 存在问题, so 京口区's problem_from_report goes all the way)."""
    from tests.factories import SYSTEM
    from tuijin.attraction.services import create_lead
    from tuijin.dashboard.models import Campaign, CampaignAdjustment, LightRule
    from tuijin.geo.models import Boundary, KioskLink
    from tuijin.geo.services import token_hash
    from tuijin.reminders.models import Endpoint

    per_city: dict[int, dict] = {}
    ring = [[119.40, 32.10], [119.50, 32.10], [119.50, 32.20], [119.40, 32.20], [119.40, 32.10]]
    for place in w.places.values():
        city = place.city = place.unit.city()
        if city.pk not in per_city:
            campaign = Campaign.objects.create(
                city=city, name=f"{city.name}项目建设赛马", year=2024, first_month=1, last_month=6
            )
            campaign.units.set(_districts(w, place))
            per_city[city.pk] = {
                "endpoint": Endpoint.objects.create(
                    city=city,
                    name="调度群",
                    kind="wecom",
                    url="http://127.0.0.1:9/robot",
                    created_at=timezone.now(),
                ),
                "rule": LightRule.objects.create(
                    city=city,
                    name="欠序时差距",
                    kind="absolute_gap",
                    yellow_threshold=Decimal(10),
                    red_threshold=Decimal(30),
                ),
                "campaign": campaign,
                "kiosk": KioskLink.objects.create(
                    city=city,
                    name="指挥中心大屏",
                    token_hash=token_hash(f"kiosk-{city.pk}"),
                    hint="kiosk-",
                    created_by=place.user,
                ),
            }
        for key, value in per_city[city.pk].items():
            setattr(place, key, value)
        place.adjustment = CampaignAdjustment.objects.create(
            campaign=place.campaign, unit=place.unit, points=Decimal(2), reason="重点项目开工"
        )
        place.boundary = Boundary.objects.create(
            unit=place.unit,
            geometry={"type": "Polygon", "coordinates": [ring]},
            points=5,
            source="边界.geojson",
        )
        place.photo.latitude, place.photo.longitude = Decimal("32.2"), Decimal("119.4")
        place.photo.save(update_fields=["latitude", "longitude"])
        place.new_lead = create_lead(
            unit=place.unit,
            title=f"{place.unit.name}新线索",
            investor=f"{place.key}新投资公司",
            investor_kind="private",
            source="visit",
            intended_investment=Decimal(5000),
            stage_date=D(2024, 3, 1),
            actor=SYSTEM,
        )
    report = w.places["jk"].report
    report.problems_text = "用地指标未落实, 影响开工"
    report.save(update_fields=["problems_text"])
    return w


def _problem_cases() -> list:
    p_ = "problems"
    return [
        (
            "problems.add_attachment",
            lambda: _svc(p_, "add_attachment"),
            lambda w, p: ({"problem": p.problem, "file": _pdf()}, p.problem),
        ),
        (
            "problems.add_decision",
            lambda: _svc(p_, "add_decision"),
            lambda w, p: (
                {
                    "meeting": p.meeting,
                    "text": "越权决定",
                    "owner": p.unit,
                    "deadline": _today(),
                    "problem": p.problem,
                },
                p.meeting,
            ),
        ),
        (
            "problems.answer",
            _lead_handler_step("answer"),
            lambda w, p: ({"problem": p.problem, "text": "已落实用地指标"}, p.problem),
        ),
        (
            "problems.assign",
            lambda: _svc(p_, "assign"),
            lambda w, p: (
                {
                    "problem": p.problem,
                    "lead_department": p.department,
                    "deadline": _today() + datetime.timedelta(days=14),
                },
                p.problem,
            ),
        ),
        (
            "problems.close",
            lambda: _svc(p_, "close"),
            lambda w, p: ({"problem": p.problem, "note": "确认销号"}, p.problem),
        ),
        (
            "problems.complete_decision",
            lambda: _svc(p_, "complete_decision"),
            lambda w, p: ({"decision": p.decision, "result": "已落实"}, p.decision),
        ),
        (
            "problems.create_weekly_meeting",
            lambda: _svc(p_, "create_weekly_meeting"),
            lambda w, p: ({"city": p.city, "week_start": _today()}, None),
        ),
        (
            "problems.joint_review",
            lambda: _svc(p_, "joint_review"),
            lambda w, p: (
                {
                    "city": p.city,
                    "held_on": _today(),
                    "departments_present": [p.department],
                    "items": [
                        {
                            "problem": p.problem,
                            "decision": "会办意见: 协调落实",
                            "owner": p.department,
                            "deadline": _today() + datetime.timedelta(days=7),
                        }
                    ],
                },
                p.problem,
            ),
        ),
        (
            "problems.link_leader",
            lambda: _svc(p_, "link_leader"),
            lambda w, p: (
                {"city": p.city, "leader_name": "张副市长", "user": w.users["city_leader"]},
                None,
            ),
        ),
        (
            "problems.problem_from_report",
            lambda: _svc(p_, "problem_from_report"),
            lambda w, p: ({"report": p.report, "category": _land()}, p.report),
        ),
        (
            "problems.reopen",
            lambda: _svc(p_, "reopen"),
            lambda w, p: ({"problem": p.problem, "reason": "答复不实"}, p.problem),
        ),
        (
            "problems.set_escalation_rule",
            lambda: _svc(p_, "set_escalation_rule"),
            lambda w, p: ({"city": p.city, "level": 1, "days_overdue": 3}, None),
        ),
        (
            "problems.sign",
            _lead_handler_step("sign"),
            lambda w, p: ({"problem": p.problem, "note": "已签收"}, p.problem),
        ),
        (
            "problems.start",
            _lead_handler_step("start"),
            lambda w, p: ({"problem": p.problem, "note": "开始办理"}, p.problem),
        ),
        (
            "problems.update_minutes",
            lambda: _svc(p_, "update_minutes"),
            lambda w, p: ({"meeting": p.meeting, "minutes": "越权纪要"}, p.meeting),
        ),
    ]


def _attraction_cases() -> list:
    a_ = "attraction"
    return [
        (
            "attraction.add_funds_source",
            lambda: _svc(a_, "add_funds_source"),
            lambda w, p: ({"city": p.city, "code": "fund_x", "name": "越权资金来源"}, None),
        ),
        (
            "attraction.add_lead_to_event",
            lambda: _svc(a_, "add_lead_to_event"),
            lambda w, p: ({"event": p.event, "lead": p.new_lead}, p.event),
        ),
        (
            "attraction.create_event",
            lambda: _svc(a_, "create_event"),
            lambda w, p: (
                {
                    "city": p.city,
                    "name": "越权招商活动",
                    "kind": "promotion",
                    "date": D(2024, 4, 1),
                    "place": "深圳",
                    "units": [p.unit],
                    "leads": [p.lead],
                },
                None,
            ),
        ),
        (
            "attraction.decide_duplicate",
            lambda: _svc(a_, "decide_duplicate"),
            lambda w, p: (
                {"lead": p.lead, "owner_unit": p.unit, "decision": "由本单位跟进"},
                p.lead,
            ),
        ),
        (
            "attraction.record_capital_increase",
            lambda: _svc(a_, "record_capital_increase"),
            lambda w, p: (
                {"project": p.project, "signed_on": D(2024, 5, 1), "increment": Decimal(100)},
                p.project,
            ),
        ),
        (
            "attraction.record_milestone_reached",
            lambda: _svc(a_, "record_milestone_reached"),
            lambda w, p: (
                {"contract": p.contract, "kind": "started", "actual_date": D(2024, 9, 1)},
                p.contract,
            ),
        ),
        (
            "attraction.set_target",
            lambda: _svc(a_, "set_target"),
            lambda w, p: (
                {"unit": p.unit, "year": 2024, "indicator": "new_signed_count", "value": 10},
                None,
            ),
        ),
        (
            "attraction.sign_lead",
            lambda: _svc(a_, "sign_lead"),
            lambda w, p: (
                {
                    "lead": p.lead,
                    "signed_on": D(2024, 4, 1),
                    "investment": Decimal(100),
                    "project": p.project,
                },
                p.lead,
            ),
        ),
        (
            "attraction.update_event",
            lambda: _svc(a_, "update_event"),
            lambda w, p: (
                {
                    "event": p.event,
                    "name": "越权改名",
                    "kind": "promotion",
                    "date": D(2024, 3, 5),
                    "place": "上海",
                    "units": [p.unit],
                },
                p.event,
            ),
        ),
    ]


def _reminder_cases() -> list:
    r_ = "reminders"
    return [
        (
            "reminders.add_endpoint",
            lambda: _svc(r_, "add_endpoint"),
            lambda w, p: (
                {
                    "city": p.city,
                    "name": "越权通道",
                    "kind": "wecom",
                    "url": "http://127.0.0.1:9/x",
                },
                None,
            ),
        ),
        (
            "reminders.remind_missing",
            lambda: _svc(r_, "remind_missing"),
            lambda w, p: ({"projects": [p.project], "year": 2024, "month": 3}, p.project),
        ),
        (
            "reminders.run_reminders",
            _no_network("run_reminders"),
            lambda w, p: ({"city": p.city}, None),
        ),
        (
            "reminders.set_endpoint_active",
            lambda: _svc(r_, "set_endpoint_active"),
            lambda w, p: ({"endpoint": p.endpoint, "active": False}, p.endpoint),
        ),
        (
            # A user's own preference: on 京口区 the user is the matrix's actor in reach itself (the city
            # administrator), elsewhere another person (润州区's, 苏州市's user).
            "reminders.set_preference",
            lambda: _svc(r_, "set_preference"),
            lambda w, p: (
                {
                    "user": w.users["city_admin"] if p.key == "jk" else p.user,
                    "email": True,
                    "robot": False,
                    "sms": False,
                },
                None,
            ),
        ),
        (
            "reminders.set_schedule",
            lambda: _svc(r_, "set_schedule"),
            lambda w, p: (
                {
                    "city": p.city,
                    "enabled": False,
                    "days_before_deadline": 3,
                    "days_after_deadline": 2,
                    "problem_due_days": 3,
                    "weekly_weekday": 0,
                },
                None,
            ),
        ),
        (
            "reminders.test_endpoint",
            _no_network("test_endpoint"),
            lambda w, p: ({"endpoint": p.endpoint}, p.endpoint),
        ),
    ]


def _dossier_cases() -> list:
    d_ = "dossier"
    approval = {"item": "permit", "issued_on": D(2024, 2, 1), "number": "越权〔2024〕9号"}
    return [
        (
            "dossier.add_approval",
            lambda: _svc(d_, "add_approval"),
            lambda w, p: ({"project": p.project, **approval}, p.project),
        ),
        (
            "dossier.delete_approval",
            lambda: _svc(d_, "delete_approval"),
            lambda w, p: ({"approval": p.approval}, p.approval),
        ),
        (
            "dossier.update_approval",
            lambda: _svc(d_, "update_approval"),
            lambda w, p: ({"approval": p.approval, **approval}, p.approval),
        ),
        # The check the three writes above start with: it raises (PermissionDenied) out of reach.
        (
            "dossier.require_write",
            lambda: _svc(d_, "require_write"),
            lambda w, p: ({"project": p.project}, p.project),
        ),
    ]


def _dashboard_cases() -> list:
    b_ = "dashboard"
    indicator = {"name": "完成投资", "kind": "completed", "weight": Decimal(40)}
    return [
        (
            "dashboard.add_adjustment",
            lambda: _svc(b_, "add_adjustment"),
            lambda w, p: (
                {
                    "campaign": p.campaign,
                    "unit": p.unit,
                    "points": Decimal(3),
                    "reason": "越权加分",
                },
                p.campaign,
            ),
        ),
        (
            "dashboard.add_highlight",
            lambda: _svc(b_, "add_highlight"),
            lambda w, p: (
                {"campaign": p.campaign, "unit": p.unit, "title": "越权亮点", "project": p.project},
                p.campaign,
            ),
        ),
        (
            "dashboard.add_indicator",
            lambda: _svc(b_, "add_indicator"),
            lambda w, p: ({"campaign": p.campaign, **indicator}, p.campaign),
        ),
        (
            "dashboard.create_campaign",
            lambda: _svc(b_, "create_campaign"),
            lambda w, p: (
                {
                    "city": p.city,
                    "name": "越权竞赛",
                    "year": 2024,
                    "first_month": 1,
                    "last_month": 3,
                    "units": _districts(w, p),
                    "indicators": [indicator],
                },
                None,
            ),
        ),
        (
            "dashboard.delete_adjustment",
            lambda: _svc(b_, "delete_adjustment"),
            lambda w, p: ({"adjustment": _fresh(p.adjustment)}, p.adjustment),
        ),
        (
            "dashboard.delete_rule",
            lambda: _svc(b_, "delete_rule"),
            lambda w, p: ({"rule": _fresh(p.rule)}, p.rule),
        ),
        (
            "dashboard.save_rule",
            lambda: _svc(b_, "save_rule"),
            lambda w, p: (
                {
                    "city": p.city,
                    "name": "越权规则",
                    "kind": "absolute_gap",
                    "yellow": 5,
                    "red": 20,
                },
                None,
            ),
        ),
        (
            "dashboard.save_rule (rule)",
            lambda: _svc(b_, "save_rule"),
            lambda w, p: (
                {
                    "city": p.city,
                    "rule": p.rule,
                    "name": "欠序时差距",
                    "kind": "absolute_gap",
                    "yellow": 1,
                    "red": 2,
                },
                p.rule,
            ),
        ),
        (
            "dashboard.set_published",
            lambda: _svc(b_, "set_published"),
            lambda w, p: ({"campaign": p.campaign, "published": True}, p.campaign),
        ),
    ]


def _geo_cases() -> list:
    g_ = "geo"
    return [
        (
            "geo.create_kiosk_link",
            lambda: _svc(g_, "create_kiosk_link"),
            lambda w, p: ({"city": p.city, "name": "越权大屏"}, None),
        ),
        (
            "geo.delete_boundary",
            lambda: _svc(g_, "delete_boundary"),
            lambda w, p: ({"boundary": _fresh(p.boundary)}, p.boundary),
        ),
        (
            "geo.import_boundaries",
            lambda: _svc(g_, "import_boundaries"),
            lambda w, p: (
                {"city": p.city, "data": _boundary_file(p.unit), "filename": "边界.geojson"},
                p.boundary,
            ),
        ),
        # The check every boundary and kiosk-link write starts with: it raises (PermissionDenied) out of reach.
        (
            "geo.require_city_admin",
            lambda: _svc(g_, "require_city_admin"),
            lambda w, p: ({"city": p.city}, None),
        ),
        (
            "geo.revoke_kiosk_link",
            lambda: _svc(g_, "revoke_kiosk_link"),
            lambda w, p: ({"link": p.kiosk}, p.kiosk),
        ),
        (
            "geo.use_photo_position",
            lambda: _svc(g_, "use_photo_position"),
            lambda w, p: ({"photo": p.photo}, p.project),
        ),
    ]


CASES_WORK: list = (
    _problem_cases()
    + _attraction_cases()
    + _reminder_cases()
    + _dossier_cases()
    + _dashboard_cases()
    + _geo_cases()
)
