"""URLs of the monthly reporting cycle (月度调度填报), mounted at /reports/."""

from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("<id:project_id>/<year:year>/<month:month>/", views.report_form, name="form"),
    path("review/", views.review_list, name="review"),
    path("review/<id:pk>/", views.review_report, name="review_report"),
    path("review/batch/", views.review_batch, name="review_batch"),
    path("board/", views.board, name="board"),
    path("<id:project_id>/<year:year>/<month:month>/unchanged/", views.file_unchanged, name="unchanged"),
    path("missing/", views.missing, name="missing"),
    path("import/", views.import_reports, name="import"),
    path("import/progress/<str:token>/", views.import_progress, name="import_progress"),
    path("template/", views.report_template, name="template"),
    path("template/projects/", views.projects_template, name="projects_template"),
    path("template/list/", views.list_template, name="list_template"),
    path("template/plans/", views.plans_template, name="plans_template"),
    path("periods/", views.periods, name="periods"),
    path("periods/<id:pk>/", views.period_action, name="period_action"),
    path("photos/<id:pk>/", views.photo, name="photo"),
]
