from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("breakdown/<str:section>/", views.report_breakdown, name="breakdown"),
    path("export/<str:fmt>/", views.report_export_view, name="export"),
]
