from django import template

from config.access_policy import rule_for

register = template.Library()


@register.filter
def can_use(user, view_name: str) -> bool:
    """Whether the access policy lets ``user`` use ``view_name``; drives the navigation."""
    rule = rule_for(view_name)
    return bool(rule and user.is_authenticated and rule.allows_role(user.role))
