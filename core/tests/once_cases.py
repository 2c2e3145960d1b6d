"""Every page form that creates a record, as data for the one-time key tests: who opens
it, where, what to type, and which records it makes. `post_data` builds the POST from the
page's own form (its hidden fields and initial values, the one-time key among them), the
way a browser would send it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

PASSWORD = "Fresh-Pass-2026-x"


@dataclass
class Case:
    name: str
    user: str  # attribute of the world
    url: Callable[[Any, SimpleNamespace], str]
    data: Callable[[Any, SimpleNamespace], dict[str, Any]]
    model: str  # "app.Model" counted before and after
    setup: Callable[[Any], SimpleNamespace] = lambda w: SimpleNamespace()
    form: str = "form"  # the form's name in the page's context
    raw: dict[str, str] = field(default_factory=dict)  # posted as is (no prefix)
    # Where the form is posted, when it is not the page that shows it.
    post_url: Callable[[Any, SimpleNamespace], str] | None = None

    def __str__(self) -> str:
        return self.name


def model_count(label: str) -> int:
    from django.apps import apps

    model: type[Model] = apps.get_model(label)
    return model._default_manager.count()


def _value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(_value(v)) for v in value]
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


def post_data(form: Any, overrides: dict[str, Any], raw: dict[str, str]) -> dict[str, Any]:
    """The page's form as a browser posts it, with `overrides` typed in."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False or value == "":
            continue
        if value is True:
            value = "on"
        if callable(value):
            value = value()
        data[bound.html_name] = _value(value)
    for name, value in overrides.items():
        key = form.add_prefix(name)
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    data.update(raw)
    return data


# --- set-ups -----------------------------------------------------------------------


def _client(w: Any) -> SimpleNamespace:
    from clients.tests.conftest import register

    return SimpleNamespace(client=register(w))


def _referral_world(w: Any) -> SimpleNamespace:
    from referrals.tests.conftest import build_services
    from tests.factories import make_client, share_consent

    s = build_services(w)
    client = make_client(w)
    share_consent(client, w.clinic, w.peer)
    return SimpleNamespace(s=s, client=client)


def _referral_sent(w: Any) -> SimpleNamespace:
    from referrals.tests.conftest import send

    x = _referral_world(w)
    x.referral = send(SimpleNamespace(w=w, s=x.s, client=x.client))
    return x


def _stock(w: Any) -> SimpleNamespace:
    from outreach.services import material_create, stock_receive

    material = material_create(actor=w.coordinator, name="Sổ tay quyền", theme="legal_aid")
    stock_receive(
        actor=w.coordinator,
        organisation=w.agency,
        item_kind="material",
        material=material,
        quantity=50,
        received_on=date(2024, 1, 1),
    )
    stock_receive(
        actor=w.coordinator,
        organisation=w.agency,
        item_kind="condom",
        quantity=100,
        received_on=date(2024, 1, 1),
    )
    return SimpleNamespace(material=material)


def _activity(w: Any, **kw: Any) -> Any:
    from activities import services

    defaults: dict[str, Any] = dict(
        actor=w.peer,
        kind="meeting",
        held_on=date(2024, 3, 5),
        support_model=w.model,
        peer_group=w.group,
        commune=w.ha_long,
        venue_type="group_place",
        participants={"worker": 5},
    )
    defaults.update(kw)
    actor = defaults.pop("actor")
    return services.activity_record(actor=actor, record=services.ActivityRecord(**defaults))


def _distribute(w: Any) -> SimpleNamespace:
    ns = _stock(w)
    ns.activity = _activity(w)
    return ns


def _health_day(w: Any) -> SimpleNamespace:
    from tests.factories import make_client

    return SimpleNamespace(
        activity=_activity(w, kind="health_day", participants={"worker": 12}),
        client=make_client(w, "HH2K7Q"),
    )


def _establishment(w: Any) -> SimpleNamespace:
    from programs.establishments import services

    return SimpleNamespace(
        establishment=services.establishment_register(
            actor=w.coordinator,
            name="Karaoke Sao Biển",
            kind="karaoke",
            commune=w.ha_long,
            support_model=w.model,
            owner_name="",
            owner_phone="",
        )
    )


def _call(w: Any, **kw: Any) -> Any:
    from hotline import services

    defaults: dict[str, Any] = dict(
        actor=w.hotline,
        organisation=w.hotline_org,
        started_at=timezone.now() - timedelta(hours=1),
        duration_minutes=12,
        topic="violence",
        urgency="routine",
        action="counselled",
    )
    defaults.update(kw)
    return services.hotline_call_log(**defaults)


def _call_with_client(w: Any) -> SimpleNamespace:
    from directory.models import Service
    from tests.factories import make_client

    service = Service.objects.create(
        organisation=w.legal, service_type="legal_aid", name="Trợ giúp pháp lý khẩn cấp"
    )
    return SimpleNamespace(call=_call(w, client=make_client(w, "HH2K7Q")), service=service)


def _incident(w: Any, **kw: Any) -> Any:
    from safety import services

    defaults: dict[str, Any] = dict(
        actor=w.peer,
        occurred_on=timezone.localdate() - timedelta(days=2),
        place_type="hotel",
        province=w.qn,
        commune=w.ha_long,
        violence_types=["physical"],
        perpetrator_kind="client",
        reported_via="peer",
        action_taken="counselled",
        peer_group=w.group,
        consent_alert=True,
        details="",
    )
    defaults.update(kw)
    actor = defaults.pop("actor")
    return services.incident_record(actor=actor, report=services.IncidentReport(**defaults))


def _incident_to_refer(w: Any) -> SimpleNamespace:
    from directory.models import Service
    from programs.models import Organisation
    from tests.factories import make_client

    org = Organisation.objects.create(
        name="Nhà tạm lánh Hạ Long", kind=Organisation.Kind.SERVICE_PROVIDER, province=w.qn
    )
    shelter = Service.objects.create(
        organisation=org, service_type="emergency_shelter", name="Tạm lánh khẩn cấp"
    )
    from tests.factories import share_consent

    client = make_client(w, "HH2K7Q")
    share_consent(client, org, w.peer)
    incident = _incident(
        w,
        client=client,
        consent_share=True,
        protections=["shelter"],
        action_taken="referred",
    )
    return SimpleNamespace(incident=incident, shelter=shelter)


def _alertable(w: Any) -> SimpleNamespace:
    return SimpleNamespace(incident=_incident(w))


def _clinic_location(w: Any) -> SimpleNamespace:
    from directory.models import Location

    return SimpleNamespace(
        location=Location.objects.create(
            organisation=w.clinic,
            name="Cơ sở chính",
            address="12 Lê Thánh Tông",
            commune=w.ha_long,
            province=w.qn,
        )
    )


TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731

CASES = [
    Case(
        "client_register",
        "peer",
        lambda w, x: reverse("clients:register"),
        lambda w, x: {
            "peer_group": w.group.pk,
            "given_name": "Lành",
            "mother_given_name": "Hoa",
            "birth_year": "1995",
            "sex": "F",
            "gender_identity": "woman",
            "population_groups": ["fsw"],
            "commune": w.ha_long.pk,
            "consent_method": "verbal",
            "consent_follow_up": "on",
        },
        "clients.Client",
    ),
    Case(
        "consent_add",
        "peer",
        lambda w, x: reverse("clients:consent_add", args=[x.client.public_id]),
        lambda w, x: {"purpose": "share_provider", "method": "written", "provider": w.legal.pk},
        "clients.Consent",
        setup=_client,
    ),
    Case(
        "request_add",
        "peer",
        lambda w, x: reverse("clients:request_add", args=[x.client.public_id]),
        lambda w, x: {"kind": "view", "received_on": TODAY()},
        "clients.DataSubjectRequest",
        setup=_client,
    ),
    Case(
        "contact_head_count",
        "leader",
        lambda w, x: reverse("outreach:contact_new"),
        lambda w, x: {
            "peer_group": w.group.pk,
            "head_count": "9",
            "place_type": "street",
            "commune": w.ha_long.pk,
            "qty_condom": "10",
        },
        "outreach.OutreachContact",
        setup=_stock,
    ),
    Case(
        "contact_with_client",
        "peer",
        lambda w, x: reverse("outreach:contact_new_for", args=[x.client.public_id]),
        lambda w, x: {"place_type": "street", "qty_condom": "10"},
        "outreach.OutreachContact",
        setup=lambda w: SimpleNamespace(**vars(_stock(w)), **vars(_client(w))),
    ),
    Case(
        "stock_receive",
        "coordinator",
        lambda w, x: reverse("outreach:stock_receive"),
        lambda w, x: {
            "organisation": w.agency.pk,
            "item_kind": "lubricant",
            "quantity": "500",
            "received_on": "2026-02-01",
        },
        "outreach.StockReceipt",
    ),
    Case(
        "material_new",
        "coordinator",
        lambda w, x: reverse("outreach:material_new"),
        lambda w, x: {"name": "Sổ tay", "theme": "worker_rights", "format": "printed"},
        "outreach.Material",
    ),
    Case(
        "referral_new",
        "peer",
        lambda w, x: reverse("referrals:new", args=[x.client.public_id]),
        lambda w, x: {"service": x.s.gyn.pk, "reason": "Cần khám", "urgency": "urgent"},
        "referrals.Referral",
        setup=_referral_world,
    ),
    Case(
        "hotline_referral_new",
        "hotline",
        lambda w, x: reverse("referrals:hotline_new"),
        lambda w, x: {
            "client_code": x.client.short_code,
            "service": x.s.gyn.pk,
            "reason": "Gọi đường dây nóng",
            "urgency": "emergency",
        },
        "referrals.Referral",
        setup=_referral_world,
    ),
    Case(
        "peer_delivery",
        "peer",
        lambda w, x: reverse("referrals:peer_delivery", args=[x.client.public_id]),
        lambda w, x: {
            "provider": w.clinic.pk,
            "service_type": "hiv_test",
            "delivered_on": TODAY(),
        },
        "referrals.ServiceDelivery",
        setup=_referral_world,
    ),
    Case(
        "provider_delivery",
        "provider",
        lambda w, x: reverse("referrals:provider_delivery"),
        lambda w, x: {
            "client_code": x.client.short_code,
            "source": "walk_in",
            "service_type": "sti_test_treatment",
            "delivered_on": TODAY(),
        },
        "referrals.ServiceDelivery",
        setup=_referral_world,
    ),
    Case(
        "referral_complete",
        "provider",
        lambda w, x: reverse("referrals:inbox_detail", args=[x.referral.public_id]),
        lambda w, x: {"delivered_on": TODAY()},
        "referrals.ServiceDelivery",
        setup=_referral_sent,
        form="complete_form",
        post_url=lambda w, x: reverse(
            "referrals:inbox_action", args=[x.referral.public_id, "complete"]
        ),
    ),
    Case(
        "activity_create",
        "peer",
        lambda w, x: reverse("activities:activity_create"),
        lambda w, x: {
            "kind": "meeting",
            "held_on": "2024-03-05",
            "support_model": w.model.pk,
            "peer_group": w.group.pk,
            "commune": w.ha_long.pk,
            "venue_type": "group_place",
            "topics": ["hiv_sti"],
            "n_worker": "6",
        },
        "activities.Activity",
    ),
    Case(
        "activity_distribute",
        "peer",
        lambda w, x: reverse("activities:activity_detail", args=[x.activity.public_id]),
        lambda w, x: {
            "item_kind": "material",
            "material": x.material.pk,
            "quantity": "30",
            "organisation": w.agency.pk,
        },
        "outreach.Distribution",
        setup=_distribute,
        form="distribute_form",
        raw={"action": "distribute"},
    ),
    Case(
        "health_day_delivery",
        "peer",
        lambda w, x: reverse("activities:activity_detail", args=[x.activity.public_id]),
        lambda w, x: {
            "client_code": x.client.short_code,
            "service_type": "reproductive_health_check",
            "provider": w.clinic.pk,
        },
        "referrals.ServiceDelivery",
        setup=_health_day,
        form="deliver_form",
        raw={"action": "deliver"},
    ),
    Case(
        "establishment_create",
        "peer",
        lambda w, x: reverse("establishments:establishment_create"),
        lambda w, x: {
            "name": "Nhà nghỉ Hoa Mai",
            "kind": "guesthouse",
            "commune": w.ha_long.pk,
            "support_model": w.model.pk,
        },
        "programs.Establishment",
    ),
    Case(
        "establishment_agreement",
        "peer",
        lambda w, x: reverse(
            "establishments:establishment_detail", args=[x.establishment.public_id]
        ),
        lambda w, x: {
            "signed_on": "2019-10-01",
            "summary": "Cho nhóm vào truyền thông",
            "signed_by": "owner",
        },
        "programs.EstablishmentAgreement",
        setup=_establishment,
        form="agreement_form",
        raw={"action": "agreement"},
    ),
    Case(
        "call_create",
        "hotline",
        lambda w, x: reverse("hotline:call_create"),
        lambda w, x: {
            "started_at": (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "15",
            "topic": "hiv_sti",
            "urgency": "routine",
            "action": "counselled",
        },
        "hotline.HotlineCall",
    ),
    Case(
        "call_refer",
        "hotline",
        lambda w, x: reverse("hotline:call_detail", args=[x.call.public_id]),
        lambda w, x: {"service": x.service.pk, "reason": "Bị đánh", "consent_on_call": "on"},
        "referrals.Referral",
        setup=_call_with_client,
        form="refer_form",
        raw={"action": "refer"},
    ),
    Case(
        "caller_register",
        "hotline",
        lambda w, x: reverse("hotline:call_detail", args=[x.call.public_id]),
        lambda w, x: {
            "peer_group": w.group.pk,
            "given_name": "Thương",
            "mother_given_name": "Mẫn",
            "birth_year": "1990",
            "sex": "F",
            "gender_identity": "woman",
            "consent_follow_up": "on",
        },
        "clients.Client",
        setup=lambda w: SimpleNamespace(call=_call(w)),
        form="register_form",
        raw={"action": "register"},
    ),
    Case(
        "incident_create",
        "peer",
        lambda w, x: reverse("safety:incident_create"),
        lambda w, x: {
            "occurred_on": "2024-05-01",
            "place_type": "hotel",
            "province": w.qn.pk,
            "commune": w.ha_long.pk,
            "violence_types": ["physical"],
            "perpetrator_kind": "client",
            "reported_via": "peer",
            "action_taken": "counselled",
        },
        "safety.Incident",
    ),
    Case(
        "incident_refer",
        "peer",
        lambda w, x: reverse("safety:incident_refer", args=[x.incident.public_id, "shelter"]),
        lambda w, x: {"service": x.shelter.pk, "reason": "Cần chỗ ở", "urgency": "emergency"},
        "referrals.Referral",
        setup=_incident_to_refer,
    ),
    Case(
        "alert_create",
        "coordinator",
        lambda w, x: reverse("safety:alert_create", args=[x.incident.public_id]),
        lambda w, x: {
            "subject": "person",
            "headline": "Người đàn ông xăm rồng",
            "warning": "Không đi một mình.",
            "province": w.qn.pk,
            "commune": w.ha_long.pk,
            "issued_on": TODAY(),
            "expires_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
        "safety.SafetyAlert",
        setup=_alertable,
    ),
    Case(
        "model_create",
        "admin",
        lambda w, x: reverse("programs:model_create"),
        lambda w, x: {
            "name": "Mô hình mới Cẩm Phả",
            "kind": "peer_capacity",
            "province": w.qn.code,
            "communes": [w.cam_pha.code],
            "lead_organisation": w.agency.pk,
            "start_date": "2024-01-01",
            "funding_source": "Ngân sách tỉnh",
            "decision_number": "12/QĐ-UBND",
            "decision_date": "2023-12-20",
            "budget_vnd": "150000000",
        },
        "programs.SupportModel",
    ),
    Case(
        "group_create",
        "coordinator",
        lambda w, x: reverse("programs:group_create"),
        lambda w, x: {
            "name": "Nhóm Bãi Cháy",
            "kind": "club",
            "communes": [w.ha_long.code],
            "active": "on",
            "support_model": w.model.pk,
        },
        "programs.PeerGroup",
    ),
    Case(
        "member_add",
        "leader",
        lambda w, x: reverse("programs:member_add", args=[w.group.pk]),
        lambda w, x: {"alias": "Bé Na", "role": "network", "joined_on": "2024-03-01"},
        "programs.Membership",
    ),
    Case(
        "org_create",
        "coordinator",
        lambda w, x: reverse("programs:org_create"),
        lambda w, x: {
            "name": "Trung tâm tư vấn Cẩm Phả",
            "kind": "provider",
            "province": w.qn.code,
            "commune": w.cam_pha.code,
            "active": "on",
        },
        "programs.Organisation",
    ),
    Case(
        "service_new",
        "provider",
        lambda w, x: reverse("directory:service_new"),
        lambda w, x: {
            "organisation": w.clinic.pk,
            "service_type": "prep",
            "name": "PrEP",
            "cost": "free",
            "locations": [x.location.pk],
            "active": "on",
        },
        "directory.Service",
        setup=_clinic_location,
    ),
    Case(
        "location_new",
        "provider",
        lambda w, x: reverse("directory:location_new"),
        lambda w, x: {
            "organisation": w.clinic.pk,
            "name": "Cơ sở 2",
            "address": "3 Trần Phú",
            "active": "on",
        },
        "directory.Location",
    ),
    Case(
        "agreement_new",
        "coordinator",
        lambda w, x: reverse("directory:agreement_new"),
        lambda w, x: {
            "provider": w.legal.pk,
            "support_model": w.model.pk,
            "title": "Trợ giúp pháp lý 20 trường hợp",
            "start_date": "2019-06-01",
            "end_date": "2020-05-31",
        },
        "directory.Agreement",
        raw={
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-service_type": "legal_advice",
            "lines-0-quantity": "20",
        },
    ),
    Case(
        "user_create",
        "admin",
        lambda w, x: reverse("accounts:user_create"),
        lambda w, x: {
            "username": "ddv_moi",
            "full_name": "Đồng đẳng mới",
            "language": "vi",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        "accounts.User",
    ),
    Case(
        "grant_add",
        "admin",
        lambda w, x: reverse("accounts:grant_add", args=[w.nobody.pk]),
        lambda w, x: {"role": "coordinator", "support_model": w.other_model.pk},
        "accounts.Grant",
    ),
]
