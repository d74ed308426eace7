"""Keeps the current request where insight's receivers can see it, so a report made soon after
a search that found no good answer can be recorded as failed self-service. No other app needs
to pass the request along; nothing is kept once the response is sent."""

from __future__ import annotations

from contextvars import ContextVar

_request: ContextVar = ContextVar("insight_request", default=None)


def current_request():
    return _request.get()


class ContactContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
