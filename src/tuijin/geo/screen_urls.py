"""大屏 (/screen/): the big screen, its data as JSON, the kiosk links and the kiosk's own token-protected pages."""

from django.urls import path

from . import views

app_name = "screen"

urlpatterns = [
    path("", views.screen, name="screen"),
    path("data/", views.screen_data, name="data"),
    path("kiosks/", views.kiosks, name="kiosks"),
    path(
        "k/<str:token>/", views.kiosk, name="kiosk"
    ),  # no login: the token (only its hash is stored)
    path("k/<str:token>/data/", views.kiosk_data, name="kiosk_data"),
]
