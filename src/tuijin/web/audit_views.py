"""The audit trail page (/audit/): searchable by the city administrator, read-only, scoped. A page over every
app's rows, so in web (the audit app, which every service writes to, is at the bottom of the layers)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tuijin.core.errors import InputError
from tuijin.core.policy import AUDIT, requires

from . import audit_selectors as selectors

PAGE_SIZE = 50


@requires(AUDIT)
@require_safe
def audit_list(request):
    error, status = None, 200
    try:
        filters = selectors.AuditFilters.parse(request.GET)
    except InputError as exc:
        error, status, filters = exc, 400, selectors.AuditFilters()
    entries = selectors.search(request.user, filters) if error is None else selectors.entries_for(request.user).none()
    page = Paginator(entries.select_related("actor"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {
        "page": page,
        "rows": selectors.describe(page.object_list),
        "filters": filters,
        "error": error,
        "model_choices": selectors.model_choices(),
        "query": query.urlencode(),
    }, status=status)
