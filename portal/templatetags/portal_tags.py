from django import template

from portal.numbers import format_number

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key` — dictionaries keyed by ids in templates."""
    return mapping.get(key) if mapping else None


@register.filter
def vn_number(value, decimals=None):
    """A number with decimal comma and thousands dot: 10.775.000.000, 13,04."""
    return format_number(value, decimals)
