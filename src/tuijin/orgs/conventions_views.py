"""口径 page: the city administrator reads and changes the conventions of their city (or a county / district /
park under it) for a year, through the same service as `tuijin conventions`."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tuijin.core.errors import InputError
from tuijin.core.params import parse_id, parse_year
from tuijin.core.policy import CONFIGURE, requires

from . import selectors, services
from .conventions_forms import ConventionsForm
from .models import OrgUnit


def _units(user):
    """The units whose conventions the user may change: a city administrator's own city and the units under it
    that publish their own bulletin; the platform operator's every such unit."""
    qs = OrgUnit.objects.filter(kind__in=services.CONVENTION_KINDS).order_by("path")
    if user.is_superuser:
        return qs
    if user.unit_id is None:
        return qs.none()
    return qs.filter(path__startswith=user.unit.path)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def conventions(request):
    units = _units(request.user)
    raw_unit = request.GET.get("unit") or request.POST.get("unit")
    if raw_unit:
        uid = parse_id(raw_unit)
        unit = units.filter(pk=uid).first() if uid else None
        if unit is None:
            raise Http404("单位不存在或不在您的权限范围内")
    else:
        unit = units.first()
    if unit is None:
        raise Http404("没有可设置口径的单位")
    raw_year = request.GET.get("year") or request.POST.get("year")
    year = parse_year(raw_year) if raw_year else timezone.localdate().year
    if year is None:
        raise Http404("年度不正确")
    conv = selectors.conventions_for(unit, year)
    current = {r["key"]: str(r["value"]) for r in selectors.conventions_rows(conv)}
    status = 200
    if request.method == "POST":
        form = ConventionsForm(request.POST)
        if form.is_valid():
            values = {
                k: v for k, v in form.cleaned_data.items() if k in request.POST
            }  # a key not sent: unchanged
            try:
                services.set_conventions(unit=unit, year=year, values=values, actor=request.user)
            except InputError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                status = 400
            else:
                messages.success(request, f"已保存 {unit.name} {year}年起的口径")
                return redirect(f"{reverse('orgs:conventions')}?unit={unit.pk}&year={year}")
        else:
            status = 400
    else:
        form = ConventionsForm(initial=current)
    return render(
        request,
        "orgs/conventions.html",
        {
            "form": form,
            "unit": unit,
            "units": units,
            "year": year,
            "conv": conv,
            "rows": selectors.conventions_rows(conv),
            "source": selectors.conventions_source(unit, year, conv),
            "history": selectors.stored_conventions(unit),
            "years": range(year - 3, year + 2),
        },
        status=status,
    )
