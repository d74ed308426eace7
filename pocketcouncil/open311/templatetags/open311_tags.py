"""``{% open311_case_sent case %}``: the staff case page's "Sent to" row, so the cases app's
template can show where a case went without cases importing open311."""

from django import template

from pocketcouncil.open311 import queries

register = template.Library()


@register.inclusion_tag("open311/includes/case_sent.html")
def open311_case_sent(case):
    return {"send": queries.outbound_send_for_case(case=case)}
