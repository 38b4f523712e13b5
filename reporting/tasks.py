from celery import shared_task

from .services import return_generate


@shared_task(ignore_result=True)
def generate_return(return_id: int) -> None:
    """Generate a requested quarterly return (idempotent: a finished one is left alone)."""
    return_generate(return_id=return_id)
