"""Seed the default sentence templates (rows with no city); cities override them on the templates page."""

from django.db import migrations


def seed(apps, schema_editor):
    from tuijin.bulletins import defaults
    from tuijin.bulletins.defaults import DEFAULT_TEMPLATES

    off = getattr(defaults, "OFF_BY_DEFAULT", set())  # sentences a city switches on itself (issue 20)

    SentenceTemplate = apps.get_model("bulletins", "SentenceTemplate")
    have = set(SentenceTemplate.objects.filter(city__isnull=True).values_list("key", flat=True))
    SentenceTemplate.objects.bulk_create([
        SentenceTemplate(key=key, section=str(section), order=order, text=text, enabled=key not in off)
        for key, section, order, text in DEFAULT_TEMPLATES if key not in have
    ])


def unseed(apps, schema_editor):
    apps.get_model("bulletins", "SentenceTemplate").objects.filter(city__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
