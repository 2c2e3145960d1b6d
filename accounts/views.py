from __future__ import annotations

import math
from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import pages
from core.errors import database_unavailable
from core.health import check_database

from . import queries, roles, scope, services
from .client_ip import client_ip
from .forms import (
    EnrolmentCodeForm,
    GrantForm,
    LoginForm,
    PasswordResetForm,
    TokenForm,
    UserCreateForm,
)
from .http import AuthedRequest
from .middleware import IDLE_FLAG, MAX_AGE_FLAG
from .models import Grant, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # Showing the form needs no database, sending it does: during an outage say so
        # now (the 503 page), not after the password was typed.
        if not check_database().ok:
            return database_unavailable(request)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        services.login_record(
            user=cast(User, form.get_user()), step="password", ip=client_ip(self.request)
        )
        return response

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["ended_after_inactivity"] = self.request.session.pop(IDLE_FLAG, False)
        context["ended_at_time_limit"] = self.request.session.pop(MAX_AGE_FLAG, False)
        return context


ENROLMENT_SESSION_KEY = "two_factor_enrolment_code"
# An enrolment code just issued, kept in the (server-side) session only until the user
# page shows it once to the administrator who issued it.
ISSUED_CODE_SESSION_KEY = "issued_enrolment_code"


@login_required
def two_factor(request: AuthedRequest) -> HttpResponse:
    """Ask for a code at each login. Setting up a device first needs the one-time
    enrolment code an administrator handed over: the password alone must not let
    whoever holds it enrol their own authenticator."""
    user = request.user
    device = queries.two_factor_device(user, confirmed=True)
    if device is None:
        return _two_factor_enrol(request, user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _token_accepted(form, device):
            otp_login(request, device)
            services.login_record(user=user, step="two_factor", ip=client_ip(request))
            return redirect("portal:home")
    return render(request, "accounts/two_factor.html", {"form": form, "setting_up": False})


def _token_accepted(form: TokenForm, device: TOTPDevice) -> bool:
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
        return False
    if device.verify_token(form.cleaned_data["token"]):
        return True
    form.add_error("token", _("This code is not valid. Check your phone's clock and try again."))
    return False


def _two_factor_enrol(request: HttpRequest, user: User) -> HttpResponse:
    code_id = request.session.get(ENROLMENT_SESSION_KEY)
    pending = services.enrolment_code_pending(user)
    if code_id is None or pending is None or pending.pk != code_id:
        # Step 1: the enrolment code. No secret is shown before it is given.
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        code_form = EnrolmentCodeForm(request.POST or None)
        if request.method == "POST" and code_form.is_valid():
            accepted = services.enrolment_code_check(user=user, code=code_form.cleaned_data["code"])
            if accepted is not None:
                request.session[ENROLMENT_SESSION_KEY] = accepted.pk
                services.two_factor_device_new(user=user)  # a secret never shown before
                return redirect("accounts:two_factor")
            code_form.add_error(
                "code",
                _(
                    "This enrolment code is not valid, or it expired or was already used. "
                    "Check it, or ask your administrator for a new one."
                ),
            )
        return render(
            request,
            "accounts/two_factor.html",
            {"form": code_form, "setting_up": True, "needs_code": True, "has_code": pending},
        )
    # Step 2: scan the new secret and prove it with a code from the app.
    device = queries.two_factor_device(user, confirmed=False)
    if device is None:
        device = services.two_factor_device_new(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _token_accepted(form, device):
        if services.two_factor_enrol(user=user, device=device, enrolment_code_id=code_id):
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            services.login_record(user=user, step="two_factor", ip=client_ip(request))
            return redirect("portal:home")
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        return redirect("accounts:two_factor")
    qr = segno.make(device.config_url, micro=False)
    context = {
        "form": form,
        "setting_up": True,
        "needs_code": False,
        "qr_svg": qr.svg_inline(scale=4),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
    }
    return render(request, "accounts/two_factor.html", context)


def _throttle_seconds(device: TOTPDevice) -> int:
    """Seconds left before the device accepts another code (0 when it does now)."""
    allowed, info = device.verify_is_allowed()
    locked_until = (info or {}).get("locked_until")
    if allowed or locked_until is None:
        return 0
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def locked_out(request: HttpRequest) -> HttpResponse:
    from axes.helpers import get_cool_off

    return render(
        request,
        "accounts/locked_out.html",
        {"cooloff_timedelta": get_cool_off(request)},
        status=429,
    )


@login_required
@require_POST
def language(request: AuthedRequest) -> HttpResponse:
    """Remember the user's language choice on their account as well as in the cookie."""
    from django.conf import settings
    from django.utils import translation

    lang = request.POST.get("language", "vi")
    if lang not in dict(settings.LANGUAGES):
        lang = "vi"
    services.user_language_set(user=request.user, language=lang)
    translation.activate(lang)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("portal:home")
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, samesite="Lax")
    messages.success(request, translation.gettext("Language changed."))
    return response


# --- User administration (administrators only; everyone else gets 404) -------------


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.ADMINISTRATORS)
    return render(request, "accounts/user_list.html", {"users": queries.users_for(request.user)})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _account(request, pk)
    issued = request.session.get(ISSUED_CODE_SESSION_KEY)
    issued_code = None
    if issued and issued.get("user") == target.pk:
        issued_code = issued.get("code")
        del request.session[ISSUED_CODE_SESSION_KEY]
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "grants": queries.grants_of(target),
            "has_device": TOTPDevice.objects.filter(user=target).exists(),
            "has_confirmed_device": TOTPDevice.objects.filter(user=target, confirmed=True).exists(),
            "pending_code": services.enrolment_code_pending(target),
            "issued_code": issued_code,
        },
    )


def _account(request: HttpRequest, pk: int) -> User:
    """The account an administrator works on; 404 for anyone else, or out of reach."""
    return queries.get_user(scope.require_role(request.user, roles.ADMINISTRATORS), pk)


def _show_code_once(request: HttpRequest, target: User, code: str) -> None:
    request.session[ISSUED_CODE_SESSION_KEY] = {"user": target.pk, "code": code}


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.ADMINISTRATORS)
    form = UserCreateForm(request.POST or None)
    codes: list[str] = []

    def create() -> User:
        data = form.cleaned_data
        user, code = services.user_create_with_enrolment_code(
            actor=request.user,
            username=data["username"],
            password=data["password1"],
            full_name=data["full_name"],
            phone=data["phone"],
            language=data["language"],
        )
        codes.append(code)
        return user

    def created(user: User) -> str:
        if codes:  # a resend finds the account made: its code was shown already
            _show_code_once(request, user, codes[0])
        return _user_page(user.pk)

    return pages.form_view(
        request,
        form,
        create,
        success=_("Account created. Now grant it a role."),
        to=created,
        title=_("New user"),
        submit=_("Create account"),
        back=reverse("accounts:user_list"),
    )


def _user_page(pk: int) -> str:
    return reverse("accounts:user_detail", args=[pk])


@login_required
@require_POST
def user_set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _account(request, pk)
    active = request.POST.get("active") == "1"
    return pages.act(
        request,
        lambda: services.user_set_active(actor=request.user, user=target, active=active),
        success=_("Account reactivated.") if active else _("Account deactivated."),
        to=_user_page(target.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _account(request, pk)
    form = PasswordResetForm(target, request.POST or None)
    return pages.form_view(
        request,
        form,
        lambda: services.user_password_reset(
            actor=request.user, user=target, password=form.cleaned_data["new_password1"]
        ),
        creates=False,
        success=_("Password changed. Give it to the user in person."),
        to=_user_page(target.pk),
        title=_("New password for %(user)s") % {"user": target.username},
        submit=_("Set password"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_add(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _account(request, pk)
    form = GrantForm(request.POST or None, instance=Grant(user=target))
    return pages.form_view(
        request,
        form,
        lambda: services.grant_add(
            actor=request.user,
            user=target,
            role=form.cleaned_data["role"],
            peer_group=form.cleaned_data.get("peer_group"),
            organisation=form.cleaned_data.get("organisation"),
            support_model=form.cleaned_data.get("support_model"),
            province=form.cleaned_data.get("province"),
        ),
        success=_("Role granted."),
        to=_user_page(target.pk),
        title=_("Grant a role to %(user)s") % {"user": target.username},
        submit=_("Grant"),
    )


@login_required
@require_POST
def grant_revoke(request: AuthedRequest, pk: int, grant_pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.ADMINISTRATORS)
    grant = queries.get_grant(request.user, pk, grant_pk)
    services.grant_revoke(actor=request.user, grant=grant)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", pk=pk)


@login_required
@require_POST
def two_factor_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _account(request, pk)
    reset = services.two_factor_reset(actor=request.user, user=target)
    _show_code_once(request, target, reset.enrolment_code)
    messages.success(
        request,
        _(
            "Two-step verification reset: the user sets it up again at the next login, "
            "with the enrolment code below."
        ),
    )
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def enrolment_code_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _account(request, pk)
    code = services.enrolment_code_issue(actor=request.user, user=target)
    _show_code_once(request, target, code)
    messages.success(request, _("New enrolment code issued; any earlier one no longer works."))
    return redirect("accounts:user_detail", pk=target.pk)
