"""Standing test data used by every access test: one user per role inside the
'home' scope, plus outsiders in another group of the same province and in another
province. Build on `world`; never use a superuser in tests."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Grant, Role, User
from geo.models import Commune, Province
from programs.models import Membership, Organisation, PeerGroup, SupportModel

# Fixtures shared by several apps' tests; records are made with tests.factories.
pytest_plugins = ["tests.fixtures"]

PASSWORD = "Test-password-2026"


def make_user(username: str, role: str | None = None, **scope: Any) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    if role:
        Grant.objects.create(user=user, role=role, **scope)
    return user


def login(client: HttpClient, user: User) -> HttpClient:
    """Log in as the user, with two-factor already passed where the role needs it."""
    client.force_login(user)
    if user.needs_two_factor:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# Reference rows created by data migrations. Transactional tests (browser tests) flush
# every table when they end, these rows included: put them back before building a world.
REFERENCE_DATA = [
    ("clients.migrations.0002_population_groups", "add_groups"),
    ("safety.migrations.0002_violence_types", "add_types"),
    ("referrals.migrations.0002_housekeeping_schedule", "create_schedule"),
    ("core.migrations.0002_h3_purge_schedule", "create_schedule"),
    ("core.migrations.0003_h6_heartbeat_schedule", "create_schedule"),
    ("core.migrations.0004_h2_key_check", "create_schedule"),
]


def ensure_reference_data() -> None:
    import importlib

    from django.apps import apps

    for module, func in REFERENCE_DATA:
        getattr(importlib.import_module(module), func)(apps, None)


def build_world() -> SimpleNamespace:
    ensure_reference_data()
    qn = Province.objects.create(code="22", name="Tỉnh Quảng Ninh", search_name="tinh quang ninh")
    hue = Province.objects.create(code="46", name="Thành phố Huế", search_name="thanh pho hue")
    ha_long = Commune.objects.create(
        code="06688",
        name="Phường Hạ Long",
        division_type="phường",
        province=qn,
        search_name="phuong ha long tinh quang ninh",
    )
    cam_pha = Commune.objects.create(
        code="06793",
        name="Phường Cẩm Phả",
        division_type="phường",
        province=qn,
        search_name="phuong cam pha tinh quang ninh",
    )
    thuan_hoa = Commune.objects.create(
        code="19786",
        name="Phường Thuận Hóa",
        division_type="phường",
        province=hue,
        search_name="phuong thuan hoa thanh pho hue",
    )
    agency = Organisation.objects.create(
        name="Chi cục PCTNXH Quảng Ninh", kind=Organisation.Kind.AGENCY, province=qn
    )
    clinic = Organisation.objects.create(
        name="Phòng khám Tâm Đức",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=qn,
        commune=ha_long,
    )
    legal = Organisation.objects.create(
        name="Văn phòng trợ giúp pháp lý Quảng Ninh",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=qn,
        commune=ha_long,
    )
    hotline_org = Organisation.objects.create(
        name="Đường dây nóng 24/7", kind=Organisation.Kind.COMMUNITY_GROUP, province=qn
    )
    hue_clinic = Organisation.objects.create(
        name="Trạm y tế Thuận Hóa",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=hue,
        commune=thuan_hoa,
    )
    model = SupportModel.objects.create(
        name="Mô hình nhóm đồng đẳng Hạ Long",
        kind=SupportModel.Kind.PEER_CAPACITY,
        province=qn,
        lead_organisation=agency,
        start_date=date(2019, 1, 1),
        funding_source="Ngân sách Trung ương",
        decision_number="1683/QĐ-UBND",
        decision_date=date(2019, 5, 20),
        budget_vnd=300_000_000,
    )
    model.communes.set([ha_long])
    other_model = SupportModel.objects.create(
        name="Mô hình quyền người lao động Cẩm Phả",
        kind=SupportModel.Kind.WORKER_RIGHTS,
        province=qn,
        start_date=date(2019, 1, 1),
    )
    hue_model = SupportModel.objects.create(
        name="Mô hình nhóm đồng đẳng Huế",
        kind=SupportModel.Kind.PEER_CAPACITY,
        province=hue,
        start_date=date(2018, 1, 1),
    )
    group = PeerGroup.objects.create(name="Nhóm Hoa Hồng", support_model=model)
    group.communes.set([ha_long])
    other_group = PeerGroup.objects.create(name="Nhóm Cẩm Phả", support_model=other_model)
    other_group.communes.set([cam_pha])
    hue_group = PeerGroup.objects.create(name="Nhóm Sông Hương", support_model=hue_model)
    hue_group.communes.set([thuan_hoa])
    Membership.objects.create(
        peer_group=group, alias="Chị Lan", role=Membership.Role.CORE, joined_on=date(2019, 6, 1)
    )
    w = SimpleNamespace(
        qn=qn,
        hue=hue,
        ha_long=ha_long,
        cam_pha=cam_pha,
        thuan_hoa=thuan_hoa,
        agency=agency,
        clinic=clinic,
        legal=legal,
        hotline_org=hotline_org,
        hue_clinic=hue_clinic,
        model=model,
        other_model=other_model,
        hue_model=hue_model,
        group=group,
        other_group=other_group,
        hue_group=hue_group,
    )
    w.peer = make_user("peer", Role.PEER_EDUCATOR, peer_group=group)
    w.leader = make_user("leader", Role.GROUP_LEADER, peer_group=group)
    w.hotline = make_user("hotline", Role.HOTLINE, organisation=hotline_org)
    w.provider = make_user("provider", Role.PROVIDER, organisation=clinic)
    w.coordinator = make_user("coordinator", Role.COORDINATOR, support_model=model)
    w.prov_manager = make_user("prov_manager", Role.PROVINCIAL_MANAGER, province=qn)
    w.nat_manager = make_user("nat_manager", Role.NATIONAL_MANAGER)
    w.admin = make_user("admin", Role.ADMINISTRATOR)
    # Outsiders
    w.peer_other_group = make_user("peer_other_group", Role.PEER_EDUCATOR, peer_group=other_group)
    w.peer_other_province = make_user(
        "peer_other_province", Role.PEER_EDUCATOR, peer_group=hue_group
    )
    w.provider_other = make_user("provider_other", Role.PROVIDER, organisation=legal)
    w.provider_other_province = make_user(
        "provider_other_province", Role.PROVIDER, organisation=hue_clinic
    )
    w.coordinator_other = make_user("coordinator_other", Role.COORDINATOR, support_model=hue_model)
    w.prov_manager_other = make_user("prov_manager_other", Role.PROVINCIAL_MANAGER, province=hue)
    w.nobody = make_user("nobody")
    return w


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    return build_world()


@pytest.fixture
def as_user(client: HttpClient) -> Any:
    """as_user(user) → a Django test client logged in as that user."""

    def _as(user: User) -> HttpClient:
        fresh = HttpClient()
        return login(fresh, user)

    return _as


# --- Browser tests (Playwright driving Debian's Chromium at 360 × 740) -------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = "test-artifacts"


@pytest.fixture
def browser_world(transactional_db: Any) -> SimpleNamespace:
    """The standing world, committed, so that the live server sees it."""
    return build_world()


@pytest.fixture(scope="session")
def _live_server_connections_closed(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """At the end of the run, before the test database is dropped: end the PostgreSQL
    sessions the live server's request threads may still hold (a request cut off when
    the browser closed never reaches the signal that closes its connection)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def page(live_server: Any, request: Any, _live_server_connections_closed: Any) -> Any:
    """A Playwright page in Chromium at 360 × 740; `page.base_url` is the live server.

    The offline service worker is blocked unless the test is marked `service_worker`: its
    background fetches would otherwise run beside the test's own requests on the live
    server, which shares one SQLite connection between its threads in tests."""
    import os

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        allow_sw = request.node.get_closest_marker("service_worker") is not None
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="vi-VN",
            base_url=live_server.url,
            service_workers="allow" if allow_sw else "block",
        )
        context.set_default_timeout(15_000)
        pg = context.new_page()
        pg.base_url = live_server.url  # type: ignore[attr-defined]
        yield pg
        context.close()
        browser.close()


def browser_login(page: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form (and the TOTP step where the role needs it)."""
    user = User.objects.get(username=username)
    device = None
    if user.needs_two_factor:
        # An enrolled device, made before the login: a user without one is asked for an
        # enrolment code instead (accounts/tests/test_account_hardening.py covers that).
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
        # A second login in the same 30 s would reuse a code, which django-otp rightly
        # refuses: forget the last use so a test can log the same user in again.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    if device is not None:
        from django_otp.oath import totp

        page.fill("#id_token", f"{totp(device.bin_key):06d}")
        page.click("main button[type=submit]")
    # Wait until the login has landed: a page opened while the login POST is still in
    # flight would carry the pre-login session, which the login has just replaced.
    page.wait_for_url(lambda url: "/accounts/" not in url)


# --- Leak scan over everything the suite logged --------------------------------------
# Every log record of the whole run (all loggers, DEBUG and up) goes to a file per
# worker. When the run ends, the files are scanned for phone numbers and for the
# identifying test values registered with `identifying(...)`: a hit fails the run.

import logging  # noqa: E402
from pathlib import Path  # noqa: E402

from core.phones import PHONE  # noqa: E402

LEAK_DIR = Path(ARTIFACTS) / "log-scan"


def _worker_id(config: Any) -> str:
    return getattr(config, "workerinput", {}).get("workerid", "main")


def identifying(*values: str) -> None:
    """Register identifying test values: the run fails if any of them is ever logged."""
    LEAK_DIR.mkdir(parents=True, exist_ok=True)
    with (LEAK_DIR / "sentinels.txt").open("a", encoding="utf-8") as handle:
        for value in values:
            if value:
                handle.write(value + "\n")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Start each test with an empty cache (per-user rate counts are kept in the
    database, core.ratelimit, and roll back with each test)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _log_everything(request: Any, django_db_setup: Any) -> Any:
    LEAK_DIR.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(
        LEAK_DIR / f"suite-{_worker_id(request.config)}.log", encoding="utf-8"
    )
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def pytest_sessionstart(session: Any) -> None:
    if not hasattr(session.config, "workerinput") and LEAK_DIR.exists():
        for stale in LEAK_DIR.iterdir():
            stale.unlink()


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput") or not LEAK_DIR.exists():
        return
    sentinels_file = LEAK_DIR / "sentinels.txt"
    sentinels = (
        {s for s in sentinels_file.read_text(encoding="utf-8").splitlines() if s.strip()}
        if sentinels_file.exists()
        else set()
    )
    leaks = []
    for log_file in sorted(LEAK_DIR.glob("suite-*.log")):
        for number, line in enumerate(log_file.read_text(encoding="utf-8").splitlines(), 1):
            if PHONE.search(line) or any(s in line for s in sentinels):
                leaks.append(f"{log_file.name}:{number}: {line[:200]}")
    if leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("Identifying data found in the suite's logs:", red=True)
            for leak in leaks[:20]:
                reporter.write_line("  " + leak, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
