"""The event bus's moving parts: a fan-out of local subscribers over one broadcast backend,
and a Redis pub/sub backend that survives Redis restarts. `app.events` is the only user."""
