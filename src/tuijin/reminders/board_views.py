"""催报 from the 报送进度 board (/reports/board/, progress.views.board): an in-app notification to the reporters
of the missing projects. Here, not in progress, because the notification is the problems app's, above
progress in the layers (docs/architecture.md); the address stays /reports/board/remind/."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from tuijin.accounts import scoping
from tuijin.core.params import parse_id
from tuijin.core.policy import REVIEW, requires
from tuijin.progress import selectors
from tuijin.progress.views import _posted_period

from . import services


@requires(REVIEW)
@require_POST
def remind(request):
    """催报: notify the reporters of the missing projects (of one district, or all in view), once per period."""
    year, month = _posted_period(request)
    projects = selectors.missing_reports(request.user, year, month)
    unit_id = parse_id(request.POST.get("unit", ""))
    target = f"{reverse('progress:board')}?period={year:04d}-{month:02d}"
    if unit_id:
        unit = scoping.units_for(request.user).filter(pk=unit_id).first()
        if unit is None:
            raise Http404("单位不存在或不在您的范围内")
        projects = projects.filter(unit__path__startswith=unit.path)
        target += f"&unit={unit.pk}"
    deadline = selectors.deadline_for(request.user, year, month)
    sent = services.remind_missing(actor=request.user, projects=projects, year=year, month=month,
                                   deadline=deadline.deadline if deadline else None)
    if sent:
        messages.success(request, f"已向 {sent} 位填报员发送催报通知")
    else:
        messages.info(request, "没有需要催报的填报员 (本期已催报过的不再重复发送)")
    return redirect(target)
