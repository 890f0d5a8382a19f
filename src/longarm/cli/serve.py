"""`longarm serve`: the REST API and the web app."""
