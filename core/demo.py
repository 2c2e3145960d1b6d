"""Demo data framework. Each app registers a loader with core.registry.demo_loader;
`manage.py demo_data` runs them in order, once. Loaders share a DemoContext."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMO_PASSWORD = "CauNoi-demo-2026"  # noqa: S105  (documented demo password)
# A documented, demo-only TOTP key (base32) for the demo roles that need two-factor.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # "12345678901234567890"
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


# The day the demo's history begins: its groups are founded, its first members join and
# its first clients, contacts and referrals are recorded.
DEMO_START = date(2019, 6, 1)


@dataclass
class DemoContext:
    scale: int = 1
    today: date = field(default_factory=date.today)
    rng: random.Random = field(default_factory=lambda: random.Random(2019))
    users: dict[str, Any] = field(default_factory=dict)
    provinces: dict[str, Any] = field(default_factory=dict)
    communes: dict[str, Any] = field(default_factory=dict)
    organisations: dict[str, Any] = field(default_factory=dict)
    models: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


# (username, role label for the README and the console)
DEMO_LOGINS: list[tuple[str, str]] = [
    ("dongdang", "Đồng đẳng viên / Peer educator — Nhóm Hoa Hồng, Hạ Long"),
    ("truongnhom", "Trưởng nhóm / Group leader — Nhóm Hoa Hồng, Hạ Long"),
    ("duongdaynong", "Tư vấn viên đường dây nóng / Hotline counsellor"),
    ("phongkham", "Nhân viên cơ sở cung cấp dịch vụ / Provider staff — Phòng khám Tâm Đức"),
    ("trogiupphaply", "Nhân viên cơ sở cung cấp dịch vụ / Provider staff — Trợ giúp pháp lý"),
    ("dieuphoi", "Cán bộ phụ trách mô hình / Model coordinator — Quảng Ninh (2FA)"),
    ("quanlytinh", "Quản lý cấp tỉnh / Provincial manager — Quảng Ninh (2FA)"),
    ("quanlyquocgia", "Quản lý quốc gia / National manager (2FA)"),
    ("quantri", "Quản trị viên / Administrator (2FA)"),
    ("dongdanghue", "Đồng đẳng viên / Peer educator — Huế"),
]
