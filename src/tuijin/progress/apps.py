from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "tuijin.progress"
    label = "progress"
    verbose_name = "月度调度"
