"""What a release needs to be put online so its IRIs resolve: w3id.org redirect rules and static-host headers.

Implements, from the one IRI → document rule of :mod:`dprk_ld.site.iris` (docs/conventions.md, the 303
pattern of "Cool URIs for the Semantic Web"):

- ``w3id.htaccess``: Apache mod_rewrite rules in the format of the w3id.org registry (one ``.htaccess``
  per project folder, paths relative to ``https://w3id.org/dprk-ld/``). A thing IRI answers 303 to its
  document in the hosted release by ``Accept`` (Turtle, JSON-LD, else HTML); a document, ``release/…``
  and ``context.jsonld`` answer 302 to the hosted file; ``sparql`` and ``queries/…`` answer 307 (method
  and body kept) to the live endpoint. The two targets are set once at the top (docs/publishing.md).
- ``.htaccess`` and ``_headers``: media types, charset and CORS for a static host (Apache; Netlify,
  Cloudflare Pages), so Turtle is served as ``text/turtle`` and a script on another origin may read it.
"""

from __future__ import annotations

from pathlib import Path

from ..site.iris import SERVICE_PATHS

#: placeholders docs/publishing.md tells the publisher to replace
RELEASE_TARGET = "https://dprk-ld.example.org/releases/latest/"
RELEASES_TARGET = "https://dprk-ld.example.org/releases/"
ENDPOINT_TARGET = "https://dprk-ld.example.org/"
#: file extension -> media type served by a static host
MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "nq": "application/n-quads",
               "trig": "application/trig", "jsonld": "application/ld+json", "rdf": "application/rdf+xml",
               "srj": "application/sparql-results+json", "csv": "text/csv", "rq": "application/sparql-query",
               "cff": "text/yaml", "svg": "image/svg+xml", "html": "text/html", "css": "text/css"}
#: (Accept pattern, document extension), most specific first; anything else gets the HTML page
NEGOTIATED = (("text/turtle", "ttl"), (r"application/ld\+json", "jsonld"))
DOCUMENT = r"(html|ttl|jsonld)"


W3ID = "https://w3id.org/"


def w3id_htaccess(folder: str = "dprk-ld") -> str:
    """The redirect rules for ``https://w3id.org/<folder>/`` (its folder in the w3id.org repository)."""
    service = "|".join(p.rstrip("/") for p in SERVICE_PATHS if p != "release/")
    lines = [
        f"# w3id.org/{folder}: permanent IRIs of the dataset (written by `dprk-ld build`).",
        f"# Set the three targets below, then submit this file as {folder}/.htaccess to the w3id.org repository.",
        "# The rules follow docs/conventions.md: a thing IRI -> 303 to its document in the hosted release,",
        "# chosen by Accept; documents, releases and the context -> 302; the endpoint -> 307.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        f"RewriteRule ^ - [E=DPRK_RELEASE:{RELEASE_TARGET}]",
        f"RewriteRule ^ - [E=DPRK_RELEASES:{RELEASES_TARGET}]",
        f"RewriteRule ^ - [E=DPRK_ENDPOINT:{ENDPOINT_TARGET}]",
        "",
        "# the live service: SPARQL endpoint and canned queries (307 keeps POST and its body)",
        f"RewriteRule ^(({service})(/.*)?)$ %{{ENV:DPRK_ENDPOINT}}$1 [R=307,L,NE]",
        "# every release, by version",
        "RewriteRule ^release/(.*)$ %{ENV:DPRK_RELEASES}$1 [R=302,L,NE]",
        "# documents: the JSON-LD context, and any page or description asked for by its own URL",
        "RewriteRule ^context\\.jsonld$ %{ENV:DPRK_RELEASE}context.jsonld [R=302,L]",
        f"RewriteRule ^(graph/.+\\.ttl)\\.{DOCUMENT}$ %{{ENV:DPRK_RELEASE}}$1.$2 [R=302,L,NE]",
        f"RewriteCond %{{REQUEST_URI}} !^/{folder}/graph/",
        f"RewriteRule ^(.+)\\.{DOCUMENT}$ %{{ENV:DPRK_RELEASE}}$1.$2 [R=302,L,NE]",
        "",
        "# things: 303 to the document by Accept; a namespace (or the base IRI) has its documents at index.*",
    ]
    for pattern, ext in (*NEGOTIATED, ("", "html")):
        for rule, target in (("^(.*/)?$", "$1index"), ("^(.+)$", "$1")):
            if pattern:
                lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {pattern}")
            lines.append(f"RewriteRule {rule} %{{ENV:DPRK_RELEASE}}{target}.{ext} [R=303,L,NE]")
    return "\n".join(lines) + "\n"


def apache_htaccess() -> str:
    """Media types, charset and CORS for an Apache static host serving the release folder."""
    lines = ["# Serving this release folder with Apache (written by `dprk-ld build`; docs/publishing.md).",
             "AddDefaultCharset utf-8"]
    for ext, media in sorted(MEDIA_TYPES.items()):
        lines.append(f"AddType {media} .{ext}")
    lines += ["AddCharset utf-8 .ttl .nt .nq .trig .jsonld .rdf .srj .csv .rq .html .css .svg",
              "AddEncoding x-gzip .gz",
              "<IfModule mod_headers.c>",
              '  Header set Access-Control-Allow-Origin "*"',
              "</IfModule>",
              "DirectoryIndex index.html"]
    return "\n".join(lines) + "\n"


def headers_file() -> str:
    """The same for hosts that read a ``_headers`` file (Netlify, Cloudflare Pages)."""
    lines = ["/*", "  Access-Control-Allow-Origin: *"]
    for ext, media in sorted(MEDIA_TYPES.items()):
        charset = "; charset=utf-8" if media.startswith("text/") or ext in ("jsonld", "srj", "rq") else ""
        lines += [f"/*.{ext}", f"  Content-Type: {media}{charset}"]
    return "\n".join(lines) + "\n"


def write_hosting(out: Path, base: str) -> list[Path]:
    """Write ``.htaccess`` and ``_headers`` into the release folder, and ``w3id.htaccess`` when the dataset's
    base IRI is a w3id.org folder (``https://w3id.org/NAME/``; any other base is redirected by its owner)."""
    written = []
    files = [(".htaccess", apache_htaccess()), ("_headers", headers_file())]
    folder = base[len(W3ID):].strip("/")
    if base.startswith(W3ID) and folder and "/" not in folder:
        files.insert(0, ("w3id.htaccess", w3id_htaccess(folder)))
    for name, text in files:
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
