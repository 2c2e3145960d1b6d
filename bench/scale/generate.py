"""Fill a PostgreSQL database to national volume (1 M or 10 M outreach contacts).

    .venv/bin/python bench/scale/generate.py \
        --database-url postgres://postgres@127.0.0.1:5432/NAME --contacts 1000000

What it does (bench/README.md, "National scale"):

1. drops and creates the database NAME (refused for caunoi, postgres, test, template*),
   writes fresh key files and a secret into --keys-dir (default /tmp/caunoi-scale/NAME),
   runs the project's `manage.py migrate` and `manage.py demo_data` (areas: all 34
   provinces, 3,321 communes, the pre-reform communes and their conversions; the demo
   organisations, users and records, so that the demo logins work);
2. adds, in Python (a few thousand rows, COPY): organisations, support models, peer groups
   with their communes, peers (users, grants, memberships), coordinators, provincial
   managers, provider staff, hotline counsellors, establishments and the providers'
   services in every province (every service type in every province);
3. fills the client-level tables in SQL (`INSERT … SELECT … generate_series`, one statement
   per table): clients = contacts/20, outreach contacts, distributions, service deliveries
   = contacts/4 with the demo data's mix of service types and sources, referrals (completed
   ones with their delivery), group activities with participants, hotline calls, violence
   incidents, consents. Dates run over 2022-01-01..2025-12-31, growing over time; 15 % of
   the records dated before 1 July 2025 name a pre-reform commune only. Categorical mixes
   (sex, gender identity, population groups, status, place types, head counts, topics,
   needs, activity kinds, call topics, incident shapes, distributed items) are sampled from
   the demo data's own rows. Identity fields stay empty: no name, phone or nickname exists;
4. runs `manage.py reports_rebuild_aggregates` when the project has that command, then
   ANALYZE, and writes `scale.json` (sizes, timings, logins to use) into --keys-dir.

Nothing identifying is printed. Every random choice is seeded (--seed): the same command
gives the same database.

--project DIR says whose migrations and commands to run (default: the current directory
when it holds manage.py, else this checkout), so another branch can generate into its own
database with its own schema.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

HERE = Path(__file__).resolve().parent
FORBIDDEN_DBS = {"caunoi", "postgres", "test"}
START = date(2022, 1, 1)
END = date(2025, 12, 31)
DAYS = (END - START).days + 1
REFORM = date(2025, 7, 1)

# Provinces (post-reform codes) that carry more peer groups: the two big cities and the
# provinces where the programme is large.
PROVINCE_WEIGHT = {"01": 4, "79": 4, "31": 2, "48": 2, "22": 2, "92": 2, "75": 2, "46": 2}

# Mix of service types in deliveries: the demo data's, with a small weight for the types it
# does not use (every type occurs).
SERVICE_TYPE_WEIGHT_FLOOR = 5


def log(message: str) -> None:
    print(message, flush=True)


def project_dir(given: str | None) -> Path:
    if given:
        path = Path(given).resolve()
    elif (Path.cwd() / "manage.py").exists():
        path = Path.cwd().resolve()
    else:
        path = HERE.parent.parent
    if not (path / "manage.py").exists():
        raise SystemExit(f"No manage.py in {path}: give --project.")
    return path


def child_env(db_url: str, keys: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAUNOI_", "DATABASE_URL"))}
    secret_file = keys / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50))
        secret_file.chmod(0o600)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=db_url,
        CAUNOI_LOCAL_DIR=str(keys),
        CAUNOI_SECRET_KEY=secret_file.read_text().strip(),
        CAUNOI_MASTER_KEY_FILE=str(keys / "master.key"),
        CAUNOI_BLIND_INDEX_KEY_FILE=str(keys / "blind_index.key"),
        CAUNOI_LOG_LEVEL="WARNING",
        CAUNOI_REQUEST_LOG="0",
    )
    return env


def write_keys(keys: Path) -> None:
    keys.mkdir(parents=True, exist_ok=True)
    keys.chmod(0o700)
    for name in ("master", "blind_index"):
        path = keys / f"{name}.key"
        if not path.exists():
            path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)


def manage(project: Path, env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    python = project / ".venv/bin/python"
    cmd = [str(python if python.exists() else sys.executable), "manage.py", *args]
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed ({result.returncode})")
    return time.monotonic() - started


def has_command(project: Path, env: dict[str, str], name: str) -> bool:
    python = project / ".venv/bin/python"
    cmd = [str(python if python.exists() else sys.executable), "manage.py", "help", "--commands"]
    out = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=True)
    return name in out.stdout.split()


def service_types(project: Path, env: dict[str, str]) -> list[tuple[str, str, str]]:
    """(code, category, English label) of every service type, from the project's taxonomy."""
    code = (
        "import json, django; django.setup()\n"
        "from django.utils import translation\n"
        "from directory.taxonomy import SERVICE_TYPES\n"
        "translation.activate('vi')\n"
        "print(json.dumps([(t.code, t.category, str(t.label)) for t in SERVICE_TYPES.values()]))"
    )
    python = project / ".venv/bin/python"
    cmd = [str(python if python.exists() else sys.executable), "-c", code]
    out = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=True)
    return [tuple(row) for row in json.loads(out.stdout.strip().splitlines()[-1])]  # type: ignore[misc]


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
        rng = self.rng
        cur = self.cur
        cur.execute("SELECT code FROM geo_province ORDER BY code")
        provinces = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT province_id, code FROM geo_commune ORDER BY code")
        communes: dict[str, list[str]] = {p: [] for p in provinces}
        for prov, code in cur.fetchall():
            communes[prov].append(code)
        provinces = [p for p in provinces if communes[p]]
        cur.execute(
            "SELECT new_commune_id, min(old_commune_id) FROM geo_communeconversion GROUP BY 1"
        )
        legacy = dict(cur.fetchall())

        groups_total = max(len(provinces), round(self.clients / 150))
        weights = [PROVINCE_WEIGHT.get(p, 1) for p in provinces]
        share = [w / sum(weights) for w in weights]
        per_prov = [max(1, round(groups_total * s)) for s in share]

        org_id = self.base("programs_organisation")
        model_id = self.base("programs_supportmodel")
        group_id = self.base("programs_peergroup")
        user_id = self.base("accounts_user")
        est_id = self.base("programs_establishment")
        svc_id = self.base("directory_service")
        orgs: list[tuple[Any, ...]] = []
        models: list[tuple[Any, ...]] = []
        model_communes: list[tuple[Any, ...]] = []
        groups: list[tuple[Any, ...]] = []
        group_communes: list[tuple[Any, ...]] = []
        users: list[tuple[Any, ...]] = []
        grants: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        ests: list[tuple[Any, ...]] = []
        services: list[tuple[Any, ...]] = []
        # Lookup rows for the SQL fill.
        g_group: list[tuple[Any, ...]] = []
        g_peer: list[tuple[Any, ...]] = []
        g_commune: list[tuple[Any, ...]] = []
        g_est: list[tuple[Any, ...]] = []
        g_province: list[tuple[Any, ...]] = []
        g_service: list[tuple[Any, ...]] = []
        categories = sorted({t[1] for t in types})
        by_category = {c: [t for t in types if t[1] == c] for c in categories}
        cur.execute("SELECT service_type, count(*) FROM referrals_servicedelivery GROUP BY 1")
        demo_mix = dict(cur.fetchall())
        type_weight = {t[0]: demo_mix.get(t[0], 0) + SERVICE_TYPE_WEIGHT_FLOOR for t in types}
        created = self.now
        gi = 0

        def new_user(username: str, role: str, **scope: Any) -> int:
            nonlocal user_id
            user_id += 1
            users.append(
                (user_id, "!", False, username, "", "", "", False, True, created, "", "", "vi")
            )
            grants.append(
                (
                    len(grants) + 1,
                    role,
                    True,
                    created,
                    scope.get("organisation"),
                    scope.get("peer_group"),
                    scope.get("province"),
                    scope.get("support_model"),
                    user_id,
                )
            )
            return user_id

        def new_org(name: str, kind: str, prov: str, commune: str | None) -> int:
            nonlocal org_id
            org_id += 1
            orgs.append((org_id, name, kind, "", "", "", "", True, created, commune, prov))
            return org_id

        for pi, (prov, n_groups) in enumerate(zip(provinces, per_prov), start=1):
            pcommunes = communes[prov]
            agency = new_org(f"Chi cục PCTNXH (sinh mẫu) {prov}", "agency", prov, None)
            mass = new_org(f"Hội Phụ nữ (sinh mẫu) {prov}", "mass", prov, None)
            hotline = new_org(f"Đường dây nóng (sinh mẫu) {prov}", "community", prov, None)
            counsellor = new_user(f"sg_hotline_{prov}", "hotline", organisation=hotline)
            new_user(f"sg_tinh_{prov}", "prov_manager", province=prov)
            # Providers: at least one per category, then one per two groups.
            n_providers = max(len(categories), math.ceil(n_groups / 2))
            prov_services: list[tuple[str, int, int, int]] = []  # type, svc, provider, staff
            for k in range(n_providers):
                category = categories[k % len(categories)]
                commune = rng.choice(pcommunes)
                provider = new_org(
                    f"Cơ sở dịch vụ (sinh mẫu) {prov}-{k + 1}", "provider", prov, commune
                )
                staff = new_user(f"sg_provider_{provider}", "provider", organisation=provider)
                for code, _cat, label in by_category[category]:
                    svc_id += 1
                    services.append(
                        (
                            svc_id,
                            f"md5-svc-{svc_id}",
                            code,
                            label,
                            "",
                            "",
                            "[]",
                            "free",
                            "",
                            "",
                            "",
                            True,
                            None,
                            True,
                            created,
                            provider,
                        )
                    )
                    prov_services.append((code, svc_id, provider, staff))
            # Weighted pick of a service in the province: a service's weight is its type's
            # weight shared among the province's services of that type.
            per_type: dict[str, int] = {}
            for code, *_rest in prov_services:
                per_type[code] = per_type.get(code, 0) + 1
            total = sum(type_weight[c] / per_type[c] * 1.0 for c, *_r in prov_services)
            lo = 0.0
            for code, sid, provider, staff in prov_services:
                w = type_weight[code] / per_type[code] / total
                g_service.append((pi, lo, sid, provider, staff, code))
                lo += w
            g_province.append((pi, prov, hotline, counsellor))

            n_models = max(1, math.ceil(n_groups / 4))
            kinds = ["peer_capacity", "community_services", "worker_rights", "self_help"]
            prov_models = []
            for m in range(n_models):
                model_id += 1
                # Led by the provincial agency, the women's union or a community group.
                if m % 3 == 0:
                    lead = agency
                elif m % 3 == 1:
                    lead = mass
                else:
                    lead = new_org(
                        f"Nhóm cộng đồng (sinh mẫu) {prov}-{m + 1}", "community", prov, None
                    )
                models.append(
                    (
                        model_id,
                        f"Mô hình (sinh mẫu) {prov}-{m + 1}",
                        kinds[m % 4],
                        date(2021, 1, 1),
                        None,
                        "",
                        "",
                        None,
                        None,
                        created,
                        lead,
                        prov,
                    )
                )
                coord = new_user(f"sg_coord_{model_id}", "coordinator", support_model=model_id)
                prov_models.append((model_id, lead, coord))
            for g in range(n_groups):
                gi += 1
                group_id += 1
                model, lead, _coord = prov_models[g // 4]
                groups.append(
                    (
                        group_id,
                        f"Nhóm đồng đẳng (sinh mẫu) {prov}-{g + 1}",
                        "peer",
                        date(2021, 1, 1) + timedelta(days=rng.randrange(365)),
                        True,
                        model,
                    )
                )
                chosen = rng.sample(pcommunes, k=min(len(pcommunes), rng.choice([1, 2, 2, 3])))
                for k, commune in enumerate(chosen, start=1):
                    group_communes.append((group_id, commune))
                    model_communes.append((model, commune))
                    g_commune.append((gi, k, commune, legacy.get(commune)))
                n_peers = rng.choice([4, 5, 6, 6, 7, 8])
                leader = 0
                for k in range(1, n_peers + 1):
                    role = "leader" if k == 1 else "peer"
                    uid = new_user(f"sg_peer_{group_id}_{k}", role, peer_group=group_id)
                    members.append(
                        (
                            len(members) + 1,
                            f"ĐĐ {group_id}.{k}",
                            "core" if k <= 3 else "network",
                            date(2021, 6, 1),
                            None,
                            uid,
                            group_id,
                        )
                    )
                    g_peer.append((gi, k, uid))
                    leader = leader or uid
                for k in (1, 2):
                    est_id += 1
                    ests.append(
                        (
                            est_id,
                            f"Cơ sở kinh doanh (sinh mẫu) {est_id}",
                            rng.choice(
                                ["karaoke", "hotel", "guesthouse", "massage", "bar", "restaurant"]
                            ),
                            None,
                            None,
                            True,
                            created,
                            chosen[0],
                            model,
                        )
                    )
                    g_est.append((gi, k, est_id))
                g_group.append((gi, group_id, model, pi, prov, lead, leader, n_peers, len(chosen)))

        model_communes = sorted(set(model_communes))
        org_cols = [
            "id",
            "name",
            "kind",
            "description",
            "phone",
            "email",
            "website",
            "active",
            "created_at",
            "commune_id",
            "province_id",
        ]
        self.copy("programs_organisation", org_cols, orgs)
        self.copy(
            "programs_supportmodel",
            [
                "id",
                "name",
                "kind",
                "start_date",
                "end_date",
                "funding_source",
                "decision_number",
                "decision_date",
                "budget_vnd",
                "created_at",
                "lead_organisation_id",
                "province_id",
            ],
            models,
        )
        self.copy(
            "programs_supportmodel_communes", ["supportmodel_id", "commune_id"], model_communes
        )
        self.copy(
            "programs_peergroup",
            ["id", "name", "kind", "founded_on", "active", "support_model_id"],
            groups,
        )
        self.copy("programs_peergroup_communes", ["peergroup_id", "commune_id"], group_communes)
        self.copy(
            "accounts_user",
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
                "phone",
                "language",
            ],
            users,
        )
        grant_base = self.base("accounts_grant")
        self.copy(
            "accounts_grant",
            [
                "id",
                "role",
                "active",
                "created_at",
                "organisation_id",
                "peer_group_id",
                "province_id",
                "support_model_id",
                "user_id",
            ],
            [(grant_base + g[0], *g[1:]) for g in grants],
        )
        member_base = self.base("programs_membership")
        self.copy(
            "programs_membership",
            ["id", "alias", "role", "joined_on", "left_on", "user_id", "peer_group_id"],
            [(member_base + m[0], *m[1:]) for m in members],
        )
        self.copy(
            "programs_establishment",
            [
                "id",
                "public_id",
                "name",
                "kind",
                "wrapped_key",
                "owner_contact_blob",
                "active",
                "created_at",
                "commune_id",
                "support_model_id",
            ],
            [(e[0], self.uuid("est", e[0]), *e[1:]) for e in ests],
        )
        self.copy(
            "directory_service",
            [
                "id",
                "public_id",
                "service_type",
                "name",
                "description",
                "eligibility",
                "languages",
                "cost",
                "fee_note",
                "opening_hours",
                "phone",
                "friendly_to_key_populations",
                "last_verified_on",
                "active",
                "created_at",
                "organisation_id",
            ],
            [(s[0], self.uuid("svc", s[0]), *s[2:]) for s in services],
        )

        self.sql("DROP SCHEMA IF EXISTS scalegen CASCADE")
        self.sql("CREATE SCHEMA scalegen")
        self.sql(
            "CREATE TABLE scalegen.g_group (gi int PRIMARY KEY, group_id bigint UNIQUE, "
            "model_id bigint, pi int, prov text, lead_org bigint, leader bigint, npeers int, "
            "ncommunes int)"
        )
        self.copy(
            "scalegen.g_group",
            [
                "gi",
                "group_id",
                "model_id",
                "pi",
                "prov",
                "lead_org",
                "leader",
                "npeers",
                "ncommunes",
            ],
            g_group,
        )
        self.sql(
            "CREATE TABLE scalegen.g_peer (gi int, k int, user_id bigint, PRIMARY KEY (gi, k))"
        )
        self.copy("scalegen.g_peer", ["gi", "k", "user_id"], g_peer)
        self.sql(
            "CREATE TABLE scalegen.g_commune (gi int, k int, commune text, legacy text, "
            "PRIMARY KEY (gi, k))"
        )
        self.copy("scalegen.g_commune", ["gi", "k", "commune", "legacy"], g_commune)
        self.sql("CREATE TABLE scalegen.g_est (gi int, k int, est_id bigint, PRIMARY KEY (gi, k))")
        self.copy("scalegen.g_est", ["gi", "k", "est_id"], g_est)
        self.sql(
            "CREATE TABLE scalegen.g_province (pi int PRIMARY KEY, prov text UNIQUE, "
            "hotline_org bigint, counsellor bigint)"
        )
        self.copy("scalegen.g_province", ["pi", "prov", "hotline_org", "counsellor"], g_province)
        self.sql(
            "CREATE TABLE scalegen.g_service (pi int, lo float8, service_id bigint, "
            "provider_id bigint, staff bigint, service_type text)"
        )
        self.copy(
            "scalegen.g_service",
            ["pi", "lo", "service_id", "provider_id", "staff", "service_type"],
            g_service,
        )
        self.sql("CREATE INDEX ON scalegen.g_service (pi, lo)")
        self.sql("CREATE TABLE scalegen.g_category (service_type text PRIMARY KEY, category text)")
        self.copy(
            "scalegen.g_category", ["service_type", "category"], [(t[0], t[1]) for t in types]
        )
        self.groups = gi
        self.sizes.update(
            organisations=len(orgs),
            support_models=len(models),
            peer_groups=len(groups),
            users=len(users),
            services=len(services),
            establishments=len(ests),
        )
        self.conn.commit()
        log(
            f"  structure: {len(orgs)} organisations, {len(models)} support models, "
            f"{len(groups)} peer groups, {len(users)} users, {len(services)} services"
        )

    @staticmethod
    def uuid(kind: str, n: int) -> str:
        import hashlib
        import uuid as uuidlib

        return str(uuidlib.UUID(hashlib.md5(f"sg-{kind}-{n}".encode()).hexdigest()))

    # -- client-level tables (SQL) -------------------------------------------------------
    def functions(self) -> None:
        self.sql(f"SELECT setseed({self.seed % 1})")
        self.sql(
            """CREATE FUNCTION pg_temp.b30(n bigint, len int) RETURNS text
            LANGUAGE sql IMMUTABLE AS $$
              SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTVWXYZ',
                       ((n / (30::bigint ^ p)::bigint) % 30)::int + 1, 1), '' ORDER BY p DESC)
              FROM generate_series(0, len - 1) p $$"""
        )
        # A spread, deterministic index 1..m for row i (child rows of one row agree with it).
        self.sql(
            """CREATE FUNCTION pg_temp.pick(i bigint, m int) RETURNS int
            LANGUAGE sql IMMUTABLE AS $$ SELECT (((i * 2654435761) % m) + 1)::int $$"""
        )
        # A date over 2022-2025, the density growing linearly with time.
        self.sql(
            f"""CREATE FUNCTION pg_temp.growing_date(r float8) RETURNS date
            LANGUAGE sql IMMUTABLE AS $$
              SELECT DATE '{START}' + least({DAYS - 1}, floor({DAYS} * sqrt(r))::int) $$"""
        )
        # Demo shapes, numbered 1..n.
        self.sql(
            """CREATE TABLE scalegen.d_client AS
            SELECT row_number() OVER (ORDER BY c.id)::int k, c.sex, c.gender_identity, c.status,
                   c.birth_year - extract(year FROM c.registered_on)::int AS age,
                   coalesce(array_agg(p.populationgroup_id) FILTER (WHERE p.id IS NOT NULL),
                            '{}') AS pops
            FROM clients_client c LEFT JOIN clients_client_population_groups p ON p.client_id = c.id
            WHERE c.erased_at IS NULL GROUP BY c.id"""
        )
        self.sql(
            """CREATE TABLE scalegen.d_contact AS
            SELECT row_number() OVER (ORDER BY id)::int k, place_type, head_count, topics, needs,
                   client_id IS NULL AS is_group
            FROM outreach_outreachcontact"""
        )
        self.sql(
            """CREATE TABLE scalegen.d_distribution AS
            SELECT row_number() OVER (ORDER BY id)::int k, item_kind, material_id, quantity
            FROM outreach_distribution WHERE contact_id IS NOT NULL"""
        )
        self.sql(
            """CREATE TABLE scalegen.d_activity AS
            SELECT row_number() OVER (ORDER BY a.id)::int k, a.kind, a.audience, a.title,
                   a.venue_type, a.topics,
                   coalesce((SELECT array_agg(p.kind ORDER BY p.kind) FROM
                             activities_activityparticipants p WHERE p.activity_id = a.id), '{}')
                       AS pkinds,
                   coalesce((SELECT array_agg(p.count ORDER BY p.kind) FROM
                             activities_activityparticipants p WHERE p.activity_id = a.id), '{}')
                       AS pcounts
            FROM activities_activity a"""
        )
        self.sql(
            """CREATE TABLE scalegen.d_call AS
            SELECT row_number() OVER (ORDER BY id)::int k, caller_kind, topic, urgency, action,
                   follow_up_needed, coalesce(duration_minutes, 10) AS duration
            FROM activities_hotlinecall"""
        )
        self.sql(
            """CREATE TABLE scalegen.d_incident AS
            SELECT row_number() OVER (ORDER BY i.id)::int k, i.place_type, i.perpetrator_kind,
                   i.reported_via, i.consent_report, i.consent_share, i.consent_alert,
                   i.action_taken, i.client_id IS NULL AS anonymous,
                   coalesce((SELECT array_agg(v.violencetype_id) FROM
                             safety_incident_violence_types v WHERE v.incident_id = i.id), '{}')
                       AS vtypes,
                   coalesce((SELECT array_agg(p.kind) FROM safety_incidentprotection p
                             WHERE p.incident_id = i.id), '{}') AS pkinds
            FROM safety_incident i"""
        )
        for table, rows in FALLBACK_SHAPES.items():
            # Without the demo data (a test database), a few fixed shapes instead.
            if not self.one(f"SELECT count(*) FROM scalegen.{table}"):
                self.sql(f"INSERT INTO scalegen.{table} VALUES {rows}")
        for t in ("d_client", "d_contact", "d_distribution", "d_activity", "d_call", "d_incident"):
            self.sql(f"ALTER TABLE scalegen.{t} ADD PRIMARY KEY (k)")
        self.counts = {
            t: int(self.one(f"SELECT count(*) FROM scalegen.{t}"))
            for t in (
                "d_client",
                "d_contact",
                "d_distribution",
                "d_activity",
                "d_call",
                "d_incident",
            )
        }
        self.conn.commit()

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
        self.sql(
            f"""INSERT INTO clients_client_population_groups (client_id, populationgroup_id)
            SELECT {base} + i, unnest(d.pops)
            FROM generate_series(1, {c}) i
            JOIN scalegen.d_client d ON d.k = pg_temp.pick(i, {nd})"""
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
        self.sql(
            f"""INSERT INTO activities_activityparticipants (kind, count, activity_id)
            SELECT x.kind, x.count, {base} + i
            FROM generate_series(1, {count}) i
            JOIN scalegen.d_activity d ON d.k = pg_temp.pick(i, {nd})
            CROSS JOIN LATERAL unnest(d.pkinds, d.pcounts) AS x(kind, count)"""
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
        self.sql(
            f"""INSERT INTO safety_incident_violence_types (incident_id, violencetype_id)
            SELECT {base} + i, unnest(d.vtypes)
            FROM generate_series(1, {count}) i
            JOIN scalegen.d_incident d ON d.k = pg_temp.pick(i, {nd})"""
        )
        self.sql(
            f"""INSERT INTO safety_incidentprotection (created_at, incident_id, referral_id, kind)
            SELECT now(), {base} + i, NULL, unnest(d.pkinds)
            FROM generate_series(1, {count}) i
            JOIN scalegen.d_incident d ON d.k = pg_temp.pick(i, {nd})"""
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--project", help="checkout whose manage.py to run (default: cwd)")
    parser.add_argument("--keys-dir", help="default /tmp/caunoi-scale/NAME")
    parser.add_argument("--seed", type=float, default=0.16)
    parser.add_argument(
        "--reuse-seed",
        action="store_true",
        help="clone NAME_seed (migrated, demo data loaded; kept by an earlier run) instead of "
        "running migrate and demo_data from scratch (migrate still runs)",
    )
    parser.add_argument(
        "--seed-from",
        metavar="DB",
        help="clone this seed database (a NAME_seed kept by an earlier run, e.g. "
        "s16gen_1m_seed) and copy its keys from KEYS_PARENT/DB; migrate then applies this "
        "project's newer migrations",
    )
    opts = parser.parse_args(argv)

    url = urllib.parse.urlparse(opts.database_url)
    dbname = url.path.lstrip("/")
    if (
        url.scheme not in ("postgres", "postgresql")
        or dbname in FORBIDDEN_DBS
        or dbname.startswith("template")
        or not re.fullmatch(r"[a-z0-9_]+", dbname)
    ):
        raise SystemExit(f"Refusing database {dbname!r}: give a scratch PostgreSQL database.")
    if opts.contacts < 2000:
        raise SystemExit("--contacts must be at least 2000")
    project = project_dir(opts.project)
    keys = Path(opts.keys_dir or f"/tmp/caunoi-scale/{dbname}")
    seed_from = opts.seed_from or (f"{dbname}_seed" if opts.reuse_seed else None)
    if seed_from and not re.fullmatch(r"[a-z0-9_]+", seed_from):
        raise SystemExit(f"Refusing seed database {seed_from!r}.")
    write_keys(keys)
    if seed_from:
        # The seed's demo identities were encrypted with the seed's keys.
        seed_keys = keys.parent / seed_from
        for name in ("master.key", "blind_index.key", "secret_key"):
            if not (seed_keys / name).exists():
                raise SystemExit(f"{seed_keys / name} missing: the seed's keys are needed.")
            (keys / name).write_bytes((seed_keys / name).read_bytes())
            (keys / name).chmod(0o600)
    env = child_env(opts.database_url, keys)
    started = time.monotonic()
    timings: dict[str, float] = {}

    admin = urllib.parse.urlunparse(url._replace(path="/postgres"))
    seed_db = f"{dbname}_seed"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        if seed_from:
            have_seed = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (seed_from,)
            ).fetchone()
            if not have_seed:
                raise SystemExit(f"No seed database {seed_from}: run once without it.")
        cloned = bool(seed_from)
        if cloned:
            conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{seed_from}"')
        else:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    log(
        f"database {dbname} {'cloned from ' + str(seed_from) if cloned else 'created'}; "
        f"project {project}; keys in {keys}"
    )
    timings["migrate"] = round(manage(project, env, "migrate", "--noinput"), 1)
    log(f"  migrate {timings['migrate']:.0f} s")
    if not cloned:
        # Reference rows, the demo logins, and the rows whose mixes are sampled.
        timings["demo_data"] = round(manage(project, env, "demo_data"), 1)
        log(f"  demo_data {timings['demo_data']:.0f} s")
        # Kept as a template for --reuse-seed (the same keys dir opens its demo identities).
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{seed_db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{seed_db}" TEMPLATE "{dbname}"')
        seed_keys = keys.parent / seed_db
        write_keys(seed_keys)
        for name in ("master.key", "blind_index.key", "secret_key"):
            (seed_keys / name).write_bytes((keys / name).read_bytes())
            (seed_keys / name).chmod(0o600)
    types = service_types(project, env)

    with psycopg.connect(opts.database_url) as conn:
        filler = fill(conn, opts.contacts, opts.seed, types)
        timings.update(filler.timings)
        sizes = filler.sizes
        logins = filler.logins_found

    if has_command(project, env, "reports_rebuild_aggregates"):
        timings["reports_rebuild_aggregates"] = round(
            manage(project, env, "reports_rebuild_aggregates"), 1
        )
        log(f"  reports_rebuild_aggregates {timings['reports_rebuild_aggregates']:.0f} s")
    t0 = time.monotonic()
    with psycopg.connect(opts.database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        cur = conn.execute(
            """SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname IN
            ('clients_client', 'outreach_outreachcontact', 'referrals_servicedelivery',
             'referrals_referral', 'activities_activity', 'activities_hotlinecall',
             'safety_incident', 'outreach_distribution') ORDER BY relname"""
        )
        totals = {name: int(n) for name, n in cur.fetchall()}
        db_size = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()[0]  # type: ignore[index]
    timings["analyze"] = round(time.monotonic() - t0, 1)
    total = round(time.monotonic() - started, 1)
    manifest = {
        "database": dbname,
        "contacts_requested": opts.contacts,
        "rows": totals,
        "generated": sizes,
        "database_size": db_size,
        "seconds": total,
        "timings": timings,
        "logins": logins,
        "project": str(project),
        "keys_dir": str(keys),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": os.getloadavg()[0],
    }
    (keys / "scale.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    log(f"  analyze {timings['analyze']:.0f} s")
    log(f"done in {total:.0f} s ({db_size}); rows: {json.dumps(totals)}")
    log(f"manifest: {keys / 'scale.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
