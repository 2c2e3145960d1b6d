"""Referrals of a client to a provider's service, and the service deliveries that
reports count (one person-time = one distinct (client, category, provider, date))."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from accounts.fields import optional_user_field, user_field
from clients.fields import client_field
from directory.taxonomy import category_choices, service_type_choices
from programs import fields as programs_fields

# No 0/O, 1/I/L, U: easy to read aloud and type from a paper slip.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8


def new_referral_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed or a scanner read → a code (spaces, dashes and case ignored;
    a scanned URL keeps only its fragment, `…/inbox/find/#CODE`, or for slips printed
    before codes left the URL path, its last path segment)."""
    value = (raw or "").strip()
    if "#" in value:
        value = value.rsplit("#", 1)[-1]
    if "/" in value:
        value = value.rstrip("/").rsplit("/", 1)[-1]
    value = value.upper().replace("-", "").replace(" ", "")
    return value


class Urgency(models.TextChoices):
    """How soon someone needs help: one scale for referrals and the hotline calls they are
    opened from (a call's urgency is carried over to its referral)."""

    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class Referral(models.Model):
    class FromKind(models.TextChoices):
        PEER = "peer", _("Peer educator")
        HOTLINE = "hotline", _("Hotline")
        COORDINATOR = "coordinator", _("Coordinator")

    Urgency = Urgency

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = (Status.SENT, Status.ACCEPTED)
    # Lower sorts first: emergencies come first in every list.
    PRIORITY: dict[str, int] = {"emergency": 0, "urgent": 1, "routine": 2}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("referral code"), max_length=12, unique=True, default=new_referral_code, editable=False
    )
    client = client_field("referrals")
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service"),
    )
    provider = programs_fields.organisation_field("referrals_received", _("provider"))
    service_type = models.CharField(
        _("service type"), max_length=40, choices=service_type_choices, db_index=True
    )
    from_kind = models.CharField(_("referred from"), max_length=12, choices=FromKind.choices)
    sender = user_field(_("sender"), "referrals_sent")
    reason = models.TextField(_("reason"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    priority = models.PositiveSmallIntegerField(default=2, editable=False)
    note = models.TextField(_("note for the provider"), blank=True)
    override_reason = models.TextField(_("consent override reason"), blank=True)
    # What the sender chose to show the provider about the client, for this referral, with
    # the client's consent to share with that provider (nothing by default). The provider
    # sees the code, the reason and these, nothing else, and only while that consent holds.
    shared_population_groups = models.ManyToManyField(
        "clients.PopulationGroup",
        blank=True,
        related_name="+",
        verbose_name=_("population groups shared with the provider"),
    )
    share_birth_year = models.BooleanField(
        _("year of birth shared with the provider"), default=False
    )
    share_gender = models.BooleanField(
        _("sex and gender identity shared with the provider"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT, db_index=True
    )
    sent_at = models.DateTimeField(_("sent at"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = optional_user_field()
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = optional_user_field()
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = optional_user_field()
    no_show_at = models.DateTimeField(null=True, blank=True)
    no_show_by = optional_user_field()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = optional_user_field()
    expired_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["status", "sent_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ReferralEvent(models.Model):
    """One step of a referral's status flow: who, when, what (and why, if given)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=Referral.Status.choices)
    at = models.DateTimeField()
    actor = optional_user_field()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class ServiceDelivery(models.Model):
    """A service a client received. Duplicates are allowed in the table (a provider and a
    peer may both record it); reports count distinct (client, category, provider, date)."""

    class Source(models.TextChoices):
        REFERRAL = "referral", _("Completed referral")
        WALK_IN = "walk_in", _("Walk-in at the provider")
        MOBILE_DAY = "mobile_day", _("Mobile health-check day")
        PEER_REPORTED = "peer_reported", _("Reported by the peer educator")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = client_field("service_deliveries")
    service_type = models.CharField(
        _("service type"), max_length=40, choices=service_type_choices, db_index=True
    )
    category = models.CharField(
        _("category"), max_length=20, choices=category_choices, db_index=True, editable=False
    )
    provider = programs_fields.organisation_field("service_deliveries", _("provider"))
    service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("service"),
    )
    delivered_on = models.DateField(_("delivered on"), db_index=True)
    referral = models.ForeignKey(
        Referral,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("referral"),
    )
    source = models.CharField(_("recorded from"), max_length=14, choices=Source.choices)
    amount_vnd = models.BigIntegerField(_("amount (VND)"), null=True, blank=True)
    recorded_by = user_field(_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("service delivery")
        verbose_name_plural = _("service deliveries")
        indexes = [models.Index(fields=["provider", "service_type", "delivered_on"])]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} {self.delivered_on}"


# Derived columns are set on pre_save rather than in save(): the signal also fires for raw
# saves (loaddata, fixtures, a dataset loaded from outside), so a record can never be stored
# with a report category or a list priority that disagrees with its service type or urgency.


@receiver(pre_save, sender=Referral)
def _set_priority(sender: Any, instance: Referral, **kwargs: Any) -> None:
    instance.priority = Referral.PRIORITY.get(str(instance.urgency), 2)


@receiver(pre_save, sender=ServiceDelivery)
def _set_category(sender: Any, instance: ServiceDelivery, **kwargs: Any) -> None:
    from directory.taxonomy import category_of

    instance.category = category_of(instance.service_type)
