"""schemathesis against the OpenAPI document, in process, on the hand-made world, with a city
administrator's token: no 5xx, every response conforms to the document (status, content type, schema,
headers), and data that breaks the document (wrong types, unknown fields, out-of-range values) is refused.

Bounded and reproducible: 20 derandomized examples per operation. (The document is read once at import:
schemathesis' lazy `from_fixture` loader does not run under pytest 9.)"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tuijin.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case, world, livelihood_programme):
    # Every check but "schema-valid data is accepted": the services refuse valid-looking data on business rules
    # (a planned start month without a planned start, a stage that goes backwards …), with a 422 that is
    # itself checked against the document.
    case.call_and_validate(headers={"Authorization": f"Bearer {world.tokens['city_admin']}"},
                           excluded_checks=[positive_data_acceptance])
