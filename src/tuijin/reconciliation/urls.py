from django.urls import path

app_name = "reconciliation"
urlpatterns: list = []
