"""The home feed: fan-out on write for most athletes, merge at read time for popular ones (AP35-AP39)."""
