"""The competition indicator kind 目标任务完成率 (target_progress, issue 11): the new choice of CampaignIndicator.kind."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='campaignindicator',
            name='kind',
            field=models.CharField(choices=[('completed', '完成投资'), ('annual_plan', '年度计划投资'), ('completion_rate', '年度投资完成率'), ('schedule_variance', '超欠序时'), ('start_rate', '计划新开工开工率'), ('new_signed_count', '新签约项目个数'), ('new_signed_total', '新签约项目投资'), ('new_started_count', '新开工项目个数'), ('new_started_total', '新开工项目投资'), ('new_operating_count', '新投产项目个数'), ('new_operating_total', '新投产项目投资 (落地产出)'), ('cohort_start_rate', '签约项目开工率'), ('project_points', '项目赋分 (按项目计分)'), ('target_progress', '目标任务完成率')], max_length=30, verbose_name='指标'),
        ),
    ]
