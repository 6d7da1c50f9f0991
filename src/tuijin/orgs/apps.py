from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "tuijin.orgs"
    label = "orgs"
    verbose_name = "组织机构"
