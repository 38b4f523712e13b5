"""The editing core every app shares: no lost updates, one status machine, and the form pieces around them.

- ``editing.versions``: ``ConflictError`` and ``versioned_update`` (a version travels with every edit).
- ``editing.status``: the abstract ``StatusChange`` history row, ``Transitions`` and ``status_move``.
- ``editing.forms``: ``VersionedModelForm``, the conflict shown to the user, ``DateInput``,
  ``form_add_service_error`` and ``posted``.
- ``editing.reference``: ``ReferenceQuerySet.offered``, the reference data a form may offer.

It sits just above ``audit`` (the conflict names who saved last, from the access log) and below every
other app, ``accounts`` included.
"""
