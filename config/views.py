"""Site-wide pages: the dashboard, the health check and the error pages."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.selectors import force_list_accessible
from interventions.dashboard import supervision_tiles
from outreach.dashboard import outreach_tiles
from subjects.selectors.work import my_work
from subjects.services.consultations import people_listed_record


def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page; each app adds its tiles for the user's role. "My work" names people: one consultation event."""
    work = my_work(request.user)
    people_listed_record(request=request, listing="my_work", shown=work.get("active_cases", []))
    context = {
        "forces": force_list_accessible(request.user),
        "my_work": work,
        "supervision_tiles": supervision_tiles(request.user),
        "outreach_tiles": outreach_tiles(request.user),
    }
    return render(request, "dashboard.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The state of the database and the broker, and nothing else."""
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = state["database"] == "ok" and state["broker"] in {"ok", "not_configured"}
    return JsonResponse(state, status=200 if healthy else 503)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "down"; details stay in the logs
        return "error"
    return "ok"


def _broker_state() -> str:
    if not settings.TASK_BROKER_CONFIGURED:
        return "not_configured"
    from config.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001
        return "error"
    return "ok"


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that might fail again: a plain template.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
