"""Writes for taxonomies, enterprises and their monthly sales, validated and audited."""

from decimal import Decimal

from django.db import transaction

from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import SALES, check_finite_below
from tuijin.core.errors import InputError
from tuijin.core.numbers import to_decimal
from tuijin.core.policy import CONFIGURE, require_actor

from .models import Enterprise, MonthlySales, Taxonomy, TaxonomyNode


def _check_admin(actor, city) -> None:
    """The one policy's reach for the city's own settings: its administrator (or the system actor of a command,
    an operator import or the demo), not another city's."""
    from django.core.exceptions import PermissionDenied

    from tuijin.core.policy import administers_city

    if not administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以修改本市的设置")


@transaction.atomic
def create_taxonomy(*, city, name: str, level_names=(), is_primary=False, actor) -> Taxonomy:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, city)
    if Taxonomy.objects.filter(city=city, name=name).exists():
        raise InputError(f"{city.name} 已有产业体系 {name!r}", field="name")
    tax = Taxonomy.objects.create(city=city, name=name, level_names=list(level_names), is_primary=is_primary)
    record_change(actor=actor, action="create", obj=tax, before=None, after=snapshot(tax))
    return tax


@transaction.atomic
def add_node(*, taxonomy: Taxonomy, name: str, parent: TaxonomyNode | None = None, sort_order=0,
             actor) -> TaxonomyNode:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, taxonomy.city)
    if parent is not None and parent.taxonomy_id != taxonomy.pk:
        raise InputError(f"上级节点 {parent.name!r} 不属于 {taxonomy.name}", field="parent")
    node = TaxonomyNode(taxonomy=taxonomy, parent=parent, name=name, sort_order=sort_order,
                        depth=(parent.depth + 1) if parent else 1)
    node.full_clean(exclude=["path"])
    node.save()
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.save(update_fields=["path"])
    record_change(actor=actor, action="create", obj=node, before=None, after=snapshot(node))
    return node


@transaction.atomic
def create_enterprise(*, unit, name: str, nodes=(), credit_code="", above_scale=True, actor) -> Enterprise:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, unit.city())
    ent = Enterprise(unit=unit, name=name, credit_code=credit_code, above_scale=above_scale)
    ent.full_clean()
    ent.save()
    if nodes:
        ent.nodes.set(nodes)
    record_change(actor=actor, action="create", obj=ent, before=None,
                  after={**snapshot(ent), "nodes": [n.pk for n in nodes]})
    return ent


@transaction.atomic
def record_sales(*, enterprise: Enterprise, year: int, month: int, invoiced_sales, actor) -> MonthlySales:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, enterprise.unit.city())
    if not 1 <= int(month) <= 12:
        raise InputError(f"月份应在 1-12 之间, 收到 {month!r}", field="month")
    try:
        amount = to_decimal(invoiced_sales)
    except ValueError:
        raise InputError(f"开票销售不是数字: {invoiced_sales!r}", field="invoiced_sales") from None
    check_finite_below(amount, SALES, label="开票销售", value=invoiced_sales, field="invoiced_sales")
    amount = amount.quantize(Decimal("0.01"))
    if amount < 0:
        raise InputError(f"开票销售不能为负数: {amount}", field="invoiced_sales")
    row, created = MonthlySales.objects.get_or_create(
        enterprise=enterprise, year=year, month=month, defaults={"invoiced_sales": amount}
    )
    before = None if created else snapshot(row)
    if not created:
        row.invoiced_sales = Decimal(amount)
        row.save(update_fields=["invoiced_sales"])
    record_change(actor=actor, action="create" if created else "update", obj=row, before=before,
                  after=snapshot(row))
    return row
