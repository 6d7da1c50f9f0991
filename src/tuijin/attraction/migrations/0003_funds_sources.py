"""Funds sources become city data (资金来源: code, name, order, counts as foreign), seeded for every existing city
with the defaults 境外, 国内省外, 省内市外, 市内县际; existing arrivals keep their source (市外省内 → 省内市外,
省外 → 国内省外, 境外 → 境外). Contracts get 三次产业 (default 二产); a target may name a funds source and holds
4 decimals."""

import django.db.models.deletion

from django.db import migrations, models

DEFAULTS = [("foreign", "境外", True), ("domestic", "国内省外", False), ("province", "省内市外", False),
            ("county", "市内县际", False)]


def _city_of(OrgUnit, unit, cache):
    if unit.pk in cache:
        return cache[unit.pk]
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    city = unit if unit.kind == "city" else OrgUnit.objects.filter(id__in=ids, kind="city").first()
    cache[unit.pk] = city
    return city


def seed(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    FundsSource = apps.get_model("attraction", "FundsSource")
    FundsArrival = apps.get_model("attraction", "FundsArrival")

    def sources(city):
        out = {}
        for order, (code, name, foreign) in enumerate(DEFAULTS, start=1):
            out[code], _ = FundsSource.objects.get_or_create(
                city=city, code=code, defaults={"name": name, "sort_order": order, "is_foreign": foreign})
        return out

    by_city = {city.pk: sources(city) for city in OrgUnit.objects.filter(kind="city")}
    cache = {}
    for arrival in FundsArrival.objects.select_related("contract__project__unit"):
        city = _city_of(OrgUnit, arrival.contract.project.unit, cache)
        codes = by_city.setdefault(city.pk, sources(city))
        arrival.source_ref = codes.get(arrival.source) or codes["domestic"]
        arrival.save(update_fields=["source_ref"])


class Migration(migrations.Migration):

    dependencies = [
        ("attraction", "0002_amount_ranges"),
        ("orgs", "0003_unit_retirement"),
        ("projects", "0005_seed_city_dimensions"),
    ]

    operations = [
        migrations.CreateModel(
            name="FundsSource",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=30, verbose_name="代码")),
                ("name", models.CharField(max_length=30, verbose_name="名称")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                ("active", models.BooleanField(default=True, verbose_name="在用")),
                ("is_foreign", models.BooleanField(default=False, verbose_name="计入实际到位外资")),
                ("city", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                           to="orgs.orgunit", verbose_name="城市")),
            ],
            options={
                "verbose_name": "资金来源",
                "verbose_name_plural": "资金来源",
                "ordering": ["sort_order", "id"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("city", "code"), name="funds_source_unique_code"),
                    models.UniqueConstraint(fields=("city", "name"), name="funds_source_unique_name"),
                ],
            },
        ),
        migrations.AddField(
            model_name="fundsarrival",
            name="source_ref",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="attraction.fundssource"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
