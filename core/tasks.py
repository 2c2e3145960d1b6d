"""Background tasks of the core app (django-q2)."""

from __future__ import annotations

from typing import Any


def rotate_master_key_if_due() -> dict[str, Any]:
    """Daily: after any erasure since the last rotation, rotate the master key so that
    every copy of an erased data key becomes unreadable (docs/erasure.md). Safe to run
    twice: a second run finds nothing pending (and rotations never overlap: file lock)."""
    from .keys import erasure_pending, rotate_master_key

    if not erasure_pending():
        return {"rotated": False}
    report = rotate_master_key()
    return {"rotated": True, "version": report.new_version, "destroyed": report.destroyed}
