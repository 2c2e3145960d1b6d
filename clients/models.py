"""The pseudonymous client registry.

A client is known by an opaque short code; the UIC (built from initials, birth year and
sex) is kept only as a keyed hash, for matching.
Name, nickname, phone and notes are optional and only ever stored encrypted
(core.crypto); erasing a client destroys its data key and keeps everything counted."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.fields import optional_user_field, user_field
from core.models import BilingualLookup, Encrypted
from geo.fields import commune_field, legacy_commune_field, province_field
from programs import fields as programs_fields


class PopulationGroup(BilingualLookup):
    """Key population a client belongs to (a client may belong to several)."""

    code = models.CharField(max_length=30, primary_key=True)


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    INTERSEX = "I", _("Intersex")
    UNKNOWN = "U", _("Not stated")


class GenderIdentity(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    TRANS_WOMAN = "trans_woman", _("Transgender woman")
    TRANS_MAN = "trans_man", _("Transgender man")
    NON_BINARY = "non_binary", _("Non-binary")
    NOT_STATED = "not_stated", _("Not stated")


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    MOVED = "moved", _("Moved away")
    REINTEGRATED = "reintegrated", _("Reintegrated")
    DECEASED = "deceased", _("Deceased")


class Client(Encrypted):
    """URLs carry public_id only: never the UIC, short code, name or phone. The identity
    (name, nickname, phone, notes) is envelope-encrypted in `identity_blob`."""

    crypto_prefix = "client"
    short_code = models.CharField(_("short code"), max_length=8, unique=True, editable=False)
    # The UIC's keyed hash (clients.uic.uic_index), never the UIC: built from initials,
    # the mother's initials, birth year and sex, the code itself would identify.
    uic = models.CharField(_("UIC (keyed hash)"), max_length=32, db_index=True, editable=False)
    peer_group = programs_fields.peer_group_field("clients")
    province = province_field()
    commune = commune_field(None)
    # Set only for records imported with a pre-1 July 2025 commune; reports resolve it
    # to the new commune(s) through geo.CommuneConversion.
    legacy_commune = legacy_commune_field()
    establishment = programs_fields.optional_establishment_field("clients")
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    gender_identity = models.CharField(
        _("gender identity"),
        max_length=20,
        choices=GenderIdentity.choices,
        default=GenderIdentity.NOT_STATED,
    )
    population_groups = models.ManyToManyField(
        PopulationGroup, blank=True, related_name="clients", verbose_name=_("population groups")
    )
    is_minor_at_registration = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    registered_on = models.DateField(_("registered on"), default=date.today)
    registered_by = user_field(_("registered by"))
    identity_blob = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    name_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registered_on", "short_code"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [models.Index(fields=["province", "uic"])]

    def __str__(self) -> str:
        return self.short_code

    def age_in(self, year: int) -> int:
        return year - self.birth_year

    @property
    def is_minor(self) -> bool:
        return self.age_in(date.today().year) < 18

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def has_identity(self) -> bool:
        return bool(self.wrapped_key) and bool(self.identity_blob)


class ClientIdentityToken(models.Model):
    """Blind indexes of the identifying stretches of a client's name and nickname
    (core.crypto.name_token_indexes), so that free text meant to be shared (a safety
    alert) can be checked against every client's name without decrypting anyone.
    Rewritten with the identity; deleted on erasure."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="identity_tokens")
    index = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "index"], name="uniq_client_identity_token")
        ]


class ClientStatusChange(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=20, choices=ClientStatus.choices)
    changed_on = models.DateField()
    changed_by = user_field()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-id"]


class Consent(models.Model):
    class Purpose(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Registration and follow-up")
        SHARE_PROVIDER = "share_provider", _("Sharing with a named provider for a referral")
        PHONE_CONTACT = "phone_contact", _("Being contacted by phone")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Verbal")
        WRITTEN = "written", _("Written")
        ELECTRONIC = "electronic", _("Electronic")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    provider = programs_fields.optional_organisation_field("+", _("provider"))
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    taken_by = user_field()
    taken_at = models.DateTimeField(_("taken at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = optional_user_field()

    class Meta:
        ordering = ["-taken_at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class DataSubjectRequest(models.Model):
    """A client's request about their own data (Decree 356/2025): see it, correct it or have
    it erased. Shown to the coordinator until closed; overdue ones are flagged."""

    class Kind(models.TextChoices):
        VIEW = "view", _("View or export my data")
        CORRECT = "correct", _("Correct my data")
        ERASE = "erase", _("Erase my data")

    # Days allowed to answer, by kind.
    DUE_DAYS = {Kind.VIEW: 10, Kind.CORRECT: 10, Kind.ERASE: 20}

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="data_requests", verbose_name=_("client")
    )
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = user_field(_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = optional_user_field(_("closed by"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_overdue(self) -> bool:
        return self.closed_at is None and self.due_on < date.today()


class UnmaskGrant(models.Model):
    """A coordinator's time-limited permission to see one client's identity, given for a
    written reason (audited when granted)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="unmask_grants")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-expires_at"]
