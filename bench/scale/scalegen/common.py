"""What every part of the generator shares: the date range, the weights, the log line."""

from __future__ import annotations

from datetime import date

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
