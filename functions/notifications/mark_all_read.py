"""POST /api/v3/notifications/read: mark every unread notification of the caller read."""

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.notifications import service
from stride.notifications.views import MarkAllReadView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/notifications/read",
    summary="Mark All Notifications Read",
    tags=["Notifications"],
    responses=error_responses(403),
)
def mark_all_read() -> MarkAllReadView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return MarkAllReadView(marked=service.mark_all_read(caller))


handler = api_handler(app)
