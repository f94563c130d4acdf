"""DELETE /api/v3/clubs/{id}/requests/{athlete_id} (extension): an admin denies a join request (204)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.clubs import service
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/clubs/<club_id>/requests/<athlete_id>",
    summary="Deny Club Join Request",
    description="Admins only (403); no such request: 404.",
    tags=["Clubs"],
    responses={204: {"description": "Denied"}, **error_responses(403, 404, 422)},
)
def deny_join_request(
    club_id: Annotated[int, Path(gt=0, lt=2**63)], athlete_id: Annotated[int, Path(gt=0, lt=2**63)]
) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    service.decide_request(caller, club_id, athlete_id, approve=False)
    return Response(status_code=204, body="")


handler = api_handler(app)
