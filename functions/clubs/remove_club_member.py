"""DELETE /api/v3/clubs/{id}/members/{athlete_id} (extension): an admin removes a member (204). Only the owner
removes an admin; nobody removes the owner."""

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
    "/api/v3/clubs/<club_id>/members/<athlete_id>",
    summary="Remove Club Member",
    description="Admins only (403); not a member: 404. The member's entries leave the club feed and this week's "
    "board (asynchronously).",
    tags=["Clubs"],
    responses={204: {"description": "Removed"}, **error_responses(403, 404, 409, 422)},
)
def remove_club_member(
    club_id: Annotated[int, Path(gt=0, lt=2**63)], athlete_id: Annotated[int, Path(gt=0, lt=2**63)]
) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    service.remove_member(caller, club_id, athlete_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
