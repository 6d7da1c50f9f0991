"""Seed the default sentence templates (rows with no city); cities override them on the templates page."""

from django.db import migrations


def seed(apps, schema_editor):
    from tuijin.bulletins.defaults import DEFAULT_TEMPLATES

    SentenceTemplate = apps.get_model("bulletins", "SentenceTemplate")
    have = set(SentenceTemplate.objects.filter(city__isnull=True).values_list("key", flat=True))
    SentenceTemplate.objects.bulk_create([
        SentenceTemplate(key=key, section=str(section), order=order, text=text)
        for key, section, order, text in DEFAULT_TEMPLATES if key not in have
    ])


def unseed(apps, schema_editor):
    apps.get_model("bulletins", "SentenceTemplate").objects.filter(city__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
