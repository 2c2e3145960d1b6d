from __future__ import annotations

from dataclasses import dataclass

from .models import AuditEntry, AuditHead
from .services import GENESIS


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_entry_id: int | None = None
    problem: str = ""


def verify_chain() -> VerifyResult:
    """Walk the chain in order; report the first entry that does not hold."""
    prev_hash = GENESIS
    prev_id = 0
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev_hash:
            problem = (
                "an entry before it was deleted"
                if entry.id != prev_id + 1
                else "it does not follow the previous entry (previous entry altered?)"
            )
            return VerifyResult(False, checked, entry.id, problem)
        if entry.compute_hash() != entry.entry_hash:
            return VerifyResult(False, checked, entry.id, "its content was altered")
        prev_hash, prev_id = entry.entry_hash, entry.id
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != prev_hash or head.count != checked):
        return VerifyResult(False, checked, head.last_entry_id, "the latest entries were deleted")
    return VerifyResult(True, checked)
