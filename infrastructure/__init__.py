"""Operator tooling: the local cloud and the CLI."""
