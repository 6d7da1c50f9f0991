"""Reads for bulletins: a city's effective sentence templates (its overrides over the defaults) and settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import AnnualList, Category

from .defaults import DEFAULT_TEMPLATES, OFF_BY_DEFAULT
from .models import BulletinConfig, Section, SentenceTemplate

SECTION_ORDER = [s.value for s in Section]


@dataclass
class EffectiveTemplate:
    """The template a city's bulletin uses for a key: its own override, else the default."""

    key: str
    section: str
    order: int
    text: str
    enabled: bool
    overridden: bool
    default_text: str | None
    note: str = ""
    pk: int | None = None


def ensure_default_templates() -> None:
    """Keep the default rows (no city) equal to the code's defaults: the data migration seeds them, a flushed
    database needs them again, and an upgrade that rewords a default reaches every city that did not
    override it. Cities' own rows are never touched."""
    have = {t.key: t for t in SentenceTemplate.objects.filter(city__isnull=True)}
    new, changed = [], []
    for key, section, order, text in DEFAULT_TEMPLATES:
        row = have.get(key)
        if row is None:
            new.append(SentenceTemplate(key=key, section=section, order=order, text=text,
                                        enabled=key not in OFF_BY_DEFAULT))
        elif (row.section, row.order, row.text) != (section, order, text):
            row.section, row.order, row.text = section, order, text
            changed.append(row)
    if not (new or changed):
        return
    try:
        with transaction.atomic():
            SentenceTemplate.objects.bulk_create(new)
            SentenceTemplate.objects.bulk_update(changed, ["section", "order", "text"])
    except IntegrityError:
        pass  # another request seeded them at the same moment


def effective_templates(city: OrgUnit) -> list[EffectiveTemplate]:
    ensure_default_templates()
    defaults = {t.key: t for t in SentenceTemplate.objects.filter(city__isnull=True)}
    overrides = {t.key: t for t in SentenceTemplate.objects.filter(city=city)}
    out = []
    for key in dict.fromkeys([*defaults, *overrides]):
        row, default = overrides.get(key) or defaults[key], defaults.get(key)
        out.append(EffectiveTemplate(key=key, section=row.section, order=row.order, text=row.text,
                                     enabled=row.enabled, overridden=key in overrides,
                                     default_text=default.text if default else None, note=row.note, pk=row.pk))
    out.sort(key=lambda t: (SECTION_ORDER.index(t.section), t.order, t.key))
    return out


@dataclass
class BulletinSettings:
    """A city's bulletin settings, resolved: defaults filled in."""

    heading: str
    issuer: str
    lists: list[AnnualList] | None  # None: every list with projects that year
    lagging_lists: list[AnnualList] | None  # None: the highest-ranked list with projects
    threshold_wan: Decimal | None
    category: Category | None
    include: dict[str, bool] = field(default_factory=dict)
    lagging_limit: int = 10
    lag_threshold_pp: Decimal = Decimal(0)
    table_amount_places: int | None = None  # None: the conventions' (the text's) decimals
    table_rate_places: int | None = None
    start_rate_places: int | None = None
    total_as_sum: bool = False  # 合计按分项相加


def bulletin_config(city: OrgUnit) -> BulletinConfig:
    """The stored row, or an unsaved one with the defaults."""
    return BulletinConfig.objects.filter(city=city).first() or BulletinConfig(city=city)


def issuing_office(city: OrgUnit) -> str:
    """发文单位: the city's office that issues its bulletins and agendas (the author of their documents)."""
    return bulletin_config(city).issuer or f"{city.name}重大项目建设推进办公室"


def bulletin_settings(city: OrgUnit, root: OrgUnit | None = None, year: int | None = None) -> BulletinSettings:
    from django.utils import timezone

    from tuijin.orgs.selectors import conventions_for

    cfg = bulletin_config(city)
    root = root or city
    stored = cfg.pk is not None
    lists = list(cfg.lists.order_by("rank", "id")) if stored else []
    lagging = list(cfg.lagging_lists.order_by("rank", "id")) if stored else []
    category = cfg.signing_category if cfg.signing_category_id else Category.objects.filter(name="产业").first()
    threshold = cfg.threshold_wan if cfg.threshold_wan is not None else conventions_for(
        root or city, year or timezone.localdate().year).big_project_threshold_wan
    return BulletinSettings(
        heading=cfg.heading or f"{root.name}重大项目推进情况通报",
        issuer=cfg.issuer or f"{city.name}重大项目建设推进办公室",
        lists=lists or None,
        lagging_lists=lagging or None,
        threshold_wan=Decimal(threshold).quantize(Decimal("0.01")) if threshold else None,
        category=category,
        include={
            Section.RANKING: cfg.include_ranking, Section.UNIT_EVENTS: cfg.include_unit_events,
            Section.LAGGING: cfg.include_lagging, Section.CHAINS: cfg.include_chains,
            Section.TARGETS: cfg.include_targets, Section.LIVELIHOOD: cfg.include_livelihood, Section.PROBLEMS: cfg.include_problems,
            Section.SECTORS: cfg.include_sectors,
        },
        lagging_limit=cfg.lagging_limit,
        lag_threshold_pp=cfg.lag_threshold_pp,
        table_amount_places=cfg.table_amount_places,
        table_rate_places=cfg.table_rate_places,
        start_rate_places=cfg.start_rate_places,
        total_as_sum=cfg.total_as_sum,
    )


def is_city_admin(user, city: OrgUnit | None) -> bool:
    """The city's administrator (a role that may CONFIGURE, holding the city itself) or a superuser: may edit
    the city's templates and settings and download its OC4IDS export. `city` None: of any city."""
    from tuijin.accounts import scoping
    from tuijin.accounts.models import Role

    if not scoping.can(user, scoping.CONFIGURE):
        return False
    if user.is_superuser:
        return True
    if user.role != Role.CITY_ADMIN or user.unit is None or user.unit.kind != "city":
        return False
    return city is None or user.unit_id == city.pk


def template_name(template: EffectiveTemplate) -> str:
    """What the sentence says, for the 通报句式 page: its note, else the default's name, else its key."""
    from .defaults import TEMPLATE_NAMES

    return template.note or TEMPLATE_NAMES.get(template.key) or template.key


def figure_name(section: str, name: str) -> str:
    """A figure's readable name: its help text up to the first comma or colon (完成投资(亿元), 期间 …)."""
    from .defaults import FIGURES, LABELS

    text = FIGURES.get(section, {}).get(name) or LABELS.get(name) or name
    return re.split(r"[,:，：]", text, maxsplit=1)[0].strip()


def template_preview(text: str, section: str) -> list[tuple[str, str]]:
    """A sentence as a reader of the page sees it: [(kind, text)] with kind "text", "figure" (the figure's readable
    name in place of {name}), "open" / "close" (an optional clause's brackets). `{{` and `}}` are braces."""
    parts: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text.startswith("{{", i) or text.startswith("}}", i):
            parts.append(("text", text[i]))
            i += 2
        elif text[i] == "{" and "}" in text[i:]:
            end = text.index("}", i)
            parts.append(("figure", figure_name(section, text[i + 1:end].strip())))
            i = end + 1
        elif text[i] in "[]":
            parts.append(("open" if text[i] == "[" else "close", ""))
            i += 1
        else:
            j = i
            while j < len(text) and text[j] not in "{}[]":
                j += 1
            parts.append(("text", text[i:max(j, i + 1)]))
            i = max(j, i + 1)
    return parts
