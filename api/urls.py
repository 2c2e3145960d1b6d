from django.urls import path

from . import offline
from .main import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/", offline.offline, name="offline"),
]
