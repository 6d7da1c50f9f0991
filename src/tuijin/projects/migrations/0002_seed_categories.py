"""Seed the project categories DOMAIN.md names; cities may add more in the admin."""

from django.db import migrations

CATEGORIES = [("industry", "产业", 1), ("infrastructure", "基础设施", 2), ("social", "社会民生", 3),
              ("ecology", "生态环保", 4), ("other", "其他", 9)]


def seed(apps, schema_editor):
    Category = apps.get_model("projects", "Category")
    for code, name, order in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
