"""`make run`: the whole Stride backend on 127.0.0.1, with demo athletes, until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from dataclasses import asdict

from infrastructure.local_cloud.cloud import STATE_DIR, LocalCloud
from infrastructure.local_cloud.seed import DEMO_PASSWORD, seed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000, help="API gateway port")
    parser.add_argument("--moto-port", type=int, default=5050)
    parser.add_argument("--websocket-port", type=int, default=3001, help="WebSocket API port")
    parser.add_argument("--no-seed", action="store_true", help="do not create the demo athletes and activities")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("werkzeug", "botocore", "samtranslator"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    cloud = LocalCloud(
        host=args.host,
        api_port=args.port,
        moto_port=args.moto_port,
        websocket_port=args.websocket_port,
        state_dir=STATE_DIR,
    )
    info = cloud.start()
    print(json.dumps(asdict(info), indent=2), flush=True)  # noqa: T201 - the operator reads this
    if not args.no_seed:
        athletes = seed(cloud.client("cognito-idp"), info.user_pool_id, info.user_pool_client_id, info.api_url)
        print(f"demo athletes (password {DEMO_PASSWORD}):", flush=True)  # noqa: T201
        for athlete in athletes:
            print(
                f"  {athlete['username']:<6} id {athlete['athlete_id']}  {', '.join(athlete['groups'])}",  # noqa: T201
                flush=True,
            )
    websocket = f"  WebSocket {info.websocket_url}" if info.websocket_url else ""
    print(f"Stride is up: API {info.api_url}  Swagger UI {info.swagger_url}{websocket}  (Ctrl-C stops)", flush=True)  # noqa: T201
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    cloud.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
