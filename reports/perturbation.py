"""Disclosure control for manager reports: the cell key method (ONS Census 2021
custom tables, ABS TableBuilder). Why this method and what a reader can and cannot
learn: docs/disclosure-control.md.

- Every record has a stable pseudo-random *record key*, computed in SQL from its id and
  a deployment secret (`record_key`): a client by its client id, any other record (a
  service delivery, a referral, an outreach contact with an anonymous head count, an
  incident, a call) by its own id.
- A cell's key is the sum of the keys of the records it counts, mod P, as a fraction
  in [0, 1). The engine counts it beside the figure, in the same query
  (`engine.Measure.key_expr`).
- The fixed perturbation table `perturb(value, key)` turns the true count and the cell
  key into the published count. So the same records always give the same published
  figure, whatever report, filter or period asks for them: repeating or recombining
  queries gives nothing new.

The table (threshold T = settings.CAUNOI["SUPPRESSION_THRESHOLD"], 5 by default):
- 0 stays 0 (nothing is invented where there is nothing);
- 1 … T−1 are never published: v becomes T with probability v/T, else 0 (on average
  right: 0·(1−v/T) + T·v/T = v);
- T and above get an adjustment of −2, −1, 0, +1 or +2 (probabilities 0.1, 0.2, 0.4,
  0.2, 0.1), never below T (so a published 1 … T−1 never appears).

Totals are perturbed like any other cell, from their own records: they need not equal
the sum of their published parts. Counts of things that are not people (sessions,
copies, pieces, groups) are exact. Rates and shares are computed from the published
figures and withheld when their denominator describes fewer than T people; the median
wait is computed from the true waits and withheld likewise."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from django.conf import settings
from django.db.models import BigIntegerField, F, Func

# A prime modulus: record keys and cell keys are residues mod P.
P = 2_147_483_647  # 2**31 − 1
# Cumulative probabilities of the adjustments −2 … +2 for values ≥ T.
ADJUSTMENTS = ((-2, 0.1), (-1, 0.3), (0, 0.7), (1, 0.9), (2, 1.0))
MAX_ADJUSTMENT = 2


def threshold() -> int:
    return int(settings.CAUNOI["SUPPRESSION_THRESHOLD"])  # type: ignore[call-overload]


@cache
def _coefficients(secret: str, salt: str) -> tuple[int, int, int, int]:
    digest = hmac.new(secret.encode(), f"cell-key|{salt}".encode(), hashlib.sha256).digest()
    parts = [int.from_bytes(digest[i : i + 4], "big") for i in range(0, 16, 4)]
    # Multipliers in [1, 2**24): id · a stays far below 2**63 for any id below 2**38.
    a, c = 1 + parts[0] % (2**24 - 1), 1 + parts[2] % (2**24 - 1)
    return a, parts[1] % P, c, parts[3] % P


def _secret() -> str:
    return str(settings.CAUNOI.get("CELL_KEY_SECRET") or settings.SECRET_KEY)  # type: ignore[attr-defined]


def key_of(salt: str, record_id: int) -> int:
    """Python twin of `record_key` (tests, documentation)."""
    a, b, c, d = _coefficients(_secret(), salt)
    return ((record_id * a + b) % P) * ((record_id * c + d) % P) % P


class RecordKey(Func):
    """SQL: the record key of the id at `path`, a product of two secret affine maps mod
    P (both factors < 2**31, so the product fits a 64-bit integer on SQLite and
    PostgreSQL). One expression node with the coefficients written in (integers we
    made, never input), so that a report's many aggregates stay cheap to compile."""

    output_field = BigIntegerField()

    def __init__(self, path: str, coefficients: tuple[int, int, int, int]) -> None:
        a, b, c, d = coefficients
        # "%%%%" becomes "%%" after Func's formatting: the modulo operator as Django's
        # own expressions write it, for the database driver's parameter substitution.
        self.template = (
            f"((((%(expressions)s) * {a} + {b}) %%%% {P}) * "
            f"(((%(expressions)s) * {c} + {d}) %%%% {P})) %%%% {P}"
        )
        super().__init__(F(path))


def record_key(salt: str, path: str) -> RecordKey:
    """The record key of the id at `path`. `salt` names what the id identifies
    ("clients.Client"), so a client has the same key in every source."""
    return RecordKey(path, _coefficients(_secret(), salt))


def cell_key(key_sum: int) -> float:
    return (key_sum % P) / P


def perturb(value: int, key_sum: int) -> int:
    """The published count for a true count and its cell's key sum (the ptable)."""
    if value <= 0:
        return 0
    limit = threshold()
    ck = cell_key(key_sum)
    if value < limit:
        return limit if ck < value / limit else 0
    for adjustment, cumulative in ADJUSTMENTS:
        if ck < cumulative:
            return max(limit, value + adjustment)
    return max(limit, value + MAX_ADJUSTMENT)


def preimage(published: int) -> range:
    """Every true count the table can publish as `published` (for the documentation and
    the tests' attacker): 0 ← 0 … T−1; T ← 1 … T+2; v > T ← v−2 … v+2."""
    limit = threshold()
    if published == 0:
        return range(0, limit)
    if published == limit:
        return range(1, limit + MAX_ADJUSTMENT + 1)
    return range(max(limit, published - MAX_ADJUSTMENT), published + MAX_ADJUSTMENT + 1)
