"""`longarm keys`: API keys for `longarm serve`."""
