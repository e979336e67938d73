// The graphql-http audit of the GraphQL-over-HTTP spec against one server: `node audit.mjs URL`
// prints one JSON array, an entry per audit (id, name, status, and for a failure the reason and
// the answer's status and first 500 characters), for tests/e2e/test_graphql_http_audit.py.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql (loopback only)');
  process.exit(2);
}

const results = await auditServer({ url });
const report = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.httpStatus = result.response.status;
    entry.contentType = result.response.headers.get('content-type');
    entry.body = (await result.response.text()).slice(0, 500);
  }
  report.push(entry);
}
process.stdout.write(JSON.stringify(report) + '\n');
