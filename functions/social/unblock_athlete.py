"""DELETE /api/v3/athletes/{id}/block: unblock an athlete (follows removed by the block are not restored)."""

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
    "/api/v3/athletes/<athlete_id>/block",
    summary="Unblock Athlete",
    tags=["Social"],
    responses={204: {"description": "Not blocked"}, **error_responses(403, 422)},
)
def unblock_athlete(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    graph.unblock(caller, athlete_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
