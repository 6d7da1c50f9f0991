from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "tuijin.reminders"
    label = "reminders"
    verbose_name = "提醒"
