"""通报生成: a bulletin for a city (or a unit within it) and a period, written from sentence templates whose
figures all come from the indicator engine (compute → present, chain_report → present_chains).

Nothing here computes a figure. The generator asks the engine for each scope it names (the whole programme,
each list, the signings above the threshold, each unit, each lagging list's projects), takes the presented
(rounded) values, and turns them into named figures: the printed text, the value and the filter behind it
(Scope.describe()), so every number in the bulletin can be traced to the projects behind it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils import timezone

from tuijin.core.errors import InputError
from tuijin.core.numbers import HUNDRED, WAN_PER_YI, NumberStyle, quantize
from tuijin.core.periods import Period
from tuijin.indicators.engine import breakdown_table, compute, project_figures
from tuijin.indicators.present import present, present_breakdown, unit_label
from tuijin.indicators.scope import Scope
from tuijin.indicators.tables import BREAKDOWN_COLUMNS, COLUMNS, EVENTS
from tuijin.orgs.models import Conventions, OrgUnit, UnitKind
from tuijin.orgs.selectors import conventions_for
from tuijin.projects.models import AnnualList, Project

from . import optional_modules
from .defaults import SECTION_TITLES
from .models import Section
from .selectors import BulletinSettings, bulletin_settings, effective_templates
from .sentences import Fig, render

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 2 → 两 (两大产业集群), 10 → 十, 12 → 十二, 30 → 三十; 100 and above stay in Arabic digits."""
    if not 0 < n < 100:
        return str(n)
    if n == 2:
        return "两"
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


def threshold_label(threshold_wan: Decimal | None) -> str:
    """10000 万元 → 亿元以上; 50000 → 5亿元以上; 5000 → 5000万元以上."""
    if not threshold_wan:
        return ""
    if threshold_wan >= WAN_PER_YI:
        yi = threshold_wan / WAN_PER_YI
        yi_text = "" if yi == 1 else _plain(yi)
        return f"{yi_text}亿元以上"
    return f"{_plain(threshold_wan)}万元以上"


def _plain(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


def period_words(period: Period) -> str:
    """The period without its year, as bulletins print it: 1-5月, 一季度, 上半年."""
    return period.label.removeprefix(f"{period.year}年")


# ---------------------------------------------------------------- the result


@dataclass
class Sentence:
    key: str
    section: str
    text: str
    figures: dict[str, dict]


@dataclass
class BulletinSection:
    key: str
    title: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]


@dataclass
class Bulletin:
    city: OrgUnit
    unit: OrgUnit | None
    period: Period
    heading: str
    issuer: str
    issued: datetime.date
    sections: list[BulletinSection]
    tables: list[Table]
    empty: bool
    filters: dict
    basis: str = "accepted"
    covers: str = ""  # "您负责的 5 个项目" for a 填报员 / 部门经办 (scoping.coverage), "" for a unit

    @property
    def sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for s in sec.sentences]

    @property
    def subtitle(self) -> str:
        return f"（{self.period.label} · {self.covers}）" if self.covers else f"（{self.period.label}）"

    @property
    def issued_text(self) -> str:
        return f"{self.issued.year}年{self.issued.month}月{self.issued.day}日"


# ---------------------------------------------------------------- figures


class FigureBuilder:
    """Turns presented engine values into named figures, formatted by the city's rounding places."""

    def __init__(self, config: Conventions, period: Period, basis: str, start_rate_places: int | None = None):
        self.amount_places = config.amount_places
        self.rate_places = config.rate_places
        self.rounding = config.rounding
        self.start_rate_places = start_rate_places  # a start rate's own decimals (整数百分比: 0), else the rates'
        self.ahead, self.behind = config.ahead_word, config.behind_word
        self.period = period
        self.basis = basis

    def source(self, scope: Scope, indicator: str, **extra) -> dict:
        return {"indicator": indicator, "filters": scope.describe(), "period": self.period.label,
                "basis": self.basis, **extra}

    def _fmt(self, value, places: int) -> str:
        return f"{Decimal(str(value)):.{places}f}"

    def count(self, value, src, zero_missing=True) -> Fig:
        if value is None or (zero_missing and value == 0):
            return Fig(None, value, src)
        return Fig(str(int(value)), value, src)

    def yi(self, value, src) -> Fig:
        return Fig(None, value, src) if value is None else Fig(self._fmt(value, self.amount_places), value, src)

    def pct(self, value, src) -> Fig:
        return Fig(None, value, src) if value is None else Fig(self._fmt(value, self.rate_places), value, src)

    def signed(self, value, src, pos: str, neg: str, places: int | None = None, integer=False
               ) -> tuple[Fig, Fig]:
        """A signed figure as a word (超/欠, 增长/下降, 高于/低于) and its absolute value."""
        if value is None:
            return Fig(None, None, src), Fig(None, None, src)
        word = pos if value >= 0 else neg
        text = str(abs(int(value))) if integer else self._fmt(abs(value), self.rate_places if places is None
                                                              else places)
        return Fig(word, value, src), Fig(text, value, src)

    def plan(self, d: dict, scope: Scope, raw) -> dict[str, Fig]:
        """The programme figures of one scope (all lists, or one list): d = present(f), raw = f."""
        s = lambda key: self.source(scope, key)  # noqa: E731
        has_projects = raw.projects > 0
        has_done = has_projects and raw.completed != 0
        figs: dict[str, Fig] = {
            "projects": self.count(d["projects"], s("projects")),
            "annual_plan_yi": self.yi(d["annual_plan_yi"] if raw.annual_plan else None, s("annual_plan_yi")),
            "completed_yi": self.yi(d["completed_yi"] if has_done else None, s("completed_yi")),
            "completion_rate_pct": self.pct(d["completion_rate_pct"] if has_done else None,
                                            s("completion_rate_pct")),
            "schedule_share_pct": self.pct(d["schedule_share_pct"] if has_projects else None,
                                           s("schedule_share_pct")),
        }
        figs["variance_word"], figs["variance_pp_abs"] = self.signed(
            d["schedule_variance_pp"] if has_done else None, s("schedule_variance_pp"), "超", "欠")
        # The same sign in the conventions' wording (超序时 / 快于时间进度 / 超进度 …).
        figs["variance_phrase"], _ = self.signed(
            d["schedule_variance_pp"] if has_done else None, s("schedule_variance_pp"), self.ahead, self.behind)
        figs["completed_yoy_word"], figs["completed_yoy_abs"] = self.signed(
            d["completed_yoy_pct"] if has_done else None, s("completed_yoy_pct"), "增长", "下降")
        for planned, done, rate in (("planned_new_starts", "planned_new_starts_started", "start_rate_pct"),
                                    ("planned_starts_to_date", "planned_starts_to_date_started",
                                     "start_rate_to_date_pct"),
                                    ("planned_completions", "planned_completions_done", "completion_count_rate_pct"),
                                    ("planned_operations", "planned_operations_done", "operation_rate_pct")):
            figs[planned] = self.count(d[planned], s(planned))
            has = bool(d[planned])
            figs[done] = self.count(d[done] if has else None, s(done), zero_missing=False)
            if rate in ("start_rate_pct", "start_rate_to_date_pct"):
                figs[rate] = self.pct(d[rate] if has else None, s(rate))
                if has and self.start_rate_places is not None:
                    # rounded once from the unrounded rate at the start rate's own decimals (never re-rounded)
                    fraction = raw.start_rate if rate == "start_rate_pct" else raw.start_rate_to_date
                    value = quantize(fraction * HUNDRED, self.start_rate_places, self.rounding)
                    figs[rate] = Fig(self._fmt(value, self.start_rate_places), value, s(rate))
        figs["half_and_half"] = Fig("实现“双过半”" if d["half_and_half"] else None, d["half_and_half"],
                                    s("half_and_half"))
        figs["period_plan_rate_pct"] = self.pct(d["period_plan_rate_pct"] if has_done else None,
                                                s("period_plan_rate_pct"))
        figs["period_plan_word"], figs["period_plan_gap_yi"] = self.signed(
            d["ahead_of_period_plan_yi"] if has_done else None, s("ahead_of_period_plan_yi"), "超", "欠",
            places=self.amount_places)
        # changes beside growth: 同比增加/减少 A 亿元, last year's value (only when last year had some)
        has_prev = has_done and raw.completed_prev != 0
        figs["completed_prev_yi"] = self.yi(d["completed_prev_yi"] if has_prev else None, s("completed_prev_yi"))
        figs["completed_change_word"], figs["completed_change_abs"] = self.signed(
            d["completed_change_yi"] if has_prev else None, s("completed_change_yi"), "增加", "减少",
            places=self.amount_places)
        # list figures (issue 20)
        figs["total_investment_yi"] = self.yi(d["total_investment_yi"] if has_projects else None,
                                              s("total_investment_yi"))
        figs["behind_schedule"] = self.count(d["behind_schedule"] if has_projects else None, s("behind_schedule"),
                                             zero_missing=False)
        figs["behind_schedule_share_pct"] = self.pct(d["behind_schedule_share_pct"] if has_projects else None,
                                                     s("behind_schedule_share_pct"))
        has_active = raw.active_projects > 0
        figs["active_projects"] = self.count(d["active_projects"], s("active_projects"))
        figs["active_plan_yi"] = self.yi(d["active_plan_yi"] if has_active else None, s("active_plan_yi"))
        figs["active_completed_yi"] = self.yi(d["active_completed_yi"] if has_active else None,
                                              s("active_completed_yi"))
        figs["active_completion_rate_pct"] = self.pct(d["active_completion_rate_pct"] if has_active else None,
                                                      s("active_completion_rate_pct"))
        figs["active_variance_phrase"], figs["active_variance_pp_abs"] = self.signed(
            d["active_schedule_variance_pp"] if has_active else None, s("active_schedule_variance_pp"),
            self.ahead, self.behind)
        for count, rate, planned in (("completions_in_year", "completions_all_rate_pct", "planned_completions"),
                                     ("operations_in_year", "operations_all_rate_pct", "planned_operations")):
            has = bool(d[planned])
            figs[count] = self.count(d[count] if has else None, s(count), zero_missing=False)
            figs[rate] = self.pct(d[rate] if has else None, s(rate))
        has_funds = has_projects and raw.funds_secured != 0
        figs["funds_secured_yi"] = self.yi(d["funds_secured_yi"] if has_funds else None, s("funds_secured_yi"))
        figs["funds_secured_rate_pct"] = self.pct(d["funds_secured_rate_pct"] if has_funds else None,
                                                  s("funds_secured_rate_pct"))
        return figs

    def slice(self, row: dict, raw, scope: Scope, dimension: str, label_name: str) -> dict[str, Fig]:
        """One row of a presented breakdown (present_breakdown; raw: the engine's BreakdownRow) as the figures
        of a sentence. Like plan(): nothing completed → no amount, no rate (never a printed zero)."""
        s = lambda key: self.source(scope, f"breakdown.{dimension}.{key}", slice=row["label"])  # noqa: E731
        has_done = bool(raw.projects) and raw.completed != 0
        figs = {
            label_name: Fig(row["label"], row["label"], s("label"), label=True),
            "projects": self.count(row["projects"], s("projects")),
            "annual_plan_yi": self.yi(row["annual_plan_yi"] if row["projects"] else None, s("annual_plan_yi")),
            "completed_yi": self.yi(row["completed_yi"] if has_done else None, s("completed_yi")),
            "completion_rate_pct": self.pct(row["completion_rate_pct"] if has_done else None,
                                            s("completion_rate_pct")),
            "schedule_share_pct": self.pct(row["schedule_share_pct"] if row["projects"] else None,
                                           s("schedule_share_pct")),
        }
        figs["variance_phrase"], figs["variance_pp_abs"] = self.signed(
            row["schedule_variance_pp"] if has_done else None, s("schedule_variance_pp"), self.ahead, self.behind)
        return figs

    def events(self, d: dict, scope: Scope, key: str, prefix: str) -> dict[str, Fig]:
        """新签约 / 新开工 / 新投产: d[key] is present()'s event block."""
        e = d[key]
        s = lambda sub: self.source(scope, f"{key}.{sub}")  # noqa: E731
        has = bool(e["count"])
        figs = {
            f"{prefix}_count": self.count(e["count"], s("count")),
            f"{prefix}_total_yi": self.yi(e["total_yi"] if has else None, s("total_yi")),
        }
        figs[f"{prefix}_count_yoy_word"], figs[f"{prefix}_count_yoy_abs"] = self.signed(
            e["count_yoy_pct"] if has else None, s("count_yoy_pct"), "增长", "下降")
        figs[f"{prefix}_total_yoy_word"], figs[f"{prefix}_total_yoy_abs"] = self.signed(
            e["total_yoy_pct"] if has else None, s("total_yoy_pct"), "增长", "下降")
        cw, ca = figs[f"{prefix}_count_yoy_word"], figs[f"{prefix}_count_yoy_abs"]
        tw, ta = figs[f"{prefix}_total_yoy_word"], figs[f"{prefix}_total_yoy_abs"]
        pair = None
        if not (cw.missing or tw.missing):
            pair = f"{cw.text}{ca.text}%和{'' if tw.text == cw.text else tw.text}{ta.text}%"
        figs[f"{prefix}_yoy_pair"] = Fig(pair, [e["count_yoy_pct"], e["total_yoy_pct"]],
                                         s("count_yoy_pct,total_yoy_pct"))
        figs[f"{prefix}_count_change_word"], figs[f"{prefix}_count_change_abs"] = self.signed(
            e["count_change"] if has and e["count_prev"] else None, s("count_change"), "增加", "减少", integer=True)
        has_prev = has and bool(e["count_prev"])
        figs[f"{prefix}_count_prev"] = self.count(e["count_prev"] if has_prev else None, s("count_prev"))
        figs[f"{prefix}_total_prev_yi"] = self.yi(e["total_prev_yi"] if has_prev else None, s("total_prev_yi"))
        figs[f"{prefix}_total_change_word"], figs[f"{prefix}_total_change_abs"] = self.signed(
            e["total_change_yi"] if has_prev else None, s("total_change_yi"), "增加", "减少",
            places=self.amount_places)
        return figs


def _label(text: str) -> Fig:
    return Fig(text, text, None, label=True)


# ---------------------------------------------------------------- the generator


class Generator:
    def __init__(self, city: OrgUnit, period: Period, *, unit: OrgUnit | None = None, user=None,
                 issued: datetime.date | None = None, basis: str = "accepted"):
        if city.kind != UnitKind.CITY:
            raise InputError(f"{city.name} 不是城市", field="city")
        if unit is not None and (not unit.is_within(city) or unit.is_department):
            raise InputError(f"{city.name} 下没有板块 {unit.name!r}", field="unit")
        self.city, self.unit, self.period, self.basis = city, (None if unit == city else unit), period, basis
        self.root = self.unit or city
        self.user = user
        self.issued = issued or timezone.localdate()
        self.settings: BulletinSettings = bulletin_settings(city, self.root, period.year)
        # The conventions of the unit whose bulletin this is, for the bulletin's year: a 2024 bulletin keeps
        # printing by 2024's conventions after the city changes 2025's.
        self.config = conventions_for(self.root, period.year)
        self.fb = FigureBuilder(self.config, period, basis, self.settings.start_rate_places)
        # The tables' own decimals (表格金额 2 位 while the text has 1), by the conventions' rounding rule.
        self.table_style = None
        if self.settings.table_amount_places is not None or self.settings.table_rate_places is not None:
            base = NumberStyle.of(self.config)
            self.table_style = NumberStyle(
                base.amount_places if self.settings.table_amount_places is None else self.settings.table_amount_places,
                base.rate_places if self.settings.table_rate_places is None else self.settings.table_rate_places,
                base.rounding)
        scope = Scope(city, self.unit)
        if user is not None:
            from tuijin.indicators.scope import restrict_scope

            scope = restrict_scope(user, scope)
        self.base = scope
        from tuijin.projects.scoping import coverage

        self.covers = coverage(user, scope) if user is not None else ""
        self.labels = {
            "period": _label(period_words(period)), "year": _label(str(period.year)),
            "area": _label(coverage(user) if self.covers else self.root.whole_area),
            "unit_prefix": _label("" if self.unit is None else self.root.name),
        }
        self.tables: list[Table] = []

    # ---------------------------------------------------------- items per section

    def overview(self) -> list[dict[str, Fig]]:
        f = compute(self.base, self.period, basis=self.basis)
        d = present(f)
        self._overview = (f, d)
        self.tables.append(self._unit_table(f"{self.root.name}重大项目分板块完成情况", f, d))
        if not f.projects:
            return []
        return [self.fb.plan(d, self.base, f)]

    def lists(self) -> list[dict[str, Fig]]:
        items = []
        self._list_figures = []
        for lst in self._lists():
            scope = replace(self.base, annual_list=lst)
            f = compute(scope, self.period, basis=self.basis)
            if not f.projects:
                continue
            d = present(f)
            self._list_figures.append((lst, scope, f))
            self.tables.append(self._unit_table(f"{lst.name}分板块完成情况", f, d))
            items.append({"list_name": Fig(lst.name, lst.name, {"list": lst.name}, label=True),
                          **self.fb.plan(d, scope, f)})
        return items

    def _unit_table(self, title: str, f, d: dict) -> Table:
        """The by-unit table of a scope: as present() prints it, or at the tables' own decimals."""
        style = self.table_style
        return indicator_table(title, present(f, style) if style else d, style, self.settings.total_as_sum)

    def sectors(self) -> list[dict[str, Fig]]:
        """分行业领域: a sentence per 行业领域 with projects (at the text's decimals) and the table of every
        行业领域 with its 合计 (at the tables' decimals). Nothing when no listed project carries a 行业领域."""
        b = breakdown_table(self.base, self.period, "sector", self.basis)
        if not any(r.projects for r in b.rows if r.key is not None):
            return []
        d = present_breakdown(b, self.base, self.period)
        t = present_breakdown(b, self.base, self.period, self.table_style, self.settings.total_as_sum)
        self.tables.append(breakdown_bulletin_table(f"{self.root.name}重大项目分行业领域完成情况", t,
                                                    self.table_style))
        return [self.fb.slice(row, r, self.base, "sector", "sector") for row, r in zip(d["rows"], b.rows, strict=True)
                if r.key is not None and r.projects]

    def _lists(self) -> list[AnnualList]:
        if self.settings.lists is not None:
            return self.settings.lists
        return list(AnnualList.objects.filter(city=self.city, entries__year=self.period.year)
                    .distinct().order_by("rank", "id"))

    def _event_scopes(self) -> tuple[Scope, Scope]:
        threshold = self.settings.threshold_wan
        everything = replace(self.base, min_total_wan=threshold)
        return everything, replace(everything, category=self.settings.category)

    def _event_labels(self) -> dict[str, Fig]:
        cat = self.settings.category
        return {"threshold_label": _label(threshold_label(self.settings.threshold_wan)),
                "category": _label(cat.name if cat else "")}

    def events(self) -> list[dict[str, Fig]]:
        everything, chosen = self._event_scopes()
        f_all = compute(everything, self.period, basis=self.basis, breakdown=False)
        f_cat = compute(chosen, self.period, basis=self.basis)
        d_all, d_cat = present(f_all), present(f_cat)
        self._events = (chosen, f_cat, d_cat)
        label = self._event_labels()
        self.tables.append(events_table(
            f"各板块{label['threshold_label'].text}{label['category'].text}项目招引落地情况", d_cat))
        figs = dict(label)
        for key, prefix in (("new_signed", "signed"), ("new_started", "started"), ("new_operating", "operating")):
            figs.update(self.fb.events(d_cat, chosen, key, prefix))
            figs.update(self.fb.events(d_all, everything, key, f"all_{prefix}"))
        return [figs]

    def unit_events(self) -> list[dict[str, Fig]]:
        chosen, f_cat, d_cat = self._events
        if all(child.own_level for child in f_cat.by_unit):
            return []  # a unit without sub-units: its own totals are already in the events paragraph
        items = []
        for child, row in zip(f_cat.by_unit, d_cat["by_unit"], strict=True):
            scope = child.scope
            name = unit_label(child)
            figs = {"unit": _label(name), **self._event_labels()}
            for key, prefix in (("new_signed", "signed"), ("new_started", "started"),
                                ("new_operating", "operating")):
                figs.update(self.fb.events(row, scope, key, prefix))
            items.append(figs)
        return items

    def ranking(self) -> list[dict[str, Fig]]:
        f, d = self._overview
        rows = [(c, r) for c, r in zip(f.by_unit, d["by_unit"], strict=True)
                if not c.own_level and c.completed and r["completion_rate_pct"] is not None]
        src = self.fb.source(self.base, "by_unit.completion_rate_pct",
                             units=[{"unit": r["unit"], "completion_rate_pct": r["completion_rate_pct"],
                                     "schedule_variance_pp": r["schedule_variance_pp"]} for _, r in rows])
        if len(rows) < 2:
            return []
        rows.sort(key=lambda cr: (-cr[0].completion_rate, cr[0].unit.sort_order))
        pct = lambda r: self.fb._fmt(r["completion_rate_pct"], self.fb.rate_places)  # noqa: E731
        pp = lambda r: self.fb._fmt(abs(r["schedule_variance_pp"]), self.fb.rate_places)  # noqa: E731
        limit = -self.settings.lag_threshold_pp
        ahead = [r for _, r in rows if r["schedule_variance_pp"] > 0]
        behind = sorted([r for _, r in rows if r["schedule_variance_pp"] < limit],
                        key=lambda r: r["schedule_variance_pp"])
        figs = {
            "ranking": Fig("、".join(f"{r['unit']}（{pct(r)}%）" for _, r in rows), None, src),
            "units_count": self.fb.count(len(rows), src),
            "top_unit": Fig(rows[0][1]["unit"], rows[0][1]["unit"], src),
            "top_rate_pct": self.fb.pct(rows[0][1]["completion_rate_pct"], src),
            "units_ahead": Fig("、".join(r["unit"] for r in ahead) or None, [r["unit"] for r in ahead], src),
            "units_ahead_count": self.fb.count(len(ahead), src),
            "lagging_units": Fig("、".join(f"{r['unit']}（{self.config.behind_word}{pp(r)}个百分点）" for r in behind) or None,
                                 [r["unit"] for r in behind], src),
            "lagging_units_count": self.fb.count(len(behind), src),
        }
        return [figs]

    def lagging(self) -> list[dict[str, Fig]]:
        """Per lagging list: its projects behind schedule and those past their planned start month."""
        listed = getattr(self, "_list_figures", [])
        chosen = self.settings.lagging_lists
        if chosen is None:
            targets = listed[:1]
        else:
            names = {lst.pk for lst in chosen}
            targets = [t for t in listed if t[0].pk in names]
        limit = -self.settings.lag_threshold_pp
        pp = lambda v: self.fb._fmt(abs(v), self.fb.rate_places)  # noqa: E731
        items = []
        for lst, scope, _f in targets:
            behind, not_started = [], []
            # Every listed project's own figures in a fixed number of queries (equal to compute() over the
            # scope narrowed to the project), however long the list.
            per_project = project_figures(scope, self.period, self.basis)
            for project in Project.objects.filter(pk__in=list(per_project)).only("id", "code", "name").order_by("id"):
                pf = per_project[project.pk]
                pd = present(pf)
                if pd["schedule_variance_pp"] is not None and pd["schedule_variance_pp"] < limit:
                    behind.append((pd["schedule_variance_pp"], project, pd))
                if pf.planned_starts_to_date > pf.planned_starts_to_date_started:
                    not_started.append(project)
            behind.sort(key=lambda t: (t[0], t[1].pk))
            cap = self.settings.lagging_limit
            src = self.fb.source(scope, "per_project.schedule_variance_pp",
                                 projects=[{"code": p.code, "name": p.name, "completion_rate_pct":
                                            pd["completion_rate_pct"], "schedule_variance_pp": v}
                                           for v, p, pd in behind])
            src_ns = self.fb.source(scope, "per_project.planned_starts_to_date_not_started",
                                    projects=[{"code": p.code, "name": p.name} for p in not_started])

            def names(objs, fmt, cap=cap):
                text = "、".join(fmt(o) for o in objs[:cap])
                return (text + ("等" if len(objs) > cap else "")) or None

            items.append({
                "list_name": Fig(lst.name, lst.name, {"list": lst.name}, label=True),
                "lagging_projects": Fig(names(behind, lambda t: f"{t[1].name}（{self.config.behind_word}{pp(t[0])}个百分点）"),
                                        [t[1].code for t in behind], src),
                "lagging_projects_count": self.fb.count(len(behind), src),
                "not_started_projects": Fig(names(not_started, lambda p: p.name), [p.code for p in not_started],
                                            src_ns),
                "not_started_count": self.fb.count(len(not_started), src_ns),
            })
        return items

    def chains(self) -> list[dict[str, Fig]]:
        if self.base.restrict is not None:
            return []  # a user limited to some projects does not see the city's industry totals
        from tuijin.indicators.chains import chain_report, present_chains

        try:
            report = chain_report(self.city, self.period, self.unit)
        except InputError:
            return []
        data = present_chains(report)
        src = {"indicator": "chains", "city": data["city"], "unit": self.root.name, "taxonomy": data["taxonomy"],
               "period": data["period"]["label"]}
        figs = {
            "total_sales_yi": self.fb.yi(data["total_sales_yi"] if report.total else None,
                                         {**src, "figure": "total_sales_yi"}),
        }
        figs["total_growth_word"], figs["total_growth_abs"] = self.fb.signed(
            data["total_growth_pct"], {**src, "figure": "total_growth_pct"}, "增长", "下降")
        for level, prefix, nodes in (("clusters_total", "clusters", report.clusters),
                                     ("chains_total", "chains", report.chains)):
            block = data[level]
            s = lambda name, level=level: {**src, "figure": f"{level}.{name}"}  # noqa: E731
            has = block["share_pct"] is not None and block["sales_yi"]
            figs[f"{prefix}_label"] = Fig(f"{cn_number(len(nodes))}大{block['name']}" if nodes else None,
                                          block["name"], s("name"))
            figs[f"{prefix}_sales_yi"] = self.fb.yi(block["sales_yi"] if has else None, s("sales_yi"))
            figs[f"{prefix}_share_pct"] = self.fb.pct(block["share_pct"] if has else None, s("share_pct"))
            figs[f"{prefix}_growth_word"], figs[f"{prefix}_growth_abs"] = self.fb.signed(
                block["growth_pct"] if has else None, s("growth_pct"), "增长", "下降")
            figs[f"{prefix}_gap_word"], figs[f"{prefix}_gap_abs"] = self.fb.signed(
                block["gap_pp"] if has else None, s("gap_pp"), "高于", "低于")
        return [figs]

    def livelihood(self) -> list[dict[str, Fig]]:
        return optional_modules.livelihood_items(self.city, self.unit, self.period, self.fb, self.user)

    def targets(self) -> list[dict[str, Fig]]:
        return optional_modules.target_items(self.city, self.unit, self.period, self.fb, self.user, self.base)

    def attraction(self) -> list[dict[str, Fig]]:
        from .attraction_section import attraction_items

        return attraction_items(self.base, self.period, self.fb)

    def problems(self) -> list[dict[str, Fig]]:
        return optional_modules.problem_items(self.city, self.unit, self.period, self.fb, self.base)

    # ---------------------------------------------------------- assembly

    def build(self) -> Bulletin:
        builders = {
            Section.OVERVIEW: self.overview, Section.LISTS: self.lists, Section.SECTORS: self.sectors,
            Section.EVENTS: self.events,
            Section.UNIT_EVENTS: self.unit_events, Section.RANKING: self.ranking, Section.LAGGING: self.lagging,
            Section.CHAINS: self.chains, Section.TARGETS: self.targets, Section.ATTRACTION: self.attraction,
            Section.LIVELIHOOD: self.livelihood,
            Section.PROBLEMS: self.problems,
        }
        templates = [t for t in effective_templates(self.city) if t.enabled]
        sections = []
        for key, build in builders.items():
            if not self.settings.include.get(key, True):
                continue
            items = build()
            section = BulletinSection(key, SECTION_TITLES[key])
            mine = [t for t in templates if t.section == key]
            for item in items:
                figures = {**self.labels, **item}
                for t in mine:
                    rendered = render(t.text, figures)
                    if rendered is None:
                        continue
                    text, used = rendered
                    section.sentences.append(Sentence(t.key, key, text, {
                        n: {"text": figures[n].text, "value": _jsonable(figures[n].value),
                            "source": figures[n].source} for n in used}))
            if section.sentences:
                sections.append(section)
        empty = not sections
        if empty:
            section = BulletinSection(Section.EMPTY, SECTION_TITLES[Section.EMPTY])
            for t in templates:
                if t.section == Section.EMPTY:
                    rendered = render(t.text, dict(self.labels), require_data=False)
                    if rendered:
                        section.sentences.append(Sentence(t.key, Section.EMPTY, rendered[0], {}))
            if not section.sentences:
                section.sentences.append(Sentence("empty.notice", Section.EMPTY, "本期暂无数据。", {}))
            sections = [section]
            self.tables = []
        return Bulletin(city=self.city, unit=self.unit, period=self.period, heading=self.settings.heading,
                        issuer=self.settings.issuer, issued=self.issued, sections=sections, tables=self.tables,
                        empty=empty, filters=self.base.describe(), basis=self.basis, covers=self.covers)


def _jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def generate(city: OrgUnit, period: Period, *, unit: OrgUnit | None = None, user=None,
             issued: datetime.date | None = None, basis: str = "accepted") -> Bulletin:
    """The bulletin of a city (or one of its units) for a period; `user` limits it to what they may see."""
    return Generator(city, period, unit=unit, user=user, issued=issued, basis=basis).build()


# ---------------------------------------------------------------- tables


AMOUNT_KEYS = ("annual_plan_yi", "completed_yi")
RATE_KEYS = ("completion_rate_pct", "schedule_share_pct", "schedule_variance_pp", "start_rate_pct")


def _fixed(value, places: int) -> str | None:
    """A presented (already rounded) value with exactly `places` decimals, as the table prints it: 0.30."""
    return None if value is None else f"{Decimal(str(value)):.{places}f}"


def _print_row(keys: list[str], values: list, style: NumberStyle | None) -> list:
    if style is None:
        return values
    return [_fixed(v, style.amount_places) if k in AMOUNT_KEYS else _fixed(v, style.rate_places)
            if k in RATE_KEYS else v for k, v in zip(keys, values, strict=True)]


def indicator_table(title: str, d: dict, style: NumberStyle | None = None, total_as_sum: bool = False) -> Table:
    """The by-unit table. `style`: its own decimals (cells then print with exactly those decimals);
    `total_as_sum` (合计按分项相加): the 合计 row's amounts are the sum of the units' printed amounts."""
    headers = [h for h, _ in COLUMNS]
    keys = [k for _, k in COLUMNS[1:]]
    total = [d[k] for k in keys]
    if total_as_sum and d["by_unit"]:
        for i, k in enumerate(keys):
            if k in AMOUNT_KEYS:
                total[i] = float(sum((Decimal(str(u[k])) for u in d["by_unit"] if u[k] is not None), Decimal(0)))
    rows = [[d["unit"] + "（合计）", *_print_row(keys, total, style)]]
    rows += [[u["unit"], *_print_row(keys, [u[k] for k in keys], style)] for u in d["by_unit"]]
    return Table(title, headers, rows)


def breakdown_bulletin_table(title: str, data: dict, style: NumberStyle | None = None) -> Table:
    """A presented breakdown (present_breakdown) as a bulletin table: a row a slice, then 合计."""
    keys = [k for _, k in BREAKDOWN_COLUMNS]
    headers = [data["dimension_label"], *[h for h, _ in BREAKDOWN_COLUMNS]]
    rows = [[r["label"], *_print_row(keys, [r[k] for k in keys], style)] for r in data["rows"]]
    rows.append([data["total"]["label"], *_print_row(keys, [data["total"][k] for k in keys], style)])
    return Table(title, headers, rows)


def events_table(title: str, d: dict) -> Table:
    headers = ["单位"]
    for label, _ in EVENTS:
        headers += [f"{label}(个)", f"{label}(亿元)", "个数同比%", "投资同比%"]
    rows = []
    for i, u in enumerate([d, *d["by_unit"]]):
        row = [u["unit"] + ("（合计）" if i == 0 else "")]
        for _, key in EVENTS:
            e = u[key]
            row += [e["count"], e["total_yi"], e["count_yoy_pct"], e["total_yoy_pct"]]
        rows.append(row)
    return Table(title, headers, rows)
