"""GET /api/v3/feed (Stride extension): the home feed, newest first, paged with a signed cursor."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.feed import timeline
from stride.feed.views import FeedPageView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get("/api/v3/feed", summary="Get Home Feed", tags=["Feed"], responses=error_responses(400, 422))
def get_feed(
    per_page: Annotated[int, Query(ge=1, le=timeline.MAX_PER_PAGE)] = timeline.DEFAULT_PER_PAGE,
    cursor: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
) -> FeedPageView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    page = timeline.read_page(caller, per_page, cursor)
    logger.info("feed page read", entries=len(page.entries), items_read=page.items_read, **page.sources)
    return FeedPageView(entries=page.entries, next_cursor=page.next_cursor)


handler = api_handler(app)
