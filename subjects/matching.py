"""Normalising names and online identifiers, and finding possible duplicate subjects.

A referral names a person who may already be known. ``possible_matches`` finds
them at national scale by asking the database only for a small candidate set
(same date of birth, through its index; or an equal normalised handle, through
``handle_key``'s index) and comparing names in Python on that set alone.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from accounts.models import User
from subjects.selectors.access import subject_details_visible, subject_list_visible

from .models import OnlineIdentifier, Platform, Subject

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")
# Providers that ignore dots in the local part and anything after "+".
_DOT_BLIND_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def name_key(text: str) -> str:
    """Case-, accent-, punctuation- and space-folded form of a name: "  Zoë  O'Neill " → "zoe oneill"."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = _NON_WORD.sub("", without_accents.casefold())
    return _SPACES.sub(" ", cleaned).strip()


def identifier_key(platform: str, handle: str) -> str:
    """Normalised handle: no spaces, case-folded, no leading "@".

    Email dots and "+tags" are folded where the provider ignores them.
    """
    value = _SPACES.sub("", handle).casefold().lstrip("@")
    if platform in {Platform.EMAIL, Platform.GMAIL} and "@" in value:
        local, _, domain = value.rpartition("@")
        local = local.split("+", 1)[0]
        if platform == Platform.GMAIL or domain in _DOT_BLIND_DOMAINS:
            local = local.replace(".", "")
            domain = "gmail.com" if domain == "googlemail.com" else domain
        value = f"{local}@{domain}"
    return value


# ------------------------------------------------------------------------------
# Possible duplicates
# ------------------------------------------------------------------------------
# Platforms that hold the same kind of identifier: an address typed as "Email"
# is the same person as the same address typed as "Gmail".
_PLATFORM_FAMILIES: tuple[frozenset[str], ...] = (frozenset({Platform.EMAIL, Platform.GMAIL}),)
_IDENTIFIER_NOUNS = {
    Platform.EMAIL: "email address",
    Platform.GMAIL: "email address",
    Platform.IP: "IP address",
    Platform.WALLET: "crypto wallet",
    Platform.HACKING_FORUM: "hacking forum handle",
    Platform.OTHER: "online identifier",
}
SIMILAR_NAME = "same date of birth and a similar name"
HIDDEN_REASON = "matches the details entered"


@dataclass
class Match:
    """An existing subject who may be the person being referred, and why.

    ``details_visible`` is False for a restricted record the viewer may not
    open: show only that it exists and whom to contact, never its name.
    """

    subject: Subject
    reasons: list[str] = field(default_factory=list)
    details_visible: bool = True

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)

    @property
    def contact(self) -> User | None:
        return self.subject.restriction_contact or self.subject.assigned_officer

    @property
    def contact_name(self) -> str:
        person = self.contact
        return (person.get_full_name() or person.username) if person else "your sergeant"


def possible_matches(
    *,
    viewer: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    identifiers: Iterable[tuple[str, str]] = (),
    aliases: Iterable[str] = (),
) -> list[Match]:
    """Subjects the viewer can see who may be this person, each with the reasons it matched.

    A subject matches on the same date of birth AND a similar name (its own
    name or an alias, against the typed name or aliases), OR on the same
    normalised online identifier on the same kind of platform. Candidates come
    from ``subject_list_visible(viewer)`` only.
    """
    matches: dict[int, Match] = {}
    typed_names = _typed_names(first_name, last_name, aliases)
    for subject in _same_birthday(viewer, date_of_birth):
        reason = _name_reason(typed_names, subject)
        if reason:
            matches.setdefault(subject.pk, Match(subject)).reasons.append(reason)
    for identifier in _same_identifiers(viewer, identifiers):
        match = matches.setdefault(identifier.subject_id, Match(identifier.subject))
        match.reasons.append(f"same {_identifier_noun(identifier.platform)} ({identifier.handle})")
    for match in matches.values():
        match.details_visible = subject_details_visible(viewer, match.subject)
        if not match.details_visible:
            match.reasons = [HIDDEN_REASON]  # the reasons would quote the record's aliases and handles
    return sorted(matches.values(), key=lambda match: match.subject.reference)


def _same_birthday(viewer: User, date_of_birth: date | None):
    if date_of_birth is None:
        return Subject.objects.none()
    return (
        subject_list_visible(viewer)
        .filter(date_of_birth=date_of_birth)
        .select_related("force", "restriction_contact", "assigned_officer")
        .prefetch_related("aliases")
    )


def _same_identifiers(viewer: User, identifiers: Iterable[tuple[str, str]]):
    wanted = Q()
    for platform, handle in identifiers:
        key = identifier_key(platform, handle)
        if platform and key:
            wanted |= Q(platform__in=_platform_family(platform), handle_key=key)
    if not wanted:
        return OnlineIdentifier.objects.none()
    return (
        OnlineIdentifier.objects.filter(wanted, subject__in=subject_list_visible(viewer))
        .select_related("subject__force", "subject__restriction_contact", "subject__assigned_officer")
        .order_by("subject_id", "platform", "handle")
    )


def _platform_family(platform: str) -> frozenset[str]:
    return next((family for family in _PLATFORM_FAMILIES if platform in family), frozenset({platform}))


def _identifier_noun(platform: str) -> str:
    if platform in _IDENTIFIER_NOUNS:
        return _IDENTIFIER_NOUNS[platform]
    label = Platform(platform).label if platform in Platform.values else platform
    return f"{label} handle"


# ------------------------------------------------------------------------------
# Similar names
# ------------------------------------------------------------------------------
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(name_key(text).split())


def _name_parts(first_name: str, last_name: str) -> tuple[str, ...]:
    """A first/last name as two space-free parts: "Mc Kenzie" and "McKenzie" compare equal."""
    parts = (name_key(first_name).replace(" ", ""), name_key(last_name).replace(" ", ""))
    return tuple(part for part in parts if part)


def _typed_names(first_name: str, last_name: str, aliases: Iterable[str]) -> list[tuple[tuple[str, ...], bool]]:
    """The typed name and aliases as part tuples, each flagged True if it is the person's own name."""
    names = [(_name_parts(first_name, last_name), True)]
    names += [(_tokens(alias), False) for alias in aliases]
    return [(parts, own) for parts, own in names if parts]


def _name_reason(typed_names: list[tuple[tuple[str, ...], bool]], subject: Subject) -> str:
    """Why ``subject`` (already of the same date of birth) matches by name, or ""."""
    known = [(_name_parts(subject.first_name, subject.last_name), True, subject.full_name)]
    known += [(_tokens(alias.name), False, alias.name) for alias in subject.aliases.all()]
    for typed, typed_own in typed_names:
        for parts, known_own, text in known:
            if parts and names_similar(typed, parts):
                if not known_own:
                    return f"same date of birth and a name similar to their alias “{text}”"
                return SIMILAR_NAME if typed_own else "same date of birth and a name similar to an alias you entered"
    return ""


def names_similar(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two folded names (sequences of name parts) are probably the same person's name.

    Tolerates up to 2 edits on the whole name (1 on short names), including
    transposed letters; spaces inside the name; first and last name swapped;
    or at most 1 edit in each of the first and last parts.
    """
    if not a or not b:
        return False
    pairs = [
        ("".join(a), "".join(b)),
        ("".join(reversed(a)), "".join(b)),
        ("".join(sorted(a)), "".join(sorted(b))),
    ]
    if any(_within(x, y, _allowed_edits(x, y)) for x, y in pairs):
        return True
    if len(a) < 2 or len(b) < 2:
        return False
    straight = _within(a[0], b[0], 1) and _within(a[-1], b[-1], 1)
    crossed = _within(a[0], b[-1], 1) and _within(a[-1], b[0], 1)
    return straight or crossed


def _allowed_edits(a: str, b: str) -> int:
    # Two edits on "Al Li" would match half the phone book; scale with length.
    shorter = min(len(a), len(b))
    if shorter >= 8:
        return 2
    return 1 if shorter >= 4 else 0


def _within(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    return edit_distance(a, b) <= limit


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): "jonh" → "john" is 1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
