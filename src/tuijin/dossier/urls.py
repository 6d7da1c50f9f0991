"""URLs of the dossier (一项目一档), under /projects/: the project page itself is tuijin.web's."""

from django.urls import path

from . import views

app_name = "dossier"

urlpatterns = [
    path("<id:pk>/dossier.pdf", views.dossier_pdf, name="pdf"),
    path("<id:pk>/dossier.docx", views.dossier_docx, name="docx"),
    path("<id:pk>/approvals/new/", views.approval_create, name="approval_create"),
    path("approvals/<id:approval_id>/edit/", views.approval_edit, name="approval_edit"),
    path("approvals/<id:approval_id>/delete/", views.approval_delete, name="approval_delete"),
    path("approvals/<id:approval_id>/file/", views.approval_file, name="approval_file"),
]
