"""Template helpers of the dashboard: a figure with its drill-down link, a traffic light, a row's rate."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def fig(f, css: str = ""):
    """<a class="fig" href=… data-measure=… data-value=…>text</a>: a number that opens the list behind it."""
    if f is None:
        return "—"
    if not getattr(f, "url", None):
        return format_html('<span class="fig {}">{}</span>', css, f.text)
    return format_html('<a class="fig {}" href="{}" data-measure="{}" data-value="{}">{}</a>',
                       css, f.url, f.measure, f.raw, f.text)


@register.simple_tag
def light_dot(light, with_label: bool = True):
    """A coloured dot (and label) for a light; the title names the rule that set it and why."""
    if light is None:
        return format_html('<span class="light none" title="未评价">{}</span>', "—")
    rule = f"{light.rule.name}: " if light.rule else ""
    return format_html('<span class="light {}" title="{}{}"><i aria-hidden="true"></i>{}</span>', light.level, rule,
                       light.reason, light.label if with_label else "")


@register.filter
def rate_pct(fraction, places=1):
    """A row's unrounded fraction as a percentage (tuijin.core.numbers): 0.4512 → 45.1%; None → —. The
    argument: the city's NumberStyle, or a number of decimals (rounded half up)."""
    from tuijin.core.numbers import NumberStyle, rate_text

    if isinstance(places, NumberStyle):  # the city's decimals and rounding rule
        return rate_text(fraction, places)
    return rate_text(fraction, places=int(places))
