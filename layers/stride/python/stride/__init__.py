"""Stride's domain layer: one package per bounded context, shared by every Lambda function."""
