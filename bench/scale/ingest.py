"""Ingest at national scale: the outreach API one record at a time and in a batch, against
COPY of the same rows."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
import uuid
from typing import Any

from harness import logged_in
from timing import Row, ok_status, timed


def bench_ingest(opts: argparse.Namespace, manifest: dict[str, Any]) -> list[Row]:
    """POST /api/v1/outreach/contacts one at a time and a batch back to back, against COPY
    of the same rows (rolled back)."""
    from accounts.models import User
    from clients import queries as client_queries

    peer_user = User.objects.get(username=manifest["logins"]["peer"])
    clients = client_queries.clients_for(peer_user).filter(erased_at__isnull=True)
    day = dt.date(int(opts.period[:4]), 12, 1).isoformat()
    rows = ingest_posts(opts, manifest, [str(c.public_id) for c in clients[:50]], day)
    ids = list(clients.values_list("id", "commune_id")[:50])
    rows.append(ingest_copy(opts.ingest_batch, manifest, peer_user.pk, ids, day))
    return rows


def ingest_posts(
    opts: argparse.Namespace, manifest: dict[str, Any], clients: list[str], day: str
) -> list[Row]:
    peer = logged_in(manifest["logins"]["peer"])

    def payload(i: int) -> dict[str, Any]:
        return {
            "client_uuid": str(uuid.uuid4()),
            "contact_date": day,
            "place_type": "street",
            "client": clients[i % len(clients)],
            "topics": ["hiv_sti"],
            "needs": [],
            "items": [],
        }

    url = "/api/v1/outreach/contacts"
    counter = iter(range(10**9))

    def post() -> Any:
        return peer.post(url, json.dumps(payload(next(counter))), content_type="application/json")

    rows = [
        timed(
            Row("Ingest: POST /api/v1/outreach/contacts, one", "ingest"), post, 30, ok_status(201)
        )
    ]
    batch = opts.ingest_batch
    started = time.perf_counter()
    failures = 0
    for _ in range(batch):
        if post().status_code != 201:
            failures += 1
    seconds = time.perf_counter() - started
    row = Row(f"Ingest: {batch} POSTs back to back", "ingest", times=[seconds])
    row.note = f"{batch / seconds:.1f} records/s"
    if failures:
        row.error = f"{failures} refused"
    rows.append(row)
    print(f"  {row.name:<58} {seconds:8.3f} s {row.note} {row.error}", flush=True)
    return rows


def ingest_copy(
    batch: int, manifest: dict[str, Any], peer_id: int, ids: list[tuple[int, Any]], day: str
) -> Row:
    """COPY of `batch` contacts like the POSTed ones, inside a transaction rolled back."""
    from django.db import connection, transaction

    group = manifest["logins"]["peer_group_id"]
    started = time.perf_counter()
    seconds = 0.0
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                raw = cur.connection  # psycopg connection
                with raw.cursor().copy(
                    "COPY outreach_outreachcontact (public_id, contact_date, head_count, "
                    "place_type, topics, needs, created_at, client_id, commune_id, "
                    "peer_educator_id, peer_group_id) FROM STDIN"
                ) as copy:
                    now = dt.datetime.now(dt.UTC)
                    for i in range(batch):
                        cid, commune = ids[i % len(ids)]
                        copy.write_row(
                            (uuid.uuid4(), day, 1, "street", '["hiv_sti"]', "[]", now, cid,
                             commune, peer_id, group)
                        )  # fmt: skip
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    row = Row(f"Ingest: COPY of the same {batch} rows", "ingest", times=[seconds])
    row.note = f"{batch / seconds:.0f} rows/s"
    print(f"  {row.name:<58} {seconds:8.3f} s {row.note}", flush=True)
    return row


class _Rollback(Exception):
    pass
