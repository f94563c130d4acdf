"""Errors raised outside route resolution (auth wiring, idempotency storage) still answer a Fault, never a 500."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from stride.errors import MalformedRequestError, UnauthenticatedError
from stride.http.errors import fault_for
from stride.http.resolver import _idempotency_failure


def test_missing_identity_is_401_and_malformed_request_is_400() -> None:
    assert fault_for(UnauthenticatedError.about("no identity", "Athlete", "access_token", "missing")).status_code == 401
    assert fault_for(MalformedRequestError("bad header")).status_code == 400


def test_idempotency_failures_map_to_422_409_and_503_with_retry_after() -> None:
    # Given each way Powertools idempotency can fail; When mapped; Then the status says what the client should do
    reused = fault_for(_idempotency_failure(IdempotencyValidationError("x")))
    busy = fault_for(_idempotency_failure(IdempotencyAlreadyInProgressError("x")))
    down = fault_for(_idempotency_failure(IdempotencyPersistenceLayerError("x")))
    assert (reused.status_code, busy.status_code, down.status_code) == (422, 409, 503)
    assert "Retry-After" not in (reused.headers or {})
    assert busy.headers["Retry-After"] == down.headers["Retry-After"] == "1"
    assert json.loads(str(down.body))["errors"][0]["field"] == "Idempotency-Key"
