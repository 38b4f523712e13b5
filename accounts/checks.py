from django.core.checks import Error, Tags, register


@register(Tags.urls)
def check_every_url_is_in_the_access_policy(app_configs, **kwargs):
    """``manage.py check`` fails when a URL is missing from config/access_policy.py."""
    from config.access_policy import undeclared_url_patterns

    return [
        Error(
            f"URL pattern {route!r} is not declared in the access policy.",
            hint="Add its view name to POLICY in config/access_policy.py.",
            id="accounts.E001",
        )
        for route in undeclared_url_patterns()
    ]
