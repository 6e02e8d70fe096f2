from django import template

register = template.Library()


@register.filter
def nudge_label(nudge) -> str:
    """ "Due" or "Overdue" for an overdue nudge (its level), else the reason: "Birthday"."""
    if nudge.reason == nudge.Reason.OVERDUE:
        return nudge.get_level_display()
    return nudge.get_reason_display()
