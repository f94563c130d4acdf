"""DELETE /api/v3/clubs/{id}/join: leave a club (or withdraw a join request). The owner hands the club over first
(409). The member's entries leave the club feed and this week's board (asynchronously)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.clubs import service
from stride.clubs.views import MembershipView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/clubs/<club_id>/join",
    summary="Leave Club",
    description="Not a member (any more) is not an error. The owner cannot leave (409): promote another member "
    "with transfer_ownership=true first.",
    tags=["Clubs"],
    responses=error_responses(404, 409, 422),
)
def leave_club(club_id: Annotated[int, Path(gt=0, lt=2**63)]) -> MembershipView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    return MembershipView.from_domain(service.leave(caller, club_id))


handler = api_handler(app)
