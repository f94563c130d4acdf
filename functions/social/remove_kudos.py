"""DELETE /api/v3/activities/{id}/kudos: take back one's kudos (Stride extension); 404 if none was given."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import reactions

app = make_resolver()


@app.delete(
    "/api/v3/activities/<activity_id>/kudos",
    summary="Remove Kudos",
    tags=["Social"],
    responses={204: {"description": "Kudos removed"}, **error_responses(403, 404, 409, 422)},
)
def remove_kudos(activity_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    reactions.remove_kudos(caller, activity_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
