"""The one logger, tracer and metrics object every function shares (service name comes from the template)."""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger(utc=True)
tracer = Tracer()
metrics = Metrics()

__all__ = ["logger", "metrics", "tracer"]

# A function that records no business metric on some invocations is normal; the cold-start metric still flows.
warnings.filterwarnings("ignore", message="No application metrics to publish")
