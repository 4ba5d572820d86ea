"""Use cases: one module per capability, called by the API routers and by the workflow
tasks alike. A use case reads the clock from `runtime`, loads through the adapters, lets
the domain decide, and writes through the adapters again."""
