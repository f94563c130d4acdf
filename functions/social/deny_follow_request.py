"""DELETE /api/v3/athlete/follow_requests/{athlete_id}: deny a pending follow request."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import graph

app = make_resolver()


@app.delete(
    "/api/v3/athlete/follow_requests/<athlete_id>",
    summary="Deny Follow Request",
    tags=["Social"],
    responses={204: {"description": "No such request any more"}, **error_responses(403, 422)},
)
def deny_follow_request(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    graph.deny_request(caller, athlete_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
