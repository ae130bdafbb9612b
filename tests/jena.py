"""Apache Jena's command-line tools from Debian's libapache-jena-java 4.5.0, for tests.

Debian's jars carry no Class-Path, and two of its packaging slips stop Jena at start-up: the jar set in
/usr/share/java binds slf4j twice (so a classpath of ``/usr/share/java/*`` fails), and jena-core's
relocated Xerces looks for its message bundles under ``xerces/`` while they ship under
``org/apache/jena/ext/xerces/`` (benchmarks/validate.py explains it). :func:`jena_classpath` lists the
jars Jena needs and copies those bundles where Xerces looks; the JSON-LD 1.0 reader also needs
httpclient-cache.
"""

from __future__ import annotations

import subprocess
import tempfile
import zipfile
from pathlib import Path

from tests.conftest import missing

JAVA = Path("/usr/share/java")
DEPS = ("commons-lang3 commons-io commons-codec commons-compress commons-csv commons-cli slf4j-api slf4j-simple "
        "dexx.collection gson jsonld-java jackson-core jackson-databind jackson-annotations httpclient "
        "httpclient-cache httpcore protobuf guava thrift titanium-json-ld jakarta.json-api").split()
FIX = Path(tempfile.gettempdir()) / "dprk-ld-jena-riot"


def jena_classpath() -> str:
    """The classpath for ``riotcmd.riot`` (skip, or fail on CI, without Debian's Jena)."""
    core = JAVA / "jena-core.jar"
    if not core.is_file() or not (JAVA / "jena-cmds.jar").is_file():
        missing("Debian package libapache-jena-java is not installed")
    xerces_bundles(core, FIX)
    jars = sorted(JAVA.glob("jena-*-4*.jar")) + [JAVA / f"{d}.jar" for d in DEPS]
    return ":".join(str(j) for j in jars if j.is_file()) + f":{FIX}"


def xerces_bundles(core: Path, dest: Path) -> None:
    """Copy jena-core's Xerces message bundles from ``org/apache/jena/ext/xerces/`` to ``dest/xerces/``, where
    Debian's relocated Xerces classes look for them (``dest`` then goes on the classpath)."""
    with zipfile.ZipFile(core) as jar:
        for name in jar.namelist():
            prefix = "org/apache/jena/ext/xerces/"
            if name.startswith(prefix) and name.endswith(".properties"):
                target = dest / "xerces" / name[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))


def riot(classpath: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``riot ARGS`` (Jena's parser/validator); its report goes to stderr."""
    return subprocess.run(["java", "-cp", classpath, "riotcmd.riot", *args], capture_output=True, text=True,
                          timeout=300)
