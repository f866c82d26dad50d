"""Thin Prefect flows over remiss\x27s plain functions; the CLI runs them."""
