"""Stride benchmarks: `make bench` (or `python -m benchmarks [--quick]`).

Every number is printed beside a baseline measured the same way in the same run, and the whole result is written
to .stride/bench/latest.json:

1. ``benchmarks.imports``: cold-start import cost of each function in template.yaml vs ``import boto3`` and a bare
   Powertools REST handler, and which heavy modules each one pulls in.
2. ``benchmarks.cloud_latency``: latency and throughput of ``GET /api/v3/athlete`` through the local cloud vs
   ``GET /health`` (gateway floor) and a direct DynamoDB GetItem (moto floor), plus the cold starts it saw.
3. ``benchmarks.pipeline``: the upload pipeline (parse + metrics + streams) on generated 1k/10k/100k-point FIT
   and GPX rides (``benchmarks.synthetic``) vs pipelines built on fitparse and gpxpy, fitdecode's decode, and a
   raw decode floor; peak memory for 100k points; upload-to-ready latency on the local cloud.
"""
