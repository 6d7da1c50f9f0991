"""The arrival's source is the city's FundsSource (seeded and mapped by 0003); targets by source; 三次产业;
the event kind 签约仪式."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("attraction", "0003_funds_sources"),
        ("projects", "0005_seed_city_dimensions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attractionevent",
            name="kind",
            field=models.CharField(choices=[("delegation", "招商团组"), ("fair", "经贸交流会"), ("promotion", "城市推介"),
                                            ("ceremony", "签约仪式")], max_length=20, verbose_name="类型"),
        ),
        migrations.RemoveField(model_name="fundsarrival", name="source"),
        migrations.RenameField(model_name="fundsarrival", old_name="source_ref", new_name="source"),
        migrations.AlterField(
            model_name="fundsarrival",
            name="source",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="arrivals",
                                    to="attraction.fundssource", verbose_name="资金来源"),
        ),
        migrations.AddField(
            model_name="contract",
            name="industry_tier",
            field=models.CharField(choices=[("primary", "一产"), ("secondary", "二产"), ("tertiary", "三产")],
                                   default="secondary", max_length=10, verbose_name="三次产业"),
        ),
        migrations.AddField(
            model_name="target",
            name="source",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="targets", to="attraction.fundssource", verbose_name="资金来源"),
        ),
        migrations.RemoveConstraint(model_name="target", name="target_once_per_level"),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                fields=("unit", "year", "indicator", "level", "annual_list", "category", "source"),
                name="target_once_per_level"),
        ),
        migrations.AlterField(
            model_name="target",
            name="value",
            field=models.DecimalField(decimal_places=4, max_digits=16, verbose_name="目标值"),
        ),
        migrations.AlterField(
            model_name="targetstep",
            name="cumulative_value",
            field=models.DecimalField(decimal_places=4, max_digits=16, verbose_name="累计目标"),
        ),
    ]
