"""The progress table's page (/reports/export/, 进展情况表 as .xlsx or CSV within the user's scope): an output of
the figures (bulletins.progress_table), so here, above them; the reporting pages are progress.views."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse

from tuijin.accounts.models import Role
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.core.policy import READ, requires
from tuijin.indicators.scope import Scope, restrict_scope
from tuijin.progress.views import _period

from .progress_table import iter_csv, write_xlsx


def _export_scope(request) -> Scope:
    from tuijin.indicators.scope import build_scope

    city = request.user.unit.city() if request.user.unit_id else None
    if city is None:
        raise Http404("没有可导出的城市")
    scope = build_scope(city=city.name, annual_list=request.GET.get("list") or None)
    if request.user.unit_id and request.user.unit.pk != city.pk and request.user.role == Role.DISTRICT_ADMIN:
        scope = scope.with_unit(request.user.unit)
    return restrict_scope(request.user, scope)


@requires(READ)
def export(request):
    """The progress table (进展情况表) for a period and list, as .xlsx or CSV, within the user's scope."""
    year, month = _period(request)
    try:
        scope = _export_scope(request)
    except InputError as exc:
        raise Http404(exc.text) from None
    period = Period.year_to_date(year, month)
    name = f"progress-{year}-{month:02d}"
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(iter_csv(scope, period), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    spool = tempfile.TemporaryFile()
    write_xlsx(spool, scope, period)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{name}.xlsx")
