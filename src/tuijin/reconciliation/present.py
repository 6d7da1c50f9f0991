"""The reconciliation as plain data: the JSON of `tuijin reconcile --json` (documented in docs/reconciliation.md).
Amounts are 万元, rounded once to 2 places (half up), as recorded; percentages to 1 place."""

from __future__ import annotations

import datetime
from decimal import Decimal

from tuijin.core.numbers import number_for_json, quantize

from .rules import Reconciliation

PLACES = {"difference_pct": 1}


def _value(key: str, value):
    if isinstance(value, Decimal):
        return number_for_json(quantize(value, PLACES.get(key, 2)))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def present(r: Reconciliation) -> dict:
    return {
        "city": r.city.name,
        "through": r.through,
        "threshold": {
            "kind": r.threshold.kind,
            "value": _value("threshold", r.threshold.value),
            "text": str(r.threshold),
        },
        "statistics_rows": r.statistics_rows,
        "approval_rows": r.approval_rows,
        "counts": {
            "total": len(r.findings),
            "open": r.open,
            "explained": r.explained,
            "resolved": r.resolved,
        },
        "findings": [
            {
                "rule": f.rule,
                "rule_label": f.rule_label,
                "subject": f.subject,
                "projects": [
                    {"code": p.code, "name": p.name, "unit": p.unit.name} for p in f.projects
                ],
                "text": f.text,
                "figures": {k: _value(k, v) for k, v in f.figures.items()},
                "status": f.status,
                "status_label": f.status_label,
                "note": f.note,
                "noted_by": f.noted_by,
                "noted_at": f.noted_at.isoformat() if f.noted_at else None,
            }
            for f in r.findings
        ],
    }
