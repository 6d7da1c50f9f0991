from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/<id:user_id>/active/", views.user_active, name="user_active"),
    path("users/<id:user_id>/password/", views.user_password, name="user_password"),
]
