"""Template tags of 问题协调: the unread-notification count for the header and the 百日开工 countdown."""

from django import template

from tuijin.problems import selectors

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """{% unread_notifications user as n %}: the user's unread in-app notifications (0 when logged out)."""
    return selectors.unread_count(user)


@register.simple_tag
def start_countdown(project, today=None):
    """{% start_countdown project as cd %}: 百日开工 of a signed, unstarted project (None otherwise)."""
    if project is None:
        return None
    return selectors.start_countdown(project, today)
