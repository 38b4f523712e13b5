"""People searches kept in the session, so a name never travels in a URL.

The search box posts its text; the list keeps it here under a short random
token and redirects to ``?search=<token>``. Paging, the other filters and the
back button then work with the token, and proxy or access logs see nothing
but the token, which means nothing outside this user's session.
"""

import secrets

from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "subjects:searches"
# A user goes back a few searches at most; older tokens answer "search again".
SEARCHES_KEPT = 20
TOKEN_BYTES = 6


def search_keep(session: SessionBase, text: str) -> str:
    """Keep ``text`` in ``session`` and return its new token; the oldest searches are forgotten."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    searches = dict(session.get(SESSION_KEY, {}))
    searches[token] = text
    session[SESSION_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


def search_recall(session: SessionBase, token: str) -> str | None:
    """The text kept under ``token``, or None when this session has no such search (expired or made up)."""
    return session.get(SESSION_KEY, {}).get(token)
