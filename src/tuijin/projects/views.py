"""The city administrator's pages for the city's annual lists (年度清单) and breakdown dimensions (分类维度:
项目类别, 行业领域, 建设性质). Thin: reads scoped to the administered city, every write through projects.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tuijin.accounts import scoping
from tuijin.core.errors import InputError
from tuijin.core.policy import CONFIGURE, requires

from . import services
from .forms import DimensionEditForm, DimensionForm, ListForm
from .models import AnnualList, BuildNature, Category, Sector


def _city(user):
    city = scoping.administered_city(user)
    if city is None:
        raise PermissionDenied("只有市管理员可以维护本市的清单和分类")
    return city


def _show_error(form, exc: InputError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.text)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def lists(request):
    """The city's lists, with the form to add one."""
    city = _city(request.user)
    form = ListForm(request.POST or None, initial={"counts_in_total": True})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            lst = services.create_list(city=city, actor=request.user, name=c["name"], short_name=c["short_name"],
                                       rank=c["rank"], counts_in_total=c["counts_in_total"])
            if c["year"]:
                services.add_list_year(actor=request.user, annual_list=lst, year=c["year"])
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已新增清单 {lst.name}")
            return redirect("projects:lists")
    rows = AnnualList.objects.filter(city=city).prefetch_related("years").order_by("rank", "id")
    return render(request, "projects/lists.html", {"city": city, "form": form, "lists": rows})


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def list_edit(request, pk: int):
    city = _city(request.user)
    lst = AnnualList.objects.filter(city=city, pk=pk).first()
    if lst is None:
        raise Http404("清单不在您的城市或不存在")
    form = ListForm(request.POST or None, initial={f: getattr(lst, f) for f in services.LIST_FIELDS})
    if request.method == "POST" and form.is_valid():
        c = dict(form.cleaned_data)
        year = c.pop("year")
        try:
            services.update_list(actor=request.user, annual_list=lst, **c)
            if year:
                services.add_list_year(actor=request.user, annual_list=lst, year=year)
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已保存清单 {c['name']}")
            return redirect("projects:lists")
    return render(request, "projects/list_edit.html", {"city": city, "form": form, "lst": lst,
                                                       "years": lst.years.all()})


DIMENSION_MODELS = {"category": Category, "sector": Sector, "nature": BuildNature}


def _may_edit(user, kind: str) -> bool:
    return kind != "category" or user.is_superuser


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def dimensions(request):
    """项目类别 (platform-wide, read-only to a city), 行业领域 and 建设性质 (the city's), with an add form for
    each kind (?kind=… on the POST)."""
    city = _city(request.user)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    forms = {k: DimensionForm(prefix=k) for k in DIMENSION_MODELS}
    if request.method == "POST":
        if kind not in DIMENSION_MODELS:
            raise Http404("分类维度未知")
        form = forms[kind] = DimensionForm(request.POST, prefix=kind)
        if form.is_valid():
            try:
                obj = services.add_dimension(actor=request.user, kind=kind, city=city, **form.cleaned_data)
            except InputError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, f"已新增{services.DIMENSIONS[kind][1]} {obj.name}")
                return redirect("projects:dimensions")
    tables = [{"kind": k, "label": services.DIMENSIONS[k][1], "form": forms[k],
               "editable": _may_edit(request.user, k),
               "rows": model.objects.all() if k == "category" else model.objects.filter(city=city)}
              for k, model in DIMENSION_MODELS.items()]
    posted = forms.get(kind) if request.method == "POST" else None  # the bound form, with its errors
    return render(request, "projects/dimensions.html", {"city": city, "tables": tables, "posted": posted})


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def dimension_edit(request, kind: str, pk: int):
    city = _city(request.user)
    if kind not in DIMENSION_MODELS:
        raise Http404("分类维度未知")
    model = DIMENSION_MODELS[kind]
    qs = model.objects.all() if kind == "category" else model.objects.filter(city=city)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404("分类不在您的城市或不存在")
    if not _may_edit(request.user, kind):
        raise PermissionDenied("项目类别为全平台共用, 只有系统管理员可以修改")
    form = DimensionEditForm(request.POST or None, initial={f: getattr(obj, f) for f in services.DIMENSION_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_dimension(actor=request.user, obj=obj, **form.cleaned_data)
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"已保存 {form.cleaned_data['name']}")
            return redirect("projects:dimensions")
    return render(request, "projects/dimension_edit.html", {"city": city, "form": form, "obj": obj,
                                                            "label": services.DIMENSIONS[kind][1]})


@requires(CONFIGURE)
def lists_template(request):
    """清单设置模板 (.xlsx): the city's lists, one row per year in use; imports back unchanged."""
    import io

    from django.http import FileResponse

    from .excel import write_lists_template

    city = _city(request.user)
    rows = AnnualList.objects.filter(city=city).prefetch_related("years").order_by("rank", "id")
    buf = io.BytesIO()
    write_lists_template(buf, rows, city=city)
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename="lists-template.xlsx")
