"""Template filters for printing figures: 亿元 and % with the presented decimals, 超/欠 wording, and "—" for a
missing figure (a figure that does not exist, such as a rate over a zero plan, is never printed as 0).

Engine figures arrive already rounded by present() under the city's rule; these filters only fix the number
of decimals shown (so 32.0 stays "32.0"), never round them again. Raw record amounts (a project's 万元) are
converted and rounded half up (四舍五入) here, for display only.

    {% load figures %}
    {{ row.completed_yi|yi:places }}          31.9
    {{ row.completion_rate_pct|pct:1 }}       45.1%
    {{ row.schedule_variance_pp|variance:1 }} <span class="ahead">超 3.5 个百分点</span>
    {{ ev.total_yoy_pct|yoy:1 }}              +10.3%
    {{ project.total_investment|wan_yi }}     1.25 (亿元, from 12500 万元)
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tuijin.accounts import scoping
from tuijin.core.numbers import WAN_PER_YI

register = template.Library()

DASH = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        # str() first: a float from present() (31.9) becomes Decimal('31.9'), not its binary expansion.
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _fixed(value: Decimal, places) -> str:
    """The value with exactly `places` decimals (half up if more are given; present() has rounded already)."""
    if places in (None, ""):
        return f"{value:f}"
    places = int(places)
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


@register.filter
def dash(value):
    """The value, or "—" when it is missing (None or empty). 0 stays 0."""
    return DASH if value is None or value == "" else value


@register.filter
def yi(value, places=1):
    """A presented 亿元 amount with the city's decimals: 31.9, 1094.6; "—" when missing."""
    d = _decimal(value)
    return DASH if d is None else _fixed(d, places)


@register.filter
def wan_yi(value, places=2):
    """A raw 万元 amount (a record field) in 亿元, rounded half up: 12500 → 1.25."""
    d = _decimal(value)
    return DASH if d is None else _fixed(d / WAN_PER_YI, places)


@register.filter
def wan(value, places=2):
    """A raw 万元 amount with thousands separators: 12,500.00."""
    d = _decimal(value)
    if d is None:
        return DASH
    places = int(places)
    return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


@register.filter
def pct(value, places=1):
    """A presented percentage: 45.1%; "—" when the rate does not exist (zero denominator)."""
    d = _decimal(value)
    return DASH if d is None else f"{_fixed(d, places)}%"


@register.filter
def yoy(value, places=1):
    """同比: +18.2% / -5.0% (with its sign); "—" without a base year figure."""
    d = _decimal(value)
    if d is None:
        return DASH
    text = _fixed(abs(d), places)
    return f"+{text}%" if d > 0 else (f"-{text}%" if d < 0 else f"{text}%")


@register.filter
def signed(value):
    """A count change with its sign: +3 / -2 / 0."""
    d = _decimal(value)
    if d is None:
        return DASH
    return f"+{d:f}" if d > 0 else f"{d:f}"


@register.filter
def variance(value, places=1):
    """超/欠序时: 超 3.5 个百分点 (green) / 欠 2.1 个百分点 (red) / 与序时持平; "—" when missing."""
    d = _decimal(value)
    if d is None:
        return DASH
    text = _fixed(abs(d), places)
    if d > 0:
        return format_html('<span class="ahead" title="超序时">超 {} 个百分点</span>', text)
    if d < 0:
        return format_html('<span class="behind" title="欠序时">欠 {} 个百分点</span>', text)
    return mark_safe('<span class="even">与序时持平</span>')


@register.filter
def duration_zh(value):
    """A timedelta in words: 30 分钟, 1 小时 30 分钟, 1 天."""
    if not isinstance(value, datetime.timedelta):
        return DASH
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{minutes} 分钟" if minutes else ""]
    return " ".join(p for p in parts if p) or "不到 1 分钟"


@register.filter
def may(user, action):
    """Whether the user's role allows an action (scoping.can): `{% if user|may:"write" %}`."""
    return scoping.can(user, action)


@register.simple_tag(takes_context=True)
def nav_class(context, prefix: str) -> str:
    """"active" for the nav link of the section the current page belongs to."""
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    if prefix == "/overview/" and path == "/":
        return "active"
    if prefix == "/overview/" and path.startswith("/overview/province/"):
        return ""  # 全省 has its own link
    return "active" if path.startswith(prefix) else ""


@register.simple_tag(takes_context=True)
def nav_attrs(context, prefix: str):
    """The attributes of a main-nav link: `class="active" aria-current="page"` on the current section's link,
    so a screen reader (and the style) say where the user is."""
    from django.utils.safestring import mark_safe

    if nav_class(context, prefix) == "active":
        return mark_safe('class="active" aria-current="page"')
    return ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links keeping the filters)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
