from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<uuid:public_id>/", views.service_detail, name="service"),
    path("services/<uuid:public_id>/edit/", views.service_edit, name="service_edit"),
    path("locations/new/", views.location_edit, name="location_new"),
    path("locations/<uuid:public_id>/edit/", views.location_edit, name="location_edit"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_edit, name="agreement_new"),
    path("agreements/<uuid:public_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<uuid:public_id>/edit/", views.agreement_edit, name="agreement_edit"),
]
