from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "tuijin.reconciliation"
    label = "reconciliation"
    verbose_name = "统计对账"
