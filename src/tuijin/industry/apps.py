from django.apps import AppConfig


class IndustryConfig(AppConfig):
    name = "tuijin.industry"
    label = "industry"
    verbose_name = "产业体系"
