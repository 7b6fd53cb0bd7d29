"""Connectors: one module per public data source, built on requests.

Belongs here: URL templates, HTTP sessions (timeouts, retries, rate limits), reading the embedded
snapshot, parsing a source's raw bytes into a typed table, and the provenance of every fetch.
A connector returns raw bytes plus a parsed frame; it never writes the warehouse (orchestration/
does that, through warehouse/). Live and offline runs share the same parsing code.
"""
