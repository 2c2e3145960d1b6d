from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("areas/search/", views.area_search, name="area_search"),
    path("areas/old-communes/", views.legacy_commune_lookup, name="legacy_commune"),
]
