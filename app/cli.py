"""`trex`: serve the API, run the sandbox, manage host sites and their webhooks, print the graph and
the schema."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.erase_command import ErasureRefused, erase
from app.flows_command import FlowsRefused
from app.flows_command import add_parser as add_flows_parser
from app.flows_command import run as run_flows
from app.funnel_command import FunnelRefused, as_json, as_table, funnel_report
from app.replay_command import add_parser as add_replay_parser
from app.replay_command import is_replay
from app.replay_command import run as run_replay
from app.services.flow_migration import MigrationRefused
from app.services.replay import ReplayRefused
from app.services.site_origins import InvalidOrigin
from app.services.versions import VersionsMissing
from app.settings import Settings, UnsafeSettings
from app.telemetry.logs import configure as configure_logging
from app.telemetry.logs import uses_json
from app.variants_command import add_parser as add_variants_parser
from app.variants_command import run as run_variants
from app.webhooks_command import add_parser as add_webhooks_parser
from app.webhooks_command import run as run_webhooks
from vehicles.demo_stock import DEMO_SEED, generate_inventory
from workflows import registry
from workflows.checker import DefinitionError, ensure_valid
from workflows.graph import to_mermaid
from workflows.registry import UnknownVersion
from workflows.serialization import FormatError
from workflows.variants import VariantsRefused
from workflows.webhooks import WebhookRefused


def _long_lived_process() -> None:
    """Garbage collection for a server holding thousands of connections.

    A full collection walks every tracked object: with ten thousand open subscriptions that
    stopped the process for 0.3-0.7 s, often enough to be most of a fan-out's latency. What was
    loaded at start-up is frozen out of collections, and young collections run less often, so
    the full ones (which follow from them) come rarely; cycles are still collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _serve(settings: Settings) -> None:
    import uvicorn

    from app.main import create_app
    from app.services.effects import EFFECT_NAMES
    from app.web.websockets import uvicorn_options

    for workflow in registry.default():
        ensure_valid(workflow, bound_effects=EFFECT_NAMES)
    app = create_app(settings)
    _long_lived_process()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,  # uvicorn's lines go through ours (app.telemetry.logs)
        lifespan="on",
        timeout_graceful_shutdown=10,  # SIGTERM: requests under way get 10 s to finish
        **uvicorn_options(settings),
    )


async def _work(settings: Settings) -> None:
    """A worker process: the relay and its handlers, no HTTP. SIGTERM stops it gracefully."""
    import os
    import signal

    from app.bootstrap import Role, bootstrap
    from app.db.urls import printable_url
    from app.telemetry.tracing import provider_from_env

    if faults := settings.production_faults():
        raise UnsafeSettings(faults)
    tracer_provider = provider_from_env(os.environ)  # None unless OTEL_* variables ask
    container = await bootstrap(settings, role=Role.WORKER, tracer_provider=tracer_provider)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    where = printable_url(settings.database_url)
    logging.getLogger("trex").info("worker ready on %s", where)
    await stop.wait()
    logging.getLogger("trex").info("worker stopping: finishing or giving back its work")
    await container.aclose()
    if tracer_provider is not None:
        tracer_provider.shutdown()


def _graph(name: str, version: int | None) -> None:
    sys.stdout.write(to_mermaid(registry.default().get(name, version)))


def _demo_stock(out: Path, seed: int, vehicles: int, dealers: int) -> None:
    inventory = generate_inventory(seed, vehicles, dealers)
    document = {"seed": seed, **inventory.as_json()}
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    counts = f"{len(inventory.vehicles)} vehicles and {len(inventory.dealers)} dealers"
    sys.stdout.write(f"wrote {counts} to {out}\n")


def _schema() -> None:
    from resolvers.root import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")


async def _host_site(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    """`create` or `origins`; then a notice on the bus, so running servers re-read the origins
    at once (without REDIS_URL they find a new origin on its first use, a removed one in 30 s)."""
    from app.bootstrap import now, prepare_database
    from app.bus.event_bus import EventBus
    from app.db.unit_of_work import SqlStorage
    from app.services.host_sites import HostSites
    from app.services.site_origins import notify

    db = await prepare_database(settings)
    try:
        sites = HostSites(SqlStorage(db), now)
        keys: dict[str, str] = {}
        if args.action == "create":
            created = await sites.create(args.name, args.origin)
            site = created.site
            keys = {"publishable_key": created.publishable_key, "secret_key": created.secret_key}
        else:
            changed = await sites.update_origins(args.id, args.origin)
            if changed is None:
                raise SiteNotFound(f"No host site {args.id!r}.")
            site = changed
    finally:
        await db.dispose()
    if settings.redis_url:
        bus = EventBus(settings.redis_url)
        await bus.connect()
        await notify(bus)
        await bus.disconnect()
    return {"id": site.id, "name": site.name, "origins": list(site.origins), **keys}


class SiteNotFound(Exception):
    """`trex host-site origins --id` names no site (the demo site cannot be changed)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trex", description="T-Rex lead workflow service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server (GraphiQL at /graphql)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    commands.add_parser("worker", help="run the lead pipeline's handlers (no HTTP)")
    commands.add_parser(
        "sandbox", help="run the sandbox external services on their own port", add_help=False
    )
    sites = commands.add_parser("host-site", help="manage host sites")
    site_commands = sites.add_subparsers(dest="action", required=True)
    create = site_commands.add_parser("create", help="register a site; prints its keys as JSON")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--origin",
        action="append",
        required=True,
        help="an origin the site's pages are served from (repeatable)",
    )
    origins = site_commands.add_parser("origins", help="replace a site's origins")
    origins.add_argument("--id", required=True)
    origins.add_argument("--origin", action="append", required=True, help="(repeatable)")
    add_variants_parser(site_commands)
    add_webhooks_parser(commands)
    add_flows_parser(commands)
    add_replay_parser(commands)
    erase = commands.add_parser("erase", help="erase a customer's personal data; prints counts")
    erase.add_argument("--site", required=True, help="the host site's id")
    erase.add_argument("--email")
    erase.add_argument("--phone")
    erase.add_argument("--lead", help="a lead id (its customer's data)")
    funnel = commands.add_parser("funnel", help="a site's funnel over some days, as a table")
    funnel.add_argument("--site", help="the host site's id (default: every site)")
    funnel.add_argument("--from", dest="since", type=date.fromisoformat, required=True)
    funnel.add_argument("--to", dest="until", type=date.fromisoformat, required=True)
    funnel.add_argument("--workflow")
    funnel.add_argument("--json", action="store_true", help="JSON instead of a table")
    stock = commands.add_parser("demo-stock", help="write a generated demo inventory as JSON")
    stock.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    stock.add_argument("--seed", type=int, default=DEMO_SEED)
    stock.add_argument("--vehicles", type=int, default=600)
    stock.add_argument("--dealers", type=int, default=24)
    graph = commands.add_parser("graph", help="print a workflow as a Mermaid flowchart")
    graph.add_argument("--workflow", default="trex")
    graph.add_argument("--version", type=int, help="a version (default: the current one)")
    commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sandbox"]:
        from sandbox.cli import main as sandbox

        sandbox(argv[1:])
        return
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    configure_logging(settings.log_level, json=uses_json(settings.production, settings.log_format))
    try:
        if args.command == "serve":
            _serve(
                replace(settings, host=args.host or settings.host, port=args.port or settings.port)
            )
        elif args.command == "worker":
            asyncio.run(_work(settings))
        elif args.command == "host-site":
            acting = run_variants if args.action == "variants" else _host_site
            site = asyncio.run(acting(settings, args))
            sys.stdout.write(json.dumps(site, indent=2) + "\n")
        elif args.command == "webhooks":
            done = asyncio.run(run_webhooks(settings, args))
            sys.stdout.write(json.dumps(done, indent=2) + "\n")
        elif args.command == "erase":
            erased = asyncio.run(erase(settings, args.site, args.email, args.phone, args.lead))
            sys.stdout.write(json.dumps(erased, indent=2) + "\n")
        elif args.command == "funnel":
            found = funnel_report(settings, args.site, args.since, args.until, args.workflow)
            report = asyncio.run(found)
            sys.stdout.write(as_json(report) if args.json else as_table(report))
        elif args.command == "demo-stock":
            _demo_stock(args.out, args.seed, args.vehicles, args.dealers)
        elif is_replay(args):
            sys.stdout.write(asyncio.run(run_replay(settings, args)))
        elif args.command == "flows":
            flows_report = asyncio.run(run_flows(settings, args))
            sys.stdout.write(flows_report.text)
            if not flows_report.ok:
                raise SystemExit(2)
        elif args.command == "graph":
            _graph(args.workflow, args.version)
        else:
            _schema()
    except (
        DefinitionError,
        FormatError,
        UnknownVersion,
        VersionsMissing,
        UnsafeSettings,
        InvalidOrigin,
        SiteNotFound,
        ErasureRefused,
        FunnelRefused,
        ReplayRefused,
        FlowsRefused,
        MigrationRefused,
        WebhookRefused,
        VariantsRefused,
    ) as error:
        sys.stderr.write(f"{error}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
