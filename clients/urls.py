from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_register, name="register"),
    path("find/", views.client_find, name="find"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("<uuid:public_id>/", views.client_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.client_edit, name="edit"),
    path("<uuid:public_id>/status/", views.client_status, name="status"),
    path("<uuid:public_id>/unmask/", views.client_unmask, name="unmask"),
    path("<uuid:public_id>/consents/new/", views.consent_add, name="consent_add"),
    path(
        "<uuid:public_id>/consents/<int:pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:public_id>/requests/new/", views.request_add, name="request_add"),
    path("<uuid:public_id>/export/", views.client_export, name="export"),
    path("<uuid:public_id>/erase/", views.client_erase, name="erase"),
]
