"""GET /api/v3/athletes/{id}/trophies (extension): the athlete's trophy case, completed challenges with badges."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.challenges import service
from stride.challenges.badges import badge_url
from stride.challenges.views import TrophyView, trophy_view
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/athletes/<athlete_id>/trophies",
    summary="List Athlete Trophies",
    description="Completed challenges, newest challenge first, each with a time-limited `badge_url` (SVG). A "
    "private profile shows them to its followers only (403); a block hides the athlete (404).",
    tags=["Challenges"],
    responses=error_responses(403, 404, 422),
)
def list_athlete_trophies(
    athlete_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 30,
) -> list[TrophyView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return [trophy_view(t, badge_url(t.badge_key)) for t in service.trophies(caller, athlete_id, page, per_page)]


handler = api_handler(app)
