"""`tuijin reconcile` on the demo lists exactly the planted differences (tuijin.reconciliation.demo.PLANTED),
and nothing else: the hand-made list below, by rule and the role each project plays in the demo."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.demo

# The hand-made list: rule → the planted projects (demo.py picks them by code and list; their codes come back
# in the demo's result). 2 not 入库, 2 amount differences, 1 duplicate pair, 1 start before approval, 1 over total.
EXPECTED = [
    ("not_in_stats", ["omitted"]),
    ("not_in_stats", ["not_in"]),
    ("amount", ["amount_up"]),
    ("amount", ["amount_down"]),
    ("duplicate", ["dup_a", "dup_b"]),
    ("start_before_approval", ["early_start"]),
    ("over_total", ["over_total"]),
]


def test_reconcile_lists_exactly_the_planted_differences(demo):
    codes = demo.reconciliation
    out = io.StringIO()
    call_command("reconcile", "--city", "镇江市", "--through", "2024-06", "--json", stdout=out)
    data = json.loads(out.getvalue())
    got = sorted((f["rule"], f["subject"]) for f in data["findings"])
    want = sorted(
        (rule, "|".join(sorted(codes[role] for role in roles))) for rule, roles in EXPECTED
    )
    assert got == want
    assert codes["small_diff"] not in {
        f["subject"] for f in data["findings"]
    }  # 2%: below the 5% threshold
    by = {(f["rule"], f["subject"]): f["figures"] for f in data["findings"]}
    # statistics = 80% of the report → +25.0%; 112% of the report → −12 / 112 = −10.7%
    assert by[("amount", codes["amount_up"])]["difference_pct"] == 25.0
    assert by[("amount", codes["amount_down"])]["difference_pct"] == -10.7
    assert by[("not_in_stats", codes["not_in"])]["stats_status"] == "未入库"
    assert by[("not_in_stats", codes["omitted"])]["stats_status"] is None
    over = by[("over_total", codes["over_total"])]
    assert (
        100 < over["excess"] < 200
        and over["since_start"] - over["total_investment"] == over["excess"]
    )
    assert data["counts"] == {"total": 7, "open": 7, "explained": 0, "resolved": 0}


def test_the_demo_bulletin_is_held_until_explained(demo, client):
    """镇江市 requires the findings explained before issuing: the bulletin page says 7 are open."""
    from tuijin.accounts.models import User

    client.force_login(User.objects.get(username="zj_admin"))
    html = client.get("/bulletins/?through=2024-06").content.decode()
    assert "差异 7 条, 未处理 7 条" in html and "尚有 7 条差异未处理" in html
    page = client.get("/reconciliation/?through=2024-06")
    assert page.status_code == 200 and "开工早于审批" in page.content.decode()
