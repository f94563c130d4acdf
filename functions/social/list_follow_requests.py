"""GET /api/v3/athlete/follow_requests: athletes waiting for the caller (a private profile) to approve them."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.accounts.views import AthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import graph
from stride.social.views import athlete_views

app = make_resolver()


@app.get(
    "/api/v3/athlete/follow_requests",
    summary="List Follow Requests",
    tags=["Social"],
    responses=error_responses(422),
)
def list_follow_requests(
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[AthleteView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return athlete_views(graph.follow_requests(caller, page, per_page))


handler = api_handler(app)
