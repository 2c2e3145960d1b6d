"""The menu offers each role exactly the pages it may open: one role set decides both."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from accounts import roles, scope
from core.registry import NAV_ITEMS, TASK_ITEMS

STANDING = ("peer", "leader", "hotline", "provider", "coordinator", "prov_manager", "nat_manager")


def test_it_opens_every_menu_entry_for_every_role_it_is_shown_to(world, as_user):
    for username in (*STANDING, "admin"):
        user = getattr(world, username)
        client = as_user(user)
        menu = client.get(reverse("portal:home")).context
        for item in [*menu["nav_items"], *menu["task_items"]]:
            response = client.get(item["url"])
            assert response.status_code == 200, (username, item["url"])


def test_it_hides_every_menu_entry_whose_page_answers_404(world, as_user):
    for username in (*STANDING, "admin"):
        user = getattr(world, username)
        client = as_user(user)
        shown = {item["url"] for item in client.get(reverse("portal:home")).context["nav_items"]}
        for item in NAV_ITEMS:
            url = reverse(item.url_name)
            if url not in shown:
                assert client.get(url).status_code == 404, (username, url)


def test_every_menu_and_task_entry_names_a_declared_role_set():
    declared = {value for value in vars(roles).values() if isinstance(value, frozenset)}
    for entry in [*NAV_ITEMS, *TASK_ITEMS]:
        assert not entry.roles or entry.roles in declared, entry.url_name


def test_require_role_lets_a_holder_through_and_refuses_others_with_404(world):
    scope.require_role(world.peer, roles.PEERS)
    scope.require_role(world.coordinator, roles.PEERS, roles.CASEWORK)
    for user in (world.provider, world.nat_manager, world.admin, AnonymousUser()):
        with pytest.raises(Http404):
            scope.require_role(user, roles.PEERS)
    with pytest.raises(Http404):
        scope.require_role(world.peer)
