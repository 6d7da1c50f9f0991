"""Seed every existing city's 行业领域 and 建设性质 with the defaults (DOMAIN's breakdowns); new cities get
them through projects.services.ensure_dimensions."""

from django.db import migrations

SECTORS = [("transport", "交通"), ("energy", "能源"), ("water", "农林水利"), ("social", "社会事业"),
           ("urban", "城建环保"), ("commerce", "商贸服务"), ("industry", "工业科技")]
NATURES = [("new", "新建"), ("continuing", "续建")]


def seed(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    Sector = apps.get_model("projects", "Sector")
    BuildNature = apps.get_model("projects", "BuildNature")
    for city in OrgUnit.objects.filter(kind="city"):
        for model, rows in ((Sector, SECTORS), (BuildNature, NATURES)):
            for order, (code, name) in enumerate(rows, start=1):
                model.objects.get_or_create(city=city, code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_city_dimensions_list_years"), ("orgs", "0003_unit_retirement")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
