"""The structure the client-level rows hang on, built in Python and written by COPY:
organisations, support models, peer groups and their communes, users and their grants,
memberships, establishments, the providers' services; and the lookup tables (schema
scalegen) that the SQL fill joins to."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from .common import PROVINCE_WEIGHT, SERVICE_TYPE_WEIGHT_FLOOR, log

Rows = list[tuple[Any, ...]]

MODEL_KINDS = ["peer_capacity", "community_services", "worker_rights", "self_help"]
ESTABLISHMENT_KINDS = ["karaoke", "hotel", "guesthouse", "massage", "bar", "restaurant"]

# The tables written by COPY: (table, columns) in the order of the tuples built below.
ORGANISATION_COLUMNS = [
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
SUPPORT_MODEL_COLUMNS = [
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
]
USER_COLUMNS = [
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
]
GRANT_COLUMNS = [
    "id",
    "role",
    "active",
    "created_at",
    "organisation_id",
    "peer_group_id",
    "province_id",
    "support_model_id",
    "user_id",
]
MEMBERSHIP_COLUMNS = ["id", "alias", "role", "joined_on", "left_on", "user_id", "peer_group_id"]
ESTABLISHMENT_COLUMNS = [
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
]
SERVICE_COLUMNS = [
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
]

# The lookup tables of schema scalegen: (name, column definitions and keys, index or None).
LOOKUP_TABLES = (
    (
        "g_group",
        "gi int PRIMARY KEY, group_id bigint UNIQUE, model_id bigint, pi int, prov text, "
        "lead_org bigint, leader bigint, npeers int, ncommunes int",
        None,
    ),
    ("g_peer", "gi int, k int, user_id bigint, PRIMARY KEY (gi, k)", None),
    ("g_commune", "gi int, k int, commune text, legacy text, PRIMARY KEY (gi, k)", None),
    ("g_est", "gi int, k int, est_id bigint, PRIMARY KEY (gi, k)", None),
    (
        "g_province",
        "pi int PRIMARY KEY, prov text UNIQUE, hotline_org bigint, counsellor bigint",
        None,
    ),
    (
        "g_service",
        "pi int, lo float8, service_id bigint, provider_id bigint, staff bigint, service_type text",
        "(pi, lo)",
    ),
    ("g_category", "service_type text PRIMARY KEY, category text", None),
)


def column_names(definition: str) -> list[str]:
    """The column names of a LOOKUP_TABLES definition (its keys left out)."""
    parts = [p.strip() for p in definition.split(",")]
    return [p.split()[0] for p in parts if not p.startswith(("PRIMARY", "k)")) and " " in p]


class Structure:
    """The rows of the structure, accumulated province by province (one seeded `rng`, drawn
    in a fixed order: the same seed gives the same rows)."""

    def __init__(self, filler: Any, types: list[tuple[str, str, str]]) -> None:
        self.filler = filler
        self.rng = filler.rng
        self.created = filler.now
        self.types = types
        self.read_geography(filler.cur)
        self.categories = sorted({t[1] for t in types})
        self.by_category = {c: [t for t in types if t[1] == c] for c in self.categories}
        filler.cur.execute(
            "SELECT service_type, count(*) FROM referrals_servicedelivery GROUP BY 1"
        )
        demo_mix = dict(filler.cur.fetchall())
        self.type_weight = {t[0]: demo_mix.get(t[0], 0) + SERVICE_TYPE_WEIGHT_FLOOR for t in types}
        self.org_id = filler.base("programs_organisation")
        self.model_id = filler.base("programs_supportmodel")
        self.group_id = filler.base("programs_peergroup")
        self.user_id = filler.base("accounts_user")
        self.est_id = filler.base("programs_establishment")
        self.svc_id = filler.base("directory_service")
        self.gi = 0
        for name in ("orgs", "models", "model_communes", "groups", "group_communes", "users"):
            setattr(self, name, [])
        for name in ("grants", "members", "ests", "services"):
            setattr(self, name, [])
        # Lookup rows for the SQL fill.
        for name in ("g_group", "g_peer", "g_commune", "g_est", "g_province", "g_service"):
            setattr(self, name, [])

    def read_geography(self, cur: Any) -> None:
        cur.execute("SELECT code FROM geo_province ORDER BY code")
        provinces = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT province_id, code FROM geo_commune ORDER BY code")
        self.communes: dict[str, list[str]] = {p: [] for p in provinces}
        for prov, code in cur.fetchall():
            self.communes[prov].append(code)
        self.provinces = [p for p in provinces if self.communes[p]]
        cur.execute(
            "SELECT new_commune_id, min(old_commune_id) FROM geo_communeconversion GROUP BY 1"
        )
        self.legacy = dict(cur.fetchall())

    def groups_per_province(self) -> list[int]:
        groups_total = max(len(self.provinces), round(self.filler.clients / 150))
        weights = [PROVINCE_WEIGHT.get(p, 1) for p in self.provinces]
        share = [w / sum(weights) for w in weights]
        return [max(1, round(groups_total * s)) for s in share]

    # -- rows ----------------------------------------------------------------------------
    def new_user(self, username: str, role: str, **scope: Any) -> int:
        self.user_id += 1
        created = self.created
        self.users.append(
            (self.user_id, "!", False, username, "", "", "", False, True, created, "", "", "vi")
        )
        self.grants.append(
            (
                len(self.grants) + 1,
                role,
                True,
                created,
                scope.get("organisation"),
                scope.get("peer_group"),
                scope.get("province"),
                scope.get("support_model"),
                self.user_id,
            )
        )
        return self.user_id

    def new_org(self, name: str, kind: str, prov: str, commune: str | None) -> int:
        self.org_id += 1
        self.orgs.append(
            (self.org_id, name, kind, "", "", "", "", True, self.created, commune, prov)
        )
        return self.org_id

    def add_province(self, pi: int, prov: str, n_groups: int) -> None:
        agency = self.new_org(f"Chi cục PCTNXH (sinh mẫu) {prov}", "agency", prov, None)
        mass = self.new_org(f"Hội Phụ nữ (sinh mẫu) {prov}", "mass", prov, None)
        hotline = self.new_org(f"Đường dây nóng (sinh mẫu) {prov}", "community", prov, None)
        counsellor = self.new_user(f"sg_hotline_{prov}", "hotline", organisation=hotline)
        self.new_user(f"sg_tinh_{prov}", "prov_manager", province=prov)
        self.add_services(pi, prov, n_groups)
        self.g_province.append((pi, prov, hotline, counsellor))
        prov_models = self.add_models(prov, n_groups, agency, mass)
        for g in range(n_groups):
            self.add_group(pi, prov, g, prov_models[g // 4])

    def add_services(self, pi: int, prov: str, n_groups: int) -> None:
        """Providers (at least one per category, then one per two groups) with their services,
        and the province's weighted pick of a service: a service's weight is its type's weight
        shared among the province's services of that type."""
        n_providers = max(len(self.categories), math.ceil(n_groups / 2))
        prov_services: list[tuple[str, int, int, int]] = []  # type, svc, provider, staff
        for k in range(n_providers):
            category = self.categories[k % len(self.categories)]
            commune = self.rng.choice(self.communes[prov])
            provider = self.new_org(
                f"Cơ sở dịch vụ (sinh mẫu) {prov}-{k + 1}", "provider", prov, commune
            )
            staff = self.new_user(f"sg_provider_{provider}", "provider", organisation=provider)
            for code, _cat, label in self.by_category[category]:
                self.svc_id += 1
                self.services.append(
                    (self.svc_id, f"md5-svc-{self.svc_id}", code, label, "", "", "[]", "free")
                    + ("", "", "", True, None, True, self.created, provider)
                )
                prov_services.append((code, self.svc_id, provider, staff))
        per_type: dict[str, int] = {}
        for code, *_rest in prov_services:
            per_type[code] = per_type.get(code, 0) + 1
        weight = self.type_weight
        total = sum(weight[c] / per_type[c] * 1.0 for c, *_r in prov_services)
        lo = 0.0
        for code, sid, provider, staff in prov_services:
            self.g_service.append((pi, lo, sid, provider, staff, code))
            lo += weight[code] / per_type[code] / total

    def add_models(
        self, prov: str, n_groups: int, agency: int, mass: int
    ) -> list[tuple[int, int, int]]:
        """Support models, led by the provincial agency, the women's union or a community
        group, each with its coordinator: (model, lead, coordinator)."""
        prov_models = []
        for m in range(max(1, math.ceil(n_groups / 4))):
            self.model_id += 1
            if m % 3 == 0:
                lead = agency
            elif m % 3 == 1:
                lead = mass
            else:
                lead = self.new_org(
                    f"Nhóm cộng đồng (sinh mẫu) {prov}-{m + 1}", "community", prov, None
                )
            self.models.append(
                (self.model_id, f"Mô hình (sinh mẫu) {prov}-{m + 1}", MODEL_KINDS[m % 4])
                + (date(2021, 1, 1), None, "", "", None, None, self.created, lead, prov)
            )
            coord = self.new_user(
                f"sg_coord_{self.model_id}", "coordinator", support_model=self.model_id
            )
            prov_models.append((self.model_id, lead, coord))
        return prov_models

    def add_group(self, pi: int, prov: str, g: int, prov_model: tuple[int, int, int]) -> None:
        """A peer group with its communes, peers and two establishments."""
        rng = self.rng
        pcommunes = self.communes[prov]
        self.gi += 1
        self.group_id += 1
        gi, group_id = self.gi, self.group_id
        model, lead, _coord = prov_model
        founded = date(2021, 1, 1) + timedelta(days=rng.randrange(365))
        name = f"Nhóm đồng đẳng (sinh mẫu) {prov}-{g + 1}"
        self.groups.append((group_id, name, "peer", founded, True, model))
        chosen = rng.sample(pcommunes, k=min(len(pcommunes), rng.choice([1, 2, 2, 3])))
        for k, commune in enumerate(chosen, start=1):
            self.group_communes.append((group_id, commune))
            self.model_communes.append((model, commune))
            self.g_commune.append((gi, k, commune, self.legacy.get(commune)))
        n_peers = rng.choice([4, 5, 6, 6, 7, 8])
        leader = 0
        for k in range(1, n_peers + 1):
            role = "leader" if k == 1 else "peer"
            uid = self.new_user(f"sg_peer_{group_id}_{k}", role, peer_group=group_id)
            kind = "core" if k <= 3 else "network"
            self.members.append(
                (len(self.members) + 1, f"ĐĐ {group_id}.{k}", kind, date(2021, 6, 1), None)
                + (uid, group_id)
            )
            self.g_peer.append((gi, k, uid))
            leader = leader or uid
        for k in (1, 2):
            self.est_id += 1
            est_name = f"Cơ sở kinh doanh (sinh mẫu) {self.est_id}"
            self.ests.append(
                (self.est_id, est_name, rng.choice(ESTABLISHMENT_KINDS), None, None, True)
                + (self.created, chosen[0], model)
            )
            self.g_est.append((gi, k, self.est_id))
        self.g_group.append((gi, group_id, model, pi, prov, lead, leader, n_peers, len(chosen)))

    # -- writing -------------------------------------------------------------------------
    def write_tables(self) -> None:
        f = self.filler
        tables: list[tuple[str, list[str], Rows]] = [
            ("programs_organisation", ORGANISATION_COLUMNS, self.orgs),
            ("programs_supportmodel", SUPPORT_MODEL_COLUMNS, self.models),
            (
                "programs_supportmodel_communes",
                ["supportmodel_id", "commune_id"],
                sorted(set(self.model_communes)),
            ),
            (
                "programs_peergroup",
                ["id", "name", "kind", "founded_on", "active", "support_model_id"],
                self.groups,
            ),
            ("programs_peergroup_communes", ["peergroup_id", "commune_id"], self.group_communes),
            ("accounts_user", USER_COLUMNS, self.users),
        ]
        for table, columns, rows in tables:
            f.copy(table, columns, rows)
        grant_base = f.base("accounts_grant")
        f.copy("accounts_grant", GRANT_COLUMNS, [(grant_base + g[0], *g[1:]) for g in self.grants])
        member_base = f.base("programs_membership")
        members = [(member_base + m[0], *m[1:]) for m in self.members]
        f.copy("programs_membership", MEMBERSHIP_COLUMNS, members)
        ests = [(e[0], f.uuid("est", e[0]), *e[1:]) for e in self.ests]
        f.copy("programs_establishment", ESTABLISHMENT_COLUMNS, ests)
        services = [(s[0], f.uuid("svc", s[0]), *s[2:]) for s in self.services]
        f.copy("directory_service", SERVICE_COLUMNS, services)

    def write_lookups(self) -> None:
        f = self.filler
        f.sql("DROP SCHEMA IF EXISTS scalegen CASCADE")
        f.sql("CREATE SCHEMA scalegen")
        g_category = [(t[0], t[1]) for t in self.types]
        for name, definition, index in LOOKUP_TABLES:
            f.sql(f"CREATE TABLE scalegen.{name} ({definition})")
            rows = g_category if name == "g_category" else getattr(self, name)
            f.copy(f"scalegen.{name}", column_names(definition), rows)
            if index:
                f.sql(f"CREATE INDEX ON scalegen.{name} {index}")


def build_structure(filler: Any, types: list[tuple[str, str, str]]) -> None:
    """The structure, written; `filler.groups` is the number of peer groups."""
    built = Structure(filler, types)
    for pi, (prov, n_groups) in enumerate(
        zip(built.provinces, built.groups_per_province()), start=1
    ):
        built.add_province(pi, prov, n_groups)
    built.write_tables()
    built.write_lookups()
    filler.groups = built.gi
    filler.sizes.update(
        organisations=len(built.orgs),
        support_models=len(built.models),
        peer_groups=len(built.groups),
        users=len(built.users),
        services=len(built.services),
        establishments=len(built.ests),
    )
    filler.conn.commit()
    log(
        f"  structure: {len(built.orgs)} organisations, {len(built.models)} support models, "
        f"{len(built.groups)} peer groups, {len(built.users)} users, "
        f"{len(built.services)} services"
    )
