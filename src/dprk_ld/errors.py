"""One exception hierarchy for the toolkit.

Every error a user can cause is a :class:`DprkError` carrying a message, a
location (``file:line:col`` or an IRI) and a hint. The CLI turns them into
exit codes (:attr:`DprkError.exit_code`), the web app into 4xx responses.
Anything else that escapes is our bug.
"""

from __future__ import annotations


class DprkError(Exception):
    """Base of all user-facing errors."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str, location: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ProjectError(DprkError):
    """The dataset project cannot be found or is laid out wrongly."""


class LoadError(DprkError):
    """A file cannot be read or parsed (syntax, encoding, prefixes)."""


class SourceError(DprkError):
    """A source article cannot be read, or a quote cannot be found in it."""


class QueryError(DprkError):
    """A query cannot be found, parsed, bound or run."""


class ParameterError(QueryError):
    """A canned query's parameter is missing or ill-typed."""


class EndpointError(DprkError):
    """A remote SPARQL endpoint or graph store failed or answered nonsense."""

    http_status = 502


class NotAcceptable(DprkError):
    """Content negotiation found no format that the client accepts."""

    http_status = 406


class Refused(DprkError):
    """A request the read-only service will not carry out (update, SERVICE, LOAD ...)."""

    http_status = 403


class BuildError(DprkError):
    """A release cannot be written."""


class RequestError(DprkError):
    """An HTTP request the service cannot take as made: method, media type, size, load or time (4xx/5xx)."""

    def __init__(self, message: str, status: int = 400, location: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, location, hint)
        self.http_status = status


class Unavailable(RequestError):
    """The service cannot take the request now (busy, over time, over memory): 503, with ``Retry-After``."""

    def __init__(self, message: str, retry_after: int = 5, location: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, 503, location, hint)
        self.retry_after = retry_after
