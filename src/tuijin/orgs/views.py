"""单位管理: the city administrator's page of their city's org tree — add, rename, move, retire (撤销) and
restore units. Thin: reads scoped to the administered city, every write through orgs.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.core.errors import InputError
from tuijin.core.policy import CONFIGURE, requires

from . import services
from .forms import CityCreateForm, UnitAddForm, UnitEditForm, UnitMoveForm, UnitRetireForm
from .models import OrgUnit, UnitKind
from .selectors import administered_city


def _city(user):
    city = administered_city(user)
    if city is None:
        raise PermissionDenied("只有市管理员可以管理本市的组织单元")
    return city


def _parents(city):
    """The units that can hold others: the city and its 板块, in use."""
    return OrgUnit.objects.subtree(city).active().exclude(
        kind__in=[UnitKind.PARK, UnitKind.DEPARTMENT]).order_by("path")


def _unit(city, pk) -> OrgUnit:
    unit = OrgUnit.objects.subtree(city).exclude(pk=city.pk).filter(pk=pk).select_related("parent").first()
    if unit is None:
        raise Http404("单位不在您的城市或不存在")
    return unit


def _show_error(form, exc: InputError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.text)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def units(request):
    """The city's tree, with the form to add a unit."""
    city = _city(request.user)
    form = UnitAddForm(request.POST or None, parents=_parents(city))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            unit = services.add_unit(actor=request.user, city=city, name=c["name"], kind=c["kind"],
                                     parent=c["parent"], short_name=c["short_name"], region_code=c["region_code"])
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已新增单位 {unit.name}")
            return redirect("orgs:units")
    tree = list(OrgUnit.objects.subtree(city).exclude(pk=city.pk).select_related("parent").order_by("path"))
    for u in tree:
        u.indent = "\u3000" * (u.depth - city.depth - 1)
    return render(request, "orgs/units.html", {"city": city, "form": form, "tree": tree})


def _detail(request, city, unit, **forms):
    parents = _parents(city).exclude(path__startswith=unit.path)
    context = {"city": city, "unit": unit,
               "edit_form": UnitEditForm(initial={f: getattr(unit, f) for f in
                                                  ("name", "kind", "short_name", "region_code", "sort_order")}),
               "move_form": UnitMoveForm(parents=parents, initial={"parent": unit.parent_id}),
               "retire_form": UnitRetireForm()}
    context.update(forms)
    return render(request, "orgs/unit.html", context)


@requires(CONFIGURE)
def unit_detail(request, pk: int):
    city = _city(request.user)
    return _detail(request, city, _unit(city, pk))


@requires(CONFIGURE)
@require_POST
def unit_edit(request, pk: int):
    city = _city(request.user)
    unit = _unit(city, pk)
    form = UnitEditForm(request.POST)
    if form.is_valid():
        c = dict(form.cleaned_data)
        reason = c.pop("reason")
        if c["sort_order"] is None:
            c.pop("sort_order")
        try:
            services.update_unit(actor=request.user, unit=unit, reason=reason, **c)
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已保存 {c['name']}")
            return redirect("orgs:unit", pk=unit.pk)
    return _detail(request, city, unit, edit_form=form)


@requires(CONFIGURE)
@require_POST
def unit_move(request, pk: int):
    city = _city(request.user)
    unit = _unit(city, pk)
    # Every unit of the city is accepted here, so that a cycle or a wrong kind is refused by the service with
    # its own words rather than as "not a valid choice".
    form = UnitMoveForm(request.POST, parents=OrgUnit.objects.subtree(city))
    if form.is_valid():
        try:
            services.move_unit(actor=request.user, unit=unit, parent=form.cleaned_data["parent"],
                               reason=form.cleaned_data["reason"])
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已将 {unit.name} 移至 {form.cleaned_data['parent'].name} 之下")
            return redirect("orgs:unit", pk=unit.pk)
    return _detail(request, city, unit, move_form=form)


@requires(CONFIGURE)
@require_POST
def unit_retire(request, pk: int):
    city = _city(request.user)
    unit = _unit(city, pk)
    form = UnitRetireForm(request.POST)
    if form.is_valid():
        try:
            services.retire_unit(actor=request.user, unit=unit, on=form.cleaned_data["retired_on"],
                                 reason=form.cleaned_data["reason"])
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已撤销 {unit.name}")
            return redirect("orgs:unit", pk=unit.pk)
    return _detail(request, city, unit, retire_form=form)


@requires(CONFIGURE)
@require_POST
def unit_restore(request, pk: int):
    city = _city(request.user)
    unit = _unit(city, pk)
    try:
        services.restore_unit(actor=request.user, unit=unit)
    except InputError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, f"已恢复 {unit.name}")
    return redirect("orgs:unit", pk=unit.pk)


@requires(CONFIGURE)
def units_template(request):
    """组织单元模板 (.xlsx): the city's units in use, parents first; imports back unchanged."""
    import io

    from django.http import FileResponse

    from .excel import write_units_template

    city = _city(request.user)
    rows = OrgUnit.objects.subtree(city).active().exclude(pk=city.pk).select_related("parent").order_by("path")
    buf = io.BytesIO()
    write_units_template(buf, rows, city=city, kinds=[UnitKind(k).label for k in services.ADMIN_KINDS])
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename="units-template.xlsx")


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def city_new(request):
    """新建城市: for the platform operator (superuser) only; a city administrator administers one city."""
    if not request.user.is_superuser:
        raise PermissionDenied("只有平台运维人员可以新建城市")
    form = CityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            city = services.create_city(actor=request.user, **form.cleaned_data)
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已新建城市 {city.name}, 口径为默认值。下一步: 创建市管理员 (用户页面或 "
                                      f"tuijin createuser … --unit {city.name} --role city_admin)。")
            return redirect("orgs:city_new")
    cities = OrgUnit.objects.filter(kind=UnitKind.CITY).select_related("parent").order_by("path")
    return render(request, "orgs/city_new.html", {"form": form, "cities": cities})
