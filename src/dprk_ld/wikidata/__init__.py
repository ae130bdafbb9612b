"""Wikidata-style reuse of the dataset.

- :mod:`.view`: the statement view (p:/ps:/pq:/pr:-style statements with ranks and references)
- :mod:`.quickstatements`: QuickStatements V1 export of the claims Wikidata can express
- :mod:`.reconcile`: compare our claims with a Wikidata-shaped SPARQL endpoint
"""

from __future__ import annotations
