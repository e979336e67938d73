"""What the processes of one deployment share, in memory on one machine or in Redis when several
serve: the event bus (`event_bus`: a fan-out of local subscribers over one broadcast backend, and
a Redis pub/sub backend that survives Redis restarts), the rate counts (`rate_limiter`) and the
websocket slots (`socket_slots`). The only package that imports `redis` or `broadcaster`."""
