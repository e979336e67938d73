"""The event bus's moving parts: a fan-out of local subscribers over one broadcast backend,
and a Redis pub/sub backend that survives Redis restarts. `app.bus.event_bus` is the only user."""
