from django.urls import path

from geo import views as geo_views

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("areas/search/", views.area_search, name="area_search"),
    # Lives in geo; routed here because config/urls.py has no geo entry.
    path("areas/old-communes/", geo_views.legacy_commune_lookup, name="legacy_commune"),
]
