from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tuijin.audit"
    label = "audit"
    verbose_name = "审计记录"
