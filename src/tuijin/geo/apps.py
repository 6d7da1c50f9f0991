from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "tuijin.geo"
    label = "geo"
    verbose_name = "一张图与大屏"
