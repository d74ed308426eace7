"""Property-based test of the whole JSON API (``/api/v1/`` and Open311) from its one OpenAPI
document: schemathesis generates requests for every operation and no answer may be a 5xx.

Bounded for ``make test``: a fixed number of examples per operation and a fixed seed
(``derandomize``), so a run takes seconds and fails the same way twice.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from pocketcouncil.core.api import api
from pocketcouncil.core.testing import examples

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = examples(20)


@pytest.fixture
def api_schema():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return schemathesis.openapi.from_dict(dict(document))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors(case, http_server):
    response = case.call(base_url=http_server, timeout=10)
    case.validate_response(response, checks=[not_a_server_error])
