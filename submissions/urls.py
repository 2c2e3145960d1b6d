from django.urls import path

from . import views

app_name = "submissions"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("table/<str:kind>.<str:fmt>", views.table_file, name="table"),
    path("exports/new/<str:fmt>/", views.export_new, name="export_new"),
    path("exports/<uuid:public_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:public_id>/status/", views.export_status, name="export_status"),
    path("exports/<uuid:public_id>/file/", views.export_download, name="export_download"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/review/", views.review, name="review"),
    path("<uuid:public_id>/dhis2/", views.dhis2_push, name="dhis2_push"),
    path("<uuid:public_id>/v<int:number>.<str:fmt>", views.version_document, name="document"),
]
