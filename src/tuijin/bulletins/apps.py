from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "tuijin.bulletins"
    label = "bulletins"
    verbose_name = "通报"
