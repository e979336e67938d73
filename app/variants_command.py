"""`trex host-site variants --id <site> --split "a=1:50,b=2:50" | --clear`: which versions of
the workflow a host site's new sessions start on (workflows/variants.py), checked against the
definitions this build ships. Prints the site with its variants as JSON; a refusal exits 2
naming the rule. Running servers read a site's variants at each start: no notice is needed."""

from __future__ import annotations

import argparse
from typing import Any

from app.settings import Settings
from workflows.variants import VariantsRefused

WORKFLOW = "trex"


def add_parser(site_commands: Any) -> None:
    """The `variants` action, on `trex host-site`'s subparsers."""
    variants: argparse.ArgumentParser = site_commands.add_parser(
        "variants", help="the versions a site's new sessions start on (an A/B split)"
    )
    variants.add_argument("--id", required=True, help="the host site's id")
    choice = variants.add_mutually_exclusive_group(required=True)
    choice.add_argument(
        "--split",
        help="name=version:weight, comma-separated: 'a=1:50,b=2:50' (one variant pins a version)",
    )
    choice.add_argument("--clear", action="store_true", help="back to the current version")


async def run(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    """`VariantsRefused` naming the rule, or naming the site when there is no such site."""
    from app.bootstrap import now, prepare_database
    from app.db.unit_of_work import SqlStorage
    from app.services.host_sites import HostSites
    from app.services.site_variants import configure
    from workflows import registry

    db = await prepare_database(settings)
    try:
        sites = HostSites(SqlStorage(db), now)
        split = None if args.clear else args.split
        site = await configure(sites, registry.default(), WORKFLOW, args.id, split)
    finally:
        await db.dispose()
    if site is None:
        raise VariantsRefused(f"No host site {args.id!r}.", field="id", rule="exists")
    return {
        "id": site.id,
        "name": site.name,
        "variants": [
            {"name": v.name, "version": v.version, "weight": v.weight} for v in site.variants
        ],
    }
