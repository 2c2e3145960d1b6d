"""Around the fill: the big tables' secondary indexes dropped and rebuilt, the foreign keys
checked set-wise afterwards."""

from __future__ import annotations

import time
from typing import Any

import psycopg

from .common import log
from .filler import Filler

FILLED_TABLES = (
    "clients_client",
    "clients_client_population_groups",
    "clients_consent",
    "outreach_outreachcontact",
    "outreach_distribution",
    "referrals_referral",
    "referrals_servicedelivery",
    "activities_activity",
    "activities_activityparticipants",
    "activities_hotlinecall",
    "safety_incident",
    "safety_incident_violence_types",
    "safety_incidentprotection",
)


def drop_secondary_indexes(conn: psycopg.Connection[Any]) -> list[str]:
    """Drop the indexes and unique constraints (not the primary keys) of the big tables,
    so that the fill appends rows instead of updating a dozen random-order B-trees per row;
    return the statements that recreate them (sorted builds, much faster)."""
    recreate: list[str] = []
    for table in FILLED_TABLES:
        for name, definition in conn.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype = 'u'""",
            (table,),
        ).fetchall():
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in conn.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
            (table,),
        ).fetchall():
            conn.execute(f'DROP INDEX "{name}"')
            recreate.append(definition)
    conn.commit()
    return recreate


def fill(
    conn: psycopg.Connection[Any], contacts: int, seed: float, types: list[tuple[str, str, str]]
) -> Filler:
    """Everything after the migrations and the demo data, on one connection."""
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET work_mem = '256MB'")
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute("SET jit = off")
    # No per-row foreign-key triggers during the fill (they cost more than the inserts);
    # every foreign key is checked set-wise afterwards.
    conn.execute("SET session_replication_role = replica")
    filler = Filler(conn, contacts, seed)
    filler.step("structure", lambda: filler.structure(types))
    filler.step("shapes", filler.functions)
    recreate: list[str] = []
    filler.step("drop indexes", lambda: recreate.extend(drop_secondary_indexes(conn)))

    def rebuild() -> int:
        conn.rollback()
        for statement in recreate:
            conn.execute(statement)
        return len(recreate)

    try:
        filler.step("clients", filler.fill_clients)
        filler.step("outreach contacts", filler.fill_contacts)
        filler.step("distributions", filler.fill_distributions)
        filler.step("referrals", filler.fill_referrals)
        filler.step("service deliveries", filler.fill_deliveries)
        filler.step("activities", filler.fill_activities)
        filler.step("hotline calls", filler.fill_calls)
        filler.step("incidents", filler.fill_incidents)
    finally:
        filler.step("recreate indexes", rebuild)
    filler.logins_found = filler.logins()
    conn.execute("DROP SCHEMA scalegen CASCADE")
    conn.execute("SET session_replication_role = origin")
    conn.commit()
    t0 = time.monotonic()
    broken = check_foreign_keys(conn)
    filler.timings["foreign key check"] = round(time.monotonic() - t0, 1)
    log(f"  foreign key check {filler.timings['foreign key check']:.1f} s")
    if broken:
        for line in broken:
            log(f"  BROKEN {line}")
        raise SystemExit("foreign keys broken: the generator has a bug")
    return filler


def check_foreign_keys(conn: psycopg.Connection[Any]) -> list[str]:
    """Every single-column foreign key of the database, checked by one anti-join each:
    the descriptions of those with rows pointing nowhere (empty when all hold)."""
    rows = conn.execute(
        """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
          AND c.connamespace = 'public'::regnamespace
        ORDER BY 1, 2"""
    ).fetchall()
    broken = []
    for table, column, parent, pk in rows:
        count = conn.execute(
            f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
            f'(SELECT 1 FROM {parent} p WHERE p."{pk}" = t."{column}")'
        ).fetchone()[0]  # type: ignore[index]
        if count:
            broken.append(f"{table}.{column} -> {parent}: {count} rows")
    return broken
