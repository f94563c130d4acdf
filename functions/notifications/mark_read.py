"""PUT /api/v3/notifications/{id}/read: mark one of the caller's notifications read (another's is a 404)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.notifications import service
from stride.notifications.views import NotificationReadView
from stride.observability import logger

app = make_resolver()


@app.put(
    "/api/v3/notifications/<notification_id>/read",
    summary="Mark Notification Read",
    tags=["Notifications"],
    responses=error_responses(403, 404, 422),
)
def mark_read(notification_id: Annotated[int, Path(gt=0, lt=2**63)]) -> NotificationReadView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    notification = service.mark_read(caller, notification_id)
    return NotificationReadView(id=notification.id, read=True)


handler = api_handler(app)
