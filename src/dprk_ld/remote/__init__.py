"""A dataset in an external SPARQL 1.1 store, used read-only (validate it, serve it).

- :mod:`.client`: the SPARQL 1.1 Protocol client (streamed answers, paging, polite retries)
- :mod:`.dataset`: :func:`open_remote`, the store's layout and the small part held locally
"""

from __future__ import annotations

from .client import Endpoint
from .dataset import RemoteDataset, open_remote

__all__ = ["Endpoint", "RemoteDataset", "open_remote"]
