from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("alerts/<uuid:public_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<uuid:public_id>/withdraw/", views.alert_withdraw, name="alert_withdraw"),
    path("alerts/<uuid:public_id>/approve/", views.alert_approve, name="alert_approve"),
    path("alerts/<uuid:public_id>/decline/", views.alert_decline, name="alert_decline"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<uuid:public_id>/", views.incident_detail, name="incident_detail"),
    path(
        "incidents/<uuid:public_id>/refer/<slug:kind>/",
        views.incident_refer,
        name="incident_refer",
    ),
    path("incidents/<uuid:public_id>/alert/", views.alert_create, name="alert_create"),
]
