"""send_mail: deliver what the outbox holds, and the SMTP settings every sending flow uses.

The settings come from REMISS_SMTP_* or, when REMISS_SMTP_BLOCK names one, from a Prefect
Secret block holding the same keys as JSON (host, port, security, user, password,
mail_from, cafile). They are read inside the task, so no password is ever a task or flow
parameter that Prefect would record.
"""

from __future__ import annotations

import os

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import workspace

from remiss.errors import ConfigError
from remiss.mail.settings import SmtpSettings, smtp_from_env, smtp_from_mapping
from remiss.services import operations
from remiss.services.outbox import DispatchReport


def smtp_settings() -> SmtpSettings | None:
    """REMISS_SMTP_HOST…, else the Prefect Secret block named by REMISS_SMTP_BLOCK, else None."""
    settings = smtp_from_env()
    name = os.environ.get("REMISS_SMTP_BLOCK")
    if settings is not None or not name:
        return settings
    from prefect.blocks.system import Secret

    source = f"Prefect-blocket '{name}' (REMISS_SMTP_BLOCK)"
    try:
        value = Secret.load(name).get()
    except ValueError:
        raise ConfigError(f"{source} finns inte; skapa ett Secret-block med SMTP-inställningarna.") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{source} ska innehålla JSON med host, port, security, user och password.")
    return smtp_from_mapping(value, source)


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=30)
def send_outbox(home: str | None, round_id: str | None = None) -> DispatchReport:
    """Send every due message (of one round, or all); failures stay in the outbox for the next run."""
    return operations.send_outbox(workspace(home), smtp_settings(), round_id)


@flow(name="send-mail")
def send_mail(home: str | None = None, round_id: str | None = None) -> DispatchReport:
    return send_outbox(home, round_id)
