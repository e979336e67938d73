"""The bundled sandbox of T-Rex's external services, with realistic latency and faults.

`create_sandbox_app()` builds it (serve it, or call it in process through
`httpx.ASGITransport`); `main(argv)` serves it with uvicorn (`python -m sandbox`).
"""

from sandbox.app import create_sandbox_app
from sandbox.cli import main
from sandbox.faults import Fault, FaultError, Faults

__all__ = ["Fault", "FaultError", "Faults", "create_sandbox_app", "main"]
