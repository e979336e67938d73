"""What an operator sees of the running service: metrics (`metrics`, prometheus-client), traces
(`tracing`, OpenTelemetry, off unless configured) and structured logs (`logs`). The lowest layer of
`app`: every other part may record into it, it imports none of them."""
