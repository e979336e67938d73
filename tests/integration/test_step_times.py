"""The medians of the progress estimate, read from the funnel's rollup on the real database."""

from __future__ import annotations

from app.bootstrap import bootstrap, now
from app.db.unit_of_work import SqlStorage
from app.services.step_times import MIN_VISITS, StepTimes
from app.settings import Settings
from tests.integration.test_funnel import SELLING, Visitor
from workflows.engine import Engine
from workflows.registry import definition


async def test_steps_with_enough_visits_get_their_median_and_the_estimate_follows(
    settings: Settings,
) -> None:
    container = await bootstrap(settings)
    try:
        for index in range(MIN_VISITS):
            visitor = await Visitor(container).start()
            # Everyone leaves the first step; one fewer than needed leaves the second.
            await visitor.walk(SELLING if index else SELLING[:1])
        await container.funnel.fold()
        times = StepTimes(SqlStorage(container.db), now)
        assert times.medians("trex", 2) == {}

        await times.refresh()

        medians = times.medians("trex", 2)
        assert set(medians) == {"intent_selection"}, medians
        assert 0 < medians["intent_selection"] < 5  # walked by a test, not read by a person
        engine = Engine(definition("trex", 2))
        state = engine.start(None)
        assert (
            engine.progress(state, medians).seconds_remaining
            < engine.progress(state).seconds_remaining
        )
    finally:
        await container.aclose()
