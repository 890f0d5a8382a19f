"""Policy explorer commands: `diff`, `whatif`, `timeline`."""
