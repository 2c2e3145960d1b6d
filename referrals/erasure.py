"""Erasing a client also blanks the free text written about them in referrals: a reason
or note may name or describe the person. Status, dates and deliveries stay (counted)."""

from __future__ import annotations

from typing import Any

from core.registry import erasure_hook

from .models import Referral, ReferralEvent


@erasure_hook
def erase_referral_text(client: Any) -> None:
    # Locked first, like every referral write (referrals.services), so a status change in
    # flight cannot write its text back after this blanks it.
    list(Referral.objects.select_for_update().filter(client=client).values_list("pk", flat=True))
    Referral.objects.filter(client=client).update(
        reason="", note="", decline_reason="", override_reason=""
    )
    ReferralEvent.objects.filter(referral__client=client).update(note="")
