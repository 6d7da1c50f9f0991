"""Pages of the map (一张图, /map/) and the big screen (大屏, /screen/): thin views that parse the request, call a
selector or a service and render. The kiosk link (/screen/k/<token>/) is the one page without a login: its
token (only a hash is stored) opens its city's screen, read-only, as its creator (the city administrator) sees
it; a revoked or unknown token answers a Chinese 403 page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.core.errors import InputError
from tuijin.core.params import id_or_404, parse_id
from tuijin.core.periods import Period
from tuijin.core.policy import CONFIGURE, PUBLIC, READ, REPORT, requires
from tuijin.core.routers import use_replica
from tuijin.dashboard import selectors as dash
from tuijin.projects import scoping
from tuijin.web import selectors as web_selectors

from . import selectors, services
from .forms import BoundaryForm, KioskForm, MapForm, ScreenForm
from .models import Boundary, KioskLink

FILTER_KEYS = ("city", "unit", "annual_list", "through", "kind", "measure")
KIOSK_KEYS = ("annual_list", "through", "kind")
REFRESH_SECONDS, ROTATE_SECONDS = (
    300,
    20,
)  # the screen's defaults (?refresh= / ?rotate= change them)


def _resolve(user, form):
    """(scope, period, city, unit) from a valid filter form, or (None, note) when there is nothing to show."""
    d = form.cleaned_data
    city = d.get("city") or form.default_city
    if city is None:
        return None, "no_city"
    unit = d.get("unit")
    scope = dash.dashboard_scope(user, city, unit, d.get("annual_list"))
    through = d["through"] or web_selectors.default_through(scope)
    if through is None:
        return None, "no_reports"
    period = Period.parse(f"{through[0]:04d}-{through[1]:02d}", d.get("kind") or "ytd")
    return (scope, period, city, unit), None


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


# ---------------------------------------------------------------- 一张图


def _map(request):
    form = MapForm(request.user, request.GET)
    if not form.is_valid():
        return form, None, "bad"
    resolved, note = _resolve(request.user, form)
    if resolved is None:
        return form, None, note
    scope, period, city, unit = resolved
    kind = form.cleaned_data.get("kind") or "ytd"
    data = selectors.map_data(
        request.user,
        scope,
        period,
        kind,
        city=city,
        unit=unit,
        measure=form.cleaned_data["measure"],
    )
    return form, data, None


@requires(READ)
@use_replica()
def map_page(request):
    form, data, note = _map(request)
    query = {k: v for k, v in request.GET.items() if k in FILTER_KEYS}
    context = {
        "form": form,
        "data": data,
        note or "ok": True,
        "dash_query": urlencode({k: v for k, v in query.items() if k != "measure"}),
        "can_configure": scoping.administered_city(request.user) is not None
        or request.user.is_superuser,
    }
    return render(request, "geo/map.html", context, status=400 if note == "bad" else 200)


@requires(READ)
@use_replica()
def map_data(request):
    form, data, note = _map(request)
    if note == "bad":
        return _json(
            {"error": "; ".join(e for errors in form.errors.values() for e in errors)}, 400
        )
    return _json(data or {"empty": note})


# ---------------------------------------------------------------- boundaries


def _admin_city(request):
    """The city whose boundaries and kiosk links the user administers (a superuser picks it with ?city=)."""
    city = scoping.administered_city(request.user)
    if city is None and request.user.is_superuser:
        cities = web_selectors.visible_cities(request.user)
        raw = request.POST.get("city") or request.GET.get("city")
        city = cities.filter(pk=parse_id(raw) or 0).first() if raw else cities.first()
    if city is None:
        raise PermissionDenied("只有市管理员可以管理本市的边界和大屏链接")
    return city


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def boundaries(request):
    city = _admin_city(request)
    units = services.boundary_units(city).order_by("path")
    form = BoundaryForm(units, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_boundaries(
                    city=city,
                    data=upload.read(),
                    filename=upload.name,
                    actor=request.user,
                    unit=form.cleaned_data.get("unit"),
                )
            except InputError as exc:
                messages.error(request, exc.text)
                status = 400
            else:
                bits = [
                    f"新增 {len(result.created)} 个" if result.created else "",
                    f"更新 {len(result.updated)} 个" if result.updated else "",
                ]
                messages.success(
                    request,
                    f"已导入边界: {'、'.join(b for b in bits if b)} "
                    f"({'、'.join(result.created + result.updated)})",
                )
                return HttpResponseRedirect(reverse("geo:boundaries"))
        else:
            status = 400
    shapes = {
        b.unit_id: b for b in Boundary.objects.filter(unit__in=units).select_related("uploaded_by")
    }
    rows = [(u, shapes.get(u.pk)) for u in units]
    return render(
        request,
        "geo/boundaries.html",
        {"city": city, "form": form, "rows": rows, "with_shape": len(shapes)},
        status=status,
    )


@requires(CONFIGURE)
@require_POST
def boundary_delete(request, unit_id: int):
    city = _admin_city(request)
    unit = services.boundary_units(city).filter(pk=unit_id).first()
    if unit is None:
        raise Http404("单位不在本市")
    boundary = Boundary.objects.select_related("unit").filter(unit=unit).first()
    if boundary is None:
        messages.info(request, f"{unit.name} 没有边界")
        return HttpResponseRedirect(reverse("geo:boundaries"))
    services.delete_boundary(
        boundary=boundary, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, f"已删除 {boundary.unit.name} 的边界")
    return HttpResponseRedirect(reverse("geo:boundaries"))


# ---------------------------------------------------------------- a project's position from a photo


@requires(REPORT)
@require_POST
def photo_position(request, pk: int):
    from tuijin.progress.models import ReportPhoto

    photo = (
        ReportPhoto.objects.select_related("report__project")
        .filter(pk=pk, report__project__in=scoping.projects_for(request.user))
        .first()
    )
    if photo is None:
        raise Http404("照片不存在或不在您的范围内")
    project = photo.report.project
    try:
        services.use_photo_position(photo=photo, actor=request.user)
    except InputError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, f"已用照片位置作为 {project.name} 的项目位置")
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("project_detail", args=[project.pk])
    return HttpResponseRedirect(back)


# ---------------------------------------------------------------- 大屏


def _seconds(request, name: str, default: int, low: int = 2, high: int = 3600) -> int:
    value = parse_id(request.GET.get(name))
    return default if value is None else max(low, min(high, value))


def _screen_context(request, data_url: str, kiosk: KioskLink | None = None) -> dict:
    return {
        "data_url": data_url,
        "refresh": _seconds(request, "refresh", REFRESH_SECONDS),
        "rotate": _seconds(request, "rotate", ROTATE_SECONDS),
        "kiosk": kiosk,
    }


@requires(READ)
def screen(request):
    form = ScreenForm(request.user, request.GET)
    query = {
        k: v for k, v in request.GET.items() if k in ("city", "annual_list", "through", "kind")
    }
    status = 200 if form.is_valid() else 400
    context = _screen_context(request, f"{reverse('screen:data')}?{urlencode(query)}")
    context["form"] = form
    return render(request, "geo/screen.html", context, status=status)


def _screen_json(user, form) -> JsonResponse:
    if not form.is_valid():
        return _json(
            {"error": "; ".join(e for errors in form.errors.values() for e in errors)}, 400
        )
    resolved, note = _resolve(user, form)
    if resolved is None:
        return _json(
            {
                "empty": note,
                "message": "尚无市级确认的月报" if note == "no_reports" else "没有可显示的城市",
            }
        )
    scope, period, city, _unit = resolved
    kind = form.cleaned_data.get("kind") or "ytd"
    return _json(selectors.screen_data(user, scope, period, kind, city=city))


@requires(READ)
@use_replica()
def screen_data(request):
    return _screen_json(request.user, ScreenForm(request.user, request.GET))


def _kiosk(request, token: str):
    link, why = services.kiosk_link_for(token)
    if link is None:
        response = render(request, "geo/kiosk_denied.html", {"why": why}, status=403)
        response["Referrer-Policy"] = "no-referrer"
        return None, response
    return link, None


def _kiosk_headers(response):
    response["Referrer-Policy"] = (
        "no-referrer"  # the token is in the address: never send it onwards
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@requires(PUBLIC)
def kiosk(request, token: str):
    link, denied = _kiosk(request, token)
    if denied is not None:
        return denied
    query = {k: v for k, v in request.GET.items() if k in KIOSK_KEYS}
    data_url = reverse("screen:kiosk_data", args=[token]) + (
        f"?{urlencode(query)}" if query else ""
    )
    context = _screen_context(request, data_url, link)
    return _kiosk_headers(render(request, "geo/screen.html", context))


@requires(PUBLIC)
@use_replica()
def kiosk_data(request, token: str):
    link, denied = _kiosk(request, token)
    if denied is not None:
        return _kiosk_headers(_json({"error": "大屏链接已失效", "revoked": True}, 403))
    services.touch_kiosk_link(link)
    user = link.created_by
    # Always the link's own city; the month, period kind and list may be fixed in the link's address.
    form = ScreenForm(
        user, {**{k: v for k, v in request.GET.items() if k in KIOSK_KEYS}, "city": link.city.pk}
    )
    return _kiosk_headers(_screen_json(user, form))


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def kiosks(request):
    city = _admin_city(request)
    form = KioskForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        link = KioskLink.objects.filter(
            pk=id_or_404(request.POST.get("link"), "大屏链接"), city=city
        ).first()
        if link is None:
            raise Http404("大屏链接不存在")
        services.revoke_kiosk_link(
            link=link, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, f"已撤销大屏链接 {link.name}")
        return HttpResponseRedirect(reverse("screen:kiosks"))
    if request.method == "POST":
        if form.is_valid():
            try:
                link, token = services.create_kiosk_link(
                    city=city, name=form.cleaned_data["name"], actor=request.user
                )
            except InputError as exc:
                messages.error(request, exc.text)
                status = 400
            else:
                created = (link, request.build_absolute_uri(reverse("screen:kiosk", args=[token])))
                form = KioskForm()
        else:
            status = 400
    links = KioskLink.objects.filter(city=city).select_related("created_by", "revoked_by")
    return render(
        request,
        "geo/kiosks.html",
        {"city": city, "form": form, "links": links, "created": created},
        status=status,
    )
