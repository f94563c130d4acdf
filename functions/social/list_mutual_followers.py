"""GET /api/v3/athletes/{id}/mutual_followers: athletes the caller follows who follow the athlete."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.accounts.views import AthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import graph
from stride.social.views import athlete_views

app = make_resolver()


@app.get(
    "/api/v3/athletes/<athlete_id>/mutual_followers",
    summary="List Mutual Followers",
    tags=["Social"],
    responses=error_responses(403, 404, 422),
)
def list_mutual_followers(
    athlete_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[AthleteView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return athlete_views(graph.mutual_followers(caller, athlete_id, page, per_page))


handler = api_handler(app)
