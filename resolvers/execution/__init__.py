"""GraphQL execution policy, in one package: the limits a document keeps to (`limits`, `cost`),
how errors are logged and masked (`error_log`, `policy`), the parse and validation caches
(`policy`), the prepared operations that skip Strawberry's per-request machinery (`prepared`),
the subscription events executed once for all subscribers (`shared_events`), and the schema
that holds them all (`schema`). The web layer keeps only the HTTP plumbing around it.

Every use of Strawberry's or graphql-core's internals is in `internals`, each pinned by a test
(tests/unit/test_execution_internals.py). The pin `strawberry-graphql>=0.341,<0.342` in
pyproject.toml protects them: `Schema._schema`, `strawberry.schema.schema.validate_document`
and `StrawberryGraphQLCoreExecutionContext` (not exported), `optimized_is_awaitable`, and,
through Strawberry's own pin of graphql-core (3.3.x), `Executor._relevant_sub_fields`; and,
less privately, the extension hooks (`on_operation`, `on_parse`, `on_validate`,
`on_stream_result`) and the execution context's fields the policy sets.
"""
