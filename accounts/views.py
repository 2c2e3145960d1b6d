from __future__ import annotations

import math
from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from core.idempotency import Once

from . import queries, scope, services
from .forms import GrantForm, LoginForm, PasswordResetForm, TokenForm, UserCreateForm
from .middleware import IDLE_FLAG
from .models import Grant, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["ended_after_inactivity"] = self.request.session.pop(IDLE_FLAG, False)
        return context


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
        wait = _throttle_seconds(device)
        if wait:
            # A correct code is refused too while throttled: say so, or the user retypes it.
            form.add_error(
                "token",
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second, then type the current code.",
                    "Too many wrong codes. Wait %(seconds)d seconds, then type the current code.",
                    wait,
                )
                % {"seconds": wait},
            )
        elif device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=user, action="login", obj=user, changes={"two_factor": True})
            return redirect("core:home")
        else:
            form.add_error(
                "token", _("This code is not valid. Check your phone's clock and try again.")
            )
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        qr = segno.make(device.config_url, micro=False)
        context["qr_svg"] = qr.svg_inline(scale=4)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/two_factor.html", context)


def _throttle_seconds(device: TOTPDevice) -> int:
    """Seconds left before the device accepts another code (0 when it does now)."""
    allowed, info = device.verify_is_allowed()
    locked_until = (info or {}).get("locked_until")
    if allowed or locked_until is None:
        return 0
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def locked_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


@login_required
@require_POST
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
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("core:home")
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, samesite="Lax")
    messages.success(request, translation.gettext("Language changed."))
    return response


# --- User administration (administrators only; everyone else gets 404) -------------


def _require_admin(request: HttpRequest) -> None:
    if not scope.is_admin(request.user):
        raise Http404


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "accounts/user_list.html", {"users": queries.users_for(request.user)})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    target = queries.get_user(request.user, pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "grants": queries.grants_of(target),
            "has_device": TOTPDevice.objects.filter(user=target).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = UserCreateForm(request.POST or None)
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        created = once.run(
            lambda: services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                language=data["language"],
            )
        )
        messages.success(request, _("Account created. Now grant it a role."))
        return redirect("accounts:user_detail", pk=created.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New user"),
            "submit": _("Create account"),
            "cancel_url": reverse("accounts:user_list"),
        },
    )


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    target = queries.get_user(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=target, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Account reactivated.") if active else _("Account deactivated.")
        )
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    target = queries.get_user(request.user, pk)
    form = PasswordResetForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_reset(
            actor=request.user, user=target, password=form.cleaned_data["new_password1"]
        )
        messages.success(request, _("Password changed. Give it to the user in person."))
        return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New password for %(user)s") % {"user": target.username},
            "submit": _("Set password"),
            "cancel_url": reverse("accounts:user_detail", args=[target.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    target = queries.get_user(request.user, pk)
    form = GrantForm(request.POST or None, instance=Grant(user=target))
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        once.run(
            lambda: services.grant_add(
                actor=request.user,
                user=target,
                role=data["role"],
                peer_group=data.get("peer_group"),
                organisation=data.get("organisation"),
                support_model=data.get("support_model"),
                province=data.get("province"),
            )
        )
        messages.success(request, _("Role granted."))
        return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Grant a role to %(user)s") % {"user": target.username},
            "submit": _("Grant"),
            "cancel_url": reverse("accounts:user_detail", args=[target.pk]),
        },
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    _require_admin(request)
    grant = queries.get_grant(request.user, pk, grant_pk)
    services.grant_revoke(actor=request.user, grant=grant)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", pk=pk)


@login_required
@require_POST
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    target = queries.get_user(request.user, pk)
    services.two_factor_reset(actor=request.user, user=target)
    messages.success(
        request, _("Two-step verification reset: the user sets it up again at the next login.")
    )
    return redirect("accounts:user_detail", pk=target.pk)
