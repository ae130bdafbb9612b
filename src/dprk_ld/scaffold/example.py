"""The example data of a new dataset project (:func:`dprk_ld.scaffold.init_project`).

Ruritania and Freedonia are the fictional states of old novels and of our test fixtures; the example
article is written for the template and says so in its first line, so no reader takes it for news.
"""

from __future__ import annotations

EXAMPLE_ARTICLE = (
    "EXAMPLE ARTICLE. Written for the dprk-ld project template; it reports no real event and names no real "
    "state.\n\nRuritania and Freedonia have established diplomatic relations, the Ruritanian foreign ministry "
    "said on Monday.\n"
)
EXAMPLE_HEADING = "EXAMPLE ARTICLE."
EXAMPLE_NOTE = "Written for the dprk-ld project template; it reports no real event and names no real state."
EXAMPLE_QUOTE = "Ruritania and Freedonia have established diplomatic relations"


def header(base: str) -> str:
    """The prefixes of the example data files: the dprk-ld vocabulary, the project's own entities."""
    ids = base + "id/"
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in (
        ("dprk", "https://w3id.org/dprk-ld/ontology#"),
        ("state", ids + "state/"), ("agency", ids + "org/"), ("source", ids + "source/"),
        ("claim", ids + "claim/"), ("citation", ids + "citation/"), ("exclusion", ids + "exclusion/"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"), ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ("dcterms", "http://purl.org/dc/terms/"), ("schema", "https://schema.org/"),
    )) + "\n"


def actors_turtle() -> str:
    return """# Reference entities: states, organisations, persons (no citations). Labels in English and Indonesian.

state:RUR a dprk:State ;
    rdfs:label "Ruritania"@en, "Ruritania"@id .

state:FRE a dprk:State ;
    rdfs:label "Freedonia"@en, "Freedonia"@id .

agency:ruritania-foreign-ministry a dprk:GovernmentBody ;
    rdfs:label "Ruritanian foreign ministry"@en, "kementerian luar negeri Ruritania"@id ;
    dprk:partOf state:RUR .

agency:example-gazette a dprk:NewsOutlet ;
    rdfs:label "Example Gazette"@en, "Example Gazette"@id .
"""


def claims_turtle() -> str:
    return """# One claim, cited. The citation below was made with:
#   dprk-ld cite sources/example-001.txt "Ruritania and Freedonia have established diplomatic relations" \\
#       --id example-relations-c1 --attributed-to agency:ruritania-foreign-ministry

claim:example-relations a dprk:DiplomaticRelation ;
    rdfs:label "Ruritania and Freedonia establish diplomatic relations"@en,
        "Ruritania dan Freedonia menjalin hubungan diplomatik"@id ;
    dprk:gloss "The Ruritanian foreign ministry says that the two states have established diplomatic relations."@en ;
    dprk:party state:RUR, state:FRE ;
    dprk:relationStatus dprk:Established ;
    dprk:modality dprk:Factual ;
    dprk:rank dprk:NormalRank ;
    dprk:reviewStatus dprk:Reviewed ;
    dprk:citation citation:example-relations-c1 .
"""


def exclusions_turtle() -> str:
    """The sentences of the example article that no claim cites, set aside with a reason (see `dprk-ld coverage`)."""
    heading, note = EXAMPLE_ARTICLE.index(EXAMPLE_HEADING), EXAMPLE_ARTICLE.index(EXAMPLE_NOTE)
    return f"""# Sentences set aside rather than cited: offsets and a reason, never the text (`dprk-ld coverage`).

exclusion:example-heading a dprk:Exclusion ;
    dprk:source source:example-001 ;
    dprk:startOffset {heading} ;
    dprk:endOffset {heading + len(EXAMPLE_HEADING)} ;
    dprk:exclusionReason dprk:Heading ;
    rdfs:comment "The example article's heading."@en .

exclusion:example-note a dprk:Exclusion ;
    dprk:source source:example-001 ;
    dprk:startOffset {note} ;
    dprk:endOffset {note + len(EXAMPLE_NOTE)} ;
    dprk:exclusionReason dprk:NotAClaim ;
    rdfs:comment "Says that the article is an example; it states nothing about the world."@en .
"""
