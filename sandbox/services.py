"""The external services' names: the clients' breakers and logs, and the sandbox's routes
(`/sandbox/{name}/…`), use the same ones."""

from __future__ import annotations

VEHICLE_DATA = "vehicle-data"
CREDIT_BUREAU = "credit-bureau"
LEAD_CRM = "lead-crm"
DEALER_NETWORK = "dealer-network"
COMMUNICATIONS = "communications"
SERVICES = (VEHICLE_DATA, CREDIT_BUREAU, LEAD_CRM, DEALER_NETWORK, COMMUNICATIONS)
