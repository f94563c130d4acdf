"""GET /api/v3/athlete/privacy (extension): the signed-in athlete's privacy zones and hidden start/end."""

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.privacy import settings
from stride.privacy.views import PrivacyView

app = make_resolver()


@app.get(
    "/api/v3/athlete/privacy",
    summary="Get Map Privacy",
    description="Needs activity:read_all (privacy zones locate the athlete).",
    tags=["Athletes"],
    responses=error_responses(403),
)
def get_privacy() -> PrivacyView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return PrivacyView.from_domain(settings.get_privacy(caller))


handler = api_handler(app)
