from celery import shared_task

from .chain import chain_seal_pending


@shared_task(ignore_result=True)
def seal_access_events() -> None:
    """Seal every unsealed access event into the hash chain. Safe to run twice."""
    chain_seal_pending()
