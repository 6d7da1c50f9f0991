from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "tuijin.dossier"
    label = "dossier"
    verbose_name = "项目档案"
