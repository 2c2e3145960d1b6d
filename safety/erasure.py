"""Erasing a client destroys the data key of their incidents' private accounts: what
happened can no longer be read, while the incident still counts (type, perpetrator).
The alerts written from their incidents are withdrawn and lose their text, which also
removes it from every notification (they render it live)."""

from __future__ import annotations

from typing import Any

from core.registry import erasure_hook

from .models import Incident


@erasure_hook
def erase_incident_accounts(client: Any) -> None:
    # Lock first: a write of one of these incidents in flight finishes before the keys
    # are destroyed (and one that starts later reads them destroyed).
    incidents = Incident.objects.select_for_update().filter(client=client)
    pks = list(incidents.values_list("pk", flat=True))
    Incident.objects.filter(pk__in=pks).update(wrapped_key=None, details_blob=None)


@erasure_hook
def erase_alert_texts(client: Any) -> None:
    from .alerts import alerts_erase_for_client

    alerts_erase_for_client(client)
