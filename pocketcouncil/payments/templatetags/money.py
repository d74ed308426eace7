from django import template

register = template.Library()


@register.filter
def pounds(pence) -> str:
    """1250 -> "£12.50"."""
    try:
        return f"£{int(pence) / 100:,.2f}"
    except (TypeError, ValueError):
        return ""
