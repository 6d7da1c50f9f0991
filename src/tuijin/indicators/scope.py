"""The scope of a figure: a city, a unit subtree within it, and filters (list, category, industry node,
threshold), plus an optional restriction that limits it to what a user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.http import Http404

from tuijin.core.errors import InputError
from tuijin.core.numbers import WAN_PER_YI, to_decimal
from tuijin.core.policy import READ, Role
from tuijin.industry.models import TaxonomyNode
from tuijin.orgs.models import OrgUnit
from tuijin.orgs.selectors import city_by_name, unit_in_city
from tuijin.projects.models import AnnualList, Category
from tuijin.projects.scoping import project_q


@dataclass(frozen=True)
class Scope:
    city: OrgUnit
    unit: OrgUnit | None = None  # None: the whole city
    annual_list: AnnualList | None = None
    category: Category | None = None
    industry_node: TaxonomyNode | None = None
    min_total_wan: Decimal | None = None  # 计划总投资 ≥ this (万元), inclusive
    restrict: Q | None = field(default=None, compare=False)  # extra limit on Project, from a user's scope
    restrict_label: str = ""

    @property
    def root(self) -> OrgUnit:
        return self.unit or self.city

    def project_q(self, prefix: str = "") -> Q:
        """The filter on Project (prefixed for use through a relation)."""
        p = prefix
        q = Q(**{f"{p}unit__path__startswith": self.root.path})
        if self.category is not None:
            q &= Q(**{f"{p}category": self.category})
        if self.industry_node is not None:
            q &= Q(**{f"{p}industry_node__path__startswith": self.industry_node.path})
        if self.min_total_wan is not None:
            q &= Q(**{f"{p}total_investment__gte": self.min_total_wan})
        if self.restrict is not None:
            if p:
                from tuijin.projects.models import Project

                q &= Q(**{f"{p}in": Project.objects.filter(self.restrict)})
            else:
                q &= self.restrict
        return q

    def with_unit(self, unit: OrgUnit) -> Scope:
        return Scope(self.city, unit, self.annual_list, self.category, self.industry_node, self.min_total_wan,
                     self.restrict, self.restrict_label)

    def describe(self) -> dict:
        """The filter behind a figure, in words a bulletin reader (or auditor) can check."""
        d = {"city": self.city.name, "unit": self.root.name}
        if self.annual_list:
            d["list"] = self.annual_list.name
        if self.category:
            d["category"] = self.category.name
        if self.industry_node:
            d["industry_node"] = self.industry_node.name
        if self.min_total_wan is not None:
            d["min_total_wan"] = str(self.min_total_wan)
        if self.restrict_label:
            d["restricted_to"] = self.restrict_label
        return d


def build_scope(*, city: str, unit: str | None = None, annual_list: str | None = None,
                category: str | None = None, industry: str | None = None,
                min_total_yi=None) -> Scope:
    """Resolve names (from the CLI, a URL or an API call) into a Scope; unknown names are refused."""
    city_obj = city_by_name(city)
    unit_obj = unit_in_city(city_obj, unit) if unit else None
    list_obj = None
    if annual_list:
        list_obj = AnnualList.objects.filter(city=city_obj, name=annual_list).first()
        if list_obj is None:
            list_obj = AnnualList.objects.filter(city=city_obj, short_name=annual_list).first()
        if list_obj is None:
            raise InputError(f"{city_obj.name} 没有清单 {annual_list!r}", field="list")
    cat = None
    if category:
        cat = Category.objects.filter(Q(name=category) | Q(code=category)).first()
        if cat is None:
            raise InputError(f"项目类别不存在: {category!r}", field="category")
    node = None
    if industry:
        node = TaxonomyNode.objects.filter(taxonomy__city=city_obj, name=industry).first()
        if node is None:
            raise InputError(f"{city_obj.name} 没有产业节点 {industry!r}", field="industry")
    min_total = None
    if min_total_yi not in (None, ""):
        try:
            yi = to_decimal(min_total_yi)
        except ValueError:
            raise InputError(f"--min-total-yi 不是数字: {min_total_yi!r}", field="min_total_yi") from None
        if yi < 0:
            raise InputError(f"--min-total-yi 不能为负数: {min_total_yi}", field="min_total_yi")
        min_total = yi * WAN_PER_YI
    return Scope(city_obj, unit_obj, list_obj, cat, node, min_total)


def restrict_scope(user, scope):
    """Limit an indicator scope to the user's reach, so figures are computed over the scoped set only."""
    q = project_q(user, READ)
    if q is None:
        # Fail closed: no role, no unit or inactive → every figure is computed over no project at all.
        return Scope(scope.city, scope.unit, scope.annual_list, scope.category, scope.industry_node,
                     scope.min_total_wan, restrict=Q(pk__in=[]), restrict_label="无权限")
    root = scope.root
    if user.unit_id and user.role not in (Role.REPORTER, Role.DEPARTMENT) and not user.is_superuser:
        if not root.is_within(user.unit):
            raise Http404("单位不在您的权限范围内")
        # Already limited by the unit subtree; no extra restriction needed.
        return scope
    return Scope(scope.city, scope.unit, scope.annual_list, scope.category, scope.industry_node,
                 scope.min_total_wan, restrict=q, restrict_label=str(user.unit or user.username))
