"""Notifications: social events become per-athlete notifications, read in the app and pushed to phones."""
