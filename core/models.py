"""Models of the core app: what every app shares."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language


class BilingualLookup(models.Model):
    """A row of a lookup table (population groups, violence types), named in Vietnamese and
    English and shown in the active language, in the table's own order."""

    name_vi = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Encrypted(models.Model):
    """A record whose identifying fields are encrypted under a data key of its own
    (core.crypto): the key, wrapped under the master key (null once erased), and the
    context the encryption is bound to, `<crypto_prefix>:<public_id>`. URLs carry the
    public id only."""

    crypto_prefix: ClassVar[str]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    wrapped_key = models.BinaryField(null=True, editable=False)

    class Meta:
        abstract = True

    @property
    def crypto_context(self) -> str:
        return f"{self.crypto_prefix}:{self.public_id}"


class IdempotencyKey(models.Model):
    """A one-time key a create form (or a phone syncing offline) sent, and the record it
    made. Consumed in the same transaction as the record (`core.idempotency`): a double
    tap, a resend or a retry finds it and answers with that record; a concurrent second
    request waits on the unique index until the first commits, then does the same."""

    key = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    # A keyed hash of what the form posted (never the values): the same key sent again
    # with other content is a new entry on an old page, not a resend.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "idempotency key"

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"

    def stored(self) -> models.Model | None:
        """The record made under this key (None if it is gone)."""
        if self.content_type is None or self.object_id is None:
            return None
        model = self.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.object_id).first()


class KeyCheck(models.Model):
    """One row: proof of which keys this database was written with.

    `wrapped_key` is a known value wrapped under the master key (like every data key, so
    key rotation re-wraps it); `blind_fingerprint` is a blind index of a known value. At
    start (core.checks) both must open with the configured keys, so a database is never
    served with a missing, corrupt or wrong key. An erasure later than `rotated_at` (when
    the last completed master key rotation started) is not final yet: copies of the erased
    data key wrapped under an old version may still exist (core.keys.rotate_master_key)."""

    wrapped_key = models.BinaryField()
    blind_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_erasure_at = models.DateTimeField(null=True, blank=True)

    crypto_context = "core:key-check"

    class Meta:
        verbose_name = "key check"


class RateCount(models.Model):
    """How often one user did one limited thing (a duplicate look-up, a refused alert) in
    one window. Kept in the database, not in a process's memory, so that a limit holds
    across every worker and server (core.ratelimit)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "rate count"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "action", "window_start"], name="core_ratecount_once"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="core_ratecount_window")]

    def __str__(self) -> str:
        return f"{self.action}:{self.count}"
