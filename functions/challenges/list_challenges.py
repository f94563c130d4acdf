"""GET /api/v3/challenges?filter=joined|open|finished (extension): the caller's challenges, paged."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.challenges import service
from stride.challenges.views import ChallengeView, challenge_view
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/challenges",
    summary="List Challenges",
    description="`joined`: challenges you are in that have not ended, soonest to end first, with your progress; "
    "`finished`: yours that have ended, latest first; `open`: challenges you may join that have not ended "
    "(platform ones and group ones you are invited to), `joined` telling whether you are in. "
    "`page*per_page` at most 1,000.",
    tags=["Challenges"],
    responses=error_responses(422),
)
def list_challenges(
    filter: Annotated[Literal["joined", "open", "finished"], Query()] = "joined",  # noqa: A002 - the API's name
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 30,
) -> list[ChallengeView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    found = service.list_challenges(caller, filter, page, per_page)
    return [
        challenge_view(
            item.challenge,
            joined=item.participation is not None,
            participation=item.participation if filter != "open" else None,
        )
        for item in found
    ]


handler = api_handler(app)
