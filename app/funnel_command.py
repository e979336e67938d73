"""`trex funnel --site <id> --from YYYY-MM-DD --to YYYY-MM-DD [--workflow …] [--json]`: the
operator's funnel of one site (or all, `--site` left out) over the days from `--from` to before
`--to`, as a table or as JSON. It folds what the history holds first, so it is exact."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

from app.settings import Settings
from workflows import registry
from workflows.funnel import FunnelReport


class FunnelRefused(Exception):
    """An unknown site, or a period that ends before it starts (the message says)."""


async def funnel_report(
    settings: Settings, site_id: str | None, since: date, until: date, workflow: str | None
) -> FunnelReport:
    from app.bootstrap import now, prepare_database
    from app.db.unit_of_work import SqlStorage
    from app.services.funnel import Funnel
    from app.services.host_sites import HostSites

    if until <= since:
        raise FunnelRefused("--to must be after --from (it is excluded).")
    db = await prepare_database(settings)
    storage = SqlStorage(db)
    try:
        if site_id is not None:
            async with storage.read() as uow:
                if await uow.sites.get(site_id) is None:
                    raise FunnelRefused(f"No host site {site_id!r}.")
        funnel = Funnel(storage, HostSites(storage, now), registry.default(), now)
        return await funnel.report(since, until - timedelta(days=1), site_id, workflow)
    finally:
        await db.dispose()


def as_json(report: FunnelReport) -> str:
    return json.dumps(dataclasses.asdict(report), indent=2, default=str) + "\n"


def as_table(report: FunnelReport) -> str:
    lines = [f"sessions started {report.first_day} to {report.last_day} (UTC)"]
    if not report.funnels:
        lines.append("no session started")
    for funnel in report.funnels:
        key = funnel.key
        lines += [
            "",
            f"{key.site_id} {key.workflow} v{key.version} ({key.variant}): "
            f"{funnel.started} started, {funnel.leads} reached a lead",
            f"{'step':<24}{'reached':>9}{'stopped':>9}{'median s':>11}{'p90 s':>11}",
        ]
        lines += [
            f"{s.step:<24}{s.reached:>9}{s.dropped:>9}{_seconds(s.median_seconds):>11}"
            f"{_seconds(s.p90_seconds):>11}"
            for s in funnel.steps
            if s.reached
        ]
        lines += [
            f"{b.name}: " + ", ".join(f"{option} {n}" for option, n in b.options)
            for b in funnel.branches
        ]
    return "\n".join(lines) + "\n"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
