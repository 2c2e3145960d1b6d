from __future__ import annotations

from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .forms import LoginForm, TokenForm
from .models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up TOTP on first use, then ask for a code at each login."""
    user = cast(User, request.user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    assert device is not None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=user, action="login", obj=user, changes={"two_factor": True})
            return redirect("core:home")
        form.add_error(
            "token", _("This code is not valid. Check your phone's clock and try again.")
        )
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        qr = segno.make(device.config_url, micro=False)
        context["qr_svg"] = qr.svg_inline(scale=4)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/two_factor.html", context)


def locked_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


@login_required
def language(request: HttpRequest) -> HttpResponse:
    """Remember the user's language choice on their account as well as in the cookie."""
    from django.conf import settings
    from django.utils import translation

    lang = request.POST.get("language", "vi")
    if lang not in dict(settings.LANGUAGES):
        lang = "vi"
    user = cast(User, request.user)
    user.language = lang
    user.save(update_fields=["language"])
    translation.activate(lang)
    response = redirect(request.POST.get("next") or "core:home")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, samesite="Lax")
    messages.success(request, translation.gettext("Language changed."))
    return response
