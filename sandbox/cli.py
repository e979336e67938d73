"""`python -m sandbox` (and `trex sandbox`): serve the sandbox on its own with uvicorn."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from sandbox.app import create_sandbox_app
from sandbox.faults import FaultError, Faults, latency_scale_from_env

DEFAULT_PORT = 8100


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="trex sandbox",
        description="Sandbox external services (vehicle data, credit bureau, lead CRM, dealer "
        "network, communications) under /sandbox/{service}. Faults at start-up: "
        "TREX_SANDBOX_FAULTS (JSON); latency: TREX_SANDBOX_LATENCY_SCALE.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--seed", type=int, default=0, help="seeds error draws, ids, latency")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    try:
        app = create_sandbox_app(
            Faults.from_env(), args.seed, latency_scale=latency_scale_from_env()
        )
    except FaultError as error:
        sys.stderr.write(f"sandbox: {error}\n")
        raise SystemExit(2) from None
    logging.basicConfig(level=args.log_level.upper())

    import uvicorn

    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level.lower())
