"""GET /api/v3/athlete: the signed-in athlete (DetailedAthlete), created on first use."""

from stride.accounts import avatars, service
from stride.accounts.views import AthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get("/api/v3/athlete", summary="Get Authenticated Athlete", tags=["Athletes"], responses=error_responses())
def get_athlete() -> AthleteView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    athlete, detail = service.get_own_profile(caller)
    return AthleteView.from_domain(athlete, detail, avatars.picture_url(athlete))


handler = api_handler(app)
