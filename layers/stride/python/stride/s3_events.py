"""S3 notification plumbing shared by the S3-triggered functions."""

from __future__ import annotations

from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event


def object_keys(event: S3Event) -> list[tuple[str, str]]:
    """(bucket, key) of each record. Keys arrive URL-encoded (spaces as '+'; moto encodes '/' too)."""
    return [(record.s3.bucket.name, unquote_plus(record.s3.get_object.key)) for record in event.records]
