from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("<uuid:public_id>/", views.activity_detail, name="activity_detail"),
    path("establishments/", views.establishment_list, name="establishment_list"),
    path("establishments/new/", views.establishment_create, name="establishment_create"),
    path(
        "establishments/<uuid:public_id>/",
        views.establishment_detail,
        name="establishment_detail",
    ),
    path("hotline/", views.hotline_shift, name="hotline_shift"),
    path("hotline/new/", views.call_create, name="call_create"),
    path("hotline/<uuid:public_id>/", views.call_detail, name="call_detail"),
    path("hotline/<uuid:public_id>/done/", views.call_follow_up_done, name="call_follow_up_done"),
]
