"""DELETE /api/v3/athletes/{id}/mute: show the athlete's activities in the caller's feed again."""

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
    "/api/v3/athletes/<athlete_id>/mute",
    summary="Unmute Athlete",
    tags=["Social"],
    responses={204: {"description": "Not muted"}, **error_responses(403, 422)},
)
def unmute_athlete(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    graph.unmute(caller, athlete_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
