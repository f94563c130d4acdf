"""Operator CLI for the local cloud (reads `.stride/local.json` written by `make run`).

python -m infrastructure.cli create-user NAME PASSWORD [--email E] [--group G ...]
python -m infrastructure.cli token NAME PASSWORD [--id-token]
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3

from infrastructure.local_cloud.cloud import CREDENTIALS, STATE_DIR, STATE_FILE
from infrastructure.local_cloud.seed import create_user, sign_in


def _local() -> dict[str, str]:
    state = STATE_DIR / STATE_FILE
    if not state.exists():
        sys.exit("the local cloud is not running: start it with `make run`")
    return dict(json.loads(state.read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user", help="sign up and confirm an athlete")
    create.add_argument("username")
    create.add_argument("password")
    create.add_argument("--email")
    create.add_argument("--group", action="append", default=None, help="MEMBER (default), PREMIUM, COACH, ...")
    token = commands.add_parser("token", help="sign in and print an access token")
    token.add_argument("username")
    token.add_argument("password")
    token.add_argument("--id-token", action="store_true")
    args = parser.parse_args(argv)
    local = _local()
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=local["endpoint_url"],
        region_name=local["region"],
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    if args.command == "create-user":
        groups = tuple(args.group or ["MEMBER"])
        create_user(
            cognito,
            local["user_pool_id"],
            local["user_pool_client_id"],
            args.username,
            args.password,
            args.email or f"{args.username}@stride.local",
            groups,
        )
        print(f"created {args.username} in {', '.join(groups)}")  # noqa: T201
    else:
        tokens = sign_in(cognito, local["user_pool_client_id"], args.username, args.password)
        print(tokens["IdToken" if args.id_token else "AccessToken"])  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
