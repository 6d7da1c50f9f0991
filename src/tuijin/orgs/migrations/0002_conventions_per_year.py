"""Conventions per (unit, year): each city's one CityConfig row becomes its initial conventions (year 2000, the
first year the platform knows); its city-wide phased curves move into the conventions of their year (the next
year reading by the basis again, as it did before); CityConfig goes."""

import django.db.models.deletion
from django.db import migrations, models

FIELDS = ["schedule_basis", "rounding", "rate_places", "amount_places", "variance_basis", "big_project_threshold_wan",
          "start_deadline_days"]


def forwards(apps, schema_editor):
    CityConfig = apps.get_model("orgs", "CityConfig")
    Conventions = apps.get_model("orgs", "Conventions")
    ScheduleCurve = apps.get_model("projects", "ScheduleCurve")
    curves: dict[tuple[int, int], list] = {}
    for row in ScheduleCurve.objects.filter(annual_list__isnull=True).order_by("city_id", "year", "month"):
        curves.setdefault((row.city_id, row.year), []).append([row.month, f"{row.cumulative_pct.normalize():f}"])
    for cfg in CityConfig.objects.all():
        years = [y for (c, y) in curves if c == cfg.city_id]
        values = {f: getattr(cfg, f) for f in FIELDS}
        Conventions.objects.create(unit_id=cfg.city_id, year=2000, **values)
        for y in sorted(years):
            Conventions.objects.update_or_create(unit_id=cfg.city_id, year=y,
                                                 defaults={**values, "schedule_curve": curves[cfg.city_id, y]})
            if y + 1 not in years:  # a curve held for its own year only: the next year reads by the basis again
                Conventions.objects.get_or_create(unit_id=cfg.city_id, year=y + 1, defaults=values)
    ScheduleCurve.objects.filter(annual_list__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('projects', '0003_amount_ranges'),
    ]

    operations = [
        migrations.CreateModel(
            name='Conventions',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='起用年度')),
                ('schedule_basis', models.CharField(choices=[('month', '按月 (已过月数 ÷ 12)'), ('day', '按日 (已过天数 ÷ 全年天数)')], default='month', max_length=10, verbose_name='序时进度口径')),
                ('schedule_curve', models.JSONField(blank=True, default=list, help_text='[[月, 累计%], …] 递增并以 [12, 100] 结束; 为空时按口径计算', verbose_name='序时进度曲线')),
                ('rounding', models.CharField(choices=[('half_up', '四舍五入'), ('truncate', '截尾')], default='half_up', max_length=10, verbose_name='取舍规则')),
                ('rate_places', models.PositiveSmallIntegerField(default=1, verbose_name='百分比小数位')),
                ('amount_places', models.PositiveSmallIntegerField(default=1, verbose_name='金额(亿元)小数位')),
                ('variance_basis', models.CharField(choices=[('unrounded', '由未取舍的比率计算'), ('printed', '由印出的比率计算')], default='unrounded', max_length=10, verbose_name='偏差口径')),
                ('big_project_threshold_wan', models.DecimalField(decimal_places=2, default=10000, max_digits=14, verbose_name='亿元以上门槛(万元)')),
                ('start_deadline_days', models.PositiveIntegerField(default=100, verbose_name='百日开工期限(天)')),
                ('wording', models.CharField(choices=[('schedule', '超序时 / 欠序时'), ('time', '快于 / 慢于时间进度'), ('progress', '超进度 / 欠进度')], default='schedule', max_length=10, verbose_name='超欠表述')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conventions', to='orgs.orgunit', verbose_name='单位')),
            ],
            options={
                'verbose_name': '口径',
                'verbose_name_plural': '口径',
                'ordering': ['unit', 'year'],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='CityConfig',
        ),
        migrations.AddConstraint(
            model_name='conventions',
            constraint=models.UniqueConstraint(fields=('unit', 'year'), name='conventions_once_per_unit_year'),
        ),
        migrations.AddConstraint(
            model_name='conventions',
            constraint=models.CheckConstraint(condition=models.Q(('rate_places__lte', 4)), name='conventions_rate_places_max4'),
        ),
        migrations.AddConstraint(
            model_name='conventions',
            constraint=models.CheckConstraint(condition=models.Q(('amount_places__lte', 4)), name='conventions_amount_places_max4'),
        ),
        migrations.AddConstraint(
            model_name='conventions',
            constraint=models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='conventions_year_range'),
        ),
        migrations.AddConstraint(
            model_name='conventions',
            constraint=models.CheckConstraint(condition=models.Q(('big_project_threshold_wan__gte', 0)), name='conventions_threshold_nonnegative'),
        ),
    ]
