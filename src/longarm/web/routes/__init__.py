"""The routers: `api` (JSON under /v1) and `pages` (the web app)."""
