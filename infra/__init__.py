"""Adapters to Google Cloud, each with its local stand-in.

`infra` imports nothing from `api`, `functions` or `dags`: they depend on it, never the reverse.
"""
