"""Industrial-chain figures (产业链 / 产业集群): invoiced sales (开票销售) of above-scale industrial enterprises,
each node's share of the city's total, its growth year on year, and the gap in points to the total's growth.

A node counts the enterprises tagged with it or with any node below it, each once; a level total (all
clusters together, all chains together) counts each enterprise tagged at or below that level once.
Depth 1 of the city's primary taxonomy is the cluster level, depth 2 the chain level."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from tuijin.core.errors import InputError
from tuijin.core.numbers import growth, ratio
from tuijin.core.periods import Period
from tuijin.industry.models import Enterprise, MonthlySales, Taxonomy, TaxonomyNode
from tuijin.orgs.models import OrgUnit
from tuijin.orgs.selectors import conventions_for

from .present import Presenter, num

ZERO = Decimal(0)


@dataclass
class ChainFigure:
    name: str
    sales: Decimal
    sales_prev: Decimal
    total: Decimal
    total_prev: Decimal
    node_id: int | None = None
    enterprises: int = 0

    @property
    def share(self) -> Decimal | None:
        """占比: node sales ÷ all above-scale industry."""
        return ratio(self.sales, self.total)

    @property
    def growth(self) -> Decimal | None:
        return growth(self.sales, self.sales_prev)

    @property
    def total_growth(self) -> Decimal | None:
        return growth(self.total, self.total_prev)

    @property
    def gap(self) -> Decimal | None:
        """高于规上工业增速 … 个百分点 (fraction; ×100 when printed)."""
        g, t = self.growth, self.total_growth
        return None if g is None or t is None else g - t


@dataclass
class ChainReport:
    city: OrgUnit
    period: Period
    taxonomy: Taxonomy
    total: Decimal
    total_prev: Decimal
    clusters_total: ChainFigure
    chains_total: ChainFigure
    clusters: list[ChainFigure] = field(default_factory=list)
    chains: list[ChainFigure] = field(default_factory=list)


def _sales(enterprises, period: Period) -> Decimal:
    return MonthlySales.objects.filter(
        enterprise__in=enterprises, year=period.year, month__gte=period.first_month, month__lte=period.last_month
    ).aggregate(s=Sum("invoiced_sales"))["s"] or ZERO


def enterprises_in_scope(city: OrgUnit, unit: OrgUnit | None = None):
    return Enterprise.objects.filter(above_scale=True, unit__path__startswith=(unit or city).path)


def chain_report(city: OrgUnit, period: Period, unit: OrgUnit | None = None) -> ChainReport:
    """The sales of above-scale enterprises by cluster and chain (产业集群 / 产业链), this year and last: two
    queries per node, so cached like compute() under the city's data version (sales are audited writes)."""
    from .engine import cached_figures
    from .scope import Scope

    return cached_figures(Scope(city, unit), period, ("chains",), lambda: _chain_report(city, period, unit))


def _chain_report(city: OrgUnit, period: Period, unit: OrgUnit | None) -> ChainReport:
    taxonomy = Taxonomy.objects.filter(city=city).order_by("-is_primary", "id").first()
    if taxonomy is None:
        raise InputError(f"{city.name} 没有配置产业体系", field="city")
    base = enterprises_in_scope(city, unit)
    prev = period.previous_year()
    total, total_prev = _sales(base.values("id"), period), _sales(base.values("id"), prev)

    def figure(name, enterprises, node_id=None) -> ChainFigure:
        ids = enterprises.values("id").distinct()
        return ChainFigure(name, _sales(ids, period), _sales(ids, prev), total, total_prev, node_id,
                           enterprises.distinct().count())

    def level(depth: int, label: str):
        nodes = list(TaxonomyNode.objects.filter(taxonomy=taxonomy, depth=depth).order_by(
            "parent__sort_order", "parent__path", "sort_order", "path"))  # tree order: chains under their cluster
        tagged = base.filter(nodes__taxonomy=taxonomy, nodes__depth__gte=depth)
        return figure(label, tagged), [
            figure(n.name, base.filter(nodes__path__startswith=n.path), n.pk) for n in nodes
        ]

    names = taxonomy.level_names or ["产业集群", "产业链"]
    clusters_total, clusters = level(1, names[0])
    chains_total, chains = level(2, names[1] if len(names) > 1 else "产业链")
    return ChainReport(city, period, taxonomy, total, total_prev, clusters_total, chains_total, clusters, chains)


def present_chains(report: ChainReport) -> dict:
    p = Presenter(conventions_for(report.city, report.period.year))

    def one(f: ChainFigure) -> dict:
        return {
            "name": f.name,
            "sales_yi": num(p.yi(f.sales)),
            "sales_prev_yi": num(p.yi(f.sales_prev)),
            "share_pct": num(p.pct(f.share)),
            "growth_pct": num(p.pct(f.growth)),
            "gap_pp": num(p.pp(f.growth, f.total_growth)),
            "enterprises": f.enterprises,
        }

    return {
        "city": report.city.name,
        "taxonomy": report.taxonomy.name,
        "period": {"year": report.period.year, "first_month": report.period.first_month,
                   "last_month": report.period.last_month, "label": report.period.label},
        "total_sales_yi": num(p.yi(report.total)),
        "total_growth_pct": num(p.pct(growth(report.total, report.total_prev))),
        "clusters_total": {**one(report.clusters_total), "nodes": [one(c) for c in report.clusters]},
        "chains_total": {**one(report.chains_total), "nodes": [one(c) for c in report.chains]},
    }


# ---------------------------------------------------------------- drill-down (issue 5: the dashboard)


def chain_enterprises(city: OrgUnit, unit: OrgUnit | None = None, *, node: TaxonomyNode | None = None,
                      depth: int | None = None):
    """The enterprises behind a figure of chain_report(), each once: a node's (tagged with it or with a node
    below it), a level total's (tagged at or below `depth` in the city's primary taxonomy), or, with neither,
    all above-scale industry of the city or unit (the denominator of every share)."""
    base = enterprises_in_scope(city, unit)
    if node is not None:
        base = base.filter(nodes__path__startswith=node.path)
    elif depth is not None:
        taxonomy = Taxonomy.objects.filter(city=city).order_by("-is_primary", "id").first()
        base = base.filter(nodes__taxonomy=taxonomy, nodes__depth__gte=depth)
    return Enterprise.objects.filter(pk__in=base.values("pk"))


def enterprise_sales(enterprises, period: Period) -> dict[int, Decimal]:
    """开票销售 (万元) of each enterprise over the period's months: {enterprise id: Σ}. Summed over the enterprises
    of chain_enterprises() it is the figure's sales (and, for period.previous_year(), its base)."""
    rows = (MonthlySales.objects.filter(enterprise__in=enterprises.values("pk"), year=period.year,
                                        month__gte=period.first_month, month__lte=period.last_month)
            .values("enterprise_id").annotate(s=Sum("invoiced_sales")).order_by())
    return {r["enterprise_id"]: r["s"] or ZERO for r in rows}
