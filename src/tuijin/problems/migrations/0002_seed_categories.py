"""Seed the problem categories DOMAIN.md names; cities may add more in the admin."""

from django.db import migrations

CATEGORIES = [("land", "用地", 1), ("environment", "环保", 2), ("finance", "融资", 3), ("approval", "审批", 4),
              ("demolition", "拆迁", 5), ("utilities", "水电气", 6), ("labour", "用工", 7), ("other", "其他", 9)]


def seed(apps, schema_editor):
    ProblemCategory = apps.get_model("problems", "ProblemCategory")
    for code, name, order in CATEGORIES:
        ProblemCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
