from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tuijin.web"
    label = "web"
    verbose_name = "网页"
