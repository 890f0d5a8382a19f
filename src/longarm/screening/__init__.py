"""Restricted-party screening: the bundled lists, name normalisation and matching."""
