from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tuijin.projects"
    label = "projects"
    verbose_name = "项目库"
