"""Pages of 民生实事: the programme overview, an item with its plan-versus-actual chart, the lead unit's own
items, the monthly progress form, the review queue and the 公示表 export. Thin: reads go through
livelihood.selectors (scoped by livelihood.scoping), writes through livelihood.services."""

from __future__ import annotations

import io

from django.contrib import messages
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.core.errors import InputError
from tuijin.core.files import file_response
from tuijin.core.numbers import number_for_json
from tuijin.core.policy import READ, REVIEW, requires
from tuijin.livelihood import scoping

from . import selectors, services
from .export import write_notice_xlsx
from .forms import ProgressForm, ReviewForm, ViewForm, target_field
from .models import ItemReport, ReportStatus, TargetKind
from .present import item_dict, present_status, presenter_for, quantity_text, target_text
from .progress import STATUS_LABELS, STATUSES


def _latest_month(programme) -> int:
    """The month a programme opens on: its latest confirmed month, else the current month of its year."""
    latest = ItemReport.objects.filter(item__programme=programme, year=programme.year,
                                       status=ReportStatus.ACCEPTED).aggregate(m=Max("month"))["m"]
    if latest:
        return latest
    today = timezone.localdate()
    return today.month if today.year == programme.year else 12


def _selection(request):
    """(programme or None, month, form) from ?programme=&through=, limited to what the user sees."""
    form = ViewForm(request.GET)
    visible = selectors.programmes_for(request.user)
    programme, month = None, None
    if form.is_valid():
        if form.cleaned_data["programme"]:
            programme = visible.filter(pk=form.cleaned_data["programme"]).first()
            if programme is None:
                raise Http404("民生实事计划不存在或不在您的权限范围内")
        through = form.cleaned_data["through"]
        if programme is None:
            programme = selectors.default_programme(request.user, through[0] if through else None)
        if through and programme is not None:
            if through[0] != programme.year:
                messages.error(request, f"{through[0]}年{through[1]}月 不在 {programme.name} 的年度内")
            else:
                month = through[1]
    else:
        for errors in form.errors.values():
            messages.error(request, "; ".join(errors))
        programme = selectors.default_programme(request.user)
    if programme is not None and month is None:
        month = _latest_month(programme)
    return programme, month, visible


def _chart_data(data: dict) -> dict:
    return {
        "statuses": [{"key": s, "name": STATUS_LABELS[s], "value": data[s]} for s in STATUSES],
        "categories": [c["category"] for c in data["by_category"]],
        "series": [{"key": s, "name": STATUS_LABELS[s], "data": [c[s] for c in data["by_category"]]}
                   for s in STATUSES],
    }


@requires(READ)
def overview(request):
    """民生实事总览: counts by status, by category and by lead unit, investment, lagging items, the list."""
    programme, month, visible = _selection(request)
    context = {"programmes": visible, "programme": programme, "month": month, "months": range(1, 13)}
    if programme is not None:
        status = selectors.programme_status(programme=programme, month=month, user=request.user)
        data = present_status(status)
        for item, state in zip(data["item_list"], status.states, strict=True):
            item["id"] = state.item.pk
            item["target_text"], item["done_text"] = target_text(item)
        context.update(data=data, chart=_chart_data(data), query=urlencode(
            {"programme": programme.pk, "through": f"{programme.year:04d}-{month:02d}"}))
    return render(request, "livelihood/overview.html", context)


@requires(READ)
def mine(request):
    """本单位牵头的实事: the items the user's unit leads, with where each stands and its report link."""
    items = list(selectors.led_items(request.user))
    rows = []
    by_programme: dict = {}
    for item in items:
        by_programme.setdefault(item.programme, []).append(item)
    for programme, its in by_programme.items():
        month = _latest_month(programme)
        states = selectors.item_states(its, year=programme.year, month=month, tolerance_pp=programme.tolerance_pp)
        p = presenter_for(programme)
        for state in states:
            row = item_dict(p, state)
            row["id"] = state.item.pk
            row["target_text"], row["done_text"] = target_text(row)
            rows.append({"programme": programme, "month": month, "item": row,
                         "next_month": _next_month(state.item, programme)})
    reportable = set(scoping.livelihood_items_for(request.user, scoping.REPORT).filter(
        pk__in=[i.pk for i in items]).values_list("pk", flat=True))
    for row in rows:
        row["may_report"] = row["item"]["id"] in reportable and row["next_month"] is not None
    return render(request, "livelihood/mine.html", {"rows": rows, "unit": request.user.unit})


def _next_month(item, programme) -> int | None:
    """The month to fill in next: the one after the item's latest report, not beyond the current month."""
    today = timezone.localdate()
    if programme.year > today.year:
        return None
    last = ItemReport.objects.filter(item=item, year=programme.year).aggregate(m=Max("month"))["m"] or 0
    limit = today.month if programme.year == today.year else 12
    return min(last + 1, limit, 12) if limit else None


@requires(READ)
def photo(request, pk: int):
    """A progress photo, served after the scope check of its item."""
    return file_response(selectors.get_photo_or_404(request.user, pk).image)


@requires(READ)
def item_detail(request, item_id: int):
    """一件实事: targets, plan, the plan-versus-actual chart and the monthly reports."""
    item = selectors.get_item_or_404(request.user, item_id)
    programme = item.programme
    month = _latest_month(programme)
    state = selectors.item_states([item], year=programme.year, month=month, tolerance_pp=programme.tolerance_pp)[0]
    p = presenter_for(programme)
    row = item_dict(p, state)
    row["target_text"], row["done_text"] = target_text(row)
    series = selectors.item_series(item)
    chart = {"months": [f"{s['month']}月" for s in series],
             "planned": [row_pct(p, s["planned"]) for s in series],
             "done": [row_pct(p, s["done"]) for s in series]}
    may_report = scoping.livelihood_items_for(request.user, scoping.REPORT).filter(pk=item.pk).exists()
    may_review = scoping.livelihood_items_for(request.user, scoping.REVIEW).filter(pk=item.pk).exists()
    today = timezone.localdate()
    report_months = [m for m in range(1, 13) if (programme.year, m) <= (today.year, today.month)]
    return render(request, "livelihood/item.html", {
        "item": item, "row": row, "month": month, "chart": chart, "reports": selectors.item_reports(item),
        "targets": item.targets.prefetch_related("deliverables"), "milestones": item.milestones.all(),
        "may_report": may_report, "may_review": may_review, "report_months": report_months,
        "review_form": ReviewForm(),
    })


def row_pct(p, fraction):
    return number_for_json(p.pct(fraction))


def _initial(item, year: int, month: int, targets) -> dict:
    """A new month starts from the last one (no 多头填报)."""
    report = (ItemReport.objects.filter(item=item, year=year, month__lte=month).order_by("-month")
              .prefetch_related("progress__delivered").first())
    if report is None:
        return {}
    initial = {"investment_ytd": report.investment_ytd, "progress_text": report.progress_text}
    progress = {p.target_id: p for p in report.progress.all()}
    for t in targets:
        row = progress.get(t.pk)
        if row is None:
            continue
        if t.kind == TargetKind.DELIVERABLES:
            initial[target_field(t)] = [str(d.pk) for d in row.delivered.all()]
        else:
            initial[target_field(t)] = quantity_text(row.done)
    return initial


@requires(READ)
@require_http_methods(["GET", "POST"])
def report_form(request, item_id: int, year: int, month: int):
    """月度进展: the lead unit enters an item's month (prefilled from the last one); save or submit."""
    item = selectors.get_item_or_404(request.user, item_id, scoping.REPORT)
    if not 1 <= month <= 12:
        raise Http404("月份无效")
    targets = list(item.targets.prefetch_related("deliverables"))
    current = ItemReport.objects.filter(item=item, year=year, month=month).first()
    locked, period = services.month_locked(item.programme, year, month, timezone.localdate())
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES, targets=targets)
        if form.is_valid():
            c = form.cleaned_data
            done, delivered = form.target_values()
            status = ReportStatus.DRAFT if "save_draft" in request.POST else ReportStatus.SUBMITTED
            try:
                report = services.save_progress(
                    item=item, year=year, month=month, done=done or None, delivered=delivered or None,
                    investment_ytd=c["investment_ytd"], progress_text=c["progress_text"], status=status,
                    actor=request.user, reason=c["reason"])
                for upload in c["photos"]:
                    services.add_photo(report=report, upload=upload, actor=request.user)
            except InputError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{item.name} {year}年{month}月进展已{'保存' if status == 'draft' else '报送'}")
                return redirect("livelihood:item", item_id=item.pk)
    else:
        form = ProgressForm(initial=_initial(item, year, month, targets), targets=targets)
    return render(request, "livelihood/report_form.html", {
        "item": item, "form": form, "year": year, "month": month, "report": current, "locked": locked,
        "period": period,
    })


@requires(REVIEW)
def review_list(request):
    """审核: submitted monthly progress waiting for this user's decision."""
    reports = list(selectors.review_queue(request.user))
    return render(request, "livelihood/review.html", {"reports": reports, "form": ReviewForm()})


@requires(REVIEW)
@require_POST
def review_report(request, item_id: int, year: int, month: int):
    """确认 or 退回 one month of an item."""
    item = selectors.get_item_or_404(request.user, item_id, scoping.REVIEW)
    report = ItemReport.objects.filter(item=item, year=year, month=month).first()
    back = request.POST.get("next") or reverse("livelihood:review")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("livelihood:review")
    form = ReviewForm(request.POST)
    if report is None:
        messages.error(request, f"{item.name} {year}年{month}月尚无进展报告")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, f"请选择确认或退回: {form.error_text()}")
        return redirect(back)
    try:
        services.review_progress(report=report, accept=form.cleaned_data["decision"] == "accept",
                                 actor=request.user, reason=form.cleaned_data["reason"])
    except InputError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, f"{report} 已{'确认' if form.cleaned_data['decision'] == 'accept' else '退回'}")
    return redirect(back)


@requires(READ)
def export(request):
    """公示表 (.xlsx) of the programme and month shown on the overview, as far as the user sees it."""
    programme, month, _ = _selection(request)
    if programme is None:
        messages.info(request, "您的权限范围内没有民生实事计划可导出")
        return redirect("livelihood:overview")
    data = present_status(selectors.programme_status(programme=programme, month=month, user=request.user))
    buffer = io.BytesIO()
    write_notice_xlsx(buffer, data)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"{programme.name}公示表-{programme.year}{month:02d}.xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
