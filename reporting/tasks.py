from celery import shared_task

from .services import return_generate, returns_resume_stuck


@shared_task(ignore_result=True)
def generate_return(return_id: int) -> None:
    """Generate a requested quarterly return (idempotent: a finished one is left alone)."""
    return_generate(return_id=return_id)


@shared_task(ignore_result=True)
def resume_stuck_returns() -> None:
    """The periodic sweep behind ``generate_return``: returns whose enqueue failed or whose worker died."""
    returns_resume_stuck()
