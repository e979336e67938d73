"""Progress as time: every step tells the visitor the time left, and it falls as they move on
along the shortest way to the end."""

from __future__ import annotations

import re
from itertools import pairwise

from tests.e2e.client import Api
from tests.e2e.walk import ANSWERS, route_to

A_TIME = re.compile(r"^(About \d+ minutes? left|Less than a minute left)$")


async def test_the_time_left_is_shown_from_the_first_step_and_falls_to_almost_done(
    api: Api,
) -> None:
    flow = await api.start()
    first = flow.step["navigation"]["progress"]
    assert A_TIME.match(first["remainingText"]), first
    assert first["secondsRemaining"] > 60, first

    seen = [first]
    for source, target in route_to("selling_complete"):
        assert flow.step_id == source, flow.step
        await flow.submit(ANSWERS[(source, target)](flow.step))
        assert flow.step_id == target, flow.step
        seen.append(flow.step["navigation"]["progress"])

    seconds = [progress["secondsRemaining"] for progress in seen]
    assert all(later < earlier for earlier, later in pairwise(seconds)), seen
    assert all(A_TIME.match(progress["remainingText"]) for progress in seen[:-1]), seen
    assert seen[-2]["remainingText"] == "Less than a minute left", seen
    assert (seen[-1]["secondsRemaining"], seen[-1]["remainingText"]) == (0, "Almost done")
