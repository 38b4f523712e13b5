"""What links a subject to others: online identifiers, contacts, associations with people and shared contexts.

Services here follow ``subjects.services``: keyword-only, ``full_clean()``
before saving, ``ValidationError({"field": "message"})`` for bad input, and an
access-log row for every new piece of personal data (a ``collection``).
Callers pass only subjects the acting user may see (``subjects.selectors``).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, QuerySet

from accounts.models import Force, User
from audit.models import Operation
from audit.services import access_event_record
from subjects.matching import name_key
from subjects.models import Association, Contact, Context, OnlineIdentifier, Relationship, Subject
from subjects.selectors.access import restricted_details_hidden_q, subject_list_visible
from subjects.services.people import identifier_add

# A person is a sibling or co-offender of a person, and a member of a place.
SUBJECT_RELATIONSHIPS = (Relationship.CO_OFFENDER, Relationship.SIBLING, Relationship.ASSOCIATE)
CONTEXT_RELATIONSHIPS = (Relationship.MEMBER, Relationship.ASSOCIATE)


def _record_collection(*, by: User, object_type: str, object_id: int, subject: Subject, request) -> None:
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.COLLECTION,
        object_type=object_type,
        object_id=object_id,
        force=subject.force.code,
    )


# ------------------------------------------------------------------------------
# Online identifiers
# ------------------------------------------------------------------------------
@transaction.atomic
def identifier_record(
    *, subject: Subject, by: User, platform: str, handle: str, first_seen=None, last_seen=None, request=None
) -> OnlineIdentifier:
    """Add an online identifier to ``subject`` (via ``identifier_add``) and log its collection.

    A handle the subject already has on that platform (compared normalised:
    case, spaces, a leading "@", email dots) is refused at the handle field.
    """
    try:
        with transaction.atomic():
            identifier = identifier_add(
                subject=subject, platform=platform, handle=handle, first_seen=first_seen, last_seen=last_seen
            )
    except ValidationError as error:
        raise _clear_duplicate_error(error) from error
    except IntegrityError as error:  # the same handle saved by someone else a moment ago
        raise ValidationError({"handle": _DUPLICATE_IDENTIFIER}) from error
    _record_collection(
        by=by, object_type="online_identifier", object_id=identifier.pk, subject=subject, request=request
    )
    return identifier


_DUPLICATE_IDENTIFIER = (
    "This person already has this identifier on that platform "
    "(handles are compared ignoring case, spaces and a leading @)."
)


def _clear_duplicate_error(error: ValidationError) -> ValidationError:
    """Replace the model's generic "already exists" message by one that says what to do."""
    if not hasattr(error, "error_dict"):
        return error
    errors = dict(error.error_dict)
    general = errors.pop(NON_FIELD_ERRORS, [])
    duplicate = [e for e in general if e.code in {"unique_together", "unique"}]
    rest = [e for e in general if e not in duplicate]
    if duplicate:
        errors["handle"] = [*errors.get("handle", []), ValidationError(_DUPLICATE_IDENTIFIER, code="duplicate")]
    if rest:
        errors[NON_FIELD_ERRORS] = rest
    return ValidationError(errors)


# ------------------------------------------------------------------------------
# Contacts (parent, carer, social worker…)
# ------------------------------------------------------------------------------
@transaction.atomic
def contact_add(*, subject: Subject, by: User, fields: dict, request=None) -> Contact:
    """Add a contact of ``subject``; a new primary contact takes over from the previous one."""
    contact = Contact(subject=subject, **fields)
    contact.full_clean()
    if contact.is_primary:
        Contact.objects.filter(subject=subject, is_primary=True).update(is_primary=False)
    contact.save()
    _record_collection(by=by, object_type="contact", object_id=contact.pk, subject=subject, request=request)
    return contact


# ------------------------------------------------------------------------------
# Associations and contexts
# ------------------------------------------------------------------------------
@transaction.atomic
def association_add_subject(
    *, subject: Subject, other: Subject, relationship: str, by: User, notes: str = "", request=None
) -> Association:
    """Link ``subject`` to ``other`` (both already checked visible to ``by``)."""
    if relationship not in SUBJECT_RELATIONSHIPS:
        raise ValidationError({"relationship": "Choose how these two people are linked."})
    if other.pk == subject.pk:
        raise ValidationError({"other_reference": "A person cannot be linked to themselves."})
    if Association.objects.filter(subject=subject, other_subject=other, relationship=relationship).exists():
        raise ValidationError({"other_reference": f"{other.reference} is already linked this way."})
    return _association_save(
        Association(subject=subject, other_subject=other, relationship=relationship, notes=notes),
        by=by,
        request=request,
    )


@transaction.atomic
def association_add_context(
    *, subject: Subject, kind: str, name: str, relationship: str, by: User, notes: str = "", request=None
) -> Association:
    """Link ``subject`` to a context, reusing the one of that kind and (normalised) name if it exists."""
    if relationship not in CONTEXT_RELATIONSHIPS:
        raise ValidationError({"relationship": "A person is a member or an associate of a place."})
    context = context_get_or_create(kind=kind, name=name, force=subject.force)
    if Association.objects.filter(subject=subject, context=context).exists():
        raise ValidationError({"context_name": f"This person is already linked to {context}."})
    return _association_save(
        Association(subject=subject, context=context, relationship=relationship, notes=notes),
        by=by,
        request=request,
    )


def _association_save(association: Association, *, by: User, request) -> Association:
    association.full_clean()
    association.save()
    _record_collection(
        by=by, object_type="association", object_id=association.pk, subject=association.subject, request=request
    )
    return association


def context_get_or_create(*, kind: str, name: str, force: Force | None = None) -> Context:
    """The context of ``kind`` whose name matches ``name`` ignoring case, accents, punctuation and spacing.

    ``force`` is recorded only when the context is new (contexts are shared by the region).
    """
    key = name_key(name)
    if not key:
        raise ValidationError({"context_name": "Enter the name of the server, forum, community or school."})
    existing = Context.objects.filter(kind=kind, name_key=key).first()
    if existing is not None:
        return existing
    context = Context(kind=kind, name=" ".join(name.split()), name_key=key, force=force)
    context.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            context.save()
    except IntegrityError:  # created by someone else since we looked
        return Context.objects.get(kind=kind, name_key=key)
    return context


def context_members_visible(viewer: User, context: Context) -> QuerySet[Subject]:
    """Subjects the viewer can see who are linked to ``context``, each with ``details_hidden``.

    Restricted people whose details the viewer may not see are kept (as
    existence only): the template masks them by ``details_hidden``.
    """
    hidden = ExpressionWrapper(restricted_details_hidden_q(viewer), output_field=BooleanField())
    return (
        subject_list_visible(viewer)
        .filter(pk__in=Association.objects.filter(context=context).values("subject_id"))
        .select_related("force", "restriction_contact")
        .annotate(details_hidden=hidden)
        .order_by("last_name", "first_name", "id")
    )
