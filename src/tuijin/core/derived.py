"""Derived data kept in the writer's own transaction: the figure store's rows (ProjectYearFact) and the indicator
cache's data version per city (DataVersion). The domain's services call the functions here, inside their
transaction, exactly where they change a source of a figure (no signals: the call is in the service, visible).

The store reads projects, progress and orgs, and the services of projects and orgs (below progress) must refresh
it; so the functions are inverted: the figures app provides them at start-up (IndicatorsConfig.ready →
`provide(store=…, versions=…)`), and a write made before it has (or without it) fails loudly instead of
leaving the figures stale. A late-bound registry of two modules, the only one in the layers
(docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

_provided: dict[str, object] = {}


def provide(**modules) -> None:
    """Called once by the figures app: store= (refresh_facts, refresh_list, refresh_subtree), versions= (bump_for_change,
    bump_projects)."""
    _provided.update(modules)


def _module(name: str):
    try:
        return _provided[name]
    except KeyError:
        raise ImproperlyConfigured(f"the figure {name} is not provided (tuijin.indicators not ready)") from None


def refresh_facts(project_ids, years=None) -> int:
    """Recompute the figure store's rows of these projects (and years; None: every year)."""
    return _module("store").refresh_facts(project_ids, years)


def refresh_list(annual_list_id: int) -> int:
    """Recompute the rows of every project on a list (its rank or counts_in_total changed)."""
    return _module("store").refresh_list(annual_list_id)


def refresh_subtree(path: str) -> int:
    """Recompute the rows of every project under a unit path (a moved subtree's projects carry its new path)."""
    return _module("store").refresh_subtree(path)


def bump_for_change(obj, *, project_id: int | None = None, before: dict | None = None,
                    after: dict | None = None) -> None:
    """Move the data version of the cities (and year) an audited change can touch."""
    _module("versions").bump_for_change(obj, project_id=project_id, before=before, after=after)


def bump_projects(project_ids, year: int = 0) -> None:
    """Bulk writers: one bump per city of the given projects."""
    _module("versions").bump_projects(project_ids, year)
