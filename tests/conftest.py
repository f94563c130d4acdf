"""Root fixtures. Unit tests get placeholder settings; integration tests start the local cloud once."""

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
# Real device files (and broken ones in bad/), kept beside the checkout: ../shared/corpus (see its MANIFEST.md).
CORPUS = ROOT.parent / "shared" / "corpus"

# Settings the domain layer validates at import (set before any stride import, as Lambda does at cold start).
os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "TABLE_NAME": "stride-unit",
        "EVENT_BUS_NAME": "stride",
        "UPLOADS_BUCKET": "uploads",
        "MEDIA_BUCKET": "media",
        "USER_POOL_ID": "pool",
        "AVATAR_MAX_BYTES": "1024",
        "UPLOAD_MAX_BYTES": "26214400",
        "UPLOAD_UNCOMPRESSED_MAX_BYTES": "104857600",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Stride",
        "POWERTOOLS_DEV": "false",
    }
)


def load_event(relative: str) -> dict:
    """One sample event from events/<source>/<case>.json (shared with `make invoke` and `sam local invoke -e`)."""
    return json.loads((EVENTS / relative).read_text())
