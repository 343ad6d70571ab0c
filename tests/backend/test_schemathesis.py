"""Property-based conformance: schemathesis generates requests from openapi.yaml and checks that the
running server answers only documented status codes, bodies that match the response schemas, and
never a 5xx. Example counts are small so CI stays fast; `--full` (or SCHEMATHESIS_EXAMPLES=N) runs more."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from tests.backend.refserver import Server

DOC = Path(__file__).resolve().parents[2] / "resources" / "api" / "openapi.yaml"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
FULL_EXAMPLES = 200  # with --full
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance,
          response_headers_conformance]




# tus PATCH bodies are raw bytes: encode them like application/octet-stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

OPERATIONS = [r.ok().label for r in schemathesis.openapi.from_path(DOC).get_all_operations()]


@pytest.fixture(scope="module")
def desk_headers(server: Server) -> dict:
    c = server.client()
    return {"Authorization": f"Bearer {c.token['access_token']}"}


@pytest.mark.parametrize("label", OPERATIONS)
def test_server_conforms_to_the_document(server: Server, desk_headers: dict, label: str,
                                         full_run: bool) -> None:
    api = schemathesis.openapi.from_path(DOC)
    api.config.update(base_url=server.url)
    (op,) = [r.ok() for r in api.get_all_operations() if r.ok().label == label]

    @given(case=op.as_strategy())
    @settings(max_examples=FULL_EXAMPLES if full_run else EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def run(case) -> None:
        case.call_and_validate(headers=desk_headers, checks=CHECKS, timeout=30)

    run()
