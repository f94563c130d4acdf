"""Demo data of challenges: a platform distance challenge created by admin (this month, runs and rides), which
alice and bob join; each logs a manual activity inside the window, so the leaderboard has two entries once the
scoring function has run. Everything through the public API, as the app does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import requests


def seed_challenges(api_url: str, headers_of: dict[str, dict[str, str]], ids: dict[str, Any]) -> int | None:
    """Create the challenge, join alice and bob, log one activity each; the challenge's id (None without admin)."""
    admin = headers_of.get("admin")
    if admin is None:
        return None
    today = datetime.now(UTC).date()
    created = requests.post(
        f"{api_url}/api/v3/challenges",
        json={
            "name": "December distance: 200 km",
            "description": "Run or ride 200 km before the month is out.",
            "challenge_type": "distance",
            "visibility": "platform",
            "start_date_local": (today - timedelta(days=14)).isoformat(),
            "end_date_local": (today + timedelta(days=28)).isoformat(),
            "timezone": "Europe/Madrid",
            "sport_types": ["Run", "TrailRun", "Ride", "GravelRide"],
            "goal": 200_000,
        },
        headers=admin,
        timeout=30,
    )
    created.raise_for_status()
    challenge_id = int(created.json()["id"])
    yesterday = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0, tzinfo=None)
    logged = {"alice": ("Run", 12_000, 3_600), "bob": ("Ride", 48_000, 6_000)}
    for username, (sport, distance, seconds) in logged.items():
        headers = headers_of.get(username)
        if headers is None or username not in ids:
            continue
        requests.post(
            f"{api_url}/api/v3/challenges/{challenge_id}/join", headers=headers, timeout=30
        ).raise_for_status()
        requests.post(
            f"{api_url}/api/v3/activities",
            data={
                "name": f"Challenge {sport.lower()}",
                "sport_type": sport,
                "start_date_local": yesterday.isoformat(),
                "elapsed_time": str(seconds),
                "distance": str(distance),
            },
            headers=headers,
            timeout=30,
        ).raise_for_status()
    return challenge_id
