"""Hooks: how the apps above ``subjects`` react to what happens to people and cases.

``subjects`` is the core of the domain and imports none of the apps built on it. Where one of them
must act when a case changes (follow-ups owed, a disposal required before closing, a section on the
case page), ``subjects`` calls a hook here and the app registers its receiver in ``AppConfig.ready()``::

    from subjects import hooks
    hooks.case_created.register(followups_owe_first_contact)

Receivers run synchronously, in registration order, inside the caller's transaction: whatever they
write commits or rolls back with the change that caused it. A receiver that raises aborts that change.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Case, Engagement, Subject
    from .timeline import TimelineEntry

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """A named, typed list of receivers; ``send`` calls each and returns their answers in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, R]] = []

    def register(self, receiver: Callable[P, R]) -> Callable[P, R]:
        """Add ``receiver`` once (registering twice changes nothing); usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def unregister(self, receiver: Callable[P, R]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> tuple[Callable[P, R], ...]:
        return tuple(self._receivers)

    def send(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        return [receiver(*args, **kwargs) for receiver in tuple(self._receivers)]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"


# ------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------
# A case was recorded (status "new"; ``first_contact_due`` set).
case_created: Hook[["Case"], None] = Hook("case_created")
# A case moved from ``from_status`` to its current ``case.status``.
case_moved: Hook[["Case", str], None] = Hook("case_moved")
# Open cases passed to ``to_officer`` by ``by`` (their subjects too).
case_reassigned: Hook[[list["Case"], "User", "User"], None] = Hook("case_reassigned")
# An engagement was logged on its case (``engagement.case``) by ``by``.
engagement_logged: Hook[["Engagement", "User"], None] = Hook("engagement_logged")
# Checks before a case may close: each returns a message saying what is missing, or "".
close_guards: Hook[["Case"], str] = Hook("close_guards")
# Extra context for the case page (``case`` already scoped to ``viewer``), merged into one dict.
# A receiver runs a fixed number of queries, so the page's query count stays pinned.
case_page_sections: Hook[["Case", "User"], dict] = Hook("case_page_sections")
# Sources of a subject's timeline, each returning its newest entries (rules in ``subjects.timeline``).
timeline_sources: Hook[["Subject", "User"], "Iterable[TimelineEntry]"] = Hook("timeline_sources")


# ------------------------------------------------------------------------------
# Partners (declared here so that apps below partners can react without importing it)
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgreementSaved:
    """A data sharing agreement as saved: what its renewal depends on."""

    agreement_id: int
    signed: bool
    expires_on: date | None
    owner_id: int | None


agreement_saved: Hook[[AgreementSaved], None] = Hook("agreement_saved")
