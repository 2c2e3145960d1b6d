from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("hotline/new/", views.hotline_referral_new, name="hotline_new"),
    path("client/<uuid:client_id>/", views.client_referrals, name="client"),
    path("client/<uuid:client_id>/new/", views.referral_new, name="new"),
    path("client/<uuid:client_id>/service/", views.peer_delivery_new, name="peer_delivery"),
    path("<uuid:public_id>/", views.referral_detail, name="detail"),
    path("<uuid:public_id>/slip/", views.referral_slip, name="slip"),
    path("<uuid:public_id>/slip.png", views.referral_slip_png, name="slip_png"),
    path("<uuid:public_id>/cancel/", views.referral_cancel, name="cancel"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/find/", views.inbox_find, name="inbox_find"),
    path("inbox/<uuid:public_id>/", views.inbox_detail, name="inbox_detail"),
    path("inbox/<uuid:public_id>/<slug:action>/", views.inbox_action, name="inbox_action"),
    path("services/", views.provider_deliveries, name="provider_deliveries"),
    path("services/new/", views.provider_delivery_new, name="provider_delivery"),
]
