"""`{% kept_result_list cl %}`: Django's `{% result_list cl %}` (the table of a change list), served
from the cache when its rows were kept (kehoach.admin.KeptRowsAdmin) and kept when drawn."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_list
from django.template.loader import select_template

from kehoach.admin import ROWS, ROWS_TEMPLATE, KeptRows
from kehoach.cache import html_set

register = template.Library()


@register.simple_tag
def kept_result_list(cl):
    rows = cl.result_list
    if isinstance(rows, KeptRows) and rows.kept:
        return rows.kept["html"]
    # The templates Django's own tag would look for, the model's and the app's first.
    opts = cl.opts
    names = [
        f"admin/{opts.app_label}/{opts.model_name}/change_list_results.html",
        f"admin/{opts.app_label}/change_list_results.html",
        ROWS_TEMPLATE,
    ]
    context = result_list(cl)
    html = select_template(names).render(context)
    if isinstance(rows, KeptRows):
        html_set(rows.key, ROWS, html, rows=len(context["results"]))
    return html
