"""Form pieces every app's editing views share: the versioned form, its conflict, errors from services."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format

from audit.selectors import last_alteration
from editing.versions import ConflictError


def posted(request: HttpRequest):
    """The form data of a POST, or ``None`` so that a GET builds an unbound form."""
    return request.POST if request.method == "POST" else None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def form_add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: at the field it names, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        for item in errors:
            form.add_error(target if field != NON_FIELD_ERRORS else None, item)


# ------------------------------------------------------------------------------
# No lost updates: a version travels with the form; a conflict shows both versions
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConflictRow:
    field: str
    label: str
    yours: str
    saved: str


@dataclass(frozen=True)
class Conflict:
    rows: list[ConflictRow]
    saved_by: str
    saved_at: datetime | None


class VersionedModelForm(forms.ModelForm):
    """A model form whose hidden ``version`` says which saved version the user started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    # Many-to-many fields of the model that the form edits.
    many_to_many: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict:
        """The edited model fields and their new values, as the update services take them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def conflict(self, current: Model, *, object_type: str) -> Conflict:
        """What differs between this input and ``current`` (the saved version), field by field."""
        rows = []
        for name, mine in self.changes().items():
            theirs = self._saved_value(current, name)
            if _comparable(mine) != _comparable(theirs):
                label = str(self.fields[name].label)
                rows.append(ConflictRow(name, label, self._shown(name, mine), self._shown(name, theirs)))
        event = last_alteration(object_type=object_type, object_id=current.pk)
        saved_by = (str(event.actor) if event.actor else event.actor_username) if event else ""
        return Conflict(rows=rows, saved_by=saved_by, saved_at=event.at if event else current.updated_at)

    def _saved_value(self, current: Model, name: str):
        if name in self.many_to_many:
            return list(getattr(current, name).all())
        return getattr(current, name)

    def _shown(self, name: str, value) -> str:
        field = self.fields[name]
        if isinstance(value, (list, tuple, QuerySet)):
            return ", ".join(sorted(self._shown(name, item) for item in value)) or "(empty)"
        if value is None or value == "":
            return "(empty)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, date):
            return date_format(value, "j M Y")
        choices = dict(getattr(field, "choices", ()) or ()) if not isinstance(value, Model) else {}
        return str(choices.get(value, value))


def form_after_conflict(form: VersionedModelForm, current: Model, *, object_type: str, **form_kwargs):
    """The user's input again, now based on ``current``, and the conflict to show above it.

    The hidden version becomes the saved one, so saving again deliberately replaces what is saved.
    """
    conflict = form.conflict(current, object_type=object_type)
    data = form.data.copy()
    data["version"] = str(current.version)
    return type(form)(data, instance=current, **form_kwargs), conflict


def form_save_edit(request: HttpRequest, form: VersionedModelForm, save: Callable, *, object_type: str, **form_kwargs):
    """Save a valid edit through ``save(form)``: returns ``(saved, form, conflict)``.

    ``saved`` is what ``save`` returned, or ``None`` when nothing was saved: a GET, an invalid form, a
    service's refusal (shown on the form) or a conflict, for which the form comes back with the user's
    input based on the saved version and ``conflict`` says what differs (``form_kwargs`` rebuild the form).
    """
    if request.method != "POST" or not form.is_valid():
        return None, form, None
    try:
        return save(form), form, None
    except ConflictError as error:
        form, conflict = form_after_conflict(form, error.current, object_type=object_type, **form_kwargs)
        return None, form, conflict
    except ValidationError as error:
        form_add_service_error(form, error)
        return None, form, None


def _comparable(value):
    if isinstance(value, (list, tuple, set, QuerySet)):
        return frozenset(_comparable(item) for item in value)
    if isinstance(value, Model):
        return (type(value).__name__, value.pk)
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value
