from django.urls import path

from . import views

app_name = "submissions"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("table/<str:kind>.<str:fmt>", views.table_file, name="table"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/review/", views.review, name="review"),
    path("<uuid:public_id>/dhis2/", views.dhis2_push, name="dhis2_push"),
    path("<uuid:public_id>/v<int:number>.<str:fmt>", views.version_document, name="document"),
]
