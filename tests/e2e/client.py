"""A test client that knows only API.md and FLOWS.md: it speaks the documented operations of
graphql-examples/ over real HTTP and graphql-transport-ws websockets."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support.waiting import eventually

EXAMPLES = Path(__file__).resolve().parents[2] / "graphql-examples"
STEP_ERRORS = {"ValidationFailed", "StaleStep", "SessionNotFound", "TransitionRejected"}


def operation(name: str) -> str:
    return (EXAMPLES / f"{name}.graphql").read_text()


@dataclass
class Api:
    http: httpx.AsyncClient
    ws_url: str

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def start(self, workflow_type: str | None = None) -> Flow:
        data = await self.execute(
            operation("start_workflow"), {"input": {"workflowType": workflow_type}}
        )
        step = data["startWorkflow"]
        return Flow(self, step["session"]["id"], step["started"]["token"], step)

    @asynccontextmanager
    async def subscribe(
        self,
        query: str,
        variables: dict[str, Any],
        token: str | None,
        key: str = "authorization",
    ) -> AsyncIterator[Subscription]:
        """`key`: the name `connection_init`'s payload gives the token."""
        async with connect(self.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
            payload = {key: f"Bearer {token}"} if token else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert ack["type"] == "connection_ack", ack
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": query, "variables": variables},
                    }
                )
            )
            yield Subscription(ws)


@dataclass
class Subscription:
    ws: ClientConnection

    async def next(self, seconds: float = 5) -> dict[str, Any]:
        """The next protocol message (`next`, `error`, `complete`); pings are answered."""
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), seconds))
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            return message


@dataclass
class Flow:
    """One visitor's session, walked through the documented mutations."""

    api: Api
    session_id: str
    token: str
    step: dict[str, Any]
    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seen.append(self.step["stepId"])

    @property
    def step_id(self) -> str:
        return str(self.step["stepId"])

    async def submit(
        self,
        data: object,
        *,
        key: str | None = None,
        step: str | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """Transition from the current step; the answer becomes the current step when it is one."""
        variables = {
            "input": {
                "sessionId": self.session_id,
                "currentStep": step or self.step_id,
                "data": data,
                "idempotencyKey": key or str(uuid.uuid4()),
            }
        }
        result = (await self.api.execute(operation("transition"), variables, token or self.token))[
            "transition"
        ]
        return self._follow(result)

    async def back(self) -> dict[str, Any]:
        variables = {"input": {"sessionId": self.session_id, "currentStep": self.step_id}}
        result = (await self.api.execute(operation("back"), variables, self.token))["back"]
        return self._follow(result)

    async def reload(self) -> dict[str, Any]:
        variables = {"sessionId": self.session_id}
        result = (await self.api.execute(operation("session"), variables, self.token))["session"]
        return self._follow(result)

    async def wait_for(self, step_id: str, seconds: float = 10) -> dict[str, Any]:
        """Poll the session (as a reloading page would) until it reaches `step_id`."""

        async def there() -> bool:
            if self.step_id != step_id:
                await self.reload()
            return self.step_id == step_id

        await eventually(there, f"at {step_id}", seconds, detail=lambda: f"at {self.step_id}")
        return self.step

    def _follow(self, result: dict[str, Any]) -> dict[str, Any]:
        if result["__typename"] not in STEP_ERRORS:
            self.step = result
        elif result["__typename"] == "TransitionRejected":
            self.step = result["step"]
        if self.step_id != self.seen[-1]:
            self.seen.append(self.step_id)
        return result
