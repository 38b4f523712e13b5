"""Pages that list people: one consultation event per page, naming the records shown (DPA 2018 s.62).

Any app's page that shows several people (the subject list, a supervisor's
queue, a partner's referrals) logs through ``people_listed_record``; a page
about one record calls ``audit.services.consultation_record`` itself.
"""

from collections.abc import Sequence

from audit.models import AccessEvent
from audit.services import consultation_record
from subjects.models import Case, Subject


def people_listed_record(*, request, listing: str, shown: Sequence[Subject | Case]) -> AccessEvent | None:
    """Log that ``request``'s user saw the people of ``shown`` on the page ``listing`` (the event's object type).

    One event, whatever the number of rows, listing the references in the
    order shown, each once (a case's reference contains its subject's). Its force is
    theirs when they share one, else empty. A page that shows nobody logs
    nothing. Precondition: each item's ``force`` is loaded (``select_related``),
    so the event costs one query, its insert.
    """
    if not shown:
        return None
    forces = {item.force.code for item in shown}
    return consultation_record(
        request=request,
        object_type=listing,
        object_id="",
        force=forces.pop() if len(forces) == 1 else "",
        shown=list(dict.fromkeys(item.reference for item in shown)),
    )
