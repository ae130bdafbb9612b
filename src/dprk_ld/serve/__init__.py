"""The serve stage: a read-only SPARQL 1.1 Protocol endpoint with linked-data pages.

- :mod:`.app`: :func:`create_app` (Starlette) and :func:`serve_project` (uvicorn)
- :mod:`.protocol`: SPARQL 1.1 Protocol request parsing and the read-only query guard (pure)
- :mod:`.execute`: bounded query execution (deadline, row cap, concurrency)
- :mod:`.pages`: HTML pages of the live service
"""

from __future__ import annotations

from .app import create_app, serve_project

__all__ = ["create_app", "serve_project"]
