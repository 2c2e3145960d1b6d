"""The roles, and who may do what: every set of roles the apps check, declared once.

Views call `scope.require_role(request.user, roles.X)`; queries and templates' flags call
`scope.has_role(user, *roles.X)`; menu entries and task-bar items pass the same set. A new
role check uses one of these sets, or a new one declared here (named after who is in it,
with the pages it opens), never a tuple of roles typed in an app.

What a role may see *within* the set (its peer group, organisation, model, province) is
decided in each app's queries.py from the user's grants (accounts.scope)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PEER_EDUCATOR = "peer", _("Peer educator")
    GROUP_LEADER = "leader", _("Group leader")
    HOTLINE = "hotline", _("Hotline counsellor")
    PROVIDER = "provider", _("Service provider staff")
    COORDINATOR = "coordinator", _("Model coordinator")
    PROVINCIAL_MANAGER = "prov_manager", _("Provincial manager")
    NATIONAL_MANAGER = "nat_manager", _("National manager")
    ADMINISTRATOR = "admin", _("Administrator")


RoleSet = frozenset[str]

# Members of a peer group: register clients (and see their identity), log outreach.
PEERS: RoleSet = frozenset({Role.PEER_EDUCATOR, Role.GROUP_LEADER})
# Working in the field, on a phone: the task bar; record violence incidents.
FIELD: RoleSet = PEERS | {Role.HOTLINE}
# A group's casework, followed by the model's coordinator: clients, outreach lists and
# stock, activities, establishments, referrals sent, safety alerts published.
CASEWORK: RoleSet = PEERS | {Role.COORDINATOR}
# Casework and the hotline: incidents and their protection referrals, the referrals list.
CASEWORK_AND_HOTLINE: RoleSet = CASEWORK | {Role.HOTLINE}
# Group leaders and the model's coordinator: approve safety alerts, erase a client's
# identity, close data-subject requests.
LEADERS: RoleSet = frozenset({Role.GROUP_LEADER, Role.COORDINATOR})
# Set up programmes and organisations, keep the materials catalogue.
PROGRAMME_ADMINS: RoleSet = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})
# Manage peer groups and their members.
GROUP_ADMINS: RoleSet = PROGRAMME_ADMINS | {Role.GROUP_LEADER}
# Provincial and national managers: aggregates only.
MANAGERS: RoleSet = frozenset({Role.PROVINCIAL_MANAGER, Role.NATIONAL_MANAGER})
# Prepare and submit the periodic reports.
SUBMITTERS: RoleSet = MANAGERS | {Role.COORDINATOR}
# Work at a desk over many groups: two-factor authentication, the old-commune look-up.
SUPERVISORS: RoleSet = SUBMITTERS | {Role.ADMINISTRATOR}
# Read the reports page.
REPORT_READERS: RoleSet = CASEWORK | MANAGERS | {Role.PROVIDER}
# Read the cooperation agreements of the directory.
AGREEMENT_READERS: RoleSet = SUPERVISORS | {Role.PROVIDER}
# Read safety alerts.
ALERT_READERS: RoleSet = CASEWORK_AND_HOTLINE | MANAGERS
# Hotline counsellors: calls, shifts, follow-ups.
HOTLINE: RoleSet = frozenset({Role.HOTLINE})
# Service provider staff: the referral inbox.
PROVIDERS: RoleSet = frozenset({Role.PROVIDER})
# Working for an organisation (what their grant is scoped to).
ORGANISATION_STAFF: RoleSet = PROVIDERS | HOTLINE
# Users, organisations, settings.
ADMINISTRATORS: RoleSet = frozenset({Role.ADMINISTRATOR})
# Any role at all (the service directory); a user without a grant has none.
ANY_ROLE: RoleSet = frozenset(Role.values)
