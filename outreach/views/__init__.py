"""Outreach views: thin interfaces that parse input, call one service or selector, and render."""

from django.core.exceptions import ValidationError
from django.forms import Form


def add_service_error(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: at the field when the form has it, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
