"""A small Sphinx extension for the book's HTML (loaded from ``_config.yml``).

Jupyter Book 1 sets up some extensions' scripts twice, so every page carried two identical
``<script>`` blocks, one of which declares ``const THEBE_JS_URL`` again: the browser logged an
error on every page. When the build has finished, a repeated identical script line in a page's
head is dropped (only exact repeats; nothing else is touched).
"""

from __future__ import annotations

import re
from pathlib import Path

_SCRIPT = re.compile(r"^\s*<script\b.*</script>\s*$")


def dedupe_page(text: str) -> str:
    head, sep, body = text.partition("</head>")
    if not sep:
        return text
    seen, kept = set(), []
    for line in head.splitlines(keepends=True):
        if _SCRIPT.match(line):
            key = line.strip()
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return "".join(kept) + sep + body


def dedupe_scripts(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = dedupe_page(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("build-finished", dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
