"""POST /api/v3/clubs/{id}/admins/{athlete_id} (extension): an admin makes a member an admin; with
``transfer_ownership=true`` the owner hands the club over (the old owner stays an admin)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.clubs import service
from stride.clubs.views import ClubAthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.store.athletes import AthleteRepository

app = make_resolver()


@app.post(
    "/api/v3/clubs/<club_id>/admins/<athlete_id>",
    summary="Promote Club Member",
    description="Admins promote members (403 otherwise); not a member: 404. Promoting an admin again changes "
    "nothing. transfer_ownership=true: the owner only.",
    tags=["Clubs"],
    responses=error_responses(403, 404, 409, 422),
)
def promote_club_admin(
    club_id: Annotated[int, Path(gt=0, lt=2**63)],
    athlete_id: Annotated[int, Path(gt=0, lt=2**63)],
    transfer_ownership: Annotated[bool, Query()] = False,
) -> ClubAthleteView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    member = service.promote(caller, club_id, athlete_id, transfer_ownership=transfer_ownership)
    return ClubAthleteView.from_domain(member, AthleteRepository().get(athlete_id))


handler = api_handler(app)
