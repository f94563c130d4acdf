"""Challenges: rules (pure), scoring (the EventBridge consumer), the API service, badges and the trophy case."""
