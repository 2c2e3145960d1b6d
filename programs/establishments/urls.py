"""Establishment pages, mounted at their first addresses (/activities/establishments/...)."""

from django.urls import path

from . import views

app_name = "establishments"
urlpatterns = [
    path("", views.establishment_list, name="establishment_list"),
    path("new/", views.establishment_create, name="establishment_create"),
    path("<uuid:public_id>/", views.establishment_detail, name="establishment_detail"),
]
