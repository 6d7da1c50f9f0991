"""OC4IDS export: a city's projects as an Open Contracting for Infrastructure Data Standard (0.9) project
package — identifiers with the publisher's prefix, title, status from the lifecycle stage (projectStatus),
sector (projectSector), budget in CNY, period, locations, parties (owner, public authority), completion and
milestones. Only values of the standard's codelists are written; Chinese text stays Chinese (language zh)."""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from tuijin.core.errors import InputError
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.projects.models import MilestoneKind, Project, Stage

OC4IDS_VERSION = "0.9"
DEFAULT_PREFIX = "oc4ids-tuijin"
PROJECT_CODE_SCHEME = "CN-TZXM"  # 全国投资项目在线审批监管平台 项目代码
REGION_CODE_SCHEME = "CN-GB2260"  # 中华人民共和国行政区划代码

# 全生命周期阶段 → projectStatus (closed codelist).
STATUS = {
    Stage.PLANNING: "identification",
    Stage.NEGOTIATING: "identification",
    Stage.SIGNED: "preparation",
    Stage.STARTED: "implementation",
    Stage.COMPLETED: "completion",
    Stage.OPERATING: "maintenance",  # "This stage is also called operation."
    Stage.AT_CAPACITY: "maintenance",
    Stage.TERMINATED: "cancelled",
}

# Stage events and milestones → OC4IDS milestones (type: milestoneType, code: milestoneCode; both open).
STAGE_MILESTONES = {
    Stage.SIGNED: ("approval", None, "签约"),
    Stage.STARTED: ("delivery", "commencement", "开工"),
    Stage.COMPLETED: ("delivery", "completion", "竣工"),
    Stage.OPERATING: ("delivery", "commissioning", "投产"),
    Stage.AT_CAPACITY: ("delivery", None, "达产"),
}
MILESTONES = {
    MilestoneKind.LAND: ("preProcurement", None),
    MilestoneKind.PERMIT: ("approval", "projectApproval"),
    MilestoneKind.TOPPED_OUT: ("delivery", None),
    MilestoneKind.FIRST_EQUIPMENT: ("delivery", None),
    MilestoneKind.TRIAL_PRODUCTION: ("delivery", "commissioning"),
}

# projectSector (open codelist, but only its codes are written): by category, refined by words in the name.
SECTOR_WORDS = [
    (("机场", "航空港"), ["transport", "transport.air"]),
    (("港区", "码头", "航道", "港口"), ["transport", "transport.water"]),
    (("轨道交通", "铁路", "高铁", "城际"), ["transport", "transport.rail"]),
    (("快速路", "公路", "道路", "桥", "隧道"), ["transport", "transport.road"]),
    (("公交", "枢纽"), ["transport", "transport.urban"]),
    (("污水", "供水", "管廊", "固废", "垃圾"), ["waterAndWaste"]),
    (("光伏电站", "风电", "电厂", "电网", "变电"), ["energy"]),
    (("医院", "卫生", "养老", "康养"), ["health"]),
    (("学校", "中小学", "幼儿园", "大学", "职业教育"), ["education"]),
    (("保障性", "安置房", "租赁住房"), ["socialHousing"]),
    (("体育", "文化", "公园", "旅游"), ["cultureSportsAndRecreation"]),
    (("河道", "湿地", "生态修复", "防洪"), ["naturalResources"]),
]
CATEGORY_SECTOR = {
    "industry": ["economy"],
    "infrastructure": None,  # by words only
    "social": None,
    "ecology": ["naturalResources"],
}


def sector_for(project: Project) -> list[str]:
    for words, codes in SECTOR_WORDS:
        if any(w in project.name for w in words):
            return codes
    return CATEGORY_SECTOR.get(project.category.code) or []


def id_prefix() -> str:
    """The publisher's registered project identifier prefix (oc4ids-xxxxxx), from settings or the env."""
    prefix = getattr(settings, "TUIJIN_OC4IDS_PREFIX", None) or os.environ.get("TUIJIN_OC4IDS_PREFIX") \
        or DEFAULT_PREFIX
    if not re.match(r"^oc4ids-[a-z0-9]{6}$", prefix):
        raise InputError(f"OC4IDS 项目标识前缀应形如 oc4ids-abc123, 收到 {prefix!r}", field="prefix")
    return prefix


def public_url() -> str:
    return (getattr(settings, "TUIJIN_PUBLIC_URL", None) or os.environ.get("TUIJIN_PUBLIC_URL")
            or "http://127.0.0.1:8000").rstrip("/")


def _dt(value) -> str | None:
    """A date or datetime as an RFC 3339 date-time (dates at 00:00 China time)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return datetime.datetime.combine(value, datetime.time(0, 0), tzinfo=timezone.get_current_timezone()) \
        .isoformat(timespec="seconds")


def _yuan(wan: Decimal):
    yuan = wan * 10000
    return int(yuan) if yuan == yuan.to_integral_value() else float(yuan)


def authority_name(unit: OrgUnit) -> str:
    if unit.kind == UnitKind.DEPARTMENT:
        return unit.name
    if unit.kind in (UnitKind.ZONE, UnitKind.PARK):
        return f"{unit.name}管理委员会"
    return f"{unit.name}人民政府"


def _authority(project: Project) -> dict:
    unit = project.responsible_department or project.unit
    party = {"id": f"tuijin-unit-{unit.pk}", "name": authority_name(unit), "roles": ["publicAuthority"]}
    if unit.region_code:
        party["identifier"] = {"scheme": REGION_CODE_SCHEME, "id": unit.region_code}
    return party


def project_json(project: Project, prefix: str, ancestors: dict[int, OrgUnit]) -> dict:
    unit = project.unit
    events = {e.stage: e for e in project.stage_events.all()}
    plans = {p.stage: p.planned_date for p in project.stage_plans.all()}
    data: dict = {
        "id": f"{prefix}-{project.code}",
        "updated": _dt(project.updated_at),
        "language": "zh",
        "identifiers": [{"id": project.code, "scheme": PROJECT_CODE_SCHEME}],
        "title": project.name,
    }
    if project.description.strip():
        data["description"] = project.description.strip()
    data["status"] = STATUS.get(project.stage, "identification")
    sector = sector_for(project)
    if sector:
        data["sector"] = sector
    data["budget"] = {"description": "计划总投资", "amount": {"amount": _yuan(project.total_investment),
                                                         "currency": "CNY"}}
    period = {k: _dt(v) for k, v in (("startDate", plans.get(Stage.STARTED)),
                                     ("endDate", plans.get(Stage.COMPLETED))) if v}
    if period:
        data["period"] = period
    implementation = {k: _dt(e.date) for k, e in (("startDate", events.get(Stage.STARTED)),
                                                  ("endDate", events.get(Stage.COMPLETED))) if e}
    if implementation:
        data["implementationPeriod"] = implementation
    address = {"countryName": "中国"}
    city = next((u for u in ancestors.values() if u.kind == UnitKind.CITY and unit.path.startswith(u.path)), None)
    province = next((u for u in ancestors.values() if u.kind == UnitKind.PROVINCE and unit.path.startswith(u.path)),
                    None)
    if province:
        address["region"] = province.name
    address["locality"] = " ".join(u.name for u in (city, unit) if u is not None and u != province) or unit.name
    data["locations"] = [{"id": "1", "description": project.location.strip() or unit.name, "address": address}]
    authority = _authority(project)
    parties = [authority]
    if project.owner.strip():
        parties.insert(0, {"id": f"tuijin-owner-{project.pk}", "name": project.owner.strip(),
                           "roles": ["buyer", "funder"]})
    data["parties"] = parties
    data["publicAuthority"] = {"id": authority["id"], "name": authority["name"]}
    if Stage.COMPLETED in events:
        data["completion"] = {"endDate": _dt(events[Stage.COMPLETED].date)}
    milestones = []
    for stage, (mtype, code, title) in STAGE_MILESTONES.items():
        event, planned = events.get(stage), plans.get(stage)
        if event is None and planned is None:
            continue
        m = {"id": f"stage-{stage}", "title": title, "type": mtype}
        if code:
            m["code"] = code
        if planned:
            m["dueDate"] = _dt(planned)
        if event:
            m["dateMet"], m["status"] = _dt(event.date), "met"
        else:
            m["status"] = "scheduled"
        milestones.append(m)
    for ms in project.milestones.all():
        if ms.actual_date is None and ms.planned_date is None:
            continue
        mtype, code = MILESTONES.get(ms.kind, ("delivery", None))
        m = {"id": f"milestone-{ms.kind}", "title": ms.get_kind_display(), "type": mtype}
        if code:
            m["code"] = code
        if ms.note.strip():
            m["description"] = ms.note.strip()
        if ms.planned_date:
            m["dueDate"] = _dt(ms.planned_date)
        if ms.actual_date:
            m["dateMet"], m["status"] = _dt(ms.actual_date), "met"
        else:
            m["status"] = "scheduled"
        milestones.append(m)
    if milestones:
        data["milestones"] = milestones
    return data


def city_projects(city: OrgUnit):
    return (Project.objects.filter(unit__path__startswith=city.path)
            .select_related("unit", "category", "responsible_department")
            .prefetch_related("stage_events", "stage_plans", "milestones")
            .order_by("code"))


def build_package(city: OrgUnit, *, publisher: str | None = None) -> dict:
    """The city's OC4IDS project package. Refuses a city with no project (the standard needs one)."""
    if city.kind != UnitKind.CITY:
        raise InputError(f"{city.name} 不是城市", field="city")
    projects = city_projects(city)
    if not projects.exists():
        raise InputError(f"{city.name} 没有可导出的项目", field="city")
    prefix = id_prefix()
    ancestors = {u.pk: u for u in OrgUnit.objects.filter(pk__in=city.ancestor_ids)}
    last = projects.aggregate(m=Max("updated_at"))["m"]
    if publisher is None:
        from .selectors import bulletin_settings

        publisher = bulletin_settings(city).issuer
    return {
        "uri": f"{public_url()}/bulletins/oc4ids.json?city={city.pk}",
        "publishedDate": _dt(last or timezone.now()),
        "version": OC4IDS_VERSION,
        "publisher": {"name": publisher},
        "projects": [project_json(p, prefix, ancestors) for p in projects],
    }


def export_command(command, options) -> None:
    """`tuijin export oc4ids --city NAME [--output FILE]` (the export command lives in tuijin.progress and
    hands the oc4ids kind to this function). With options["validate"], the package is checked against
    shared/oc4ids and the command fails (exit 1) on an error."""
    import json
    from pathlib import Path

    from django.core.management.base import CommandError

    from tuijin.orgs.selectors import city_by_name

    city = city_by_name(options["city"])
    output = options.get("output")
    if output and not Path(output).resolve().parent.is_dir():
        raise InputError(f"--output: 目录不存在: {Path(output).parent}", field="output")
    package = build_package(city)
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        command.stderr.write(f"已导出 {len(package['projects'])} 个项目到 {output} (OC4IDS {OC4IDS_VERSION})")
    else:
        command.stdout.write(text, ending="")
    if options.get("validate"):
        from .oc4ids_check import validate_package

        report = validate_package(package)
        for line in report.errors[:50]:
            command.stderr.write(line)
        command.stderr.write(f"校验: {len(package['projects'])} 个项目, 模式错误 {len(report.schema_errors)} 个, "
                             f"代码表错误 {len(report.codelist_errors)} 个, "
                             f"开放代码表以外的值 {len(report.open_codelist_values)} 个")
        if not report.ok:
            raise CommandError("导出的数据未通过校验", returncode=1)
