"""Placeholder: the calendar feed is being written (issue 4)."""

from django.http import Http404


def calendar_page(request):
    raise Http404


def calendar_renew(request):
    raise Http404


def calendar_feed(request, token):
    raise Http404
