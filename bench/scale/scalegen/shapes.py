"""The demo data's own rows, numbered 1..n, that the SQL fill samples its mixes from; and
the SQL helper functions the fill uses."""

from __future__ import annotations

from typing import Any

from .common import DAYS, START

# Shapes used when the database holds no demo rows to sample (the generator's test).
FALLBACK_SHAPES = {
    "d_client": """(1, 'F', 'woman', 'active', -26, '{fsw}'),
        (2, 'F', 'woman', 'active', -31, '{fsw,establishment_worker}'),
        (3, 'M', 'trans_woman', 'active', -24, '{transgender}'),
        (4, 'M', 'man', 'inactive', -33, '{msw}'), (5, 'F', 'woman', 'reintegrated', -37, '{fsw}'),
        (6, 'F', 'not_stated', 'active', -17, '{fsw}'),
        (7, 'M', 'man', 'active', -28, '{msm,plhiv}'),
        (8, 'F', 'woman', 'moved', -41, '{pwud}')""",
    "d_contact": """(1, 'street', 1, '["safer_sex", "srh"]', '["health_check"]', false),
        (2, 'establishment', 1, '["hiv_sti"]', '[]', false),
        (3, 'establishment', 6, '["labour_rights", "violence"]', '[]', true),
        (4, 'online', 1, '["legal_rights"]', '["legal_aid"]', false),
        (5, 'street', 3, '["hiv_sti"]', '[]', true),
        (6, 'office', 1, '["livelihood"]', '[]', false),
        (7, 'home', 1, '["violence"]', '["violence_support"]', false),
        (8, 'hotline', 1, '["srh"]', '[]', false)""",
    "d_distribution": """(1, 'condom', NULL, 18), (2, 'lubricant', NULL, 6),
        (3, 'needle_syringe', NULL, 12), (4, 'condom', NULL, 10)""",
    "d_activity": """(1, 'meeting', 'members', '', 'group_place', '["srh"]', '{member,client}',
        '{8,2}'), (2, 'workshop', 'owners', '', 'establishment', '["labour_rights"]', '{owner}',
        '{5}')""",
    "d_call": """(1, 'anonymous', 'violence', 'routine', 'counselled', false, 12),
        (2, 'client', 'health', 'routine', 'counselled', true, 20)""",
    "d_incident": """(1, 'street', 'partner', 'peer_for_client', true, false, true, 'referred',
        false, '{physical}', '{counselling}'),
        (2, 'establishment', 'client', 'peer', false, true, true, 'referred', true,
        '{sexual,threats}', '{}')""",
}


# Demo shapes, numbered 1..n: the statement that builds each table.
SHAPE_TABLES = {
    "d_client": """CREATE TABLE scalegen.d_client AS
            SELECT row_number() OVER (ORDER BY c.id)::int k, c.sex, c.gender_identity, c.status,
                   c.birth_year - extract(year FROM c.registered_on)::int AS age,
                   coalesce(array_agg(p.populationgroup_id) FILTER (WHERE p.id IS NOT NULL),
                            '{}') AS pops
            FROM clients_client c LEFT JOIN clients_client_population_groups p ON p.client_id = c.id
            WHERE c.erased_at IS NULL GROUP BY c.id""",
    "d_contact": """CREATE TABLE scalegen.d_contact AS
            SELECT row_number() OVER (ORDER BY id)::int k, place_type, head_count, topics, needs,
                   client_id IS NULL AS is_group
            FROM outreach_outreachcontact""",
    "d_distribution": """CREATE TABLE scalegen.d_distribution AS
            SELECT row_number() OVER (ORDER BY id)::int k, item_kind, material_id, quantity
            FROM outreach_distribution WHERE contact_id IS NOT NULL""",
    "d_activity": """CREATE TABLE scalegen.d_activity AS
            SELECT row_number() OVER (ORDER BY a.id)::int k, a.kind, a.audience, a.title,
                   a.venue_type, a.topics,
                   coalesce((SELECT array_agg(p.kind ORDER BY p.kind) FROM
                             activities_activityparticipants p WHERE p.activity_id = a.id), '{}')
                       AS pkinds,
                   coalesce((SELECT array_agg(p.count ORDER BY p.kind) FROM
                             activities_activityparticipants p WHERE p.activity_id = a.id), '{}')
                       AS pcounts
            FROM activities_activity a""",
    "d_call": """CREATE TABLE scalegen.d_call AS
            SELECT row_number() OVER (ORDER BY id)::int k, caller_kind, topic, urgency, action,
                   follow_up_needed, coalesce(duration_minutes, 10) AS duration
            FROM activities_hotlinecall""",
    "d_incident": """CREATE TABLE scalegen.d_incident AS
            SELECT row_number() OVER (ORDER BY i.id)::int k, i.place_type, i.perpetrator_kind,
                   i.reported_via, i.consent_report, i.consent_share, i.consent_alert,
                   i.action_taken, i.client_id IS NULL AS anonymous,
                   coalesce((SELECT array_agg(v.violencetype_id) FROM
                             safety_incident_violence_types v WHERE v.incident_id = i.id), '{}')
                       AS vtypes,
                   coalesce((SELECT array_agg(p.kind) FROM safety_incidentprotection p
                             WHERE p.incident_id = i.id), '{}') AS pkinds
            FROM safety_incident i""",
}


def create_helpers(filler: Any) -> None:
    """The seed and the pg_temp functions: b30 (a base-30 code), pick (a spread index) and
    growing_date (a date whose density grows with time)."""
    filler.sql(f"SELECT setseed({filler.seed % 1})")
    filler.sql(
        """CREATE FUNCTION pg_temp.b30(n bigint, len int) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
          SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTVWXYZ',
                   ((n / (30::bigint ^ p)::bigint) % 30)::int + 1, 1), '' ORDER BY p DESC)
          FROM generate_series(0, len - 1) p $$"""
    )
    # A spread, deterministic index 1..m for row i (child rows of one row agree with it).
    filler.sql(
        """CREATE FUNCTION pg_temp.pick(i bigint, m int) RETURNS int
        LANGUAGE sql IMMUTABLE AS $$ SELECT (((i * 2654435761) % m) + 1)::int $$"""
    )
    # A date over 2022-2025, the density growing linearly with time.
    filler.sql(
        f"""CREATE FUNCTION pg_temp.growing_date(r float8) RETURNS date
        LANGUAGE sql IMMUTABLE AS $$
          SELECT DATE '{START}' + least({DAYS - 1}, floor({DAYS} * sqrt(r))::int) $$"""
    )


def create_shapes(filler: Any) -> dict[str, int]:
    """The shape tables, with a few fixed shapes when the database holds no demo rows (a test
    database); returns their row counts."""
    for statement in SHAPE_TABLES.values():
        filler.sql(statement)
    for table, rows in FALLBACK_SHAPES.items():
        # Without the demo data (a test database), a few fixed shapes instead.
        if not filler.one(f"SELECT count(*) FROM scalegen.{table}"):
            filler.sql(f"INSERT INTO scalegen.{table} VALUES {rows}")
    for t in SHAPE_TABLES:
        filler.sql(f"ALTER TABLE scalegen.{t} ADD PRIMARY KEY (k)")
    return {t: int(filler.one(f"SELECT count(*) FROM scalegen.{t}")) for t in SHAPE_TABLES}
