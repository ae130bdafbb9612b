"""The engine's errors (W3C SHACL §3.6.1 "failure"): what it cannot compile, and shapes it cannot use.

The package is independent of the rest of dprk_ld; a caller maps these to its own errors.
"""

from __future__ import annotations


class ShaclEngineError(Exception):
    """Base class of the engine's errors."""


class Unsupported(ShaclEngineError):
    """A constraint uses something the SPARQL compiler does not handle (a fallback may take it)."""


class ShapesError(ShaclEngineError):
    """The shapes graph is malformed for SHACL (§3.6.1 failure): e.g. an ``sh:select`` that is no valid
    SPARQL, or a SHACL-SPARQL query using ``SERVICE``, ``MINUS`` or ``VALUES`` (§5.2.1)."""

    def __init__(self, message: str, shape: str | None = None) -> None:
        super().__init__(message)
        self.shape = shape
