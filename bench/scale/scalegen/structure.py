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
Record = dict[str, Any]

# The scopes a grant can carry: a column <scope>_id each.
GRANT_SCOPES = ("organisation", "peer_group", "province", "support_model")

MODEL_KINDS = ["peer_capacity", "community_services", "worker_rights", "self_help"]
ESTABLISHMENT_KINDS = ["karaoke", "hotel", "guesthouse", "massage", "bar", "restaurant"]

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


def copy_dicts(filler: Any, table: str, rows: list[Record]) -> None:
    """COPY of rows given as {column: value} (every row has the same columns, in order)."""
    filler.copy(table, list(rows[0]), [tuple(row.values()) for row in rows])


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
            {"id": self.user_id, "password": "!", "is_superuser": False, "username": username}
            | dict.fromkeys(("first_name", "last_name", "email"), "")
            | {"is_staff": False, "is_active": True, "date_joined": created}
            | {"full_name": "", "phone": "", "language": "vi"}
        )
        self.grants.append(
            {"id": len(self.grants) + 1, "role": role, "active": True, "created_at": created}
            | {f"{name}_id": scope.get(name) for name in GRANT_SCOPES}
            | {"user_id": self.user_id}
        )
        return self.user_id

    def new_org(self, name: str, kind: str, prov: str, commune: str | None) -> int:
        self.org_id += 1
        self.orgs.append(
            {"id": self.org_id, "name": name, "kind": kind}
            | dict.fromkeys(("description", "phone", "email", "website"), "")
            | {"active": True, "created_at": self.created}
            | {"commune_id": commune, "province_id": prov}
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
                    {"id": self.svc_id, "public_id": None, "service_type": code, "name": label}
                    | {"description": "", "eligibility": "", "languages": "[]", "cost": "free"}
                    | dict.fromkeys(("fee_note", "opening_hours", "phone"), "")
                    | {"friendly_to_key_populations": True, "last_verified_on": None}
                    | {"active": True, "created_at": self.created, "organisation_id": provider}
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
                {"id": self.model_id, "name": f"Mô hình (sinh mẫu) {prov}-{m + 1}"}
                | {"kind": MODEL_KINDS[m % 4], "start_date": date(2021, 1, 1), "end_date": None}
                | {"funding_source": "", "decision_number": ""}
                | {"decision_date": None, "budget_vnd": None, "created_at": self.created}
                | {"lead_organisation_id": lead, "province_id": prov}
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
                {"id": len(self.members) + 1, "alias": f"ĐĐ {group_id}.{k}", "role": kind}
                | {"joined_on": date(2021, 6, 1), "left_on": None}
                | {"user_id": uid, "peer_group_id": group_id}
            )
            self.g_peer.append((gi, k, uid))
            leader = leader or uid
        for k in (1, 2):
            self.est_id += 1
            est_name = f"Cơ sở kinh doanh (sinh mẫu) {self.est_id}"
            self.ests.append(
                {"id": self.est_id, "public_id": None, "name": est_name}
                | {"kind": rng.choice(ESTABLISHMENT_KINDS), "wrapped_key": None}
                | {"owner_contact_blob": None, "active": True, "created_at": self.created}
                | {"commune_id": chosen[0], "support_model_id": model}
            )
            self.g_est.append((gi, k, self.est_id))
        self.g_group.append((gi, group_id, model, pi, prov, lead, leader, n_peers, len(chosen)))

    # -- writing -------------------------------------------------------------------------
    def write_tables(self) -> None:
        f = self.filler
        copy_dicts(f, "programs_organisation", self.orgs)
        copy_dicts(f, "programs_supportmodel", self.models)
        tables: list[tuple[str, list[str], Rows]] = [
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
        ]
        for table, columns, rows in tables:
            f.copy(table, columns, rows)
        copy_dicts(f, "accounts_user", self.users)
        grant_base = f.base("accounts_grant")
        copy_dicts(f, "accounts_grant", [g | {"id": grant_base + g["id"]} for g in self.grants])
        member_base = f.base("programs_membership")
        members = [m | {"id": member_base + m["id"]} for m in self.members]
        copy_dicts(f, "programs_membership", members)
        ests = [e | {"public_id": f.uuid("est", e["id"])} for e in self.ests]
        copy_dicts(f, "programs_establishment", ests)
        services = [v | {"public_id": f.uuid("svc", v["id"])} for v in self.services]
        copy_dicts(f, "directory_service", services)

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
