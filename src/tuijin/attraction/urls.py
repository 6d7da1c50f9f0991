"""URLs of 招商引资 and 目标任务, mounted at /attraction/."""

from django.urls import path

from . import views

app_name = "attraction"
urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<id:lead_id>/", views.lead_detail, name="lead"),
    path("leads/<id:lead_id>/move/", views.lead_move, name="lead_move"),
    path("leads/<id:lead_id>/contact/", views.lead_contact, name="lead_contact"),
    path("leads/<id:lead_id>/sign/", views.lead_sign, name="lead_sign"),
    path("leads/<id:lead_id>/decide/", views.lead_decide, name="lead_decide"),
    path("leads/<id:lead_id>/event/", views.lead_event, name="lead_event"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<id:event_id>/", views.event_detail, name="event"),
    path("events/<id:event_id>/edit/", views.event_edit, name="event_edit"),
    path("contracts/<id:contract_id>/", views.contract_detail, name="contract"),
    path("contracts/<id:contract_id>/milestone/", views.contract_milestone, name="contract_milestone"),
    path("contracts/<id:contract_id>/arrival/", views.contract_arrival, name="contract_arrival"),
    path("targets/new/", views.target_create, name="target_create"),
    path("import/", views.import_register, name="import"),
    path("export/leads.xlsx", views.export_leads, name="export_leads"),
    path("export/contracts.xlsx", views.export_contracts, name="export_contracts"),
]
