from django import template

from stats.text import interval, signed

register = template.Library()


@register.filter
def ci(cell: dict) -> str:
    """A 95% confidence interval as "[91.66, 93.44]", or a dash where there is none."""
    return interval((cell or {}).get("ci95"))


# A difference with its sign ("+1.25", "-0.40", "0.00"; a dash for none).
register.filter("signed", signed)
