from django import template

from stats.text import rounded, signed

register = template.Library()


@register.filter
def ci(cell: dict) -> str:
    """A 95% confidence interval as "[91.66, 93.44]", or a dash where there is none."""
    interval = (cell or {}).get("ci95")
    if not interval or interval[0] is None or interval[1] is None:
        return "—"
    return f"[{rounded(interval[0])}, {rounded(interval[1])}]"


# A difference with its sign ("+1.25", "-0.40", "0.00"; a dash for none).
register.filter("signed", signed)
