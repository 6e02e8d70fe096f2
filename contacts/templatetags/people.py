"""Template filters of the People pages."""

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# What notes may hold once rendered: text formatting, lists, links, quotes, code
# and tables. Everything else (script, style, iframes, event handlers, images
# that would load from elsewhere) is dropped by nh3.
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


@register.filter(is_safe=True)
def markdown(text: str) -> str:
    """Notes written in Markdown, as HTML safe to show: raw HTML and scripts are stripped."""
    if not text:
        return ""
    html = md.markdown(text, extensions=["extra", "sane_lists", "nl2br"], output_format="html")
    return mark_safe(nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    ))
