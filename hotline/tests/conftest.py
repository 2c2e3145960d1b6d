"""The activities tests' client fixtures, shared rather than copied."""

from activities.tests.conftest import (  # noqa: F401
    client_a,
    client_other_group,
    give_share_consent,
    make_client,
)
