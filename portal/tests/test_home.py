"""Every role lands on a home page with a panel of its own, and a menu for its role."""

from __future__ import annotations

from django.urls import reverse

# username → the panel that role must see on its home page
PANELS = {
    "peer": "panel-group",
    "leader": "panel-group",
    "hotline": "panel-organisation",
    "provider": "panel-organisation",
    "coordinator": "panel-coordinator",
    "prov_manager": "panel-manager",
    "nat_manager": "panel-manager",
    "admin": "panel-admin",
}
ALL_PANELS = set(PANELS.values())


def test_it_gives_every_role_its_own_home_panel(world, as_user):
    for username, panel in PANELS.items():
        response = as_user(getattr(world, username)).get(reverse("portal:home"))
        html = response.content.decode()
        assert response.status_code == 200, username
        assert f'data-testid="{panel}"' in html, username
        for other in ALL_PANELS - {panel}:
            assert f'data-testid="{other}"' not in html, f"{username} sees {other}"


def test_it_shows_a_coordinator_their_groups_with_member_counts(world, as_user):
    response = as_user(world.coordinator).get(reverse("portal:home"))
    models = response.context["panels"][0]["context"]["models"]
    assert [(m, [(g.name, g.active_members) for g in groups]) for m, groups in models] == [
        (world.model, [("Nhóm Hoa Hồng", 1)])
    ]


def test_it_links_managers_to_the_reports(world, as_user):
    html = as_user(world.prov_manager).get(reverse("portal:home")).content.decode()
    assert 'href="/reports/' in html
    assert "Tỉnh Quảng Ninh" in html


def test_it_shows_each_role_its_menu(world, as_user):
    def menu(user):
        response = as_user(user).get(reverse("portal:home"))
        return {item["url"] for item in response.context["nav_items"]}

    programmes, groups = reverse("programs:model_list"), reverse("programs:group_list")
    users, orgs = reverse("accounts:user_list"), reverse("programs:org_list")
    lookup = reverse("geo:legacy_commune")
    assert {programmes, groups, users, orgs, lookup} <= menu(world.admin)
    assert {programmes, groups, orgs, lookup} <= menu(world.coordinator)
    assert users not in menu(world.coordinator)
    assert groups in menu(world.leader)
    assert not {programmes, groups, users, orgs, lookup} & menu(world.peer)
    assert not {programmes, groups, users, orgs} & menu(world.provider)
    assert lookup in menu(world.nat_manager)


def test_it_speaks_vietnamese_by_default_and_english_on_request(world, as_user):
    client = as_user(world.peer)
    home = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert home["Content-Language"] == "vi"
    assert "Đăng xuất" in home.content.decode()
    switched = client.post(reverse("accounts:language"), {"language": "en", "next": "/"})
    assert switched.status_code == 302
    world.peer.refresh_from_db()
    assert world.peer.language == "en"
    english = client.get(reverse("portal:home"))
    assert english["Content-Language"] == "en"
    assert "Log out" in english.content.decode()


def test_it_lets_anonymous_visitors_switch_the_login_page_to_english(db, client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    response = client.get(reverse("accounts:login"))
    assert 'lang="en"' in response.content.decode()
    assert "Log in" in response.content.decode()
