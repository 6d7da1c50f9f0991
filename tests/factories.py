"""Small factories for hand-made data. Everything goes through the same services as user input."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from tuijin.accounts.models import User
from tuijin.accounts.services import system_actor
from tuijin.orgs.services import create_unit
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import save_report
from tuijin.projects.models import Category
from tuijin.projects.services import add_list_entry, advance_to, create_list, create_project

_serial = itertools.count(1)

# The system actor the factories (and tests that set a world up) write as: services refuse a write without an
# actor, and this one (an unsaved superuser) reaches everything, audited under its name.
SYSTEM = system_actor("测试数据")


def city_tree(city="测试市", districts=("甲区", "乙区"), province="测试省"):
    """A province with one city and its districts; returns (city, {name: district})."""
    from tuijin.orgs.models import OrgUnit

    prov = OrgUnit.objects.filter(name=province, parent=None).first() or create_unit(name=province, kind="province", actor=SYSTEM)
    c = create_unit(name=city, kind="city", parent=prov, actor=SYSTEM)
    return c, {d: create_unit(name=d, kind="district", parent=c, actor=SYSTEM) for d in districts}


def category(name="产业") -> Category:
    # Transactional tests flush the database, migration-seeded categories included: seed them again.
    from tuijin.projects.services import ensure_categories

    ensure_categories()
    return Category.objects.get(name=name)


def project(unit, *, total=Decimal(20000), name=None, category_name="产业", stages=None, code=None, **kw):
    """A project registered in 2020 (so stage dates in later years are valid) with optional stage dates."""
    n = next(_serial)
    p, _ = create_project(
        code=code or f"2023-{320000 + n % 100000:06d}-34-03-{n:05d}1",
        name=name or f"测试项目{n}", unit=unit, category=category(category_name), total_investment=total,
        registered_on=datetime.date(2020, 1, 1), **{"actor": SYSTEM, **kw},
    )
    if stages:
        advance_to(project=p, dates=stages, actor=kw.get("actor", SYSTEM))
    return p


def annual_list(city, name="省重大项目", rank=1):
    return create_list(city=city, name=name, rank=rank, actor=SYSTEM)


def entry(lst, p, *, year=2024, plan=Decimal(1000), **flags):
    return add_list_entry(annual_list=lst, project=p, year=year, annual_plan=plan, **{"actor": SYSTEM, **flags})


def reports(p, year, amounts, status=ReportStatus.ACCEPTED, first_month=1):
    """Monthly amounts (万元) from `first_month` on."""
    return [save_report(project=p, year=year, month=first_month + i, amount=a, status=status, actor=SYSTEM)
            for i, a in enumerate(amounts)]


def user(username, unit, role, password="Tuijin-test-2024!", **kw):
    u = User.objects.create_user(username=username, password=password, unit=unit, role=role, **kw)
    return u


# ---------------------------------------------------------------- added for the engine, chain and service tests


def config(city, *, year=None, **settings):
    """Set a unit's conventions (orgs.Conventions fields: rate_places, rounding, schedule_basis, variance_basis …)
    from `year` on; without a year, for every year (a row for 2000 and every later row the unit has)."""
    from tuijin.orgs.models import Conventions
    from tuijin.orgs.selectors import forget_conventions

    forget_conventions(city)
    rows = [Conventions.objects.get_or_create(unit=city, year=year or 2000)[0]]
    if year is None:
        rows += list(Conventions.objects.filter(unit=city, year__gt=2000))
    for cfg in rows:
        for key, value in settings.items():
            setattr(cfg, key, value)
        cfg.save()
    return rows[0]


def monthly_plan(entry_obj, cumulative: dict):
    """分月计划: planned cumulative investment (万元) through each month given, e.g. {3: 300, 6: 700}."""
    from tuijin.indicators.store import refresh_facts
    from tuijin.projects.models import EntryMonthlyPlan

    rows = [EntryMonthlyPlan.objects.create(entry=entry_obj, month=m, cumulative_plan=Decimal(v))
            for m, v in cumulative.items()]
    refresh_facts([entry_obj.project_id], [entry_obj.year])  # written directly: the store follows, as a service's
    return rows


def curve(city, points: dict, *, year=2024, annual_list=None):
    """序时进度曲线: cumulative schedule share (%) at the months given, e.g. {3: 20, 6: 50, 9: "72.5", 12: 100}:
    a list's own curve, or (no list) the city's conventions for that year (written directly: a partial curve,
    which the conventions service would refuse, is interpolated to 12:100)."""
    from tuijin.orgs.models import Conventions
    from tuijin.orgs.selectors import conventions_for, forget_conventions
    from tuijin.projects.models import ScheduleCurve

    forget_conventions(city)
    if annual_list is None:
        row = Conventions.objects.filter(unit=city, year=year).first()
        if row is None:
            row = conventions_for(city, year)
            row.pk, row.unit, row.year = None, city, year
        row.schedule_curve = [[m, str(v)] for m, v in sorted(points.items())]
        row.save()
        forget_conventions(city)
        return row

    return [ScheduleCurve.objects.create(city=city, annual_list=annual_list, year=year, month=m,
                                         cumulative_pct=Decimal(str(v)))
            for m, v in points.items()]


def taxonomy(city, tree: dict, name="测试产业体系", levels=("产业集群", "产业链")):
    """A primary taxonomy {cluster: [chain, …]}; returns (taxonomy, {name: node})."""
    from tuijin.industry.services import add_node, create_taxonomy

    tax = create_taxonomy(city=city, name=name, level_names=levels, is_primary=True, actor=SYSTEM)
    nodes = {}
    for i, (cluster, chains) in enumerate(tree.items()):
        c = nodes[cluster] = add_node(taxonomy=tax, name=cluster, sort_order=i, actor=SYSTEM)
        for j, chain in enumerate(chains):
            nodes[chain] = add_node(taxonomy=tax, name=chain, parent=c, sort_order=j, actor=SYSTEM)
    return tax, nodes


def enterprise(unit, nodes=(), sales=None, above_scale=True, name=None):
    """An enterprise with monthly invoiced sales {(year, month): 万元}."""
    from tuijin.industry.services import create_enterprise, record_sales

    ent = create_enterprise(unit=unit, name=name or f"测试企业{next(_serial)}", nodes=list(nodes),
                            above_scale=above_scale, actor=SYSTEM)
    for (year, month), amount in (sales or {}).items():
        record_sales(enterprise=ent, year=year, month=month, invoiced_sales=amount, actor=SYSTEM)
    return ent
