"""GET /api/v3/challenges/{id}/leaderboard (extension): participants ranked best first, paged, with the caller's
entry and rank (read from digit counters: a bounded number of items whatever the number of participants)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.challenges import service
from stride.challenges.rules import UNITS
from stride.challenges.views import ChallengeLeaderboardEntryView, ChallengeLeaderboardView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


def _entry(row: service.RankedRow) -> ChallengeLeaderboardEntryView:
    return ChallengeLeaderboardEntryView(
        rank=row.rank, athlete_id=row.athlete_id, athlete_name=row.athlete_name, value=row.value
    )


@app.get(
    "/api/v3/challenges/<challenge_id>/leaderboard",
    summary="Get Challenge Leaderboard",
    description="Participants with something that counts, best first (segment_time: fastest first); ties share a "
    "rank. `athlete_entry` is yours. Athletes blocked either way are left out. `page*per_page` at most 1,000.",
    tags=["Challenges"],
    responses=error_responses(404, 422),
)
def get_challenge_leaderboard(
    challenge_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ChallengeLeaderboardView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, challenge_id=challenge_id)
    board = service.leaderboard(caller, challenge_id, page, per_page)
    return ChallengeLeaderboardView(
        challenge_id=board.challenge.id,
        unit=UNITS[board.challenge.kind],
        entry_count=board.entry_count,
        entries=[_entry(row) for row in board.entries],
        athlete_entry=_entry(board.mine) if board.mine else None,
    )


handler = api_handler(app)
