"""Migrations 0003/0004: an existing database's arrivals keep their source. Before, the source was one of three
fixed codes (province 市外省内, domestic 省外, foreign 境外); after, each city has its sources as data, the four
defaults in order, and each arrival points to its city's source of the same code:

    arrival  city   old code   → source (city, code, name)
    r1       甲市   foreign    → 甲市 foreign 境外 (counts as foreign capital)
    r2       甲市   province   → 甲市 province 省内市外
    r3       乙市   domestic   → 乙市 domestic 国内省外

Both cities get 境外, 国内省外, 省内市外, 市内县际 (sort 1-4); no other source is made."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("attraction", "0002_amount_ranges")]
AFTER = [("attraction", "0004_funds_source_required")]


def _migrate(targets):
    """Migrate the attraction app to `targets`; the models as they then are (the other apps at their latest)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] != "attraction"]
    return executor.loader.project_state(others + targets).apps


@pytest.mark.django_db(transaction=True)
def test_arrivals_keep_their_source():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("attraction")
    apps = _migrate(BEFORE)
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    Category = apps.get_model("projects", "Category")
    Project = apps.get_model("projects", "Project")
    Contract = apps.get_model("attraction", "Contract")
    Arrival = apps.get_model("attraction", "FundsArrival")
    category = Category.objects.get_or_create(code="industry", defaults={"name": "产业"})[0]
    rows = []
    for n, (city_name, code) in enumerate(
        (("甲市", "foreign"), ("甲市", "province"), ("乙市", "domestic"))
    ):
        city = OrgUnit.objects.filter(name=city_name).first()
        if city is None:
            city = OrgUnit.objects.create(name=city_name, kind="city")
            city.path = f"/{city.pk}/"
            city.save()
            district = OrgUnit.objects.create(name=f"{city_name}一区", kind="district", parent=city)
            district.path = f"/{city.pk}/{district.pk}/"
            district.depth = 1
            district.save()
        district = OrgUnit.objects.get(parent=city)
        project = Project.objects.create(
            code=f"MIG-{n}",
            name=f"迁移项目{n}",
            unit=district,
            category=category,
            total_investment=Decimal(1000),
        )
        contract = Contract.objects.create(
            project=project,
            unit=district,
            kind="first",
            signed_on=datetime.date(2024, 1, 1),
            investment=Decimal(1000),
        )
        rows.append(
            Arrival.objects.create(
                contract=contract, date=datetime.date(2024, 2, 1), amount=Decimal(10), source=code
            ).pk
        )
    apps = _migrate(AFTER)
    Arrival = apps.get_model("attraction", "FundsArrival")
    FundsSource = apps.get_model("attraction", "FundsSource")
    got = [
        (a.source.city.name, a.source.code, a.source.name, a.source.is_foreign)
        for a in Arrival.objects.filter(pk__in=rows).select_related("source__city").order_by("pk")
    ]
    assert got == [
        ("甲市", "foreign", "境外", True),
        ("甲市", "province", "省内市外", False),
        ("乙市", "domestic", "国内省外", False),
    ]
    for name in ("甲市", "乙市"):
        assert list(
            FundsSource.objects.filter(city__name=name)
            .order_by("sort_order")
            .values_list("sort_order", "name")
        ) == [(1, "境外"), (2, "国内省外"), (3, "省内市外"), (4, "市内县际")]
    _migrate(latest)
