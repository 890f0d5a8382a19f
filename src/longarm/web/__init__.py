"""`longarm serve`: the REST API and the web app, on the same library and the embedded store.

`create_app` builds the ASGI application; the API lives under `/v1`, the pages at the root.
"""

from longarm.web.app import create_app

__all__ = ["create_app"]
