from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "tuijin.indicators"
    label = "indicators"
    verbose_name = "指标"

    def ready(self):
        # The figure store and the data versions, for the services that keep them in their transaction
        # (tuijin.core.derived: inverted, as the store reads apps whose services refresh it).
        from tuijin.core import derived

        from . import store, versions

        derived.provide(store=store, versions=versions)
