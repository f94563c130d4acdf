"""Demo data of live tracking: alice is live on a short ride along Lake Geneva (bob, who follows her, sees her in
GET /api/v3/live/following and can watch or cheer). Everything through the public API, as the app does."""

from __future__ import annotations

import time
from typing import Any

import requests

STEP_DEG = 6.0 / 111_195  # 6 m a second, eastwards-ish along the shore
ORIGIN = (46.5070, 6.6260)


def seed_live(api_url: str, headers_of: dict[str, dict[str, str]], ids: dict[str, Any]) -> int | None:
    """Start alice's live session and post a minute of points; the session's id (None if alice is absent)."""
    headers = headers_of.get("alice")
    if headers is None:
        return None
    started = requests.post(
        f"{api_url}/api/v3/live/sessions",
        json={"sport_type": "Ride", "name": "Lunch ride, live", "audience": "followers"},
        headers=headers,
        timeout=30,
    )
    if started.status_code == 409:  # already live from an earlier seed
        return None
    started.raise_for_status()
    session_id = int(started.json()["id"])
    t0 = time.time() - 55
    points = [
        {"time": round(t0 + i, 3), "lat": ORIGIN[0] + i * STEP_DEG * 0.2, "lng": ORIGIN[1] + i * STEP_DEG * 1.4,
         "altitude": 372.0, "heartrate": 128 + i % 7}
        for i in range(55)
    ]  # fmt: skip
    response = requests.post(
        f"{api_url}/api/v3/live/sessions/{session_id}/points",
        json={"points": points, "battery": 87},
        headers=headers,
        timeout=30,
    )
    response.raise_for_status()
    return session_id
