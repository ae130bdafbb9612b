"""QuickStatements V1 export of the claims that map to Wikidata properties between verified items.

Implements the QuickStatements V1 command format (www.wikidata.org/wiki/Help:QuickStatements):
one statement per line, tab-separated ``item  property  value  [qualifier value]...  [Sxx value]...``;
items ``Q…``, properties ``P…``, dates ``+YYYY-MM-DDT00:00:00Z/p`` (precision 11 day, 10 month,
9 year, unknown parts written ``00``), monolingual text ``lang:"text"``, strings ``"text"``;
reference properties take an ``S`` instead of the ``P``. All ``S`` values of one line form one
reference, so a statement with two usable citations is written on two lines (QuickStatements
merges a line whose statement already exists and adds the new reference to it).

Which claims map, and which do not, is documented in docs/wikidata.md. Every QID comes from the
dataset's own ``dprk:wikidata`` links (the verified ones); a claim that cannot be expressed is
returned in :attr:`QSExport.skipped` with the reason, never dropped silently. Output order is
deterministic: claims by IRI, statements by item and value, references by citation IRI.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..load import Dataset
from ..namespaces import ONTOLOGY_NS
from ..query.results import Term, lexical
from .view import DCTERMS, RDF_TYPE, SCHEMA, Props, claim_class, claim_nodes, wikidata_links

#: Citations with these stances support a claim; Alleged, Disputed and Denied ones do not.
SUPPORTING_STANCES = {ONTOLOGY_NS + "Asserted", ONTOLOGY_NS + "Confirmed"}
#: Wikibase rejects string and monolingual-text values longer than this.
MAX_TEXT = 1500
_QS_LANGUAGE = re.compile(r"[A-Za-z_-]+")  # what V1's monolingual-text pattern accepts as a language
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class QSExport:
    """The export: QuickStatements lines, the claims left out with why, and notes on what was omitted."""

    lines: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (claim IRI, reason)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def skipped_by_reason(self) -> dict[str, int]:
        """Counts of skipped claims by reason category (the part of the reason before the colon)."""
        return dict(sorted(Counter(reason.split(":")[0] for _, reason in self.skipped).items()))

    def report(self) -> str:
        """A plain-text report of what was left out and why."""
        out = [f"{len(self.lines)} QuickStatements lines; {len(self.skipped)} claims or parts skipped"]
        out += [f"  skipped {claim}: {reason}" for claim, reason in self.skipped]
        out += [f"  note: {note}" for note in self.notes]
        return "\n".join(out) + "\n"


def qs_date(literal: ox.Literal) -> str | None:
    """``+YYYY-MM-DDT00:00:00Z/p`` for an xsd:date, gYearMonth or gYear literal; None otherwise."""
    kind = literal.datatype.value[len(XSD):] if literal.datatype.value.startswith(XSD) else ""
    match = _DATE.fullmatch(literal.value)
    if not match or kind not in ("date", "gYearMonth", "gYear"):
        return None
    year, month, day = match.group(1), match.group(2) or "00", match.group(3) or "00"
    precision = {"date": 11, "gYearMonth": 10, "gYear": 9}[kind]
    if (kind == "date") != bool(match.group(3)) or (kind == "gYear") != (match.group(2) is None):
        return None
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def qs_string(text: str) -> str | None:
    """A QuickStatements string value, or None when V1 cannot carry it unchanged.

    V1 splits lines at line breaks and fields at tabs, and trims every value, so a tab, a line
    break or a space at either end cannot pass; Wikibase refuses texts over 1,500 characters.
    Inner double quotes need no escaping: V1 takes everything between the first and last quote.
    """
    if re.search(r"[\t\r\n]", text) or len(text) > MAX_TEXT or not text.strip() or text != text.strip():
        return None
    return f'"{text}"'


def _one(props: Props, name: str) -> Term | None:
    values = props.get(ONTOLOGY_NS + name, ())
    return values[0] if values else None


def _is_true(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.value in ("true", "1")


class _Exporter:
    def __init__(self, dataset: Dataset) -> None:
        self.claims, self.citations, self.sources = claim_nodes(dataset)
        self.qids = wikidata_links(dataset)
        self.out = QSExport()
        self.languages_without_qid: set[str] = set()

    def run(self) -> QSExport:
        for claim in sorted(self.claims):
            self.export(claim, self.claims[claim])
        if self.out.lines:
            self.out.notes.append("P813 (retrieved) is never written: the dataset records no date on which "
                                  "an article was read, and no other date stands in for it")
        for lang in sorted(self.languages_without_qid):
            self.out.notes.append(f"P407 (language of work) omitted for language {lang!r}: the dataset links "
                                  "no verified QID for it")
        return self.out

    def skip(self, claim: str, reason: str) -> None:
        self.out.skipped.append((claim, reason))

    def export(self, claim: str, props: Props) -> None:
        cls = claim_class(props.get(RDF_TYPE, ())) or "Claim"
        rank = _one(props, "rank")
        if rank is not None and lexical(rank) == ONTOLOGY_NS + "DeprecatedRank":
            return self.skip(claim, "deprecated rank: a claim our data deprecates is not contributed "
                                    "(and QuickStatements V1 cannot set ranks)")
        review = _one(props, "reviewStatus")
        if review is not None and lexical(review) == ONTOLOGY_NS + "FlaggedForReview":
            return self.skip(claim, "flagged for review: a curator doubts it (dprk:reviewNote says why), "
                                    "so it is not contributed until the doubt is settled")
        modality = _one(props, "modality")
        if modality is not None and lexical(modality) != ONTOLOGY_NS + "Factual":
            return self.skip(claim, f"not factual: modality {lexical(modality)[len(ONTOLOGY_NS):]}")
        statements = self.statements(claim, cls, props)
        if not statements:
            return
        refs = self.references(claim, props)
        if not refs:
            return
        for item, prop, value, quals in statements:
            for ref in refs:
                self.out.lines.append("\t".join([item, prop, value, *quals, *ref]))

    def qid(self, node: Term | None) -> str | None:
        return self.qids.get(node.value) if isinstance(node, ox.NamedNode) else None

    def dates(self, claim: str, props: Props, wanted: dict[str, str]) -> list[str]:
        """Qualifier pairs for the claim's dates (dprk property -> PID); inferred dates are left out."""
        quals: list[str] = []
        for name, pid in wanted.items():
            for value in props.get(ONTOLOGY_NS + name, ()):
                if _is_true(_one(props, "dateInferred")):
                    self.out.notes.append(f"{claim}: {pid} left out: the date is inferred, not stated")
                    continue
                text = qs_date(value) if isinstance(value, ox.Literal) else None
                if text is None:
                    self.out.notes.append(f"{claim}: {pid} left out: {value} is not a date QuickStatements takes")
                    continue
                quals += [pid, text]
        return quals

    def statements(self, claim: str, cls: str, props: Props) -> list[tuple[str, str, str, list[str]]]:
        own = self.qid(ox.NamedNode(claim))
        if cls == "DiplomaticRelation":
            return self.relation(claim, props)
        if cls == "Treaty":
            role, pid, what = "party", "P1891", "treaty"
        elif props.get(ONTOLOGY_NS + "participant"):
            role, pid, what = "participant", "P710", "event"
        else:
            self.skip(claim, f"no mappable property: no property in wikidata-properties.tsv states a {cls}")
            return []
        if own is None:
            self.skip(claim, f"no verified QID: the {what} itself has no Wikidata item (dprk:wikidata), "
                             f"so {pid} has no subject")
            return []
        quals = self.dates(claim, props, {"date": "P585", "startDate": "P580"})
        out = []
        for party in props.get(ONTOLOGY_NS + role, ()):
            q = self.qid(party)
            if q is None:
                self.skip(claim, f"no verified QID: {lexical(party)} ({pid} for it not stated)")
            else:
                out.append((own, pid, q, quals))
        return sorted(out, key=lambda s: (int(s[0][1:]), int(s[2][1:])))

    def relation(self, claim: str, props: Props) -> list[tuple[str, str, str, list[str]]]:
        status = _one(props, "relationStatus")
        status_name = lexical(status)[len(ONTOLOGY_NS):] if status is not None else "Established"
        if status_name == "Absent":
            self.skip(claim, "relation status Absent: Wikidata states relations that exist (P530), "
                             "not their absence")
            return []
        parties = props.get(ONTOLOGY_NS + "party", ())
        if len(parties) != 2:
            self.skip(claim, f"no mappable property: P530 links exactly two states, the claim has {len(parties)}")
            return []
        qids = [self.qid(p) for p in parties]
        missing = [lexical(p) for p, q in zip(parties, qids, strict=True) if q is None]
        if missing:
            self.skip(claim, f"no verified QID: {', '.join(missing)}")
            return []
        quals = self.dates(claim, props, {"startDate": "P580"})
        if status_name == "Severed":
            end = self.dates(claim, props, {"endDate": "P582"}) or self.dates(claim, props, {"date": "P582"})
            if not end:
                self.skip(claim, "no mappable property: a severed relation needs an end time (P582), "
                                 "and the claim has no usable date")
                return []
            quals += end
        a, b = sorted((q for q in qids if q is not None), key=lambda q: int(q[1:]))
        return [(a, "P530", b, quals), (b, "P530", a, quals)]

    def references(self, claim: str, props: Props) -> list[list[str]]:
        """One list of S-pairs per usable citation; a skip entry when there is none."""
        refs: list[list[str]] = []
        problems: list[str] = []
        for citation in props.get(ONTOLOGY_NS + "citation", ()):
            fields = self.citations.get(lexical(citation), {})
            stance = _one(fields, "stance")
            if stance is None or lexical(stance) not in SUPPORTING_STANCES:
                name = lexical(stance)[len(ONTOLOGY_NS):] if stance is not None else "no"
                problems.append(f"{lexical(citation)} has stance {name}")
                continue
            ref = self.reference(lexical(citation), fields, problems)
            if ref and ref not in refs:
                refs.append(ref)
            elif ref:
                self.out.notes.append(f"{claim}: {lexical(citation)} gives the same reference as another citation")
        if refs and problems:
            self.out.notes += [f"{claim}: reference left out: {p}" for p in problems]
        if not refs:
            detail = "; ".join(problems) or "the claim has no citation"
            self.skip(claim, f"no usable reference: {detail}")
        return refs

    def reference(self, citation: str, fields: Props, problems: list[str]) -> list[str]:
        """The S-pairs of one citation: stated in, reference URL, quotation; [] when the quote cannot go."""
        quote = _one(fields, "quote")
        text = qs_string(quote.value) if isinstance(quote, ox.Literal) else None
        lang = quote.language if isinstance(quote, ox.Literal) else None
        if text is None or not lang or not _QS_LANGUAGE.fullmatch(lang):
            problems.append(f"{citation}: its quote cannot be written in QuickStatements V1 (it needs a "
                            f"language tag of letters and '-', no tab or line break, no space at either end, "
                            f"at most {MAX_TEXT} characters)")
            return []
        ref: list[str] = []
        source = _one(fields, "source")
        meta = self.sources.get(source.value, {}) if isinstance(source, ox.NamedNode) else {}
        stated_in = self.qid(source)
        if stated_in:
            ref += ["S248", stated_in]
        for url in meta.get(SCHEMA + "url", ())[:1]:
            url_text = qs_string(lexical(url))
            if url_text:
                ref += ["S854", url_text]
        ref += ["S1683", f"{lang}:{text}"]
        for language in meta.get(DCTERMS + "language", ()):
            self.languages_without_qid.add(lexical(language))
        return ref


def export_quickstatements(dataset: Dataset) -> QSExport:
    """QuickStatements V1 lines for every claim that maps to Wikidata, and the claims that do not, with why."""
    return _Exporter(dataset).run()
