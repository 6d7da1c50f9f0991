"""The services' half of the one policy (issue 18): every write service that changes a foreign object refuses

    (a) no actor at all: the keyword left out (TypeError: the actor is required, no default) or given as None
        (PermissionDenied from require_actor), and
    (b) an actor out of reach: 京口区's 板块管理员 on 润州区's object (another district of its city) and 镇江市's
        市管理员 on 苏州市's (another city),

and writes nothing when it refuses: the audit trail and every table keep their row counts, and the object
keeps its fields. The table below names each service with a builder of its arguments for a place of the access
world (tests/access/world.py); a service that changes a place's object belongs here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import Http404

from tests.access.service_cases_setup import CASES_SETUP
from tests.access.service_cases_work import CASES_WORK, add_work_objects
from tests.access.world import add_files, add_leads, add_problems
from tests.rowcounts import row_counts
from tuijin.core.errors import InputError

D = datetime.date


def _progress():
    from tuijin.progress import services

    return services


def _projects():
    from tuijin.projects import services

    return services


def _category():
    from tuijin.projects.models import Category

    return Category.objects.order_by("pk").first()


def _problem_category():
    from tuijin.problems import services
    from tuijin.problems.models import ProblemCategory

    services.ensure_categories()
    return ProblemCategory.objects.get(code="land")


def _svc(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(f"tuijin.{module}.services"), name)


# (label, service, builder(world, place) → (kwargs without the actor, the object changed or None))
CASES = [
    ("progress.save_report", lambda: _progress().save_report,
     lambda w, p: ({"project": p.project, "year": 2024, "month": 5, "amount": Decimal(10)}, p.project)),
    ("progress.save_report_with_attachments", lambda: _progress().save_report_with_attachments,
     lambda w, p: ({"project": p.project, "year": 2024, "month": 5, "amount": Decimal(10)}, p.project)),
    ("progress.review_report", lambda: _progress().review_report,
     lambda w, p: ({"report": p.report, "accept": False, "level": "city", "reason": "不对"}, p.report)),
    ("progress.set_report_status", lambda: _progress().set_report_status,
     lambda w, p: ({"report": p.report, "status": "returned", "reason": "不对"}, p.report)),
    ("progress.file_unchanged", lambda: _progress().file_unchanged,
     lambda w, p: ({"project": p.project, "year": 2024, "month": 6}, p.project)),
    ("progress.open_period", lambda: _progress().open_period,
     lambda w, p: ({"city": p.city, "year": 2025, "month": 1, "opens_on": D(2025, 2, 1),
                    "deadline": D(2025, 2, 10)}, None)),
    ("projects.create_project", lambda: _projects().create_project,
     lambda w, p: ({"code": "2024-320000-34-03-999991", "name": "越权新项目", "unit": p.unit,
                    "category": _category(), "total_investment": Decimal(100)}, None)),
    ("projects.update_project", lambda: _projects().update_project,
     lambda w, p: ({"project": p.project, "name": "越权改名"}, p.project)),
    ("projects.update_project (position)", lambda: _projects().update_project,
     lambda w, p: ({"project": p.project, "longitude": Decimal("119.4"), "latitude": Decimal("32.2")},
                   p.project)),
    ("projects.record_stage", lambda: _projects().record_stage,
     lambda w, p: ({"project": p.project, "stage": "signed", "date": D(2024, 3, 1)}, p.project)),
    ("projects.record_milestone", lambda: _projects().record_milestone,
     lambda w, p: ({"project": p.project, "kind": "land", "actual_date": D(2024, 3, 1)}, p.project)),
    ("projects.add_list_entry", lambda: _projects().add_list_entry,
     lambda w, p: ({"annual_list": p.entry.annual_list, "project": p.project, "year": 2025,
                    "annual_plan": Decimal(1)}, None)),
    ("projects.update_list_entry", lambda: _projects().update_list_entry,
     lambda w, p: ({"entry": p.entry, "annual_plan": Decimal(5)}, p.entry)),
    ("projects.create_list", lambda: _projects().create_list,
     lambda w, p: ({"city": p.city, "name": "越权清单"}, None)),
    ("accounts.set_user_active", lambda: _svc("accounts", "set_user_active"),
     lambda w, p: ({"user": p.user, "active": False}, p.user)),
    ("accounts.create_user", lambda: _svc("accounts", "create_user"),
     lambda w, p: ({"username": f"{p.key}_intruder", "password": "Tuijin-test-2024!", "unit": p.unit,
                    "role": "reporter"}, None)),
    ("accounts.assign_reporter", lambda: _svc("accounts", "assign_reporter"),
     lambda w, p: ({"project": p.project, "reporter": p.user}, p.project)),
    ("livelihood.save_progress", lambda: _svc("livelihood", "save_progress"),
     lambda w, p: ({"item": p.item, "year": 2024, "month": 3, "done": Decimal(10), "investment_ytd": Decimal(1),
                    "progress_text": "越权填报"}, p.item)),
    ("livelihood.update_programme", lambda: _svc("livelihood", "update_programme"),
     lambda w, p: ({"programme": p.item.programme, "name": "越权改名"}, p.item.programme)),
    ("attraction.move_lead", lambda: _svc("attraction", "move_lead"),
     lambda w, p: ({"lead": p.lead, "stage": "negotiating", "date": D(2024, 4, 1)}, p.lead)),
    ("attraction.log_contact", lambda: _svc("attraction", "log_contact"),
     lambda w, p: ({"lead": p.lead, "date": D(2024, 4, 1), "note": "越权洽谈"}, p.lead)),
    ("attraction.create_lead", lambda: _svc("attraction", "create_lead"),
     lambda w, p: ({"unit": p.unit, "title": "越权线索", "investor": "某公司", "investor_kind": "private",
                    "source": "visit", "intended_investment": Decimal(100), "stage_date": D(2024, 4, 1)}, None)),
    ("attraction.record_funds_arrival", lambda: _svc("attraction", "record_funds_arrival"),
     lambda w, p: ({"contract": p.contract, "date": D(2024, 7, 1), "amount": Decimal(1), "source": "domestic"},
                   p.contract)),
    ("accounts.reset_password", lambda: _svc("accounts", "reset_password"),
     lambda w, p: ({"user": p.user}, p.user)),
    ("orgs.create_unit", lambda: _svc("orgs", "create_unit"),
     lambda w, p: ({"name": "越权新部门", "kind": "department", "parent": p.city}, None)),
    ("bulletins.save_config", lambda: _svc("bulletins", "save_config"),
     lambda w, p: ({"city": p.city, "reason": "越权"}, None)),
    ("dashboard.install_default_rules", lambda: _svc("dashboard", "install_default_rules"),
     lambda w, p: ({"city": p.city}, None)),
    ("industry.create_taxonomy", lambda: _svc("industry", "create_taxonomy"),
     lambda w, p: ({"city": p.city, "name": "越权产业体系"}, None)),
    ("problems.raise_problem", lambda: _svc("problems", "raise_problem"),
     lambda w, p: ({"project": p.project, "category": _problem_category(), "title": "越权问题"}, p.project)),
]
CASES += CASES_SETUP + CASES_WORK

# Who acts out of reach on which place: another district of the actor's city, and another city.
OUT_OF_REACH = [("district_admin", "rz"), ("city_admin", "sz")]


def _counts() -> dict[str, int]:
    return row_counts(lambda m: m._meta.app_label not in ("sessions", "contenttypes", "admin", "axes"))


def _state(obj):
    if obj is None:
        return None
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {k: v for k, v in model_to_dict(fresh).items() if not hasattr(v, "__iter__") or isinstance(v, str)}


def _refused(fn, kwargs: dict) -> str | None:
    """None when the call was refused (and rolled back); what happened otherwise."""
    try:
        with transaction.atomic():
            fn(**kwargs)
    except (PermissionDenied, TypeError, Http404) as exc:
        return None if not isinstance(exc, TypeError) or "actor" in str(exc) else f"TypeError {exc}"
    except InputError as exc:
        # Some services answer an object out of reach on the form's field (招商引资: "… 不在您的权限范围内"), in
        # the same words as a 404; any other input error is not a refusal of the actor, so not what is tested.
        text = "; ".join(exc.messages)
        return None if "不在您的" in text else f"InputError {text}"
    return "accepted"


@pytest.fixture
def world(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = add_work_objects(add_files(add_problems(add_leads(world))))
    for place in world.places.values():
        place.city = place.unit.city()
    return world


def test_every_service_refuses_a_missing_actor_and_writes_nothing(world):
    failures = []
    place = world.places["jk"]
    for label, service, build in CASES:
        for how in ("left out", "None"):
            kwargs, obj = build(world, place)
            before, state = _counts(), _state(obj)
            fn = service()
            outcome = _refused(fn, kwargs if how == "left out" else {**kwargs, "actor": None})
            if outcome is not None:
                failures.append(f"{label}: actor {how} → {outcome}")
            elif _counts() != before or _state(obj) != state:
                failures.append(f"{label}: actor {how} refused but something was written")
    assert not failures, "\n".join(failures)


def test_every_service_refuses_an_actor_out_of_reach_and_writes_nothing(world):
    failures = []
    for role, key in OUT_OF_REACH:
        actor, place = world.users[role], world.places[key]
        for label, service, build in CASES:
            kwargs, obj = build(world, place)
            before, state = _counts(), _state(obj)
            fn = service()
            outcome = _refused(fn, {**kwargs, "actor": actor})
            if outcome is not None:
                failures.append(f"{label}: {role} on {key}'s → {outcome}")
            elif _counts() != before or _state(obj) != state:
                failures.append(f"{label}: {role} on {key}'s refused but something was written")
    assert not failures, "\n".join(failures)


def test_the_same_calls_go_through_for_an_actor_in_reach(world):
    """The table is not refusing for the wrong reason: the city administrator on its own district's objects gets
    through the actor and reach checks (a later input error, e.g. a stage already recorded, is fine)."""
    actor, place = world.users["city_admin"], world.places["jk"]
    refused = []
    for label, service, build in CASES:
        kwargs, _ = build(world, place)
        fn = service()
        try:
            with transaction.atomic():
                fn(**kwargs, actor=actor)
                transaction.set_rollback(True)
        except (PermissionDenied, Http404) as exc:
            refused.append(f"{label}: {exc}")
        except InputError:
            pass
    assert not refused, "\n".join(refused)


# Public functions of a services module that take an actor but are not walked above, and why. Anything else that
# takes an actor must have a case: the test below fails on a new write service nobody put in the matrix.
NOT_WALKED = {
    "audit.record_change": "the audit trail itself: records the actor its calling service has checked",
    "audit.change_entry": "the audit trail itself (unsaved entries for bulk writers)",
    "progress.may_correct_history": "a check: answers True or False and writes nothing",
    "api.can_revoke": "a check: answers True or False and writes nothing",
}


def _labels(cases) -> set[str]:
    return {label.split(" ", 1)[0] for label, _service, _build in cases}


def test_every_service_that_takes_an_actor_is_walked():
    import importlib
    import inspect

    from tests.access.service_cases_setup import OPERATOR_CASES

    walked = _labels(CASES) | _labels(OPERATOR_CASES)
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("tuijin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_") and \
                    "actor" in inspect.signature(fn).parameters:
                found.add(f"{config.label}.{name}")
    assert len(found) > 100  # the walk found the services (about 115 in December 2026)
    assert sorted(found - walked - set(NOT_WALKED)) == [], "write services missing from the matrix"
    assert sorted((walked | set(NOT_WALKED)) - found) == [], "matrix entries naming no service"
