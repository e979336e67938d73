"""`trex webhooks add|list|remove|rotate|deliveries|replay --site <id> …`: a host site's webhook
endpoints and delivery log from the operator's shell, the same rules as the API's (URLs
https-only in production, a secret shown once). Prints JSON; a refusal exits 2 naming the rule.
A replay is picked up by the running server's or worker's relay (within its poll)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from app.settings import Settings
from workflows.webhooks import DeliveryInfo, EndpointWithSecret, WebhookEndpointInfo


def add_parser(commands: Any) -> None:
    """The `webhooks` subcommand and its actions, on the CLI's subparsers."""
    hooks = commands.add_parser("webhooks", help="a host site's webhook endpoints and deliveries")
    actions = hooks.add_subparsers(dest="action", required=True)

    def action(name: str, help_: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help_)
        parser.add_argument("--site", required=True, help="the host site's id")
        return parser

    action("add", "register an endpoint; prints its signing secret, once").add_argument(
        "--url", required=True
    )
    action("list", "the site's endpoints")
    action("remove", "remove an endpoint").add_argument("--endpoint", required=True)
    action("rotate", "a new secret (printed once); the old one signs for a grace period")
    actions.choices["rotate"].add_argument("--endpoint", required=True)
    log = action("deliveries", "the delivery log, newest first")
    log.add_argument("--endpoint", help="one endpoint's only")
    log.add_argument("--limit", type=int, default=50)
    action("replay", "send one delivery again (same webhook-id)").add_argument(
        "--delivery", required=True
    )


async def run(settings: Settings, args: argparse.Namespace) -> object:
    """`WebhookRefused` (naming the field and rule) for bad input or an unknown site."""
    from app.bootstrap import now, prepare_database
    from app.db.unit_of_work import SqlStorage
    from app.services.host_sites import HostSites
    from app.services.webhooks import UrlRules, Webhooks

    db = await prepare_database(settings)
    try:
        storage = SqlStorage(db)
        webhooks = Webhooks(
            storage,
            HostSites(storage, now),
            now,
            rules=UrlRules(https_only=settings.production),
            grace=timedelta(hours=settings.webhooks.rotation_grace_hours),
        )
        site = args.site
        if args.action == "add":
            return _issued(await webhooks.add(site, args.url))
        if args.action == "list":
            return [_endpoint(e) for e in await webhooks.endpoints(site)]
        if args.action == "remove":
            await webhooks.remove(site, args.endpoint)
            return {"removed": args.endpoint}
        if args.action == "rotate":
            return _issued(await webhooks.rotate(site, args.endpoint))
        if args.action == "deliveries":
            found = await webhooks.deliveries(site, args.endpoint, args.limit)
            return [_delivery(d) for d in found]
        return _delivery(await webhooks.replay(site, args.delivery))
    finally:
        await db.dispose()


def _endpoint(endpoint: WebhookEndpointInfo) -> dict[str, object]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in asdict(endpoint).items()}


def _delivery(delivery: DeliveryInfo) -> dict[str, object]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in asdict(delivery).items()}


def _issued(issued: EndpointWithSecret) -> dict[str, object]:
    return {**_endpoint(issued.endpoint), "secret": issued.secret}
