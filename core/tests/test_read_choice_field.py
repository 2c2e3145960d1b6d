"""core.forms.ReadChoiceField: a choice among rows already read, never read again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.forms import ReadChoiceField
from programs.models import PeerGroup


class GroupForm(forms.Form):
    group = ReadChoiceField(queryset=PeerGroup.objects.none())

    def __init__(self, *args: Any, groups: list[PeerGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["group"]
        field.queryset = PeerGroup.objects.filter(pk__in=[g.pk for g in groups])
        field.rows = groups


def test_it_gives_the_row_already_read_without_a_query(world: Any) -> None:
    groups = list(PeerGroup.objects.filter(pk=world.group.pk).select_related("support_model"))
    form = GroupForm({"group": f" {world.group.pk} "}, groups=groups)
    with CaptureQueriesContext(connection) as ctx:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["group"].support_model == world.model
    assert form.cleaned_data["group"] is groups[0]
    assert ctx.captured_queries == []


def test_it_refuses_a_row_not_among_those_read(world: Any) -> None:
    other = PeerGroup.objects.exclude(pk=world.group.pk).first()
    assert other is not None  # a group of the world that is not the user's
    groups = [world.group]
    for value in (str(other.pk), "999999", "abc"):
        form = GroupForm({"group": value}, groups=groups)
        assert not form.is_valid()
        assert form.errors.as_data()["group"][0].code == "invalid_choice"
    form = GroupForm({"group": ""}, groups=groups)
    assert not form.is_valid() and "group" in form.errors  # required, as declared
