"""Users, roles and the scope each role is granted within.

A user holds one or more grants. Each grant is a role within exactly one scope:
a peer group, an organisation, a support model, a province or the whole nation.
What a user may see is decided from these grants in each app's queries.py."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.fields import optional_province_field
from programs import fields as programs_fields

from .roles import SUPERVISORS, Role


class ScopeKind(models.TextChoices):
    PEER_GROUP = "peer_group", _("Peer group")
    ORGANISATION = "organisation", _("Organisation")
    SUPPORT_MODEL = "support_model", _("Support model")
    PROVINCE = "province", _("Province")
    NATION = "nation", _("Nation")


# Which scope each role is granted within.
ROLE_SCOPE: dict[str, str] = {
    Role.PEER_EDUCATOR: ScopeKind.PEER_GROUP,
    Role.GROUP_LEADER: ScopeKind.PEER_GROUP,
    Role.HOTLINE: ScopeKind.ORGANISATION,
    Role.PROVIDER: ScopeKind.ORGANISATION,
    Role.COORDINATOR: ScopeKind.SUPPORT_MODEL,
    Role.PROVINCIAL_MANAGER: ScopeKind.PROVINCE,
    Role.NATIONAL_MANAGER: ScopeKind.NATION,
    Role.ADMINISTRATOR: ScopeKind.NATION,
}


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    # The user's active grants, read once per request by accounts.scope.
    _grants_cache: list[Grant]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> set[str]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = set(self.grants.filter(active=True).values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def needs_two_factor(self) -> bool:
        # Supervisors (coordinators, managers, administrators) reach many people's records.
        return bool(self.roles & SUPERVISORS)


class Grant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    peer_group = programs_fields.optional_peer_group_field(
        "grants", _("peer group"), models.CASCADE
    )
    organisation = programs_fields.optional_organisation_field(
        "grants", _("organisation"), models.CASCADE
    )
    support_model = programs_fields.optional_support_model_field("grants", models.CASCADE)
    province = optional_province_field("grants", models.CASCADE)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def scope_kind(self) -> str:
        return ROLE_SCOPE[self.role]

    @property
    def scope_label(self) -> str:
        kind = self.scope_kind
        targets: dict[str, object] = {
            ScopeKind.PEER_GROUP: self.peer_group,
            ScopeKind.ORGANISATION: self.organisation,
            ScopeKind.SUPPORT_MODEL: self.support_model,
            ScopeKind.PROVINCE: self.province,
        }
        target = targets.get(kind)
        return str(target) if target is not None else str(_("Whole country"))

    def clean(self) -> None:
        kind = ROLE_SCOPE.get(self.role)
        fields = {
            ScopeKind.PEER_GROUP: "peer_group",
            ScopeKind.ORGANISATION: "organisation",
            ScopeKind.SUPPORT_MODEL: "support_model",
            ScopeKind.PROVINCE: "province",
        }
        errors: dict[str, object] = {}
        for scope, field in fields.items():
            value = getattr(self, f"{field}_id")
            if scope == kind and value is None:
                errors[field] = _("This role must be granted within a %(scope)s.") % {
                    "scope": ScopeKind(scope).label.lower()
                }
            if scope != kind and value is not None:
                errors[field] = _("Leave this empty for this role.")
        if errors:
            raise ValidationError(errors)


class EnrolmentCode(models.Model):
    """A one-time code an administrator hands over in person, without which nobody can
    set up a two-factor device on an account. Knowing an account's password is then not
    enough to enrol one's own authenticator (trust on first use): a new account, or one
    whose device was reset, needs this code too. Only a salted hash is stored; the code
    is shown once, when issued. It expires, works once, and dies after a few wrong tries."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")
        indexes = [models.Index(fields=["user", "used_at", "expires_at"])]

    def __str__(self) -> str:
        return f"enrolment code {self.pk} for user {self.user_id}"
