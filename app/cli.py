"""`trex`: serve the API, print the flow graph, export the GraphQL schema."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from app.settings import Settings
from workflows import trex
from workflows.checker import DefinitionError, ensure_valid
from workflows.graph import to_mermaid


def _serve(settings: Settings) -> None:
    import uvicorn

    from app.main import create_app
    from app.services.effects import EFFECT_NAMES

    ensure_valid(trex.build(), bound_effects=EFFECT_NAMES)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        lifespan="on",
    )


def _graph() -> None:
    workflow = trex.build()
    ensure_valid(workflow)
    sys.stdout.write(to_mermaid(workflow))


def _schema() -> None:
    from resolvers.root import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trex", description="T-Rex lead workflow service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server (GraphiQL at /graphql)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    commands.add_parser("graph", help="print the workflow as a Mermaid flowchart")
    commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        if args.command == "serve":
            overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v}
            _serve(Settings(**{**_as_dict(settings), **overrides}))
        elif args.command == "graph":
            _graph()
        else:
            _schema()
    except DefinitionError as error:
        sys.stderr.write(f"{error}\n")
        raise SystemExit(2) from None


def _as_dict(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__slots__}


if __name__ == "__main__":
    main()
