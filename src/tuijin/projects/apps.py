from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tuijin.projects"
    label = "projects"
    verbose_name = "项目库"

    def ready(self):
        from tuijin.orgs.services import CITY_DEFAULTS

        from .services import ensure_dimensions

        CITY_DEFAULTS.append(ensure_dimensions)  # a new city starts with the default breakdowns
