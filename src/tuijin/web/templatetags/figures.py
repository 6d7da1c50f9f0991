"""Template filters for printing figures, all through tuijin.core.numbers (the one way a number is printed): 亿元
and % with the city's decimals, 万元 with separators, 超/欠 wording, and "—" for a missing figure (a figure that
does not exist, such as a rate over a zero plan, is never printed as 0).

Engine figures arrive already rounded by present() under the city's rule; `yi`/`pct`/`yoy` only fix the number
of decimals shown (so 32.0 stays "32.0"), never round them again. Raw record amounts (a project's 万元) are
converted and rounded once here by the city's rule, given as a NumberStyle (`style` in the page's context).

    {% load figures %}
    {{ row.completed_yi|yi:places }}          1,094.6
    {{ row.completion_rate_pct|pct:1 }}       45.1%
    {{ row.schedule_variance_pp|variance:1 }} <span class="ahead">超 3.5 个百分点</span>
    {{ ev.total_yoy_pct|yoy:1 }}              +10.3%
    {{ project.total_investment|wan_yi:style }} 1.3 (亿元, from 12500 万元, the city's 1 place, half up)
    {{ report.amount|wan }}                   146,100 (万元)
    {{ row.fraction|rate:style }}             45.1% (from an unrounded fraction)
    {{ n|count }}  1,234      {{ rule.yellow|plain }}  1 (not 1.00)
"""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tuijin.accounts import scoping
from tuijin.core import numbers
from tuijin.core.numbers import DASH, DEFAULT_STYLE, NumberStyle

register = template.Library()


def _style_and_places(arg) -> tuple[NumberStyle, int | None]:
    """A filter's argument: the city's NumberStyle, or a number of decimals (with the default rule)."""
    if isinstance(arg, NumberStyle):
        return arg, None
    if arg in (None, ""):
        return DEFAULT_STYLE, None
    return DEFAULT_STYLE, int(arg)


@register.filter
def dash(value):
    """The value, or "—" when it is missing (None or empty). 0 stays 0."""
    return DASH if value is None or value == "" else value


@register.filter
def yi(value, places=1):
    """A presented 亿元 amount with the city's decimals: 31.9, 1,094.6; "—" when missing."""
    return numbers.presented_yi_text(value, None if places in (None, "") else int(places))


@register.filter
def wan_yi(value, style=None):
    """A raw 万元 amount (a record field) in 亿元, rounded once by the city's rule: 12500 → 1.3."""
    style, places = _style_and_places(style)
    return numbers.yi_text(value, style, places)


@register.filter
def wan(value, style=None):
    """A raw 万元 amount with thousands separators, cents only when there are some: 12,500 / 1,200.50."""
    return numbers.wan_text(value, style if isinstance(style, NumberStyle) else DEFAULT_STYLE)


@register.filter
def pct(value, places=1):
    """A presented percentage: 45.1%; "—" when the rate does not exist (zero denominator)."""
    return numbers.presented_rate_text(value, None if places in (None, "") else int(places))


@register.filter
def rate(fraction, style=None):
    """An unrounded fraction as a percentage by the city's rule: 0.4512 → 45.1%; None → —."""
    style, places = _style_and_places(style)
    return numbers.rate_text(fraction, style, places)


@register.filter
def yoy(value, places=1):
    """同比: +18.2% / -5.0% (with its sign); "—" without a base year figure."""
    return numbers.presented_rate_text(value, None if places in (None, "") else int(places), signed=True)


@register.filter
def count(value):
    """A count with thousands separators: 1,234."""
    return numbers.count_text(value)


@register.filter
def plain(value):
    """A threshold, weight or score as entered, without trailing zeros: 1.00 → 1, 2.50 → 2.5."""
    return numbers.plain_text(value)


@register.filter
def signed(value):
    """A count change with its sign: +3 / -2 / 0."""
    d = numbers.as_decimal(value)
    if d is None:
        return DASH
    text = numbers.plain_text(d)
    return f"+{text}" if d > 0 else text


@register.filter
def variance(value, places=1):
    """超/欠序时: 超 3.5 个百分点 (green) / 欠 2.1 个百分点 (red) / 与序时持平; "—" when missing. `places` may be
    the figure's conventions (orgs.Conventions): its rate places and its wording (快于时间进度 3.5 个百分点,
    超进度 …; the default 超序时 / 欠序时 stays 超 / 欠)."""
    d = numbers.as_decimal(value)
    if d is None:
        return DASH
    ahead, behind, short = "超序时", "欠序时", True
    if hasattr(places, "rate_places"):
        # The default wording keeps the short 超 / 欠 under its 超/欠序时 heading; another city's prints its words.
        ahead, behind, short = places.ahead_word, places.behind_word, places.wording == "schedule"
        places = places.rate_places
    text = numbers.presented_yi_text(abs(d), None if places in (None, "") else int(places))
    if d > 0:
        return format_html('<span class="ahead" title="{}">{} {} 个百分点</span>', ahead,
                           "超" if short else ahead, text)
    if d < 0:
        return format_html('<span class="behind" title="{}">{} {} 个百分点</span>', behind,
                           "欠" if short else behind, text)
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
