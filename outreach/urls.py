from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/new/<uuid:public_id>/", views.contact_new_for, name="contact_new_for"),
    path("stock/", views.stock_list, name="stock"),
    path("stock/receive/", views.stock_receive, name="stock_receive"),
    path("materials/", views.material_list, name="materials"),
    path("materials/new/", views.material_new, name="material_new"),
]
