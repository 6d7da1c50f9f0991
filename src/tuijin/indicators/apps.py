from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "tuijin.indicators"
    label = "indicators"
    verbose_name = "指标"
