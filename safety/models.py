"""Violence incidents (private, client-level) and safety alerts (public within a
province, written separately, never naming or describing the victim).

Fields are kept countable for reports: violence types are one row per type
(`Incident.violence_types` → `ViolenceType`), protection referrals one row per kind
(`IncidentProtection`). The free-text account of what happened is encrypted like client
identity (core.crypto): only the people allowed to see the incident can read it."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.fields import optional_user_field, user_field
from clients.fields import optional_client_field
from core.models import BilingualLookup, Encrypted
from directory.taxonomy import SERVICE_TYPES
from geo.fields import commune_field, province_field
from programs import fields as programs_fields


class ViolenceType(BilingualLookup):
    """Lookup table (rows created by a data migration)."""

    code = models.CharField(max_length=20, primary_key=True)


# code, Vietnamese, English (also used by the data migration and the demo).
VIOLENCE_TYPES: list[tuple[str, str, str]] = [
    ("physical", "Bạo lực thể chất", "Physical"),
    ("sexual", "Bạo lực tình dục", "Sexual"),
    ("economic", "Bạo lực kinh tế", "Economic"),
    ("emotional", "Bạo lực tinh thần", "Emotional"),
    ("papers", "Giữ, tịch thu giấy tờ", "Confiscation of papers"),
    ("threats", "Đe dọa", "Threats"),
]


class Incident(Encrypted):
    class PlaceType(models.TextChoices):
        ESTABLISHMENT = "establishment", _("Business establishment")
        HOTEL = "hotel", _("Hotel or guesthouse")
        STREET = "street", _("Street or public place")
        HOME = "home", pgettext_lazy("place", "Home")
        VEHICLE = "vehicle", _("Vehicle")
        POLICE = "police", _("Police station or office")
        ONLINE = "online", _("Online or phone")
        OTHER = "other", _("Other")

    class Perpetrator(models.TextChoices):
        CLIENT = "client", _("Client (customer)")
        OWNER = "owner", _("Owner or manager")
        PARTNER = "partner", _("Partner")
        POLICE = "police", _("Police or officials")
        OTHER = "other", _("Other")

    class ReportedVia(models.TextChoices):
        PEER = "peer", _("Peer educator")
        HOTLINE = "hotline", _("Hotline")
        PEER_FOR_CLIENT = "peer_for_client", _("Client, through a peer")

    class Action(models.TextChoices):
        COUNSELLED = "counselled", _("Counselled")
        REFERRED = "referred", _("Referred for protection")
        ACCOMPANIED = "accompanied", _("Accompanied by a peer")
        EMERGENCY = "emergency", _("Emergency protection")
        NONE = "none", _("No action wanted")

    crypto_prefix = "incident"

    occurred_on = models.DateField(_("date"))
    place_type = models.CharField(_("place type"), max_length=20, choices=PlaceType.choices)
    province = province_field()
    commune = commune_field()
    violence_types = models.ManyToManyField(
        ViolenceType, related_name="incidents", verbose_name=_("violence types")
    )
    perpetrator_kind = models.CharField(
        _("perpetrator"), max_length=10, choices=Perpetrator.choices
    )
    client = optional_client_field("incidents")
    reported_via = models.CharField(_("reported via"), max_length=20, choices=ReportedVia.choices)
    # Who may see it: the recording peer group, the recording hotline, the model's
    # coordinators. Nobody else.
    peer_group = programs_fields.optional_peer_group_field("incidents", _("recording peer group"))
    hotline = programs_fields.optional_organisation_field("incidents", _("recording hotline"))
    support_model = programs_fields.optional_support_model_field("incidents")
    consent_report = models.BooleanField(_("consents to reporting to authorities"), default=False)
    consent_share = models.BooleanField(_("consents to sharing with providers"), default=False)
    consent_alert = models.BooleanField(_("consents to a safety alert"), default=False)
    action_taken = models.CharField(_("action taken"), max_length=20, choices=Action.choices)
    # Encrypted account of what happened (core.crypto); null when none was written.
    details_blob = models.BinaryField(null=True, editable=False)
    recorded_by = user_field(_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("violence incident")
        verbose_name_plural = _("violence incidents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(peer_group__isnull=False) | models.Q(hotline__isnull=False),
                name="incident_has_recorder_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_place_type_display()} {self.occurred_on:%d/%m/%Y}"


class IncidentProtection(models.Model):
    """One protection referral made for an incident (one row per kind)."""

    class Kind(models.TextChoices):
        SHELTER = "shelter", _("Emergency shelter")
        LEGAL_AID = "legal_aid", _("Legal aid")
        HEALTH = "health", _("Health care")
        COUNSELLING = "counselling", _("Counselling")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="protections")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Set when a referral was actually sent through the referrals app.
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_protection",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind"], name="uniq_incident_protection")
        ]


class SafetyAlert(models.Model):
    """A short warning shared with the peer groups of a province. Written on its own:
    it never copies the incident's text and never names or describes the victim.

    It goes out only once a second person approved it: written (pending) → approved by
    a group leader or coordinator who is not its author (published, the province is
    notified) → withdrawn. A pending alert can be declined. Withdrawing, declining or
    erasing the victim's identity blanks the headline and warning: notifications render
    the alert's text live from this row, so the text is gone from them too."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Subject(models.TextChoices):
        PERSON = "person", _("Dangerous person")
        VEHICLE = "vehicle", _("Vehicle")
        PLACE = "place", _("Place")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    subject = models.CharField(_("warning about"), max_length=10, choices=Subject.choices)
    headline = models.CharField(_("headline"), max_length=120)
    warning = models.TextField(_("warning"), max_length=600)
    province = province_field()
    commune = commune_field()
    issued_on = models.DateField(_("date"))
    expires_on = models.DateField(_("expires on"))
    # The author (who wrote and submitted it); the approver is the second person.
    published_by = user_field(_("written by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    approved_by = optional_user_field(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Why a reviewer declined it, shown to the author (no names: see the form).
    review_note = models.CharField(_("reviewer's note"), max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = optional_user_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("safety alert")
        verbose_name_plural = _("safety alerts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("issued_on")),
                name="alert_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.headline

    def is_active(self, today: date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return (
            self.status == self.Status.PUBLISHED
            and self.withdrawn_at is None
            and self.expires_on >= today
        )

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def text_removed(self) -> bool:
        return self.status in (self.Status.WITHDRAWN, self.Status.DECLINED)


# Service types that answer each protection kind (directory.taxonomy codes).
PROTECTION_SERVICE_TYPES: dict[str, tuple[str, ...]] = {
    IncidentProtection.Kind.SHELTER: ("emergency_shelter", "safety_planning"),
    IncidentProtection.Kind.LEGAL_AID: tuple(
        t.code for t in SERVICE_TYPES.values() if t.category == "legal"
    ),
    IncidentProtection.Kind.HEALTH: tuple(
        t.code for t in SERVICE_TYPES.values() if t.category == "health"
    ),
    IncidentProtection.Kind.COUNSELLING: tuple(
        t.code for t in SERVICE_TYPES.values() if t.category == "psych"
    ),
}
