"""Python's `gql` client with its defaults plus what the README says to set (the Authorization
header, graphql-ws's connection payload): the schema fetched from the server by introspection
and every document validated against it client-side, it walks selling to a private buyer with
financing over the documented operations, up to the invitation the seller sends, then the
buyer's own financing from the invitation's link, the credit result pushed over
graphql-transport-ws;
`DateTime` is parsed as the RFC 3339 its specifiedByURL names; the typed `rules` are the JSON
`validationRules`, field for field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport
from gql.utilities import update_schema_scalar
from graphql import GraphQLScalarType

from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer
from tests.e2e.financing import applicant, invitation_token
from tests.e2e.test_js_clients import before, new_buyer_email
from tests.support import answers

RULES = """
query Rules($sessionId: ID!) {
  session(sessionId: $sessionId) {
    ... on Step {
      validationRules
      rules {
        fields {
          name type required requiredUnless minimum exclusiveMinimum maximum minLength maxLength
          pattern enum optionsFrom mustBeTrue minAge maxAge normalize { remove case } checkDigit
          messages { code text }
        }
        crossField { rule low high }
      }
    }
  }
}
"""


def request(name_or_text: str, variables: Mapping[str, Any]) -> GraphQLRequest:
    text = name_or_text if "{" in name_or_text else operation(name_or_text)
    return GraphQLRequest(text, variable_values=dict(variables))


def as_json_rule(typed: Mapping[str, Any]) -> dict[str, Any]:
    """A typed FieldRules as describe_field's JSON: nulls left out, the name dropped, the
    messages an object of code → text."""
    rule = {k: v for k, v in typed.items() if v is not None and k != "name"}
    rule["messages"] = {m["code"]: m["text"] for m in rule["messages"]}
    if "normalize" in rule:
        rule["normalize"] = {k: v for k, v in rule["normalize"].items() if v is not None}
    return rule


def same_numbers(json_rule: Mapping[str, Any]) -> dict[str, Any]:
    """JSON numbers as GraphQL's Float gives them back."""
    floats = ("minimum", "exclusiveMinimum", "maximum")
    return {k: float(v) if k in floats else v for k, v in json_rule.items()}


def _parse_date_time(value: object) -> datetime:
    """RFC 3339's date-time, as the schema's specifiedByURL names it: with its offset."""
    parsed = datetime.fromisoformat(str(value))
    assert parsed.tzinfo is not None, value
    return parsed


DATE_TIME = GraphQLScalarType(
    "DateTime", serialize=lambda value: value.isoformat(), parse_value=_parse_date_time
)


def options() -> dict[str, Any]:
    """The schema fetched by introspection (with specifiedByURL), results parsed with it."""
    return {
        "fetch_schema_from_transport": True,
        "introspection_args": {"specified_by_url": True},
        "parse_results": True,
    }


def with_date_time(*clients: Client) -> None:
    """Each fetched schema's DateTime names RFC 3339, and is parsed as it."""
    for client in clients:
        schema = client.schema
        assert schema is not None
        date_time = schema.type_map["DateTime"]
        assert isinstance(date_time, GraphQLScalarType)
        assert date_time.specified_by_url is not None
        assert "rfc3339" in date_time.specified_by_url
        update_schema_scalar(schema, "DateTime", DATE_TIME)


def over_http(running: RunningServer, token: str) -> Client:
    """A session's client over HTTP, with the Authorization header the README sets."""
    url = f"{running.base_url}/graphql"
    headers = {"Authorization": f"Bearer {token}"}
    return Client(transport=HTTPXAsyncTransport(url=url, headers=headers, timeout=10), **options())


def over_websocket(running: RunningServer, token: str) -> Client:
    """A session's client over graphql-transport-ws, with the connection payload the README
    sets."""
    ws = WebsocketsTransport(
        url=running.ws_url,
        init_payload={"authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    return Client(transport=ws, **options())


async def test_gql_walks_the_flow_validating_against_the_fetched_schema(
    running: RunningServer, api: Api
) -> None:
    url = f"{running.base_url}/graphql"
    selling = {"input": {"workflowType": "SELLING"}}
    async with Client(transport=HTTPXAsyncTransport(url=url, timeout=10)) as anonymous:
        first = (await anonymous.execute(request("start_workflow", selling)))["startWorkflow"]
    token, session_id = first["started"]["token"], first["session"]["id"]
    assert first["stepId"] == "has_buyer"

    buyer_email = new_buyer_email()
    client = over_http(running, token)
    async with client as session:
        with_date_time(client)
        step = first
        for step_id, data in before(buyer_email):
            variables = {"input": {"sessionId": session_id, "currentStep": step_id, "data": data}}
            step = (await session.execute(request("transition", variables)))["transition"]
        assert step["stepId"] == "selling_confirmation"
        assert step["summary"]["financing"]["status"] == "invited"

        rules = (await session.execute(request(RULES, {"sessionId": session_id})))["session"]
        described = rules["validationRules"]
        typed = {rule["name"]: as_json_rule(rule) for rule in rules["rules"]["fields"]}
        assert typed == {n: same_numbers(r) for n, r in described["fields"].items()}
        # A phone's separators are removed before its pattern is checked (the rule's own list).
        assert set(" ().-") <= set(typed["phone"]["normalize"]["remove"])
        # Each rule's text is the server's own, in the session's language.
        assert typed["email"]["messages"]["format"] == (
            "Enter a valid e-mail address, like name@example.com."
        )
        assert rules["rules"]["crossField"] == described["crossField"]

        variables = {
            "input": {
                "sessionId": session_id,
                "currentStep": "selling_confirmation",
                "data": answers.CONTACT,
            }
        }
        done = (await session.execute(request("transition", variables)))["transition"]
        assert done["stepId"] == "replacement_check"

    # The buyer's own financing, from the link the invitation sent.
    invited = {
        "input": {
            "workflowType": "BUYER_FINANCING",
            "invitation": await invitation_token(api, buyer_email),
        }
    }
    async with Client(transport=HTTPXAsyncTransport(url=url, timeout=10)) as anonymous:
        intro = (await anonymous.execute(request("start_workflow", invited)))["startWorkflow"]
    assert intro["stepId"] == "financing_intro"
    assert intro["session"]["workflow"] == "buyer_financing"
    buyer_token, buyer_id = intro["started"]["token"], intro["session"]["id"]

    client, live = over_http(running, buyer_token), over_websocket(running, buyer_token)
    async with client as session, live as updates:
        with_date_time(client, live)
        begin = {"continue": True}
        move = {"input": {"sessionId": buyer_id, "currentStep": "financing_intro", "data": begin}}
        step = (await session.execute(request("transition", move)))["transition"]
        assert step["stepId"] == "credit_check"
        after_seq = step["session"]["seq"]

        credit = applicant(answers.APPROVED_SSN)
        move = {"input": {"sessionId": buyer_id, "currentStep": "credit_check", "data": credit}}
        pending = (await session.execute(request("transition", move)))["transition"]
        assert pending["stepId"] == "credit_check_pending"
        assert isinstance(pending["since"], datetime)

        # afterSeq: what came after the credit check is replayed, then the stream goes live.
        watched = {"sessionId": buyer_id, "afterSeq": after_seq}
        pushed: list[dict[str, Any]] = []
        stream = updates.subscribe(request("session_updates", watched))
        async for update in stream:
            pushed.append(update["sessionUpdates"])
            if len(pushed) == 2:
                break
        await stream.aclose()
        assert [u["seq"] for u in pushed] == [after_seq + 1, after_seq + 2]
        assert all(isinstance(u["at"], datetime) for u in pushed)
        result = pushed[1]["step"]
        assert result["stepId"] == "financing_result"
        assert result["outcome"] == "approved"

        share = {"share_with_seller": "outcome_only"}
        move = {"input": {"sessionId": buyer_id, "currentStep": "financing_result", "data": share}}
        done = (await session.execute(request("transition", move)))["transition"]
        assert done["stepId"] == "financing_complete"
        assert done["sharedWithSeller"] == "outcome_only"
