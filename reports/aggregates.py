"""Keeping the aggregate tables (reports.models) by database triggers, rebuilding them
from the raw rows, and checking them against a recount.

Why triggers (docs/reporting-at-scale.md): every write of a counted record, whatever
path it takes (a service, the API and sync, bulk_create, QuerySet.update, a cascade, the
benchmark generator's raw SQL), changes the aggregates in the same statement and so in
the same transaction: a record saved is in the next report, a write that fails or a
process that dies half-way leaves them as they were. Two writers of the same cell are
serialised by the cell's row: PostgreSQL's INSERT … ON CONFLICT DO UPDATE locks it;
SQLite lets one writer at a time.

One `Table` says, for an aggregate table, which raw rows it counts and by what; the
trigger, the rebuild (one INSERT … SELECT … GROUP BY) and the check are generated from
it, so the three cannot disagree about what a cell is. The SQL is put together from
these descriptions and the taxonomy's codes, never from input (hence the `noqa: S608`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from directory.taxonomy import SERVICE_TYPES

from .perturbation import P


@dataclass(frozen=True)
class Key:
    column: str
    expr: str  # over the raw row, written "{r}.column"
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    raw: str
    keys: tuple[Key, ...]
    watched: tuple[str, ...]  # raw columns whose change moves the record to another cell
    keyed: bool = True  # keeps Σ id and Σ id² mod P (the cell key of the records)
    sums: tuple[tuple[str, str], ...] = ()  # (column, raw expression) added up
    when: str = ""  # only raw rows where this holds (over "{r}")

    def columns(self) -> list[str]:
        cols = [k.column for k in self.keys] + ["records"]
        if self.keyed:
            cols += ["id_sum", "id_sq_sum"]
        return cols + [c for c, _ in self.sums]

    def measures(self, r: str) -> list[tuple[str, str, bool]]:
        """What one raw row `r` adds to its cell, as (column, expression, kept mod P), in
        the order of `columns()` after the keys: the record, its id terms, the sums."""
        terms = [("records", "1", False)]
        if self.keyed:
            terms += [
                ("id_sum", f"{r}.id % {P}", True),
                ("id_sq_sum", f"(({r}.id % {P}) * ({r}.id % {P})) % {P}", True),
            ]
        return terms + [(c, e.format(r=r), False) for c, e in self.sums]

    def conflict(self) -> str:
        return ", ".join(f"COALESCE({k.column}, '')" if k.nullable else k.column for k in self.keys)

    def match(self, r: str) -> str:
        parts = []
        for k in self.keys:
            value = k.expr.format(r=r)
            if k.nullable:
                parts.append(f"COALESCE({k.column}, '') = COALESCE({value}, '')")
            else:
                parts.append(f"{k.column} = {value}")
        return " AND ".join(parts)

    def condition(self, r: str) -> str:
        return self.when.format(r=r) if self.when else "1 = 1"


def _category_sql() -> str:
    """The report category of a delivery, as `reports.context._category_expr` works it out:
    from the service type through the taxonomy, else the stored column."""
    whens = " ".join(f"WHEN '{t.code}' THEN '{t.category}'" for t in SERVICE_TYPES.values())
    return f"COALESCE(CASE {{r}}.service_type {whens} END, {{r}}.category)"


def _period_start_sql(vendor: str, grain: str) -> str:
    """The first day of the month, quarter or year of a contact's date."""
    if vendor == "postgresql":
        return f"CAST(date_trunc('{grain}', {{r}}.contact_date) AS date)"
    if grain == "quarter":
        return (
            "printf('%04d-%02d-01', CAST(strftime('%Y', {r}.contact_date) AS integer), "
            "((CAST(strftime('%m', {r}.contact_date) AS integer) - 1) / 3) * 3 + 1)"
        )
    return f"date({{r}}.contact_date, 'start of {grain}')"


PRESENCE_GRAINS = ("month", "quarter", "year")


def tables(vendor: str | None = None) -> list[Table]:
    vendor = vendor or connection.vendor
    delivery_watched = ("client_id", "service_type", "category", "provider_id", "delivered_on")
    contact_place = (
        Key("commune_id", "{r}.commune_id", nullable=True),
        Key("legacy_commune_id", "{r}.legacy_commune_id", nullable=True),
        Key("peer_group_id", "{r}.peer_group_id"),
    )
    contact_watched = ("contact_date", "commune_id", "legacy_commune_id", "peer_group_id")
    contact_sums = (
        ("head_count", "{r}.head_count"),
        ("anonymous", "CASE WHEN {r}.client_id IS NULL THEN 1 ELSE 0 END"),
    )
    return [
        Table(
            "reports_persontime",
            "referrals_servicedelivery",
            (
                Key("client_id", "{r}.client_id"),
                Key("category", _category_sql()),
                Key("provider_id", "{r}.provider_id"),
                Key("delivered_on", "{r}.delivered_on"),
            ),
            delivery_watched,
        ),
        Table(
            "reports_persontimetype",
            "referrals_servicedelivery",
            (
                Key("client_id", "{r}.client_id"),
                Key("service_type", "{r}.service_type"),
                Key("category", _category_sql()),
                Key("provider_id", "{r}.provider_id"),
                Key("delivered_on", "{r}.delivered_on"),
            ),
            delivery_watched,
        ),
        Table(
            "reports_contactday",
            "outreach_outreachcontact",
            (Key("contact_date", "{r}.contact_date"), *contact_place),
            contact_watched + ("head_count", "client_id"),
            sums=contact_sums,
        ),
        Table(
            "reports_contactmonthcount",
            "outreach_outreachcontact",
            (Key("contact_date", _period_start_sql(vendor, "month")), *contact_place),
            contact_watched + ("head_count", "client_id"),
            sums=contact_sums,
        ),
        *[
            Table(
                f"reports_contact{grain}",
                "outreach_outreachcontact",
                (
                    Key("client_id", "{r}.client_id"),
                    Key("contact_date", _period_start_sql(vendor, grain)),
                    *contact_place,
                ),
                contact_watched + ("client_id",),
                keyed=False,
                when="{r}.client_id IS NOT NULL",
            )
            for grain in PRESENCE_GRAINS
        ],
    ]


# --- Triggers ---------------------------------------------------------------------------


def _values(t: Table, r: str) -> list[str]:
    return [k.expr.format(r=r) for k in t.keys] + [e for _, e, _ in t.measures(r)]


def _add(t: Table, r: str) -> str:
    sets = [
        f"{c} = ({t.name}.{c} + excluded.{c}) % {P}"
        if mod
        else f"{c} = {t.name}.{c} + excluded.{c}"
        for c, _, mod in t.measures(r)
    ]
    return (
        f"INSERT INTO {t.name} ({', '.join(t.columns())}) "
        f"SELECT {', '.join(_values(t, r))} WHERE {t.condition(r)} "
        f"ON CONFLICT ({t.conflict()}) DO UPDATE SET {', '.join(sets)};"
    )


def _remove(t: Table, r: str) -> str:
    sets = [
        f"{c} = ({c} + {P} - {e}) % {P}" if mod else f"{c} = {c} - {e}"
        for c, e, mod in t.measures(r)
    ]
    where = f"{t.match(r)} AND {t.condition(r)}"
    return (
        f"UPDATE {t.name} SET {', '.join(sets)} WHERE {where}; "  # noqa: S608
        f"DELETE FROM {t.name} WHERE {where} AND records <= 0;"
    )


def _changed(t: Table, vendor: str) -> str:
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in t.watched)


def _trigger_name(t: Table) -> str:
    return f"{t.name}_keep"


def _pg_create(t: Table) -> list[str]:
    name, watched = _trigger_name(t), ", ".join(t.watched)
    function = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {_remove(t, "OLD")} END IF;
    IF TG_OP <> 'DELETE' THEN {_add(t, "NEW")} END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql"""
    return [
        function,
        f"DROP TRIGGER IF EXISTS {name} ON {t.raw}",
        f"DROP TRIGGER IF EXISTS {name}_upd ON {t.raw}",
        f"CREATE TRIGGER {name} AFTER INSERT OR DELETE ON {t.raw} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_upd AFTER UPDATE OF {watched} ON {t.raw} "
        f"FOR EACH ROW WHEN ({_changed(t, 'postgresql')}) EXECUTE FUNCTION {name}()",
    ]


def _sqlite_create(t: Table) -> list[str]:
    name, watched = _trigger_name(t), ", ".join(t.watched)
    return [
        *[f"DROP TRIGGER IF EXISTS {name}_{op}" for op in ("ins", "del", "upd")],
        f"CREATE TRIGGER {name}_ins AFTER INSERT ON {t.raw} BEGIN {_add(t, 'NEW')} END",
        f"CREATE TRIGGER {name}_del AFTER DELETE ON {t.raw} BEGIN {_remove(t, 'OLD')} END",
        f"CREATE TRIGGER {name}_upd AFTER UPDATE OF {watched} ON {t.raw} "
        f"WHEN {_changed(t, 'sqlite')} BEGIN {_remove(t, 'OLD')} {_add(t, 'NEW')} END",
    ]


def _drop(t: Table, vendor: str) -> list[str]:
    name = _trigger_name(t)
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {name} ON {t.raw}",
            f"DROP TRIGGER IF EXISTS {name}_upd ON {t.raw}",
            f"DROP FUNCTION IF EXISTS {name}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}_{op}" for op in ("ins", "del", "upd")]


def _execute(conn: BaseDatabaseWrapper, statements: Iterable[str]) -> None:
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def present(conn: BaseDatabaseWrapper) -> list[Table]:
    """The tables the database has so far (an earlier migration fills only its own)."""
    existing = set(conn.introspection.table_names())
    return [t for t in tables(conn.vendor) if t.name in existing and t.raw in existing]


def install_triggers(conn: BaseDatabaseWrapper | None = None) -> None:
    """(Re)create the triggers, with the service taxonomy as the code has it now."""
    conn = conn or connection
    create = _pg_create if conn.vendor == "postgresql" else _sqlite_create
    _execute(conn, [sql for t in present(conn) for sql in create(t)])


def drop_triggers(conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or connection
    _execute(conn, [sql for t in tables(conn.vendor) for sql in _drop(t, conn.vendor)])


# --- Rebuild and check ------------------------------------------------------------------


def _recount_sql(t: Table) -> str:
    """The table's rows worked out from the raw rows (one GROUP BY)."""
    r = "r"
    keys = [k.expr.format(r=r) for k in t.keys]
    values = keys + [f"SUM({e}) % {P}" if mod else f"SUM({e})" for _, e, mod in t.measures(r)]
    return (
        f"SELECT {', '.join(values)} FROM {t.raw} {r} "  # noqa: S608
        f"WHERE {t.condition(r)} GROUP BY {', '.join(keys)}"
    )


def rebuild(
    conn: BaseDatabaseWrapper | None = None, only: Iterable[str] | None = None
) -> dict[str, int]:
    """Refill every aggregate table (or those named in `only`) from the raw rows, and
    reinstall the triggers, in one transaction: a report running meanwhile sees the old
    rows or the new."""
    conn = conn or connection
    names = set(only) if only is not None else None
    counts: dict[str, int] = {}
    with transaction.atomic(using=conn.alias):
        install_triggers(conn)
        with conn.cursor() as cursor:
            for t in present(conn):
                if names is not None and t.name not in names:
                    continue
                cursor.execute(f"DELETE FROM {t.name}")  # noqa: S608
                cursor.execute(f"INSERT INTO {t.name} ({', '.join(t.columns())}) {_recount_sql(t)}")
                counts[t.name] = cursor.rowcount
    return counts


def differences(conn: BaseDatabaseWrapper | None = None) -> dict[str, tuple[int, int]]:
    """{table: (rows missing or wrong, rows that should not be there)} for every table
    that differs from a recount of the raw rows; empty when all agree."""
    conn = conn or connection
    out: dict[str, tuple[int, int]] = {}
    with conn.cursor() as cursor:
        for t in tables(conn.vendor):
            stored = f"SELECT {', '.join(t.columns())} FROM {t.name}"  # noqa: S608
            recount = _recount_sql(t)
            found = []
            for a, b in ((recount, stored), (stored, recount)):
                cursor.execute(f"SELECT COUNT(*) FROM ({a} EXCEPT {b}) AS d")  # noqa: S608
                found.append(int(cursor.fetchone()[0]))
            if any(found):
                out[t.name] = (found[0], found[1])
    return out
