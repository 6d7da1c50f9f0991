from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.bulletin, name="bulletin"),
    path("download/", views.download, name="download"),  # ?format=docx|pdf|json|txt and the page's filters
    path("templates/", views.templates, name="templates"),
    path("issue/", views.issue, name="issue"),  # 签发 (POST: city, through)
    path("oc4ids.json", views.oc4ids, name="oc4ids"),  # ?city=<id>; default: the administrator's city
]
