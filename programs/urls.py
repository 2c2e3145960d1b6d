from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("models/", views.model_list, name="model_list"),
]
