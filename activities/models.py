"""Group activities (meetings, trainings, workshops, communication sessions, dialogues,
mobile health-check days) and what was handed out or delivered at them. Establishments
and their agreements are `programs`'; the hotline call log is the `hotline` app's.

Every figure the seeds report must be countable: participants are one row per kind
(`ActivityParticipants`), not free text; topics are codes."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.fields import user_field
from geo.fields import commune_field, legacy_commune_field
from programs import fields as programs_fields


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Group meeting")
    TRAINING = "training", _("Training")
    WORKSHOP = "workshop", _("Workshop")
    COMMUNICATION = "communication", _("Communication session")
    DIALOGUE = "dialogue", _("Dialogue")
    HEALTH_DAY = "health_day", _("Mobile health-check day")


class Audience(models.TextChoices):
    """Who an activity was for: tells "3 owner workshops" from "4 group workshops"."""

    MEMBERS = "members", _("Core and network members")
    OFFICIALS = "officials", _("Officials")
    TEACHERS = "teachers", _("Teachers")
    PROVIDERS = "providers", _("Groups and service providers")
    OWNERS = "owners", _("Groups and establishment owners")
    GROUPS = "groups", _("Between groups")
    COMMUNITY = "community", _("Community")
    ESTABLISHMENT = "establishment", _("Establishment workers")
    TRIPARTITE = "tripartite", _("Tripartite: state agency, owners and workers")
    CLIENTS = "clients", _("Clients")


class VenueType(models.TextChoices):
    COMMUNITY = "community", _("Community (residential area)")
    ESTABLISHMENT = "establishment", _("Business establishment")
    GROUP_PLACE = "group_place", _("Group's meeting place")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    AGENCY = "agency", _("Agency or hall")
    SCHOOL = "school", _("School")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class ParticipantKind(models.TextChoices):
    MEMBER = "member", _("Peer-group members")
    CLIENT = "client", _("Clients")
    PROVIDER = "provider", _("Service providers")
    OFFICIAL = "official", _("Officials")
    OWNER = "owner", _("Establishment owners")
    WORKER = "worker", _("Establishment workers")
    RESIDENT = "resident", _("Residents")
    STUDENT = "student", _("Students")


class Topic(models.TextChoices):
    SRH = "srh", _("Sexual and reproductive health")
    HIV_STI = "hiv_sti", _("HIV/STI prevention")
    SAFER_SEX = "safer_sex", _("Safer sex")
    VIOLENCE = "violence", _("Violence and gender-based violence")
    LEGAL = "legal", _("Legal rights and policy")
    WORKER_RIGHTS = "worker_rights", _("Workers' rights")
    LIVELIHOOD = "livelihood", _("Livelihood and vocational training")
    DRUGS = "drugs", _("Drug use and harm reduction")
    GROUP_SKILLS = "group_skills", _("Group skills, planning and outreach")
    REFERRAL = "referral", _("Services and referral")
    OTHER = "other", _("Other")


class Activity(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    held_on = models.DateField(_("date"))
    commune = commune_field()
    # Set only for activities recorded under a pre-1 July 2025 commune.
    legacy_commune = legacy_commune_field()
    venue_type = models.CharField(_("venue type"), max_length=20, choices=VenueType.choices)
    organiser = programs_fields.optional_organisation_field("organised_activities", _("organiser"))
    support_model = programs_fields.support_model_field("activities")
    peer_group = programs_fields.optional_peer_group_field("activities")
    topics = models.JSONField(_("topics"), default=list, blank=True)
    establishments = models.ManyToManyField(
        "programs.Establishment",
        blank=True,
        related_name="activities",
        verbose_name=_("establishments"),
    )
    recorded_by = user_field(_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["kind", "held_on"])]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.held_on:%d/%m/%Y}"

    @property
    def total_participants(self) -> int:
        return sum(p.count for p in self.participants.all())


class ActivityParticipants(models.Model):
    """How many people of one kind took part (one row per kind)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=20, choices=ParticipantKind.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        ordering = ["activity", "kind"]
        verbose_name = _("participants")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind"], name="uniq_activity_participants")
        ]


class ActivityAttendance(models.Model):
    """One attendee named on the list: a group member (by alias) or a client (by code)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "programs.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(member__isnull=False) & models.Q(client__isnull=True))
                | (models.Q(member__isnull=True) & models.Q(client__isnull=False)),
                name="attendance_member_xor_client",
            ),
            models.UniqueConstraint(fields=["activity", "member"], name="uniq_attendance_member"),
            models.UniqueConstraint(fields=["activity", "client"], name="uniq_attendance_client"),
        ]


class HealthDayDelivery(models.Model):
    """A service delivered at a mobile health-check day (ServiceDelivery source
    "mobile_day"), linked back to the activity."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="health_day_deliveries"
    )
    delivery = models.OneToOneField(
        "referrals.ServiceDelivery", on_delete=models.CASCADE, related_name="health_day_link"
    )


class ActivityDistribution(models.Model):
    """Materials or commodities handed out at an activity. The stock movement is
    outreach's Distribution; the link lives here so outreach does not depend on us."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="distributions")
    distribution = models.OneToOneField(
        "outreach.Distribution", on_delete=models.CASCADE, related_name="activity_link"
    )
