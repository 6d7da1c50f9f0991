"""The 招商引资 paragraph (issue 20): its section and its default sentences seeded into an existing database
(the seed adds only missing keys, so running it again changes nothing)."""

import importlib

from django.db import migrations, models

_seed = importlib.import_module("tuijin.bulletins.migrations.0002_seed_templates")


class Migration(migrations.Migration):

    dependencies = [
        ("bulletins", "0005_bulletin_issue"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sentencetemplate",
            name="section",
            field=models.CharField(choices=[("overview", "总体情况"), ("lists", "重点清单项目"), ("events", "招引落地"),
                                            ("unit_events", "各板块招引落地"), ("ranking", "板块排名"),
                                            ("lagging", "进度滞后"), ("chains", "产业集群和产业链"),
                                            ("targets", "目标任务"), ("attraction", "招商引资"),
                                            ("livelihood", "民生实事"), ("problems", "问题协调"), ("empty", "无数据")],
                                   max_length=20, verbose_name="段落"),
        ),
        migrations.RunPython(_seed.seed, migrations.RunPython.noop),
    ]
