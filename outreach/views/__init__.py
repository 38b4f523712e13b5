"""Outreach views: thin interfaces that parse input, call one service or selector, and render."""

from django.http import HttpRequest

from editing.versions import ConflictError

# After a conflict the form says so above the user's input (their changes are never lost).
KEPT_BELOW = "Your input is kept below; save again to replace their changes."


def input_kept_after_conflict(form_class, request: HttpRequest, instance, error: ConflictError, note: str, **kwargs):
    """The user's input again, based on the saved version, so that saving again is a deliberate choice."""
    data = request.POST.copy()
    data["version"] = str(error.current.version)
    form = form_class(data, instance=instance, user=request.user, **kwargs)
    form.is_valid()
    form.add_error(None, f"{error} {note}")
    return form
