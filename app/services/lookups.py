"""Options only the service knows, for validating a step: makes, models, dealers, listings."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from app.services.inventory import InventoryService
from app.services.records import SessionRecord
from workflows.model import Step


class ServiceLookups:
    def __init__(self, inventory: InventoryService, listed: Collection[str] = ()) -> None:
        self._inventory = inventory
        self._listed = listed

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None:
        if source == "makes":
            return self._inventory.makes
        if source == "models":
            make = answers.get("make")
            return self._inventory.models.get(make) if isinstance(make, str) else None
        if source == "dealers":
            return {card.id for card in self._inventory.dealer_cards}
        if source == "listed_vehicles":
            return self._listed
        return None


async def lookups_for(
    inventory: InventoryService, record: SessionRecord, step: Step
) -> ServiceLookups:
    """Lookups for `step`; a results step lists every available match across its pages."""
    if step.results is None:
        return ServiceLookups(inventory)
    criteria = record.state.answers.get(step.results.criteria_from, {})
    listed = await inventory.listed_ids(criteria, ranked=step.results.ranked)
    return ServiceLookups(inventory, listed)
