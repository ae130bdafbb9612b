"""Our vocabulary as a closed namespace, and the prefixes we publish.

Implements the IRI policy of docs/conventions.md. ``DPRK`` is an rdflib
:class:`~rdflib.namespace.DefinedNamespace` with ``_fail = True``: using a term
that is not listed here raises ``AttributeError`` instead of minting an IRI.
``tests/test_namespaces.py`` checks this list against ``ontology/``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/dprk-ld/"
ONTOLOGY_NS = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
ID = BASE + "id/"


class DPRK(DefinedNamespace):
    """Terms of ``https://w3id.org/dprk-ld/ontology#``."""

    _NS = Namespace(ONTOLOGY_NS)
    _fail = True

    # classes: actors
    Actor: URIRef
    State: URIRef
    Person: URIRef
    Organisation: URIRef
    GovernmentBody: URIRef
    Parliament: URIRef
    IntelligenceService: URIRef
    NewsOutlet: URIRef
    InternationalOrganisation: URIRef
    Place: URIRef
    # classes: sources
    SourceArticle: URIRef
    TextSpan: URIRef
    Citation: URIRef
    Exclusion: URIRef
    Quantity: URIRef
    # classes: claims
    Claim: URIRef
    Treaty: URIRef
    Ratification: URIRef
    Sanction: URIRef
    Transfer: URIRef
    DiplomaticRelation: URIRef
    Visit: URIRef
    Meeting: URIRef
    Statement: URIRef
    Pledge: URIRef
    RelationAssessment: URIRef
    Characterisation: URIRef
    HistoricalEvent: URIRef
    # object properties
    citation: URIRef
    source: URIRef
    attributedTo: URIRef
    stance: URIRef
    rank: URIRef
    modality: URIRef
    eventType: URIRef
    contradicts: URIRef
    sameEventAs: URIRef
    reviewStatus: URIRef
    exclusionReason: URIRef
    involves: URIRef
    party: URIRef
    ratifies: URIRef
    ratifiedBy: URIRef
    obligation: URIRef
    imposer: URIRef
    target: URIRef
    supplier: URIRef
    recipient: URIRef
    transferCategory: URIRef
    quantity: URIRef
    relationStatus: URIRef
    visitor: URIRef
    host: URIRef
    location: URIRef
    participant: URIRef
    speaker: URIRef
    addressee: URIRef
    assessment: URIRef
    subject: URIRef
    partOf: URIRef
    # datatype properties
    quote: URIRef
    startOffset: URIRef
    endOffset: URIRef
    date: URIRef
    startDate: URIRef
    endDate: URIRef
    dateInferred: URIRef
    dateBasis: URIRef
    gloss: URIRef
    deprecationReason: URIRef
    rankReason: URIRef
    reviewNote: URIRef
    citationNote: URIRef
    amount: URIRef
    lowerBound: URIRef
    upperBound: URIRef
    approximate: URIRef
    unit: URIRef
    item: URIRef
    measure: URIRef
    basis: URIRef
    sha256: URIRef
    fileName: URIRef
    # annotation properties
    wikidata: URIRef
    # SKOS concept schemes
    StanceScheme: URIRef
    RankScheme: URIRef
    ModalityScheme: URIRef
    TransferCategoryScheme: URIRef
    ObligationTypeScheme: URIRef
    RelationStatusScheme: URIRef
    EventTypeScheme: URIRef
    AssessmentScheme: URIRef
    ReviewStatusScheme: URIRef
    ExclusionReasonScheme: URIRef
    # concepts: stance
    Asserted: URIRef
    Alleged: URIRef
    Confirmed: URIRef
    Disputed: URIRef
    Denied: URIRef
    Questioned: URIRef
    # concepts: review status
    Reviewed: URIRef
    FlaggedForReview: URIRef
    # concepts: exclusion reason
    PageFurniture: URIRef
    Heading: URIRef
    NotAClaim: URIRef
    # concepts: rank
    PreferredRank: URIRef
    NormalRank: URIRef
    DeprecatedRank: URIRef
    # concepts: modality
    Factual: URIRef
    Speculative: URIRef
    Evaluative: URIRef
    # concepts: transfer category
    ArmsAndMunitions: URIRef
    Troops: URIRef
    Technology: URIRef
    EconomicAid: URIRef
    DebtRelief: URIRef
    Investment: URIRef
    Trade: URIRef
    # concepts: obligation type (ATOP)
    Defence: URIRef
    Offence: URIRef
    Neutrality: URIRef
    NonAggression: URIRef
    Consultation: URIRef
    # concepts: relation status
    Established: URIRef
    Maintained: URIRef
    Absent: URIRef
    Severed: URIRef
    # concepts: assessment of a relationship
    Warming: URIRef
    Cooling: URIRef
    Ally: URIRef
    StrongestAlly: URIRef
    Supportive: URIRef
    Strained: URIRef
    # concepts: PLOVER event types
    PloverAgree: URIRef
    PloverConsult: URIRef
    PloverSupport: URIRef
    PloverConcede: URIRef
    PloverCooperate: URIRef
    PloverAid: URIRef
    PloverRetreat: URIRef
    PloverRequest: URIRef
    PloverAccuse: URIRef
    PloverReject: URIRef
    PloverThreaten: URIRef
    PloverProtest: URIRef
    PloverSanction: URIRef
    PloverMobilize: URIRef
    PloverCoerce: URIRef
    PloverAssault: URIRef


#: The prefixes we publish (Turtle output, SPARQL prologues, docs), in a stable order.
PREFIXES: dict[str, str] = {
    "dprk": ONTOLOGY_NS,
    "state": ID + "state/",
    "person": ID + "person/",
    "agency": ID + "org/",
    "place": ID + "place/",
    "source": ID + "source/",
    "claim": ID + "claim/",
    "citation": ID + "citation/",
    "quantity": ID + "quantity/",
    "exclusion": ID + "exclusion/",
    "wd": "http://www.wikidata.org/entity/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def sparql_prologue() -> str:
    """``PREFIX`` lines for every published prefix."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
