"""Book pages generated from data before each build (they are git-ignored outputs)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import paths

GENERATED = ["book/errata.md"]


def errata_page() -> str:
    from . import consistency

    errata = consistency.errata()
    findings = {f.check_id: f for f in consistency.run()}
    out = [
        "# Errata of the report",
        "",
        "The report is internally inconsistent in a few places. Each inconsistency below was found "
        "by a mechanical consistency check of the published layer (`barometer.consistency`), or by "
        "reading, and is listed with its evidence and with what this compendium does about it. "
        "The printed numbers always stay in `data/published/values.csv`; a correction is applied "
        "only where a chapter says so. Source: `data/published/errata.csv`.",
        "",
        "Confidence: *certain* (the evidence leaves one reading), *likely* (one reading fits all "
        "the evidence, but it is inferred), *undecided* (the evidence is not enough; the "
        "compendium's choice is a documented default).",
        "",
    ]
    for e in errata.itertuples():
        out += [f"## {e.erratum_id}: {e.title}", "", f"**Where:** {e.source_id} · **Confidence:** {e.confidence}", ""]
        out += [f"**Evidence.** {e.evidence}", "", f"**Treatment.** {e.treatment}", ""]
        checks = [c for c in e.checks.split(";") if c and c != "manual"]
        if checks:
            out += ["**Found by:**", ""]
            for c in checks:
                f = findings.get(c)
                detail = f" ({f.rule}): {f.detail}" if f else " (no longer fails)"
                out.append(f"- `{c}`{detail}")
            out.append("")
        else:
            out += ["**Found by:** reading (no mechanical check).", ""]
    return "\n".join(out)


def _inputs_digest() -> str:
    """Digest of what the generated pages are made from: skip the work when it is unchanged."""
    h = hashlib.sha256()
    files = [paths.PUBLISHED / "values.csv", paths.PUBLISHED / "errata.csv",
             paths.CODEBOOK / "group_labels.csv", *sorted(paths.PACKAGE.glob("*.py"))]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def generate(root: Path | None = None) -> list[Path]:
    """Write every generated page under ``root`` (the repository by default)."""
    root = root or paths.ROOT
    if not (paths.PUBLISHED / "errata.csv").exists() or not (root / "book").is_dir():
        return []  # a project without the published layer (e.g. a test fixture)
    target = root / "book" / "errata.md"
    stamp = root / "_build" / ".pages-digest"
    digest = _inputs_digest()
    if target.exists() and stamp.exists() and stamp.read_text() == digest:
        return [target]
    text = errata_page()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)
    return [target]
