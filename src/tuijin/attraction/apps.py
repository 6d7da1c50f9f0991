from django.apps import AppConfig


class AttractionConfig(AppConfig):
    name = "tuijin.attraction"
    label = "attraction"
    verbose_name = "招商引资"

    def ready(self):
        from tuijin.orgs.services import CITY_DEFAULTS

        from .services import ensure_funds_sources

        CITY_DEFAULTS.append(ensure_funds_sources)  # a new city starts with the default 资金来源
