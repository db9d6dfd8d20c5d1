"""`{% kept_app_list %}`: the admin's sidebar of models, Django's admin/app_list.html as
admin/nav_sidebar.html includes it, drawn once in this process for each list of models shown, each
language and each model being shown, then served from memory.

Drawing it took a fifth of an admin list's time (some thirty models, each row a dozen template
tags). What it shows depends on nothing else: the list of models (`available_apps`, which the admin
builds for each request from the person's permissions: names, links, and which links there are),
the language of their names, and which of them the address being shown is under (the template's
`… in request.path|urlencode`, which marks the current app and model)."""

from urllib.parse import quote

from django import template
from django.template.loader import get_template
from django.utils.translation import get_language

register = template.Library()

# {key: the sidebar's HTML}; emptied when full (a few lists of models × some thirty models shown).
_DRAWN: dict[tuple, str] = {}
_MOST = 1000


def _models(apps: list[dict]) -> tuple:
    """Everything of `available_apps` that the template shows, as values."""
    return tuple(
        (
            app["app_label"],
            str(app["name"]),
            app["app_url"],
            tuple(
                (model["object_name"], str(model["name"]), model.get("admin_url"), model.get("add_url"))
                for model in app["models"]
            ),
        )
        for app in apps
    )


@register.simple_tag(takes_context=True)
def kept_app_list(context):
    apps = context.get("available_apps") or []
    request = context["request"]
    # The template's `url in request.path|urlencode` (the filter quotes all but "/")
    path = quote(request.path)
    urls = [url for app in apps for url in (app["app_url"], *(m.get("admin_url") for m in app["models"]))]
    current = tuple(url for url in urls if url and url in path)
    key = (get_language(), _models(apps), current)
    html = _DRAWN.get(key)
    if html is None:
        if len(_DRAWN) >= _MOST:
            _DRAWN.clear()
        html = _DRAWN[key] = get_template("admin/app_list.html").render(
            {"app_list": apps, "show_changelinks": False, "request": request}
        )
    return html
