"""The two late-bound points of the layers (docs/architecture.md, "Layers"): the figure store and data versions
that the domain's services keep through core.derived, and a new city's defaults (orgs.services.CITY_DEFAULTS).
Both are filled by the apps above at start-up; a missing provider fails loudly, never silently."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tuijin.core import derived


def test_the_figures_app_provides_the_store_and_the_versions():
    from tuijin.indicators import store, versions

    assert derived._provided == {"store": store, "versions": versions}


def test_a_write_without_the_figure_store_fails_loudly(monkeypatch):
    monkeypatch.setattr(derived, "_provided", {})
    with pytest.raises(ImproperlyConfigured, match="store"):
        derived.refresh_facts([1])
    with pytest.raises(ImproperlyConfigured, match="versions"):
        derived.bump_projects([1])


def test_the_store_is_called_through_the_module_so_it_can_be_replaced(monkeypatch):
    from tuijin.indicators import store

    seen = []
    monkeypatch.setattr(store, "refresh_facts", lambda ids, years=None: seen.append((list(ids), years)) or 0)
    derived.refresh_facts([3, 4], [2024])
    assert seen == [([3, 4], [2024])]


def test_a_new_city_gets_the_defaults_of_projects_and_attraction_in_that_order():
    from tuijin.attraction.services import ensure_funds_sources
    from tuijin.orgs.services import CITY_DEFAULTS
    from tuijin.projects.services import ensure_dimensions

    assert CITY_DEFAULTS == [ensure_dimensions, ensure_funds_sources]


@pytest.mark.django_db
def test_a_city_made_by_create_unit_has_its_default_breakdowns_and_funds_sources():
    from tests import factories
    from tuijin.attraction.models import FundsSource
    from tuijin.projects.models import BuildNature, Sector
    from tuijin.projects.services import DEFAULT_NATURES, DEFAULT_SECTORS

    city, _ = factories.city_tree()
    assert Sector.objects.filter(city=city).count() == len(DEFAULT_SECTORS)
    assert BuildNature.objects.filter(city=city).count() == len(DEFAULT_NATURES)
    assert FundsSource.objects.filter(city=city).count() == 4  # 境外, 国内省外, 省内市外, 市内县际
