"""``python -m dprk_ld``: the same as the ``dprk-ld`` command."""

from .cli import run

run()
