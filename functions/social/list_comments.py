"""GET /api/v3/activities/{id}/comments: Strava's List Activity Comments (Comment, oldest first), page/per_page."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import reactions
from stride.social.reaction_views import CommentView

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>/comments",
    summary="List Activity Comments",
    description="Oldest first. Comments by athletes hidden from the caller (blocked either way) are left out.",
    tags=["Activities"],
    responses=error_responses(404, 422),
)
def list_comments(
    activity_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
    markdown: Annotated[int, Query(ge=0, le=1, description="Accepted for Strava compatibility")] = 0,
) -> list[CommentView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    return [CommentView.from_domain(c) for c in reactions.list_comments(caller, activity_id, page, per_page)]


handler = api_handler(app)
