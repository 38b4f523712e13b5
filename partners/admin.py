"""Nothing of partners is in the Django admin, on purpose.

Admin support and caseworkers keep the partner directory in the app, where
every write is validated by ``partners.services`` and logged; contacts are
personal data; and system admins have no partner access (config/access_policy.py).
"""
