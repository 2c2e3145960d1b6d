"""The hotline call log: calls taken by a hotline organisation's counsellors, their
follow-ups, and the referrals opened from them.

The tables keep their first names (`activities_*`): the models moved here from the
activities app by a state-only migration, no row copied."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.fields import optional_user_field, user_field
from clients.fields import optional_client_field
from programs import fields as programs_fields
from referrals.models import Urgency


class HotlineCall(models.Model):
    class CallerKind(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous")
        CLIENT = "client", _("Registered client")

    class Topic(models.TextChoices):
        VIOLENCE = "violence", _("Violence or threat")
        HEALTH = "health", _("Health")
        HIV_STI = "hiv_sti", _("HIV/STI")
        LEGAL = "legal", _("Legal problem or papers")
        PSYCH = "psych", _("Emotional support")
        LIVELIHOOD = "livelihood", _("Livelihood, job or loan")
        DRUGS = "drugs", _("Drug use")
        INFO = "info", _("Information about services")
        OTHER = "other", _("Other")

    Urgency = Urgency  # the referrals' scale: a call's urgency is carried to its referral

    class Action(models.TextChoices):
        COUNSELLED = "counselled", _("Counselled")
        REFERRED = "referred", _("Referred")
        EMERGENCY_PROTECTION = "emergency_protection", _("Emergency protection")
        FOLLOW_UP = "follow_up", _("Follow-up needed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = programs_fields.organisation_field("hotline_calls", _("hotline"))
    started_at = models.DateTimeField(_("start time"))
    # Empty while the call is in progress: it is saved at once and ended later.
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end time"), null=True, blank=True)
    caller_kind = models.CharField(_("caller"), max_length=12, choices=CallerKind.choices)
    client = optional_client_field("hotline_calls")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices)
    action = models.CharField(_("action taken"), max_length=25, choices=Action.choices)
    counsellor = user_field(_("counsellor"), "hotline_calls")
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_done_at = models.DateTimeField(_("follow-up done at"), null=True, blank=True)
    follow_up_done_by = optional_user_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "activities_hotlinecall"  # moved from activities without copying rows
        ordering = ["-started_at", "-id"]
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(caller_kind="anonymous", client__isnull=True)
                | models.Q(caller_kind="client", client__isnull=False),
                name="hotline_call_caller_matches_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.started_at:%d/%m/%Y %H:%M}"

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_needed and self.follow_up_done_at is None

    @property
    def in_progress(self) -> bool:
        return self.duration_minutes is None


class HotlineCallReferral(models.Model):
    """A referral opened from a hotline call (the link lives here, not in referrals)."""

    call = models.ForeignKey(HotlineCall, on_delete=models.CASCADE, related_name="referral_links")
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="hotline_call_link"
    )

    class Meta:
        db_table = "activities_hotlinecallreferral"
