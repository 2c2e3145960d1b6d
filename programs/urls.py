from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("models/", views.model_list, name="model_list"),
    path("models/new/", views.model_create, name="model_create"),
    path("models/<int:pk>/", views.model_detail, name="model_detail"),
    path("models/<int:pk>/edit/", views.model_edit, name="model_edit"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("groups/<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path(
        "groups/<int:pk>/members/<int:member_pk>/leave/",
        views.member_leave,
        name="member_leave",
    ),
    path("organisations/", views.org_list, name="org_list"),
    path("organisations/new/", views.org_create, name="org_create"),
    path("organisations/<int:pk>/edit/", views.org_edit, name="org_edit"),
]
