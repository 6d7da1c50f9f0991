"""The weekly dispatch agenda's pages (周调度, /problems/weekly/): the drafted agenda, as a page and as .docx, and a
meeting's minutes as .docx (with its week's agenda). Above the figures with the agenda (dashboard.agenda); the
meetings' other pages are problems.views. Thin: the problems app's selectors for reach, dashboard.agenda for the
agenda."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuijin.core.policy import READ, requires
from tuijin.problems import forms, selectors
from tuijin.problems.models import Meeting

from .agenda import weekly_agenda
from .agenda_export import agenda_docx, minutes_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _week_and_city(request):
    form = forms.WeekForm(request.GET)
    cities = selectors.visible_cities(request.user)
    week, city = timezone.localdate(), cities.first()
    if form.is_valid():
        week = form.cleaned_data["week"] or week
        if form.cleaned_data["city"]:
            city = cities.filter(pk=form.cleaned_data["city"]).first()
    if city is None:
        raise Http404("城市不在您的权限范围内")
    return form, city, selectors.monday_of(week)


AGENDA_ROWS = 20  # rows per agenda section on the page (the .docx prints 30, export.DOCX_SECTION_ROWS)


@requires(READ)
def weekly(request):
    form, city, monday = _week_and_city(request)
    agenda = weekly_agenda(request.user, city, monday)
    meeting = Meeting.objects.filter(city=city, kind=Meeting.Kind.WEEKLY, week_start=monday).first()
    return render(request, "problems/weekly.html", {
        "form": form, "agenda": agenda, "city": city, "meeting": meeting, "cities": selectors.visible_cities(request.user),
        "prev": monday - datetime.timedelta(days=7), "next": monday + datetime.timedelta(days=7),
        "may_run": selectors.can_run_meetings(request.user, city),
        # Long sections (a city's 百日开工 list runs to hundreds) show their first rows; ?full=KEY opens one.
        "full": request.GET.get("full", ""), "agenda_rows": AGENDA_ROWS, "minus_rows": -AGENDA_ROWS})


@requires(READ)
def weekly_docx(request):
    _, city, monday = _week_and_city(request)
    agenda = weekly_agenda(request.user, city, monday)
    response = HttpResponse(agenda_docx(agenda), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename=agenda-{monday:%Y%m%d}.docx"
    return response


@requires(READ)
def meeting_docx(request, pk: int):
    m = selectors.get_meeting_or_404(request.user, pk)
    agenda = weekly_agenda(request.user, m.city, m.week_start) if m.kind == Meeting.Kind.WEEKLY else None
    decisions = selectors.visible_decisions(request.user, m.decisions.all())  # only what the reader may see
    response = HttpResponse(minutes_docx(m, agenda, decisions), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename=minutes-{m.pk}.docx"
    return response
