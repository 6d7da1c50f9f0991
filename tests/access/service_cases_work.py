"""Service-matrix cases (tests/access/test_service_matrix.py): problems, attraction, reminders, dossier, dashboard, geo.

Each case is (label, service, builder(world, place) → (kwargs without the actor, the object changed or None)).
"""

from __future__ import annotations

CASES_WORK: list = []
