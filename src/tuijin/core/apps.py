from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuijin.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from .params import register_converters

        register_converters()
