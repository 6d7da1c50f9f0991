"""Where every livelihood query that answers a user starts: the items in the user's reach for an action
(`Item.objects.visible_to(user, action)`, livelihood.models). Re-exports projects.scoping (and through it
accounts.scoping), so a module imports one `scoping`."""

from __future__ import annotations

from tuijin.projects.scoping import (  # noqa: F401  (one `scoping` for every caller)
    ACTION_LABELS,
    AUDIT,
    CONFIGURE,
    MANAGE_USERS,
    OUT_OF_REACH,
    READ,
    REPORT,
    REVIEW,
    ROLE_ACTIONS,
    ROLE_REACH,
    WRITE,
    administered_city,
    administers_city,
    can,
    coverage,
    get_project_or_404,
    is_active_member,
    project_q,
    projects_for,
    unit_root,
    units_for,
    users_for,
)

from .models import Item


def livelihood_item_q(user, action: str = READ):
    """The filter on livelihood Item for what the user may do `action` on; None means nothing at all
    (ItemQuerySet.reach_q says who reaches what)."""
    return Item.objects.reach_q(user, action)


def livelihood_items_for(user, action: str = READ):
    """The livelihood items the user may see (or act on): where every livelihood query starts."""
    return Item.objects.visible_to(user, action)
