"""Periodic reports sent up the chain: support model → province → nation.

A `PeriodicReport` is one reporting unit's report for one period (unique per unit and
period). Its narrative is edited while it is a draft or returned. Each submission freezes
a `ReportVersion`: the figures as they stood (the report's JSON, exact headline totals
of the unit's own area) and the narrative. The level above approves or returns the
latest version; a returned report is corrected and submitted again as the next version.
`ReportingDeadline` says by when the reports of a level are due for a period."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.fields import optional_user_field, user_field
from geo.fields import optional_province_field
from programs import fields as programs_fields


class Level(models.TextChoices):
    MODEL = "model", _("Support model")
    PROVINCE = "province", _("Province")
    NATION = "nation", _("Nation")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# The fields of a report its preparers write (the rest is counted or decided).
NARRATIVE_FIELDS = ("results", "difficulties", "recommendations")
DOCUMENT_FIELDS = (
    "parent_agency",
    "issuing_agency",
    "doc_number",
    "place",
    "recipients",
    "signer_position",
    "signer_name",
)
DRAFT_FIELDS = NARRATIVE_FIELDS + DOCUMENT_FIELDS


class PeriodicReport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    support_model = programs_fields.optional_support_model_field("periodic_reports")
    province = optional_province_field("periodic_reports")
    period_code = models.CharField(_("period"), max_length=30)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    results = models.TextField(_("results"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    # The official document's heading and signature (Decree 30/2020/NĐ-CP), frozen into
    # each version at submission.
    parent_agency = models.CharField(_("governing agency"), max_length=200, blank=True)
    issuing_agency = models.CharField(_("issuing agency"), max_length=200, blank=True)
    doc_number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=60, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "level", "id"]
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        constraints = [
            models.UniqueConstraint(
                fields=["support_model", "period_code"],
                condition=models.Q(level="model"),
                name="submissions_one_model_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["province", "period_code"],
                condition=models.Q(level="province"),
                name="submissions_one_province_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["period_code"],
                condition=models.Q(level="nation"),
                name="submissions_one_national_report_per_period",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(level="model", support_model__isnull=False)
                    | models.Q(level="province", province__isnull=False, support_model=None)
                    | models.Q(level="nation", province=None, support_model=None)
                ),
                name="submissions_unit_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} · {self.period_code}"

    @property
    def unit_name(self) -> str:
        if self.level == Level.MODEL and self.support_model is not None:
            return str(self.support_model)
        if self.level == Level.PROVINCE and self.province is not None:
            return str(self.province)
        return str(_("Whole country"))

    @property
    def area_code(self) -> str | None:
        """The province the report belongs to (None: the nation)."""
        if self.level == Level.MODEL and self.support_model is not None:
            return str(self.support_model.province_id)
        if self.level == Level.PROVINCE:
            return self.province_id
        return None

    def latest_version(self) -> ReportVersion | None:
        return self.versions.order_by("-number").first()

    @property
    def editable(self) -> bool:
        return self.status in {Status.DRAFT, Status.RETURNED}


class ReportVersion(models.Model):
    class Decision(models.TextChoices):
        NONE = "", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    report = models.ForeignKey(PeriodicReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    figures = models.JSONField(_("figures at submission"))
    results = models.TextField(_("results"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    document = models.JSONField(_("document heading and signature"), default=dict)
    submitted_by = user_field()
    submitted_at = models.DateTimeField(_("submitted at"))
    late = models.BooleanField(_("after the deadline"), default=False)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, blank=True, default=""
    )
    decided_by = optional_user_field()
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="submissions_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def values(self) -> dict[str, Any]:
        """Indicator code → the frozen value."""
        return {i["code"]: i["value"] for i in self.figures.get("indicators", [])}


class ReportingDeadline(models.Model):
    period_code = models.CharField(_("period"), max_length=30)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    due_on = models.DateField(_("due on"))
    set_by = user_field()
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_on", "level"]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["period_code", "level"], name="submissions_one_deadline_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_code} {self.level} {self.due_on}"


class Dhis2Push(models.Model):
    """One send of an approved report to the configured DHIS2 server, and its answer."""

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="pushes")
    dry_run = models.BooleanField(_("trial run"))
    url = models.CharField(_("server"), max_length=300)
    http_status = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    status = models.CharField(_("import status"), max_length=20)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    ignored = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    conflicts = models.JSONField(default=list)
    message = models.TextField(blank=True)
    summary = models.JSONField(_("import summary"), default=dict)
    values_sent = models.PositiveIntegerField(default=0)
    pushed_by = user_field()
    pushed_at = models.DateTimeField()

    class Meta:
        ordering = ["-pushed_at", "-id"]
        verbose_name = _("DHIS2 send")
        verbose_name_plural = _("DHIS2 sends")

    def __str__(self) -> str:
        return f"{self.version} {'dry run' if self.dry_run else 'push'} {self.status}"

    @property
    def succeeded(self) -> bool:
        return self.status in {"SUCCESS", "OK", "WARNING"} and not self.conflicts


class ExportJob(models.Model):
    """A file built in the background by the task queue (submissions.jobs): the live
    report as Excel or PDF, which can take many seconds. The file is kept in the
    database (so that any worker machine can build it and any web server hand it out)
    for CAUNOI_EXPORT_KEEP_HOURS, then deleted; only its owner can see or fetch it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    fmt = models.CharField(max_length=10)
    params = models.JSONField(default=dict)  # the report filters (ids and codes only)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background export")
        verbose_name_plural = _("background exports")

    def __str__(self) -> str:
        return f"{self.fmt} {self.state}"
