"""GET /api/v3/athlete/suggestions: athletes to follow, friends of friends ranked by shared connections."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import suggestions
from stride.social.views import SuggestedAthleteView, suggestion_views

app = make_resolver()


@app.get(
    "/api/v3/athlete/suggestions",
    summary="Suggested Athletes",
    description="Computed after each follow change (eventually consistent); at most 50.",
    tags=["Social"],
    responses=error_responses(422),
)
def get_suggestions(
    page: Annotated[int, Query(ge=1, le=50)] = 1,
    per_page: Annotated[int, Query(ge=1, le=50)] = 30,
) -> list[SuggestedAthleteView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return suggestion_views(suggestions.for_caller(caller, page, per_page))


handler = api_handler(app)
