"""Service-matrix cases (tests/access/test_service_matrix.py): orgs, projects' lists and dimensions, progress periods, livelihood, industry, reconciliation, bulletins, API tokens.

Each case is (label, service, builder(world, place) → (kwargs without the actor, the object changed or None)).
"""

from __future__ import annotations

CASES_SETUP: list = []
