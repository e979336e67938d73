"""Clients for the external services (vehicle data, credit bureau, lead CRM, dealer network,
communications): httpx behind per-service circuit breakers, with timeouts and bounded retries."""
