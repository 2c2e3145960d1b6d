"""The fill, on one connection: the COPY helpers and the client-level tables in SQL."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg

from .common import END, REFORM, log
from .shapes import create_helpers, create_shapes
from .structure import build_structure


class Filler:
    """The fill, on one connection (one backend: `setseed` makes it reproducible)."""

    def __init__(self, conn: psycopg.Connection[Any], contacts: int, seed: float) -> None:
        self.conn = conn
        self.cur = conn.cursor()
        self.n = contacts
        self.rng = random.Random(seed)
        self.seed = seed
        self.timings: dict[str, float] = {}
        self.sizes: dict[str, int] = {}
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self.logins_found: dict[str, Any] = {}

    # -- helpers ---------------------------------------------------------------------
    def sql(self, statement: str, params: Sequence[Any] | None = None) -> int:
        self.cur.execute(statement, params)  # type: ignore[arg-type]
        return self.cur.rowcount

    def one(self, statement: str, params: Sequence[Any] | None = None) -> Any:
        self.cur.execute(statement, params)  # type: ignore[arg-type]
        row = self.cur.fetchone()
        return row[0] if row else None

    def base(self, table: str) -> int:
        return int(self.one(f"SELECT coalesce(max(id), 0) FROM {table}"))

    def fix_sequence(self, table: str) -> None:
        self.sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        with self.cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        if "id" in columns:
            self.fix_sequence(table)
        return count

    def step(self, name: str, fn: Any) -> None:
        started = time.monotonic()
        rows = fn()
        self.conn.commit()
        seconds = time.monotonic() - started
        self.timings[name] = round(seconds, 1)
        if rows is not None:
            self.sizes[name] = int(rows)
        log(f"  {name:<28} {'' if rows is None else f'{rows:>12,}'} rows {seconds:7.1f} s")

    # -- sizes -----------------------------------------------------------------------
    @property
    def clients(self) -> int:
        return max(100, self.n // 20)

    @property
    def deliveries(self) -> int:
        return max(25, self.n // 4)

    # -- structure (Python, COPY) ----------------------------------------------------
    def structure(self, types: list[tuple[str, str, str]]) -> None:
        build_structure(self, types)

    @staticmethod
    def uuid(kind: str, n: int) -> str:
        import hashlib
        import uuid as uuidlib

        return str(uuidlib.UUID(hashlib.md5(f"sg-{kind}-{n}".encode()).hexdigest()))

    # -- client-level tables (SQL) -------------------------------------------------------
    def functions(self) -> None:
        create_helpers(self)
        self.counts = create_shapes(self)
        self.conn.commit()

    def child_rows(self, into: str, values: str, n: int, shape: str, join: str = "") -> None:
        """Rows of a child table for the generated rows i = 1..n, read from the arrays of
        each row's demo shape (the same shape its parent row took: `pick(i, ...)`)."""
        self.sql(
            f"""INSERT INTO {into}
            SELECT {values}
            FROM generate_series(1, {n}) i
            JOIN scalegen.{shape} d ON d.k = pg_temp.pick(i, {self.counts[shape]})
            {join}"""
        )

    def dated(self, n: int, columns: str) -> str:
        """CTEs s0 and s: rows i = 1..n with a date `day0` over 2022-2025 (density growing
        with time) and `ci`, a client registered by then (clients are numbered in order of
        registration), plus the random `columns` ("random() AS x, ...")."""
        c = self.clients
        return f"""
            s0 AS MATERIALIZED (
              SELECT i, random() AS u, {columns} FROM generate_series(1, {n}) i),
            s AS MATERIALIZED (
              SELECT s0.*, pg_temp.growing_date(s0.u) AS day0,
                     least({c}, 1 + floor(random() * greatest(1, floor({c} * s0.u + 0.5))))::int
                       AS ci
              FROM s0)"""

    def fill_clients(self) -> int:
        c = self.clients
        self.client_base = base = self.base("clients_client")
        nd = self.counts["d_client"]
        rows = self.sql(
            f"""
            WITH s AS MATERIALIZED (
              SELECT i, 1 + floor(random() * {self.groups})::int AS gi,
                     pg_temp.growing_date((i - 0.5) / {c}) AS reg, random() AS r_legacy,
                     random() AS r_erase, random() AS r_est, random() AS r_peer,
                     floor(random() * 5)::int - 2 AS jitter
              FROM generate_series(1, {c}) i)
            INSERT INTO clients_client (id, public_id, short_code, uic, birth_year, sex,
              gender_identity, is_minor_at_registration, status, registered_on, wrapped_key,
              identity_blob, phone_index, name_index, erased_at, created_at, updated_at,
              commune_id, establishment_id, legacy_commune_id, peer_group_id, province_id,
              registered_by_id)
            SELECT {base} + s.i, md5('sg-client-' || s.i)::uuid, 'Z' || pg_temp.b30(s.i, 7),
              md5('sg-uic-' || s.i), extract(year FROM s.reg)::int + d.age + s.jitter, d.sex,
              d.gender_identity, -(d.age + s.jitter) < 18, d.status, s.reg, NULL, NULL, '', '',
              CASE WHEN s.r_erase < 0.02 THEN s.reg + 400 END,
              s.reg + time '10:00', s.reg + time '10:00',
              CASE WHEN s.reg < DATE '{REFORM}' AND s.r_legacy < 0.15 AND gc.legacy IS NOT NULL
                   THEN NULL ELSE gc.commune END,
              CASE WHEN s.r_est < 0.3 THEN e.est_id END,
              CASE WHEN s.reg < DATE '{REFORM}' AND s.r_legacy < 0.15 THEN gc.legacy END,
              g.group_id, g.prov, p.user_id
            FROM s
            JOIN scalegen.g_group g ON g.gi = s.gi
            JOIN scalegen.g_commune gc ON gc.gi = s.gi AND gc.k = pg_temp.pick(s.i, g.ncommunes)
            JOIN scalegen.g_est e ON e.gi = s.gi AND e.k = 1 + (s.i % 2)::int
            JOIN scalegen.g_peer p ON p.gi = s.gi AND p.k = 1 + floor(s.r_peer * g.npeers)::int
            JOIN scalegen.d_client d ON d.k = pg_temp.pick(s.i, {nd})
            """
        )
        self.fix_sequence("clients_client")
        self.child_rows(
            "clients_client_population_groups (client_id, populationgroup_id)",
            f"{base} + i, unnest(d.pops)",
            c,
            "d_client",
        )
        self.sql(
            f"""INSERT INTO clients_consent (purpose, method, taken_at, withdrawn_at, client_id,
              provider_id, taken_by_id)
            SELECT 'follow_up', CASE WHEN id % 3 = 0 THEN 'written' ELSE 'verbal' END,
              registered_on + time '10:00', NULL::timestamptz, id, NULL::bigint, registered_by_id
            FROM clients_client WHERE id > {base}
            UNION ALL
            SELECT 'phone_contact', 'verbal', registered_on + time '10:05', NULL, id, NULL,
              registered_by_id
            FROM clients_client WHERE id > {base} AND id % 10 < 7"""
        )
        return rows

    def fill_contacts(self) -> int:
        n = self.n
        cb = self.client_base
        self.contact_base = base = self.base("outreach_outreachcontact")
        nd = self.counts["d_contact"]
        columns = (
            f"1 + floor(random() * {nd})::int AS dk, "
            f"1 + floor(random() * {self.groups})::int AS any_gi, random() AS r_peer, "
            "random() AS r_legacy, random() AS r_slot, 1 + floor(random() * 2)::int AS est_k"
        )
        rows = self.sql(
            f"""
            WITH {self.dated(n, columns)},
            t AS MATERIALIZED (
              SELECT s.*, d.place_type, d.head_count, d.topics, d.needs, d.is_group,
                     cl.id AS client_id, cl.registered_on AS reg,
                     coalesce(gm.gi, s.any_gi) AS gi
              FROM s JOIN scalegen.d_contact d ON d.k = s.dk
              LEFT JOIN clients_client cl ON NOT d.is_group AND cl.id = {cb} + s.ci
              LEFT JOIN scalegen.g_group gm ON gm.group_id = cl.peer_group_id),
            u AS (
              SELECT t.*, g.group_id, g.npeers, g.ncommunes,
                CASE WHEN t.is_group THEN t.day0 ELSE greatest(t.day0, t.reg) END AS day
              FROM t JOIN scalegen.g_group g ON g.gi = t.gi)
            INSERT INTO outreach_outreachcontact (id, public_id, contact_date, head_count,
              place_type, topics, needs, created_at, client_id, commune_id, establishment_id,
              legacy_commune_id, peer_educator_id, peer_group_id, device_uuid)
            SELECT {base} + u.i, md5('sg-contact-' || u.i)::uuid, u.day,
              CASE WHEN u.is_group THEN u.head_count ELSE 1 END, u.place_type, u.topics, u.needs,
              u.day + time '09:00' + (u.i % 600) * interval '1 minute',
              CASE WHEN u.is_group THEN NULL ELSE u.client_id END,
              CASE WHEN u.day < DATE '{REFORM}' AND u.r_legacy < 0.15 AND gc.legacy IS NOT NULL
                   THEN NULL ELSE gc.commune END,
              CASE WHEN u.place_type = 'establishment' THEN e.est_id END,
              CASE WHEN u.day < DATE '{REFORM}' AND u.r_legacy < 0.15 THEN gc.legacy END,
              p.user_id, u.group_id, NULL
            FROM u
            JOIN scalegen.g_commune gc ON gc.gi = u.gi
              AND gc.k = CASE WHEN u.is_group THEN 1 + floor(u.r_slot * u.ncommunes)::int
                              ELSE pg_temp.pick(u.ci, u.ncommunes) END
            JOIN scalegen.g_est e ON e.gi = u.gi AND e.k = u.est_k
            JOIN scalegen.g_peer p ON p.gi = u.gi AND p.k = 1 + floor(u.r_peer * u.npeers)::int
            """
        )
        self.fix_sequence("outreach_outreachcontact")
        return rows

    def fill_distributions(self) -> int:
        nd = self.counts["d_distribution"]
        rows = self.sql(
            f"""INSERT INTO outreach_distribution (distributed_on, item_kind, quantity, created_at,
              distributed_by_id, organisation_id, peer_group_id, material_id, contact_id)
            SELECT c.contact_date, d.item_kind, d.quantity, c.created_at, c.peer_educator_id,
              g.lead_org, c.peer_group_id, d.material_id, c.id
            FROM outreach_outreachcontact c
            JOIN scalegen.g_group g ON g.group_id = c.peer_group_id
            JOIN scalegen.d_distribution d ON d.k = pg_temp.pick(c.id, {nd})
            WHERE c.id > {self.contact_base} AND c.id % 10 < 6"""
        )
        return rows

    def pick_service_sql(self, n: int) -> str:
        """Rows i, a date, a client registered by then, the client's attributes and a
        service of its province picked by the weighted service-type mix."""
        columns = (
            "random() AS r_svc, random() AS r_status, random() AS r_urg, random() AS r_peer, "
            "random() AS r_src"
        )
        return f"""
            {self.dated(n, columns)},
            t AS MATERIALIZED (
              SELECT s.*, cl.id AS client_id, cl.registered_on AS reg, g.gi, g.pi, g.npeers,
                     sv.service_id, sv.provider_id, sv.staff, sv.service_type, cat.category
              FROM s
              JOIN clients_client cl ON cl.id = {self.client_base} + s.ci
              JOIN scalegen.g_group g ON g.group_id = cl.peer_group_id
              CROSS JOIN LATERAL (SELECT * FROM scalegen.g_service x
                                  WHERE x.pi = g.pi AND x.lo <= s.r_svc
                                  ORDER BY x.lo DESC LIMIT 1) sv
              JOIN scalegen.g_category cat ON cat.service_type = sv.service_type)"""

    def fill_referrals(self) -> int:
        # Completed referrals give 39 % of the deliveries (the demo's share); 71 % of the
        # referrals are completed (the demo's), the rest spread over the other statuses.
        self.completed = completed = max(1, round(0.39 * self.deliveries))
        total = round(completed / 0.71)
        self.referral_base = base = self.base("referrals_referral")
        status = f"""CASE WHEN t.i <= {completed} THEN 'completed'
                 WHEN t.r_status < 0.35 THEN 'no_show' WHEN t.r_status < 0.61 THEN 'declined'
                 WHEN t.r_status < 0.83 THEN 'expired' WHEN t.r_status < 0.97 THEN 'cancelled'
                 WHEN t.r_status < 0.985 THEN 'sent' ELSE 'accepted' END"""
        rows = self.sql(
            f"""WITH {self.pick_service_sql(total)},
            u AS (
              SELECT t.*, {status} AS status,
                CASE WHEN t.r_urg < 0.85 THEN 'routine' WHEN t.r_urg < 0.97 THEN 'urgent'
                     ELSE 'emergency' END AS urgency,
                greatest(t.reg, least(t.day0, DATE '{END}' - 14)) + time '08:30' AS sent
              FROM t)
            INSERT INTO referrals_referral (id, public_id, code, service_type, from_kind, reason,
              urgency, priority, note, override_reason, status, sent_at, accepted_at,
              declined_at, decline_reason, completed_at, no_show_at, cancelled_at, expired_at,
              reminded_at, created_at, updated_at, accepted_by_id, cancelled_by_id, client_id,
              completed_by_id, declined_by_id, no_show_by_id, provider_id, sender_id,
              service_id, share_birth_year, share_gender)
            SELECT {base} + u.i, md5('sg-referral-' || u.i)::uuid, 'ZZ' || pg_temp.b30(u.i, 8),
              u.service_type, 'peer', 'Cần dịch vụ', u.urgency,
              CASE u.urgency WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, '', '',
              u.status, u.sent,
              CASE WHEN u.status IN ('accepted', 'completed', 'no_show')
                   THEN u.sent + interval '1 day' END,
              CASE WHEN u.status = 'declined' THEN u.sent + interval '1 day' END, '',
              CASE WHEN u.status = 'completed'
                   THEN u.sent + (2 + u.i % 10) * interval '1 day' END,
              CASE WHEN u.status = 'no_show' THEN u.sent + interval '8 days' END,
              CASE WHEN u.status = 'cancelled' THEN u.sent + interval '2 days' END,
              CASE WHEN u.status = 'expired' THEN u.sent + interval '14 days' END,
              NULL, u.sent, u.sent + interval '3 days',
              CASE WHEN u.status IN ('accepted', 'completed', 'no_show') THEN u.staff END,
              NULL, u.client_id,
              CASE WHEN u.status = 'completed' THEN u.staff END,
              CASE WHEN u.status = 'declined' THEN u.staff END,
              CASE WHEN u.status = 'no_show' THEN u.staff END,
              u.provider_id, p.user_id, u.service_id, u.i % 2 = 0, u.i % 3 = 0
            FROM u JOIN scalegen.g_peer p ON p.gi = u.gi
              AND p.k = 1 + floor(u.r_peer * u.npeers)::int"""
        )
        self.fix_sequence("referrals_referral")
        return rows

    def fill_deliveries(self) -> int:
        base = self.base("referrals_servicedelivery")
        completed = self.sql(
            f"""INSERT INTO referrals_servicedelivery (id, public_id, service_type, category,
              delivered_on, source, amount_vnd, created_at, client_id, provider_id,
              recorded_by_id, referral_id, service_id)
            SELECT {base} + (r.id - {self.referral_base}), md5('sg-delivery-r' || r.id)::uuid,
              r.service_type, cat.category, r.completed_at::date, 'referral', NULL,
              r.completed_at, r.client_id, r.provider_id, r.completed_by_id, r.id, r.service_id
            FROM referrals_referral r
            JOIN scalegen.g_category cat ON cat.service_type = r.service_type
            WHERE r.id > {self.referral_base} AND r.status = 'completed'"""
        )
        others = self.deliveries - completed
        base = self.base("referrals_servicedelivery")
        rows = self.sql(
            f"""WITH {self.pick_service_sql(others)},
            u AS (
              SELECT t.*, CASE WHEN t.r_src < 0.33 THEN 'walk_in' WHEN t.r_src < 0.67
                               THEN 'mobile_day' ELSE 'peer_reported' END AS source,
                greatest(t.day0, t.reg) AS day
              FROM t)
            INSERT INTO referrals_servicedelivery (id, public_id, service_type, category,
              delivered_on, source, amount_vnd, created_at, client_id, provider_id,
              recorded_by_id, referral_id, service_id)
            SELECT {base} + u.i, md5('sg-delivery-' || u.i)::uuid, u.service_type, u.category,
              u.day, u.source, NULL, u.day + time '14:00', u.client_id, u.provider_id,
              CASE WHEN u.source = 'peer_reported' THEN p.user_id ELSE u.staff END, NULL,
              u.service_id
            FROM u JOIN scalegen.g_peer p ON p.gi = u.gi
              AND p.k = 1 + floor(u.r_peer * u.npeers)::int"""
        )
        self.fix_sequence("referrals_servicedelivery")
        return completed + rows

    def fill_activities(self) -> int:
        count = max(10, self.n // 40)
        base = self.base("activities_activity")
        nd = self.counts["d_activity"]
        rows = self.sql(
            f"""
            WITH s AS MATERIALIZED (
              SELECT i, 1 + floor(random() * {self.groups})::int AS gi,
                     pg_temp.growing_date(random()) AS day, random() AS r_legacy,
                     random() AS r_slot
              FROM generate_series(1, {count}) i)
            INSERT INTO activities_activity (id, public_id, kind, audience, title, held_on,
              venue_type, topics, created_at, commune_id, legacy_commune_id, organiser_id,
              peer_group_id, recorded_by_id, support_model_id)
            SELECT {base} + s.i, md5('sg-activity-' || s.i)::uuid, d.kind, d.audience, '',
              s.day, d.venue_type, d.topics, s.day + time '15:00',
              CASE WHEN s.day < DATE '{REFORM}' AND s.r_legacy < 0.15 AND gc.legacy IS NOT NULL
                   THEN NULL ELSE gc.commune END,
              CASE WHEN s.day < DATE '{REFORM}' AND s.r_legacy < 0.15 THEN gc.legacy END,
              g.lead_org, g.group_id, g.leader, g.model_id
            FROM s JOIN scalegen.g_group g ON g.gi = s.gi
            JOIN scalegen.g_commune gc ON gc.gi = s.gi
              AND gc.k = 1 + floor(s.r_slot * g.ncommunes)::int
            JOIN scalegen.d_activity d ON d.k = pg_temp.pick(s.i, {nd})"""
        )
        self.fix_sequence("activities_activity")
        self.child_rows(
            "activities_activityparticipants (kind, count, activity_id)",
            f"x.kind, x.count, {base} + i",
            count,
            "d_activity",
            "CROSS JOIN LATERAL unnest(d.pkinds, d.pcounts) AS x(kind, count)",
        )
        return rows

    def fill_calls(self) -> int:
        count = max(10, self.n // 43)
        nd = self.counts["d_call"]
        provinces = int(self.one("SELECT count(*) FROM scalegen.g_province"))
        columns = (
            f"1 + floor(random() * {nd})::int AS dk, "
            f"1 + floor(random() * {provinces})::int AS any_pi, "
            "8 + floor(random() * 12)::int AS hour, random() AS r_done"
        )
        return self.sql(
            f"""
            WITH {self.dated(count, columns)},
            t AS (
              SELECT s.*, s.day0 + s.hour * interval '1 hour' AS started, d.*,
                     cl.id AS client_id, coalesce(cl.province_id, pv2.prov) AS prov
              FROM s JOIN scalegen.d_call d ON d.k = s.dk
              LEFT JOIN clients_client cl ON d.caller_kind = 'client'
                AND cl.id = {self.client_base} + s.ci
              LEFT JOIN scalegen.g_province pv2 ON pv2.pi = s.any_pi)
            INSERT INTO activities_hotlinecall (public_id, started_at, duration_minutes,
              caller_kind, topic, urgency, action, follow_up_needed, follow_up_done_at,
              created_at, client_id, counsellor_id, follow_up_done_by_id, organisation_id,
              ended_at)
            SELECT md5('sg-call-' || t.i)::uuid, t.started, t.duration, t.caller_kind, t.topic,
              t.urgency, t.action, t.follow_up_needed,
              CASE WHEN t.follow_up_needed AND t.r_done < 0.8
                   THEN t.started + interval '2 days' END,
              t.started, t.client_id, pv.counsellor,
              CASE WHEN t.follow_up_needed AND t.r_done < 0.8 THEN pv.counsellor END,
              pv.hotline_org, t.started + t.duration * interval '1 minute'
            FROM t JOIN scalegen.g_province pv ON pv.prov = t.prov"""
        )

    def fill_incidents(self) -> int:
        count = max(5, self.n // 720)
        base = self.base("safety_incident")
        nd = self.counts["d_incident"]
        rows = self.sql(
            f"""
            WITH {self.dated(count, "random() AS r_unused")},
            t AS (
              SELECT s.*, d.*, cl.id AS cid, greatest(s.day0, cl.registered_on) AS day,
                     g.group_id, g.model_id, g.prov, g.leader, cl.commune_id AS commune
              FROM s JOIN scalegen.d_incident d ON d.k = pg_temp.pick(s.i, {nd})
              JOIN clients_client cl ON cl.id = {self.client_base} + s.ci
              JOIN scalegen.g_group g ON g.group_id = cl.peer_group_id)
            INSERT INTO safety_incident (id, public_id, occurred_on, place_type, perpetrator_kind,
              reported_via, consent_report, consent_share, consent_alert, action_taken,
              wrapped_key, details_blob, created_at, client_id, commune_id, hotline_id,
              peer_group_id, province_id, recorded_by_id, support_model_id)
            SELECT {base} + t.i, md5('sg-incident-' || t.i)::uuid,
              t.day, t.place_type,
              t.perpetrator_kind, t.reported_via, t.consent_report, t.consent_share,
              t.consent_alert, t.action_taken, NULL, NULL,
              t.day + time '20:00',
              CASE WHEN t.anonymous THEN NULL ELSE t.cid END, t.commune, NULL, t.group_id,
              t.prov, t.leader, t.model_id
            FROM t"""
        )
        self.fix_sequence("safety_incident")
        self.child_rows(
            "safety_incident_violence_types (incident_id, violencetype_id)",
            f"{base} + i, unnest(d.vtypes)",
            count,
            "d_incident",
        )
        self.child_rows(
            "safety_incidentprotection (created_at, incident_id, referral_id, kind)",
            f"now(), {base} + i, NULL, unnest(d.pkinds)",
            count,
            "d_incident",
        )
        return rows

    def logins(self) -> dict[str, Any]:
        """Accounts a harness can log in as (force_login: generated users have no password)."""
        cur = self.cur
        cur.execute(
            """SELECT g.group_id, u.username, g.prov, count(c.id) FROM scalegen.g_group g
            JOIN scalegen.g_peer p ON p.gi = g.gi AND p.k = 2
            JOIN accounts_user u ON u.id = p.user_id
            JOIN clients_client c ON c.peer_group_id = g.group_id
            GROUP BY 1, 2, 3 ORDER BY g.prov = '01' DESC, 4 DESC, 1 LIMIT 1"""
        )
        group, peer_name, prov, _n = cur.fetchone()  # type: ignore[misc]
        cur.execute(
            """SELECT u.username FROM referrals_referral r
            JOIN accounts_grant gr ON gr.organisation_id = r.provider_id AND gr.role = 'provider'
            JOIN accounts_user u ON u.id = gr.user_id
            WHERE r.status IN ('sent', 'accepted') AND u.username LIKE 'sg_provider_%%'
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"""
        )
        row = cur.fetchone()
        coord = self.one(
            """SELECT u.username FROM accounts_grant gr JOIN accounts_user u ON u.id = gr.user_id
            JOIN programs_peergroup pg ON pg.support_model_id = gr.support_model_id
            WHERE gr.role = 'coordinator' AND pg.id = %s LIMIT 1""",
            (group,),
        )
        return {
            "peer": peer_name,
            "peer_group_id": group,
            "provider": row[0] if row else None,
            "coordinator": coord,
            "provincial_manager": f"sg_tinh_{prov}",
            "province": prov,
            "demo_logins": ["dongdang", "phongkham", "dieuphoi", "quanlytinh", "quanlyquocgia"],
        }
