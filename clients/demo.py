"""Demo clients for every demo peer group, registered 2019–2026: population groups,
consents (follow-up for all; phone for most; sharing with the demo clinic and legal aid
office for some), status histories, a few minors, a few erased identities and a few
data-subject requests. Names and phone numbers exist only encrypted."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Grant, Role, User
from core.crypto import EncryptedIdentity, blind_index, name_token_indexes
from core.demo import DEMO_START, DemoContext
from core.registry import demo_loader

from .models import (
    Client,
    ClientIdentityToken,
    ClientStatus,
    ClientStatusChange,
    Consent,
    DataSubjectRequest,
    GenderIdentity,
    PopulationGroup,
    Sex,
)
from .records import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH
from .uic import build_uic, uic_index

# Clients per group at scale 1 (Quảng Ninh's three peer groups and its club are the largest).
CLIENTS_PER_GROUP = {"qn_halong": 260, "qn_campha": 180, "qn_uongbi": 140, "qn_club": 160}
DEFAULT_CLIENTS = 50

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Minh", "Văn", "Thanh", "Kim", "Hồng"]
GIVEN_F = [
    "Lan",
    "Hoa",
    "Mai",
    "Hương",
    "Ngọc",
    "Trang",
    "Linh",
    "Thảo",
    "Yến",
    "Nhung",
    "Hằng",
    "Phương",
    "Thúy",
    "Loan",
    "Diệp",
    "Quyên",
    "Vân",
    "Oanh",
    "Duyên",
    "Hạnh",
]
GIVEN_M = ["Nam", "Hùng", "Dũng", "Tuấn", "Long", "Minh", "Sơn", "Quân", "Đức", "Khánh"]
NICK = ["Bống", "Mèo", "Su", "Bi", "Na", "Xíu", "Mận", "Cốm", "Tí", "Gấu"]
PHONE_PREFIX = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "070", "077"]


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def group_peers(ctx: DemoContext) -> dict[int, User]:
    """A peer educator for every demo group: the standing demo login where there is one,
    otherwise a record-keeping account that cannot log in (unusable password)."""
    found: dict[int, User] = {}
    for grant in Grant.objects.filter(
        role__in=[Role.PEER_EDUCATOR, Role.GROUP_LEADER], peer_group__isnull=False
    ).select_related("user"):
        found.setdefault(grant.peer_group_id, grant.user)  # type: ignore[arg-type]
    for key, group in ctx.groups.items():
        if group.pk in found:
            continue
        user = User.objects.create_user(username=f"ddv_{key}", full_name=f"ĐĐV {group.name}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Grant.objects.create(user=user, role=Role.PEER_EDUCATOR, peer_group=group)
        found[group.pk] = user
    return found


def _short_codes(n: int, rng: Any) -> list[str]:
    taken = set(Client.objects.values_list("short_code", flat=True))
    out: list[str] = []
    while len(out) < n:
        code = "".join(rng.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            out.append(code)
    return out


def _phone(rng: Any) -> str:
    return rng.choice(PHONE_PREFIX) + "".join(str(rng.randrange(10)) for _ in range(7))


def _draw_client(
    rng: Any, group: Any, peer: User, code: str, *, commune: Any, registered_from: date, span: int
) -> tuple[Client, dict[str, Any]]:
    """One client drawn at random, identity sealed, with what later steps need to know."""
    model = group.support_model
    registered = registered_from + timedelta(days=int(span * rng.random() ** 0.8))
    female = rng.random() < 0.9
    minor = rng.random() < 0.03
    age = rng.randrange(16, 18) if minor else rng.randrange(18, 50)
    birth_year = registered.year - age
    sex = Sex.FEMALE if female else Sex.MALE
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    mother = rng.choice(GIVEN_F)
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {given}"
    nickname = rng.choice(NICK) if rng.random() < 0.5 else ""
    phone = _phone(rng) if rng.random() < 0.7 else ""
    client = Client(
        short_code=code,
        uic=uic_index(
            build_uic(given_name=given, mother_given_name=mother, birth_year=birth_year, sex=sex)
        ),
        peer_group=group,
        province_id=model.province_id,
        commune=commune,
        birth_year=birth_year,
        sex=sex,
        gender_identity=GenderIdentity.WOMAN
        if female
        else rng.choice(
            [GenderIdentity.MAN, GenderIdentity.TRANS_WOMAN, GenderIdentity.NOT_STATED]
        ),
        is_minor_at_registration=registered.year - birth_year < 18,
        registered_on=registered,
        registered_by=peer,
    )
    client.wrapped_key, client.identity_blob = EncryptedIdentity.seal(
        {"name": name, "nickname": nickname, "phone": phone, "notes": ""},
        client.crypto_context,
    )
    client.phone_index = blind_index("phone", phone)
    client.name_index = blind_index("name", name)
    return client, {"peer": peer, "female": female, "name": name, "nickname": nickname}


def _erase_some(rng: Any, clients: list[Client], today: date) -> None:
    """Erase a few identities (the pseudonymous records and counts stay)."""
    for client in rng.sample(clients, max(1, len(clients) // 50)):
        client.wrapped_key = None
        client.identity_blob = None
        client.phone_index = client.name_index = ""
        client.erased_at = _aware(client.registered_on + timedelta(days=200))
        if client.erased_at.date() > today:
            client.erased_at = _aware(today)


def _consents_at_registration(
    rng: Any, client: Client, peer: User, providers: list[Any]
) -> list[Consent]:
    """Follow-up always, phone contact with a phone, sharing with each Quảng Ninh provider
    three times in ten."""
    taken = _aware(client.registered_on, rng.randrange(8, 18))
    method = rng.choices(list(Consent.Method.values), [70, 20, 10])[0]
    wanted: list[tuple[str, Any]] = [(Consent.Purpose.FOLLOW_UP, None)]
    if client.phone_index or client.erased_at:
        wanted.append((Consent.Purpose.PHONE_CONTACT, None))
    if client.province_id == "22" and providers:
        wanted += [(Consent.Purpose.SHARE_PROVIDER, p) for p in providers if rng.random() < 0.3]
    return [
        Consent(
            client=client,
            purpose=purpose,
            provider=provider,
            method=method,
            taken_by=peer,
            taken_at=taken,
        )
        for purpose, provider in wanted
    ]


def _withdraw_some(rng: Any, consents: list[Consent]) -> int:
    """A few withdrew follow-up consent (no reminders, no contact since): how many."""
    withdrawn = 0
    for consent in consents:
        if (
            consent.purpose == Consent.Purpose.FOLLOW_UP
            and rng.random() < 0.02
            and consent.client.status == ClientStatus.ACTIVE
        ):
            consent.withdrawn_at = consent.taken_at + timedelta(days=90)
            consent.withdrawn_by = consent.taken_by
            withdrawn += 1
    Consent.objects.bulk_update(
        [c for c in consents if c.withdrawn_at], ["withdrawn_at", "withdrawn_by"]
    )
    return withdrawn


def _subject_requests(ctx: DemoContext, clients: list[Client]) -> list[DataSubjectRequest]:
    """Data-subject requests: most closed in time, a few open (one overdue) for the
    coordinator."""
    rng = ctx.rng
    today = ctx.today
    requests: list[DataSubjectRequest] = []
    qn = [c for c in clients if c.province_id == "22" and not c.erased_at]
    for i, client in enumerate(rng.sample(qn, min(len(qn), 12))):
        kind = [
            DataSubjectRequest.Kind.VIEW,
            DataSubjectRequest.Kind.CORRECT,
            DataSubjectRequest.Kind.ERASE,
        ][i % 3]
        received = today - timedelta(days=[3, 15, 40, 200][i % 4])
        due = received + timedelta(days=DataSubjectRequest.DUE_DAYS[kind])
        closed = i % 4 >= 2 and kind != DataSubjectRequest.Kind.ERASE
        requests.append(
            DataSubjectRequest(
                client=client,
                kind=kind,
                received_on=received,
                due_on=due,
                created_by=client.registered_by,
                closed_at=_aware(received + timedelta(days=5)) if closed else None,
                closed_by=ctx.users.get("dieuphoi") if closed else None,
            )
        )
    DataSubjectRequest.objects.bulk_create(requests)
    return requests


def _population_links(
    rng: Any, client: Client, female: bool, pops: dict[str, Any], through: Any
) -> list[Any]:
    """The client's population groups, as rows of the many-to-many table."""
    links = []
    model_kind = client.peer_group.support_model.kind
    codes_for = ["fsw"] if female else rng.choice([["msw"], ["msm"], ["transgender"]])
    if model_kind == "worker_rights" or rng.random() < 0.25:
        codes_for.append("establishment_worker")
    if rng.random() < 0.08:
        codes_for.append("pwud")
    if rng.random() < 0.04:
        codes_for.append("plhiv")
    for code in dict.fromkeys(codes_for):
        links.append(through(client_id=client.pk, populationgroup_id=pops[code].pk))
    return links


def _later_status(rng: Any, client: Client, peer: User, today: date) -> ClientStatusChange | None:
    """A later status change for some of the older clients (set on the client too)."""
    age_days = (today - client.registered_on).days
    if age_days > 400 and rng.random() < 0.2:
        status = rng.choices(
            [
                ClientStatus.INACTIVE,
                ClientStatus.MOVED,
                ClientStatus.REINTEGRATED,
                ClientStatus.DECEASED,
            ],
            [45, 25, 28, 2],
        )[0]
        changed = client.registered_on + timedelta(days=rng.randrange(200, age_days))
        client.status = status
        return ClientStatusChange(client=client, status=status, changed_on=changed, changed_by=peer)
    return None


@demo_loader(20, "clients")
def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = ctx.today
    peers = group_peers(ctx)
    ctx.extra["group_peers"] = peers
    pops = {p.code: p for p in PopulationGroup.objects.all()}
    span = max((today - DEMO_START).days, 1)
    providers = [ctx.organisations[k] for k in ("qn_clinic", "qn_legal") if k in ctx.organisations]
    plan: list[tuple[Any, User]] = []
    for key, group in ctx.groups.items():
        n = CLIENTS_PER_GROUP.get(key, DEFAULT_CLIENTS) * max(ctx.scale, 1)
        plan += [(group, peers[group.pk])] * n
    codes = _short_codes(len(plan), rng)
    first_commune = {g.pk: g.communes.order_by("code").first() for g in ctx.groups.values()}
    clients: list[Client] = []
    extras: list[dict[str, Any]] = []
    for (group, peer), code in zip(plan, codes):
        client, extra = _draw_client(
            rng,
            group,
            peer,
            code,
            commune=first_commune[group.pk],
            registered_from=DEMO_START,
            span=span,
        )
        clients.append(client)
        extras.append(extra)
    _erase_some(rng, clients, today)
    Client.objects.bulk_create(clients, batch_size=500)
    if any(c.pk is None for c in clients):  # databases that do not return ids
        by_code = dict(Client.objects.values_list("short_code", "pk"))
        for c in clients:
            c.pk = by_code[c.short_code]

    ClientIdentityToken.objects.bulk_create(
        [
            ClientIdentityToken(client_id=client.pk, index=index)
            for client, extra in zip(clients, extras)
            if not client.erased_at
            for index in sorted(name_token_indexes(extra["name"], extra["nickname"]))
        ],
        batch_size=1000,
    )
    through = Client.population_groups.through
    links = []
    histories: list[ClientStatusChange] = []
    consents: list[Consent] = []
    for client, extra in zip(clients, extras):
        peer = extra["peer"]
        links += _population_links(rng, client, extra["female"], pops, through)
        histories.append(
            ClientStatusChange(
                client=client,
                status=ClientStatus.ACTIVE,
                changed_on=client.registered_on,
                changed_by=peer,
            )
        )
        consents += _consents_at_registration(rng, client, peer, providers)
        later = _later_status(rng, client, peer, today)
        if later is not None:
            histories.append(later)
    through.objects.bulk_create(links, batch_size=1000)
    ClientStatusChange.objects.bulk_create(histories, batch_size=1000)
    Consent.objects.bulk_create(consents, batch_size=1000)
    changed_status = [c for c in clients if c.status != ClientStatus.ACTIVE]
    Client.objects.bulk_update(changed_status, ["status"], batch_size=500)
    withdrawn = _withdraw_some(rng, consents)
    requests = _subject_requests(ctx, clients)
    ctx.extra["clients"] = clients
    minors = sum(1 for c in clients if c.is_minor_at_registration)
    erased = sum(1 for c in clients if c.erased_at)
    ctx.log.append(
        f"clients: {len(clients)} clients ({minors} minors, {erased} erased, "
        f"{withdrawn} withdrew follow-up), {len(consents)} consents, "
        f"{len(requests)} data-subject requests"
    )
