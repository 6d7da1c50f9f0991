import pytest

from tests.worlds import fresh, module_world

from .world import build_town

town_built_once = module_world(build_town)


@pytest.fixture
def town(town_built_once, db):
    return fresh(town_built_once)


@pytest.fixture(scope="session")
def dashboard_demo(demo_db, django_db_blocker):
    """The demo with the dashboard's part (rules, later stages, 苏州市's campaigns), built once: by the demo
    builder when it calls build_dashboard_demo, else here."""
    from tuijin.dashboard.demo import build_dashboard_demo
    from tuijin.dashboard.models import Campaign
    from tuijin.orgs.selectors import city_by_name

    with django_db_blocker.unblock():
        if not Campaign.objects.filter(city__name="苏州市").exists():
            build_dashboard_demo(zhenjiang=city_by_name("镇江市"), suzhou=city_by_name("苏州市"))
    return demo_db


@pytest.fixture
def ddemo(dashboard_demo, db):
    return dashboard_demo
