"""Domain events: versioned pydantic contracts and the EventBridge publisher."""
