"""Programme management pages. Thin: check the role (404 when wrong), call a query or a
service. Scope is decided in queries.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import roles, scope
from accounts.http import AuthedRequest
from core import pages

from . import queries, services
from .forms import (
    MemberLeaveForm,
    MembershipForm,
    OrganisationForm,
    PeerGroupForm,
    SupportModelForm,
)
from .services import OrganisationDetails, PeerGroupDetails, SupportModelDetails

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class _Kind:
    """A kind of record with a form page (support model, peer group, organisation): what
    its form's values become, the services that create and update it (the update's
    keyword for the record), the messages and titles, and where the pages lead."""

    details: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    keyword: str
    created: StrOrPromise
    saved: StrOrPromise
    new_title: StrOrPromise
    edit_title: StrOrPromise
    list_url: str
    detail_url: str = ""  # none: the pages lead back to the list


_KINDS = {
    "model": _Kind(
        SupportModelDetails,
        services.support_model_create,
        services.support_model_update,
        "model",
        gettext_lazy("Support model created."),
        gettext_lazy("Support model saved."),
        gettext_lazy("New support model"),
        gettext_lazy("Edit support model"),
        "programs:model_list",
        "programs:model_detail",
    ),
    "group": _Kind(
        PeerGroupDetails,
        services.peer_group_create,
        services.peer_group_update,
        "group",
        gettext_lazy("Peer group created."),
        gettext_lazy("Peer group saved."),
        gettext_lazy("New peer group"),
        gettext_lazy("Edit peer group"),
        "programs:group_list",
        "programs:group_detail",
    ),
    "organisation": _Kind(
        OrganisationDetails,
        services.organisation_create,
        services.organisation_update,
        "organisation",
        gettext_lazy("Organisation created."),
        gettext_lazy("Organisation saved."),
        gettext_lazy("New organisation"),
        gettext_lazy("Edit organisation"),
        "programs:org_list",
    ),
}


def _record_form(
    request: AuthedRequest, form: Any, kind: str, *, instance: Model | None = None
) -> HttpResponse:
    """The form page of a model, group or organisation (`kind`): what was typed goes, as
    the kind's details, to its service creating the record, or updating `instance`,
    which writes it with its audit entry. The form must not write: validating a
    ModelForm changed `instance` in memory, so it is read again first."""
    k = _KINDS[kind]

    def run() -> Any:
        save: Callable[..., Any] = k.create
        if instance is not None:
            instance.refresh_from_db()
            save = partial(k.update, **{k.keyword: instance})
        return save(actor=request.user, details=k.details(**form.cleaned_data))

    to: str | Callable[[Any], str] = k.list_url
    if instance is not None:
        if k.detail_url:
            to = reverse(k.detail_url, args=[instance.pk])
        return pages.form_view(
            request, form, run, creates=False, success=str(k.saved), to=to, title=str(k.edit_title)
        )
    if k.detail_url:

        def to(record: Any) -> str:
            return reverse(k.detail_url, args=[record.pk])

    return pages.form_view(
        request,
        form,
        run,
        creates=True,
        success=str(k.created),
        to=to,
        title=str(k.new_title),
        back=reverse(k.list_url) if k.detail_url else "",
    )


# --- Support models ---------------------------------------------------------------


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    models = queries.support_models_for(request.user).prefetch_related("peer_groups")
    editable = set(queries.editable_support_models(request.user).values_list("pk", flat=True))
    return render(
        request,
        "programs/model_list.html",
        {
            "models": models,
            "editable": editable,
            "can_create": queries.can_create_support_model(request.user),
        },
    )


@login_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    model = queries.get_support_model(request.user, pk)
    groups = queries.with_member_counts(model.peer_groups.all())
    can_edit = queries.editable_support_models(request.user).filter(pk=model.pk).exists()
    return render(
        request,
        "programs/model_detail.html",
        {
            "model": model,
            "communes": model.communes.select_related("province"),
            "groups": groups,
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def model_create(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    if not queries.can_create_support_model(request.user):
        raise Http404
    form = SupportModelForm(
        request.POST or None, organisations=queries.organisations_for(request.user)
    )
    return _record_form(request, form, "model")


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    model = queries.get_support_model(request.user, pk, for_update=True)
    form = SupportModelForm(
        request.POST or None,
        instance=model,
        organisations=queries.organisations_for(request.user),
    )
    if not scope.is_admin(request.user):
        form.fields["province"].disabled = True
        form.fields["province"].help_text = _("Only an administrator can move a model.")
    return _record_form(request, form, "model", instance=model)


# --- Peer groups and members -----------------------------------------------------


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.GROUP_ADMINS)
    groups = queries.with_member_counts(queries.peer_groups_for(request.user)).order_by(
        "support_model__province__name", "support_model__name", "name"
    )
    return render(
        request,
        "programs/group_list.html",
        {
            "groups": groups,
            "can_create": queries.editable_support_models(request.user).exists(),
        },
    )


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.GROUP_ADMINS)
    group = queries.get_peer_group(request.user, pk)
    members = list(queries.members_of(group))
    return render(
        request,
        "programs/group_detail.html",
        {
            "group": group,
            "communes": group.communes.select_related("province"),
            "members": members,
            "current": [m for m in members if m.left_on is None],
            "former": [m for m in members if m.left_on is not None],
            "can_edit": queries.editable_peer_groups(request.user).filter(pk=group.pk).exists(),
            "can_manage_members": queries.member_managed_peer_groups(request.user)
            .filter(pk=group.pk)
            .exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    models = queries.editable_support_models(request.user)
    if not models.exists():
        raise Http404
    initial = {}
    if request.GET.get("model", "").isdigit():
        initial["support_model"] = request.GET["model"]
    form = PeerGroupForm(request.POST or None, initial=initial, support_models=models)
    return _record_form(request, form, "group")


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    group = queries.get_peer_group(request.user, pk, for_update=True)
    form = PeerGroupForm(
        request.POST or None,
        instance=group,
        support_models=queries.editable_support_models(request.user),
    )
    return _record_form(request, form, "group", instance=group)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.GROUP_ADMINS)
    group = queries.get_peer_group(request.user, pk, for_members=True)
    form = MembershipForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    return pages.form_view(
        request,
        form,
        lambda: services.membership_add(actor=request.user, peer_group=group, **form.cleaned_data),
        success=_("Member added."),
        to=reverse("programs:group_detail", args=[group.pk]),
        title=_("Add a member to %(group)s") % {"group": group.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.GROUP_ADMINS)
    member = queries.get_membership(request.user, pk, member_pk)
    form = MembershipForm(request.POST or None, instance=member)

    def save() -> object:
        member.refresh_from_db()  # the form must not write: the service does (_record_form)
        return services.membership_update(
            actor=request.user, membership=member, **form.cleaned_data
        )

    return pages.form_view(
        request,
        form,
        save,
        creates=False,
        success=_("Member saved."),
        to=reverse("programs:group_detail", args=[pk]),
        title=_("Edit member"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.GROUP_ADMINS)
    member = queries.get_membership(request.user, pk, member_pk)
    form = MemberLeaveForm(
        request.POST or None,
        membership=member,
        initial={"left_on": member.left_on or timezone.localdate()},
    )
    return pages.form_view(
        request,
        form,
        lambda: services.membership_leave(
            actor=request.user, membership=member, left_on=form.cleaned_data["left_on"]
        ),
        creates=False,
        success=_("Member marked as left."),
        to=reverse("programs:group_detail", args=[pk]),
        title=_("%(alias)s left the group") % {"alias": member.alias},
        submit=_("Mark as left"),
    )


# --- Organisations ---------------------------------------------------------------


def _org_form_provinces(user: Any) -> set[str] | None:
    """None for administrators (anything); a coordinator's model provinces otherwise."""
    return None if scope.is_admin(user) else queries.coordinator_provinces(user)


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    organisations = queries.organisations_for(request.user).order_by("province__name", "name")
    editable = set(queries.editable_organisations(request.user).values_list("pk", flat=True))
    return render(
        request,
        "programs/org_list.html",
        {
            "organisations": organisations,
            "editable": editable,
            "can_create": queries.can_create_organisation(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    if not queries.can_create_organisation(request.user):
        raise Http404
    form = OrganisationForm(request.POST or None, provinces=_org_form_provinces(request.user))
    return _record_form(request, form, "organisation")


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    org = queries.get_organisation(request.user, pk, for_update=True)
    form = OrganisationForm(
        request.POST or None, instance=org, provinces=_org_form_provinces(request.user)
    )
    return _record_form(request, form, "organisation", instance=org)
