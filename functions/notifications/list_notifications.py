"""GET /api/v3/notifications: the caller's notifications, newest first, with an opaque cursor and unread_count."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.notifications import service
from stride.notifications.views import NotificationListView, decode_cursor
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/notifications",
    summary="List Notifications",
    tags=["Notifications"],
    responses=error_responses(400, 403, 422),
)
def list_notifications(
    cursor: Annotated[str | None, Query(max_length=64, description="next_cursor of the previous page")] = None,
    per_page: Annotated[int, Query(ge=1, le=100)] = 30,
) -> NotificationListView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    page = service.list_notifications(caller, per_page, decode_cursor(cursor))
    return NotificationListView.from_page(page)


handler = api_handler(app)
