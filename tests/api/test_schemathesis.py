"""schemathesis against the OpenAPI document, in process, on the hand-made world, with a city administrator's
token, with every check: no 5xx, every response conforms to the document (status, content type, schema,
headers), data that breaks the document (wrong types, `false` for a number, unknown fields, out-of-range
values) is refused, and data that fits it is accepted — or refused by a business rule with one of the
statuses the document declares for that (409 conflict, 422 invalid input: a planned start month without a
planned start, a stage that goes backwards …), whose body is itself checked against the document's ErrorOut.

Bounded and reproducible: 20 derandomized examples per operation (about a minute in all). (The document is
read once at import: schemathesis' lazy `from_fixture` loader does not run under pytest 9.)"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tuijin.wsgi import application

# Schema-valid data may still break a business rule: 409 and 422 are the documented answers for that.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case, world, livelihood_programme):
    case.call_and_validate(headers={"Authorization": f"Bearer {world.tokens['city_admin']}"})
