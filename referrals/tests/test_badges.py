"""The `badges` filter writes what referrals/_badges.html writes, for every urgency and
status, in both languages (the rows of lists use the filter, a referral's page the file)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils.translation import override

from referrals.models import Referral, Urgency

INCLUDE = Template('{% include "referrals/_badges.html" %}|')
FILTER = Template("{% load referrals_tags %}{{ r|badges }}|")


@pytest.mark.parametrize("urgency", [*Urgency.values, "<x>"])
@pytest.mark.parametrize("status", [*Referral.Status.values, '"y"'])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_filter_is_the_template(urgency: str, status: str, language: str) -> None:
    r = Referral(urgency=urgency, status=status)
    with override(language):
        ours = FILTER.render(Context({"r": r}))
        assert ours == INCLUDE.render(Context({"r": r}))
    assert ours.endswith("</span>\n|")
    assert "<x>" not in ours and '"y"' not in ours
