"""Badges: an SVG drawn by the system for each challenge (name, kind, goal, colours from the kind), stored in the
media bucket, and the consumer of ``challenge.completed`` that writes the athlete's trophy.

The badge of a challenge is the same for everyone who completes it, so its key is the challenge's: writing it
again writes the same bytes (idempotent), and the trophy is a conditional put (written once)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from stride.challenges.models import Challenge, Trophy
from stride.challenges.rules import UNITS, Kind
from stride.challenges.scoring import get_repository
from stride.config import media_settings
from stride.store.challenges import ChallengeRepository

BADGE_PREFIX = "badges/challenges/"
VIEW_URL_SECONDS = 86_400
# Ring and face colours per kind (a badge is recognisable across a trophy case).
_COLOURS = {
    Kind.DISTANCE: ("#fc4c02", "#fff3ec"),
    Kind.MOVING_TIME: ("#0a84ff", "#eaf3ff"),
    Kind.ELEVATION: ("#2f9e44", "#ebf8ee"),
    Kind.ACTIVITY_COUNT: ("#7048e8", "#f1edfd"),
    Kind.LONGEST_ACTIVITY: ("#e8590c", "#fff0e6"),
    Kind.SEGMENT_TIME: ("#c92a2a", "#fdecec"),
    Kind.STREAK: ("#f59f00", "#fff8e6"),
}
_LABELS = {
    Kind.DISTANCE: "DISTANCE",
    Kind.MOVING_TIME: "TIME",
    Kind.ELEVATION: "CLIMBING",
    Kind.ACTIVITY_COUNT: "ACTIVITIES",
    Kind.LONGEST_ACTIVITY: "LONGEST",
    Kind.SEGMENT_TIME: "SEGMENT",
    Kind.STREAK: "STREAK",
}


def badge_key(challenge_id: int) -> str:
    """Where a challenge's badge lives in the media bucket (the only place this key is built)."""
    return f"{BADGE_PREFIX}{challenge_id}.svg"


def goal_text(kind: Kind, goal: float | None) -> str:
    if goal is None:
        return "FINISHER"
    if kind in (Kind.DISTANCE, Kind.LONGEST_ACTIVITY):
        return f"{goal / 1000:g} km"
    if kind is Kind.ELEVATION:
        return f"{goal:g} m"
    if kind is Kind.MOVING_TIME:
        return f"{goal / 3600:g} h"
    if kind is Kind.SEGMENT_TIME:
        minutes, seconds = divmod(int(goal), 60)
        return f"{minutes}:{seconds:02d}"
    return f"{goal:g} {UNITS[kind]}"


def _lines(name: str, width: int = 16, most: int = 3) -> list[str]:
    """The name wrapped on words into at most ``most`` lines (the last one cut with an ellipsis)."""
    lines: list[str] = []
    current = ""
    for word in name.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate[: width * 2]
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1][: width - 1] + "…"]
    return lines


def draw(challenge: Challenge) -> bytes:
    """The badge as SVG: a hexagon in the kind's colour, the kind, the challenge's name and its goal."""
    ring, face = _COLOURS[challenge.kind]
    names = _lines(challenge.name)
    first_y = 118 - 11 * (len(names) - 1)
    name_rows = "".join(
        f'<text x="100" y="{first_y + 22 * i}" font-size="17" font-weight="700" fill="#222">{escape(line)}</text>'
        for i, line in enumerate(names)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200" '
        'font-family="Helvetica, Arial, sans-serif" text-anchor="middle">'
        f"<title>{escape(challenge.name)}</title>"
        f'<polygon points="100,6 182,53 182,147 100,194 18,147 18,53" fill="{ring}"/>'
        f'<polygon points="100,20 170,61 170,139 100,180 30,139 30,61" fill="{face}"/>'
        f'<text x="100" y="62" font-size="13" font-weight="700" letter-spacing="2" fill="{ring}">'
        f"{_LABELS[challenge.kind]}</text>"
        f"{name_rows}"
        f'<text x="100" y="166" font-size="15" font-weight="700" fill="{ring}">'
        f"{escape(goal_text(challenge.kind, challenge.goal))}</text>"
        "</svg>"
    )
    return svg.encode("utf-8")


@cache
def _s3() -> Any:
    import boto3  # noqa: PLC0415 - only the functions that draw or link badges load it
    from botocore.config import Config  # noqa: PLC0415

    return boto3.client("s3", config=Config(signature_version="s3v4"))


def badge_url(key: str, s3: Any | None = None) -> str:
    """A time-limited URL to a badge (the media bucket stays private, as for profile pictures)."""
    url: str = (s3 or _s3()).generate_presigned_url(
        "get_object", Params={"Bucket": media_settings().media_bucket, "Key": key}, ExpiresIn=VIEW_URL_SECONDS
    )
    return url


def award(
    challenge_id: int,
    athlete_id: int,
    completed_at: datetime,
    repo: ChallengeRepository | None = None,
    s3: Any | None = None,
) -> bool:
    """Draw the challenge's badge into the media bucket and write the athlete's trophy. False: already awarded
    (a duplicate event). A challenge that no longer exists awards nothing."""
    repo = repo or get_repository()
    challenge = repo.get(challenge_id, consistent=True)
    if challenge is None:
        return False
    key = badge_key(challenge.id)
    (s3 or _s3()).put_object(
        Bucket=media_settings().media_bucket,
        Key=key,
        Body=draw(challenge),
        ContentType="image/svg+xml",
        CacheControl="public, max-age=86400",
    )
    trophy = Trophy(challenge.id, athlete_id, challenge.name, challenge.kind, challenge.goal, key, completed_at)
    return repo.put_trophy(trophy)
