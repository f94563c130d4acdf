"""GET /api/v3/athletes/{id}/records: the athlete's segment PRs (3 fastest per segment) and, for the athlete
themself, their best-effort PRs (extension)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import records
from stride.segments.leaderboard_views import AthleteRecordsView, records_view

app = make_resolver()


@app.get(
    "/api/v3/athletes/<athlete_id>/records",
    summary="List Athlete Records",
    description="Segment PRs in segment-id order (page/per_page over segments) for whoever may see the athlete's "
    "profile (404 across a block, 403 for a private profile the caller does not follow); best_efforts only for "
    "the athlete themself (null for others).",
    tags=["Segments"],
    responses=error_responses(403, 404, 422),
)
def list_athlete_records(
    athlete_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> AthleteRecordsView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return records_view(records.athlete_records(caller, athlete_id, page, per_page))


handler = api_handler(app)
