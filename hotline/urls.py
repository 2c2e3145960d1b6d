"""The hotline's pages, mounted at their first addresses (/activities/hotline/...)."""

from django.urls import path

from . import views

app_name = "hotline"
urlpatterns = [
    path("", views.hotline_shift, name="hotline_shift"),
    path("new/", views.call_create, name="call_create"),
    path("<uuid:public_id>/", views.call_detail, name="call_detail"),
    path("<uuid:public_id>/done/", views.call_follow_up_done, name="call_follow_up_done"),
]
