"""Thin Prefect flows over remiss's plain functions (`remiss.services.operations`).

Imported as `remiss_flows`. Defaults suit a command-line tool on the ephemeral API:
no analytics, and Prefect's own chatter kept to warnings unless the user asks for more.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "remiss")
# The first start on a fresh PREFECT_HOME runs migrations; 20 s is too tight on a busy 2-core box.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
