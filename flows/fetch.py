"""fetch_responses: take returned files from the functional mailbox (IMAP), then send refusals."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import work
from remiss_flows.mail import send_outbox

from remiss.mail.settings import imap_from_env
from remiss.services.intake.inbox import TakenMessage, fetch_mail


@task(cache_policy=NO_CACHE)
def take_messages(home: str | None, round_id: str) -> list[TakenMessage]:
    """Settings are read here, in the task, so the IMAP password is never a recorded parameter."""
    return fetch_mail(work(home, round_id), imap_from_env())


@flow(name="fetch-responses")
def fetch_responses(round_id: str, home: str | None = None) -> list[TakenMessage]:
    taken = take_messages(home, round_id)
    send_outbox(home)
    return taken
