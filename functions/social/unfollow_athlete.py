"""DELETE /api/v3/athletes/{id}/follow: stop following an athlete, or cancel a pending follow request."""

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
    "/api/v3/athletes/<athlete_id>/follow",
    summary="Unfollow Athlete",
    description="Not following (any more) is not an error: the answer is 204 either way.",
    tags=["Social"],
    responses={204: {"description": "Not following"}, **error_responses(403, 409, 422)},
)
def unfollow_athlete(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    graph.unfollow(caller, athlete_id, correlation_id=app.current_event.request_context.request_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
