"""Writes to the registry: projects, stage events, milestones, annual lists and entries. Each validates,
runs in a transaction and writes the audit trail; the demo and every form call these same functions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import CN_LATITUDE, CN_LONGITUDE, MONEY, check_finite_below, parse_number
from tuijin.core.errors import InputError
from tuijin.core.numbers import to_decimal
from tuijin.core.policy import CONFIGURE, OUT_OF_REACH, REPORT, WRITE, require_actor

from .codes import check_project_code
from .models import (
    STAGE_ORDER,
    AnnualList,
    BuildNature,
    Category,
    ListEntry,
    ListYear,
    Milestone,
    Project,
    Sector,
    Stage,
    StageEvent,
    stage_rank,
)

PROJECT_FIELDS = ["code", "name", "owner", "unit", "category", "industry_node", "total_investment", "location",
                  "description", "responsible_leader", "responsible_department", "service_contact", "sector",
                  "nature", "longitude", "latitude"]

# The project's fields the figure store copies into every year's row (tuijin.indicators.store.build_facts): a
# change of any other (a name, a position) leaves the rows as they are.
STORE_FIELDS = ("unit", "category", "sector", "nature", "industry_node", "total_investment")


def _amount(value, field: str, label: str) -> Decimal:
    try:
        amount = to_decimal(value)
    except ValueError:
        raise InputError(f"{label}不是数字: {value!r}", field=field) from None
    check_finite_below(amount, MONEY, label=label, value=value, field=field)
    if amount < 0:
        raise InputError(f"{label}不能为负数: {value}", field=field)
    if amount.as_tuple().exponent < -2:
        amount = amount.quantize(Decimal("0.01"))
    return amount


def check_position(longitude, latitude) -> tuple[Decimal | None, Decimal | None]:
    """经度 / 纬度 (typed, from a spreadsheet cell, a JSON body or a photo's GPS) → (longitude, latitude) as
    Decimals with 6 places, both None when both are blank. Refuses, in Chinese naming the field and the value,
    text that is not a number, a value outside China's extent (经度 73 至 136, 纬度 3 至 54: a swapped pair is
    named as such) and one given without the other."""
    lon = parse_number(longitude, CN_LONGITUDE, label="经度", field="longitude") if not isinstance(
        longitude, str) or longitude.strip() else None
    lat = parse_number(latitude, CN_LATITUDE, label="纬度", field="latitude") if not isinstance(
        latitude, str) or latitude.strip() else None
    if (lon is None) != (lat is None):
        missing = "纬度" if lat is None else "经度"
        raise InputError(f"经度和纬度应同时填写: 缺少{missing}", field="latitude" if lat is None else "longitude")
    return lon, lat


def _refresh_facts(project_ids, years=None) -> None:
    """The figure store (tuijin.indicators.store, through core.derived), in the calling service's transaction."""
    from tuijin.core.derived import refresh_facts

    refresh_facts(project_ids, years)


def _today() -> datetime.date:
    return timezone.localdate()


def _check_unit_and_node(*, unit, industry_node, responsible_department, sector=None, nature=None):
    if unit is None:
        raise InputError("所属单位不能为空", field="unit")
    if unit.is_department:
        raise InputError(f"项目不能挂在部门 {unit.name} 下", field="unit")
    city = unit.city()
    for f, dim, label in (("sector", sector, "行业领域"), ("nature", nature, "建设性质")):
        if dim is not None and city is not None and dim.city_id != city.pk:
            raise InputError(f"{label} {dim.name!r} 不属于 {city.name}", field=f)
    if industry_node is not None and city is not None and industry_node.taxonomy.city_id != city.pk:
        raise InputError(f"产业节点 {industry_node.name!r} 不属于 {city.name}", field="industry_node")
    if responsible_department is not None and not responsible_department.is_department:
        raise InputError(f"{responsible_department.name} 不是部门", field="responsible_department")


@transaction.atomic
def create_project(*, code: str, name: str, unit, category: Category, total_investment, actor,
                   owner: str = "", industry_node=None, location: str = "", description: str = "",
                   responsible_leader: str = "", responsible_department=None, service_contact: str = "",
                   is_demo: bool = False, registered_on: datetime.date | None = None,
                   signed_on: datetime.date | None = None, started_on: datetime.date | None = None,
                   completed_on: datetime.date | None = None, operating_on: datetime.date | None = None,
                   reason: str = "", sector=None, nature=None, longitude=None,
                   latitude=None) -> tuple[Project, list[str]]:
    """Register a project (谋划) and, for a project entered after the fact, its past 签约/开工/竣工/投产 dates
    (recorded as stage events through record_stage, in order). Registration is dated no later than the
    earliest date given, so a project entered in December with a March start counts as started in March.
    Returns the project and the warnings the user should see."""
    require_actor(actor, WRITE)
    _check_unit(actor, unit)
    try:
        checked = check_project_code(code)
    except ValueError as exc:
        raise InputError(str(exc), field="code") from None
    if Project.objects.filter(code=checked.code).exists():
        raise InputError(f"项目代码已存在: {checked.code}", field="code")
    name = (name or "").strip()
    if not name:
        raise InputError("项目名称不能为空", field="name")
    if not unit.active:
        raise InputError(f"所属单位 {unit.name} 已撤销, 不能登记新项目", field="unit")
    for f, dim, label in (("category", category, "项目类别"), ("sector", sector, "行业领域"),
                          ("nature", nature, "建设性质")):
        if dim is not None and not dim.active:
            raise InputError(f"{label} {dim.name} 已停用", field=f)
    _check_unit_and_node(unit=unit, industry_node=industry_node, responsible_department=responsible_department,
                         sector=sector, nature=nature)
    if registered_on is not None and registered_on > _today():
        raise InputError(f"登记日期 {registered_on} 在未来", field="registered_on")
    longitude, latitude = check_position(longitude, latitude)
    dates = check_stage_dates({"signed_on": signed_on, "started_on": started_on, "completed_on": completed_on,
                               "operating_on": operating_on})
    if dates:
        registered_on = min(registered_on or _today(), *dates.values())
    project = Project(
        code=checked.code, code_is_legacy=checked.legacy, name=name, owner=owner, unit=unit, category=category,
        industry_node=industry_node, total_investment=_amount(total_investment, "total_investment", "计划总投资"),
        location=location, description=description, responsible_leader=responsible_leader,
        responsible_department=responsible_department, service_contact=service_contact, is_demo=is_demo,
        stage=Stage.PLANNING, sector=sector, nature=nature, longitude=longitude, latitude=latitude,
    )
    project.save()
    record_change(actor=actor, action="create", obj=project, before=None, after=snapshot(project, PROJECT_FIELDS),
                  reason=reason)
    StageEvent.objects.create(project=project, stage=Stage.PLANNING, date=registered_on or _today(),
                              recorded_by=actor if getattr(actor, "pk", None) else None)
    for stage, date in dates.items():
        record_stage(project=project, stage=stage, date=date, actor=actor, reason=reason)
    if dates:
        project.refresh_from_db(fields=["stage"])
    return project, [checked.warning] if checked.warning else []


# The past stage dates a project may be registered with (keyword → stage), in lifecycle order.
STAGE_DATE_FIELDS = {"signed_on": Stage.SIGNED, "started_on": Stage.STARTED, "completed_on": Stage.COMPLETED,
                     "operating_on": Stage.OPERATING}


def check_stage_dates(dates: dict[str, datetime.date | None]) -> dict[str, datetime.date]:
    """签约/开工/竣工/投产 dates given at registration ({keyword: date or None}) → {stage: date} in order.
    Refuses, naming the field, a value that is not a date, a date in the future, or one earlier than the
    stage before it (签约日期 ≤ 开工日期 ≤ 竣工日期 ≤ 投产日期)."""
    out: dict[str, datetime.date] = {}
    previous: tuple[str, datetime.date] | None = None
    today = _today()
    for key, stage in STAGE_DATE_FIELDS.items():
        date = dates.get(key)
        if date is None:
            continue
        label = f"{Stage(stage).label}日期"
        if isinstance(date, datetime.datetime) or not isinstance(date, datetime.date):
            raise InputError(f"{label}无效: {date!r}", field=key)
        if date > today:
            raise InputError(f"{label} {date} 在未来 (今天是 {today})", field=key)
        if previous and date < previous[1]:
            raise InputError(f"{label} {date} 早于{previous[0]} {previous[1]}", field=key)
        previous = (label, date)
        out[stage] = date
    return out


@transaction.atomic
def update_project(*, project: Project, actor, reason: str = "", **changes) -> Project:
    """Change a project's record fields (not its stage: stages move by events). Its position alone may also be
    set by whoever reports on it (用照片位置作为项目位置); anything else needs WRITE on the project."""
    position_only = bool(changes) and set(changes) <= {"longitude", "latitude"}
    require_actor(actor, REPORT if position_only else WRITE)
    _check_project(actor, project, REPORT if position_only else WRITE)
    if changes.get("unit") is not None and changes["unit"].pk != project.unit_id:
        _check_unit(actor, changes["unit"])
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise InputError(f"不能修改的字段: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = snapshot(project, PROJECT_FIELDS)
    if "code" in changes:
        try:
            checked = check_project_code(changes["code"])
        except ValueError as exc:
            raise InputError(str(exc), field="code") from None
        if Project.objects.filter(code=checked.code).exclude(pk=project.pk).exists():
            raise InputError(f"项目代码已存在: {checked.code}", field="code")
        changes["code"] = checked.code
        project.code_is_legacy = checked.legacy
    if "total_investment" in changes:
        changes["total_investment"] = _amount(changes["total_investment"], "total_investment", "计划总投资")
    if "name" in changes and not (changes["name"] or "").strip():
        raise InputError("项目名称不能为空", field="name")
    if "longitude" in changes or "latitude" in changes:
        changes["longitude"], changes["latitude"] = check_position(
            changes.get("longitude", project.longitude), changes.get("latitude", project.latitude))
    if "unit" in changes and changes["unit"] is not None and changes["unit"].pk != project.unit_id \
            and not changes["unit"].active:
        raise InputError(f"所属单位 {changes['unit'].name} 已撤销", field="unit")
    for f, label in (("category", "项目类别"), ("sector", "行业领域"), ("nature", "建设性质")):
        dim = changes.get(f)
        if dim is not None and dim.pk != getattr(project, f + "_id") and not dim.active:
            raise InputError(f"{label} {dim.name} 已停用", field=f)
    for field, value in changes.items():
        setattr(project, field, value)
    _check_unit_and_node(unit=project.unit, industry_node=project.industry_node,
                         responsible_department=project.responsible_department, sector=project.sector,
                         nature=project.nature)
    project.save()
    after = snapshot(project, PROJECT_FIELDS)
    record_change(actor=actor, action="update", obj=project, before=before, after=after, reason=reason)
    if any(before.get(f) != after.get(f) for f in STORE_FIELDS):
        _refresh_facts([project.pk])  # unit, category, total … are in every year's fact row
    return project


@transaction.atomic
def record_stage(*, project: Project, stage: str, date: datetime.date, actor, note: str = "",
                 reason: str = "") -> StageEvent:
    """Move a project into a stage on a date. Stages only move forward, dates never go back or into the
    future; 终止 may end a project at any stage."""
    require_actor(actor, WRITE)
    _check_project(actor, project, WRITE)
    if stage not in Stage.values:
        raise InputError(f"阶段未知: {stage!r}", field="stage")
    if not isinstance(date, datetime.date):
        raise InputError(f"日期无效: {date!r}", field="date")
    if date > _today():
        raise InputError(f"{Stage(stage).label}日期 {date} 在未来", field="date")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage == Stage.TERMINATED:
        raise InputError(f"项目 {project.name} 已终止", field="stage")
    if StageEvent.objects.filter(project=project, stage=stage).exists():
        raise InputError(f"项目 {project.name} 已有 {Stage(stage).label} 记录", field="stage")
    if stage != Stage.TERMINATED and stage_rank(stage) <= stage_rank(project.stage):
        raise InputError(
            f"阶段只能前进: 当前 {Stage(project.stage).label}, 不能进入 {Stage(stage).label}", field="stage"
        )
    latest = StageEvent.objects.filter(project=project).order_by("-date").first()
    if latest and date < latest.date:
        raise InputError(f"{Stage(stage).label}日期 {date} 早于上一阶段日期 {latest.date}", field="date")
    event = StageEvent.objects.create(project=project, stage=stage, date=date, note=note,
                                      recorded_by=actor if getattr(actor, "pk", None) else None)
    before = {"stage": project.stage}
    project.stage = stage
    project.save(update_fields=["stage", "updated_at"])
    record_change(actor=actor, action="create", obj=event, before=None, after=snapshot(event), reason=reason)
    record_change(actor=actor, action="update", obj=project, before=before, after={"stage": stage}, reason=reason)
    _refresh_facts([project.pk])
    return event


@transaction.atomic
def advance_to(*, project: Project, dates: dict[str, datetime.date], actor) -> Project:
    """Record several stages in lifecycle order (a convenience over record_stage for imports and the demo), all
    or none."""
    require_actor(actor, WRITE)
    _check_project(actor, project, WRITE)
    for stage in STAGE_ORDER:
        if stage in dates and stage != Stage.PLANNING:
            record_stage(project=project, stage=stage, date=dates[stage], actor=actor)
    project.refresh_from_db(fields=["stage"])
    return project


@transaction.atomic
def record_milestone(*, project: Project, kind: str, actual_date=None, planned_date=None, actor,
                     note: str = "") -> Milestone:
    # Ticked on the monthly report: whoever reports on the project (REPORT) records its milestones.
    require_actor(actor, REPORT)
    _check_project(actor, project, REPORT)
    if actual_date and actual_date > _today():
        raise InputError(f"节点实际日期 {actual_date} 在未来", field="actual_date")
    ms, created = Milestone.objects.get_or_create(project=project, kind=kind)
    before = None if created else snapshot(ms)
    ms.actual_date = actual_date or ms.actual_date
    ms.planned_date = planned_date or ms.planned_date
    ms.note = note or ms.note
    ms.full_clean()
    ms.save()
    record_change(actor=actor, action="create" if created else "update", obj=ms, before=before, after=snapshot(ms))
    return ms


def _require_city_admin(actor, city) -> None:
    from django.core.exceptions import PermissionDenied

    from tuijin.accounts.scoping import administers_city

    if actor is None or not administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以维护本市的清单和分类")


def _check_project(actor, project, action: str) -> None:
    """The actor reaches the project for the action (its subtree, its assigned projects, …); refused in the same
    words whether it exists elsewhere or not."""
    from django.core.exceptions import PermissionDenied

    from .scoping import projects_for

    if not projects_for(actor, action).filter(pk=project.pk).exists():
        raise PermissionDenied(f"项目{OUT_OF_REACH}")


def _check_unit(actor, unit) -> None:
    from django.core.exceptions import PermissionDenied

    from tuijin.accounts.scoping import units_for

    if not units_for(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(f"单位{OUT_OF_REACH}")


LIST_FIELDS = ["name", "short_name", "rank", "counts_in_total"]
RANK_MAX = 999


def _check_list(*, city, name: str, short_name: str, rank, exclude=None) -> tuple[str, int]:
    name = (name or "").strip()
    if not name:
        raise InputError("清单名称不能为空", field="name")
    if len(name) > AnnualList._meta.get_field("name").max_length:
        raise InputError(f"清单名称过长 (最多 {AnnualList._meta.get_field('name').max_length} 字)", field="name")
    if len(short_name or "") > AnnualList._meta.get_field("short_name").max_length:
        raise InputError(f"简称过长 (最多 {AnnualList._meta.get_field('short_name').max_length} 字)",
                         field="short_name")
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= RANK_MAX:
        raise InputError(f"级别/排序应为 1-{RANK_MAX} 的整数 (1 最高): {rank!r}", field="rank")
    twins = AnnualList.objects.filter(city=city, name=name)
    if exclude is not None:
        twins = twins.exclude(pk=exclude.pk)
    if twins.exists():
        raise InputError(f"{city.name} 已有清单 {name!r}", field="name")
    return name, rank


@transaction.atomic
def create_list(*, city, name: str, rank: int = 10, short_name: str = "", counts_in_total: bool = True,
                actor, reason: str = "") -> AnnualList:
    """年度清单: a city's list, ranked for the highest-list rule. With an actor (a page, an import) only the
    city's administrator; the demo builder and `tuijin city create` set a new city up without one."""
    require_actor(actor, CONFIGURE)
    _require_city_admin(actor, city)
    short_name = (short_name or "").strip()
    name, rank = _check_list(city=city, name=name, short_name=short_name, rank=rank)
    lst = AnnualList.objects.create(city=city, name=name, rank=rank, short_name=short_name,
                                    counts_in_total=bool(counts_in_total))
    record_change(actor=actor, action="create", obj=lst, before=None, after=snapshot(lst), reason=reason)
    return lst


@transaction.atomic
def update_list(*, actor, annual_list: AnnualList, reason: str = "", **changes) -> AnnualList:
    """Rename a list or change its short name, rank or whether it counts in 全部."""
    unknown = set(changes) - set(LIST_FIELDS)
    if unknown:
        raise InputError(f"不能修改的字段: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    lst = AnnualList.objects.select_for_update().select_related("city").get(pk=annual_list.pk)
    _require_city_admin(actor, lst.city)
    before = snapshot(lst, LIST_FIELDS)
    if "short_name" in changes:
        changes["short_name"] = (changes["short_name"] or "").strip()
    changes["name"], changes["rank"] = _check_list(
        city=lst.city, name=changes.get("name", lst.name), short_name=changes.get("short_name", lst.short_name),
        rank=changes.get("rank", lst.rank), exclude=lst)
    for f, v in changes.items():
        setattr(lst, f, v)
    lst.save()
    record_change(actor=actor, action="update", obj=lst, before=before, after=snapshot(lst, LIST_FIELDS),
                  reason=reason)
    if before.get("rank") != lst.rank or before.get("counts_in_total") != lst.counts_in_total:
        from tuijin.core.derived import refresh_list

        refresh_list(lst.pk)  # which entry counts may have changed for every project on the list
    return lst


@transaction.atomic
def add_list_year(*, actor, annual_list: AnnualList, year: int, reason: str = "") -> ListYear | None:
    """Record that the city uses a list in a year (the lists import's 年度); None when already recorded."""
    _require_city_admin(actor, annual_list.city)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InputError(f"年度应为 2000-2100 的年份: {year!r}", field="year")
    ly, created = ListYear.objects.get_or_create(annual_list=annual_list, year=year)
    if not created:
        return None
    record_change(actor=actor, action="create", obj=ly, before=None, after=snapshot(ly), reason=reason)
    return ly


LIST_ENTRY_FIELDS = ["annual_plan", "planned_new_start", "planned_start_month", "continuing", "planned_completion",
                     "planned_operation"]


def _check_entry_flags(*, planned_new_start: bool, planned_start_month, continuing: bool) -> None:
    if planned_new_start and continuing:
        raise InputError("计划新开工与续建不能同时勾选", field="continuing")
    if planned_start_month is not None and not 1 <= int(planned_start_month) <= 12:
        raise InputError(f"计划开工月份应在 1-12 之间, 收到 {planned_start_month!r}", field="planned_start_month")
    if planned_start_month and not planned_new_start:
        raise InputError("填写了计划开工月份, 但未勾选计划新开工", field="planned_start_month")


@transaction.atomic
def update_list_entry(*, entry: ListEntry, actor, reason: str = "", **changes) -> ListEntry:
    """Change a list entry's plan (万元) or flags for its year; the same rules as add_list_entry, audited."""
    require_actor(actor, WRITE)
    _check_project(actor, entry.project, WRITE)
    unknown = set(changes) - set(LIST_ENTRY_FIELDS)
    if unknown:
        raise InputError(f"不能修改的字段: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(entry, LIST_ENTRY_FIELDS)
    if "annual_plan" in changes:
        changes["annual_plan"] = _amount(changes["annual_plan"], "annual_plan", "年度计划投资")
    for field, value in changes.items():
        setattr(entry, field, value)
    _check_entry_flags(planned_new_start=entry.planned_new_start, planned_start_month=entry.planned_start_month,
                       continuing=entry.continuing)
    entry.save()
    record_change(actor=actor, action="update", obj=entry, before=before, after=snapshot(entry, LIST_ENTRY_FIELDS),
                  reason=reason)
    _refresh_facts([entry.project_id], [entry.year])
    return entry


@transaction.atomic
def add_list_entry(*, annual_list: AnnualList, project: Project, year: int, annual_plan, actor,
                   planned_new_start: bool = False, planned_start_month: int | None = None,
                   continuing: bool = False, planned_completion: bool = False,
                   planned_operation: bool = False, reason: str = "") -> ListEntry:
    """Put a project on a year's list with its annual plan (万元) and what is planned that year."""
    require_actor(actor, WRITE)
    _check_project(actor, project, WRITE)
    if not project.unit.path.startswith(f"/{annual_list.city.path.strip('/')}/") and \
            not project.unit.path.startswith(annual_list.city.path):
        raise InputError(f"项目 {project.name} 不属于 {annual_list.city.name}", field="project")
    _check_entry_flags(planned_new_start=planned_new_start, planned_start_month=planned_start_month,
                       continuing=continuing)
    if ListEntry.objects.filter(annual_list=annual_list, project=project, year=year).exists():
        raise InputError(f"{project.name} 已在 {year} 年 {annual_list.name} 中", field="project")
    entry = ListEntry.objects.create(
        annual_list=annual_list, project=project, year=year,
        annual_plan=_amount(annual_plan, "annual_plan", "年度计划投资"),
        planned_new_start=planned_new_start, planned_start_month=planned_start_month, continuing=continuing,
        planned_completion=planned_completion, planned_operation=planned_operation,
    )
    record_change(actor=actor, action="create", obj=entry, before=None, after=snapshot(entry), reason=reason)
    _refresh_facts([project.pk], [year])
    return entry


DEFAULT_CATEGORIES = [("industry", "产业", 1), ("infrastructure", "基础设施", 2), ("social", "社会民生", 3),
                      ("ecology", "生态环保", 4), ("other", "其他", 9)]


def ensure_categories() -> None:
    """The categories DOMAIN.md names (also seeded by migration; a flushed database needs them again)."""
    for code, name, order in DEFAULT_CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


# ---------------------------------------------------------------- breakdown dimensions (分类维度)

DEFAULT_SECTORS = [("transport", "交通"), ("energy", "能源"), ("water", "农林水利"), ("social", "社会事业"),
                   ("urban", "城建环保"), ("commerce", "商贸服务"), ("industry", "工业科技")]
DEFAULT_NATURES = [("new", "新建"), ("continuing", "续建")]
DIMENSIONS = {"category": (Category, "项目类别"), "sector": (Sector, "行业领域"), "nature": (BuildNature, "建设性质")}
DIMENSION_FIELDS = ["code", "name", "sort_order", "active"]
CODE_RE = __import__("re").compile(r"[A-Za-z0-9_-]{1,30}")


def ensure_dimensions(city) -> None:
    """A city's default 行业领域 and 建设性质 (also seeded by migration for the cities that existed then)."""
    for model, rows in ((Sector, DEFAULT_SECTORS), (BuildNature, DEFAULT_NATURES)):
        for order, (code, name) in enumerate(rows, start=1):
            model.objects.get_or_create(city=city, code=code, defaults={"name": name, "sort_order": order})


def _require_dimension_admin(actor, kind: str, city) -> None:
    from django.core.exceptions import PermissionDenied

    if kind == "category":
        # 项目类别 are shared by every city (the engine and the bulletins filter by them): the platform's.
        if actor is None or not (actor.is_active and actor.is_superuser):
            raise PermissionDenied("项目类别为全平台共用, 只有系统管理员可以修改")
        return
    _require_city_admin(actor, city)


def _check_dimension(*, model, label: str, city, code: str, name: str, sort_order, exclude=None) -> tuple:
    code, name = (code or "").strip(), (name or "").strip()
    if not name:
        raise InputError(f"{label}名称不能为空", field="name")
    if len(name) > model._meta.get_field("name").max_length:
        raise InputError(f"{label}名称过长 (最多 {model._meta.get_field('name').max_length} 字)", field="name")
    if not CODE_RE.fullmatch(code):
        raise InputError(f"代码应为 1-30 位字母、数字、下划线或连字符: {code[:40]!r}", field="code")
    if isinstance(sort_order, bool) or not isinstance(sort_order, int) or not 0 <= sort_order <= 9999:
        raise InputError(f"排序应为 0-9999 的整数: {sort_order!r}", field="sort_order")
    others = model.objects.all() if city is None else model.objects.filter(city=city)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.filter(code=code).exists():
        raise InputError(f"已有代码为 {code} 的{label}", field="code")
    if others.filter(name=name).exists():
        raise InputError(f"已有名为 {name} 的{label}", field="name")
    return code, name


@transaction.atomic
def add_dimension(*, actor, kind: str, city=None, code: str, name: str, sort_order: int = 0, reason: str = ""):
    """Add a 项目类别 (platform-wide), 行业领域 or 建设性质 (the city's)."""
    if kind not in DIMENSIONS:
        raise InputError(f"分类维度未知: {kind!r}", field="kind")
    model, label = DIMENSIONS[kind]
    _require_dimension_admin(actor, kind, city)
    code, name = _check_dimension(model=model, label=label, city=None if kind == "category" else city, code=code,
                                  name=name, sort_order=sort_order)
    extra = {} if kind == "category" else {"city": city}
    obj = model.objects.create(code=code, name=name, sort_order=sort_order, **extra)
    record_change(actor=actor, action="create", obj=obj, before=None, after=snapshot(obj), reason=reason)
    return obj


def dimension_kind(obj) -> str:
    return next(k for k, (model, _) in DIMENSIONS.items() if isinstance(obj, model))


@transaction.atomic
def update_dimension(*, actor, obj, reason: str = "", **changes):
    """Rename, re-code, reorder, retire (active False) or restore a dimension value. Projects keep theirs."""
    unknown = set(changes) - set(DIMENSION_FIELDS)
    if unknown:
        raise InputError(f"不能修改的字段: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    kind = dimension_kind(obj)
    model, label = DIMENSIONS[kind]
    obj = model.objects.select_for_update().get(pk=obj.pk)
    city = None if kind == "category" else obj.city
    _require_dimension_admin(actor, kind, city)
    before = snapshot(obj, DIMENSION_FIELDS)
    changes["code"], changes["name"] = _check_dimension(
        model=model, label=label, city=city, code=changes.get("code", obj.code), name=changes.get("name", obj.name),
        sort_order=changes.get("sort_order", obj.sort_order), exclude=obj)
    for f, v in changes.items():
        setattr(obj, f, v)
    obj.save()
    record_change(actor=actor, action="update", obj=obj, before=before, after=snapshot(obj, DIMENSION_FIELDS),
                  reason=reason)
    return obj
@transaction.atomic
def set_monthly_plan(*, entry: ListEntry, cumulative: dict[int, object], actor, reason: str = "") -> int:
    """分月计划: set a list entry's planned cumulative investment (万元) through the months given
    ({month: amount}; months not given keep their value). The whole year must never decrease month to month.
    The actor must be able to write the project. Returns how many months were created or changed (audited)."""
    from django.core.exceptions import PermissionDenied

    from tuijin.projects.scoping import WRITE, projects_for

    from .models import EntryMonthlyPlan

    if actor is None:
        raise PermissionDenied("分月计划须由具体用户修改")
    if not projects_for(actor, WRITE).filter(pk=entry.project_id).exists():
        raise PermissionDenied("该项目不在您的权限范围内")
    wanted: dict[int, Decimal] = {}
    for month, value in cumulative.items():
        if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
            raise InputError(f"月份应在 1-12 之间, 收到 {month!r}", field="month")
        wanted[month] = _amount(value, f"m{month}", f"{month}月累计计划")
    existing = {p.month: p for p in EntryMonthlyPlan.objects.select_for_update().filter(entry=entry)}
    merged = {m: p.cumulative_plan for m, p in existing.items()} | wanted
    previous: tuple[int, Decimal] | None = None
    for month in sorted(merged):
        if previous and merged[month] < previous[1]:
            raise InputError(f"{month}月累计计划 {merged[month]} 万元小于{previous[0]}月的 {previous[1]} 万元 "
                             "(累计计划不能减少)", field=f"m{month}")
        previous = (month, merged[month])
    changed = 0
    for month, amount in sorted(wanted.items()):
        plan = existing.get(month)
        if plan is None:
            plan = EntryMonthlyPlan.objects.create(entry=entry, month=month, cumulative_plan=amount)
            record_change(actor=actor, action="create", obj=plan, before=None, after=snapshot(plan), reason=reason,
                          project_id=entry.project_id)
        elif plan.cumulative_plan != amount:
            before = snapshot(plan)
            plan.cumulative_plan = amount
            plan.save(update_fields=["cumulative_plan"])
            record_change(actor=actor, action="update", obj=plan, before=before, after=snapshot(plan),
                          reason=reason, project_id=entry.project_id)
        else:
            continue
        changed += 1
    if changed:
        _refresh_facts([entry.project_id], [entry.year])
    return changed
