"""Deployment-wide records of the core app."""

from __future__ import annotations

from django.db import models


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
