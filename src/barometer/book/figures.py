"""How a figure looks and is downloaded: one house style, a caption with the question, base, n,
year and source, alt text, a *synthetic* mark where it applies, and downloads (PNG, SVG and the
data behind the figure as CSV). What a figure may be drawn from is decided by the output gate
(:mod:`barometer.book.gate`), through which every figure of the book reaches this module.

Figures are saved as files and placed with a MyST ``figure`` directive, so they are numbered,
have alt text and can be linked; the files are deterministic (no dates, fixed SVG ids).
"""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns

from barometer.data import paths

#: Okabe-Ito, the colour-blind-safe palette (seaborn's "colorblind" is close to it).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HIGHLIGHT, MUTED, REFERENCE = "#0072B2", "#BBBBBB", "#D55E00"
#: Diverging palette for Likert-type answers (negative ... positive), colour-blind-safe.
DIVERGING = ["#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC"]


def wrap(text, width: int = 38) -> str:
    """A label broken into lines of at most ``width`` characters (axis tick labels)."""
    return textwrap.fill(str(text), width)


def style() -> None:
    """The house style: white grid, readable sizes, Okabe-Ito colours, deterministic SVG."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=0.95)
    mpl.rcParams.update({
        # The font matplotlib ships, by name: seaborn's list starts with Arial, so a machine
        # that has Arial drew different figures, and the SVGs asked browsers for Arial while
        # their text had been laid out in DejaVu Sans. (Text layout also tried each listed
        # family on every call.)
        "font.sans-serif": ["DejaVu Sans", "sans-serif"],
        "figure.dpi": 100, "savefig.dpi": 144, "savefig.bbox": "tight",
        "svg.hashsalt": "barometer", "svg.fonttype": "none",
        "axes.titleweight": "bold", "axes.titlesize": 11, "figure.figsize": (7, 4),
    })


def watermark(fig: plt.Figure, provenance: str) -> None:
    """Mark a figure drawn from synthetic microdata in the image itself (downloads travel)."""
    if provenance == "synthetic":
        # Below everything already drawn (axis labels included), so that it never overprints
        # them; the saved image's tight box grows to take it in.
        bottom = fig.get_tightbbox(fig.canvas.get_renderer()).y0 / fig.get_figheight()
        fig.text(0.99, bottom - 0.01, "SYNTHETIC DATA: not a finding about Dutch government",
                 ha="right", va="top", fontsize=8, color=REFERENCE, alpha=0.9)


def _tight_bbox(fig: plt.Figure):
    """The figure's tight bounding box (inches, padded), measured once for both files.

    ``bbox_inches="tight"`` lays the figure out once more per file to measure it. Measured here
    at the PNG's resolution, the PNG is byte-identical to before and the SVG gets the same box
    (its own measurement, at 72 dpi, differed by up to 5 points, under 1% of a figure's width, in
    this book). On a test figure this took about a fifth off the time of saving."""
    saved_dpi = mpl.rcParams["savefig.dpi"]
    screen_dpi, fig.dpi = fig.dpi, fig.dpi if saved_dpi == "figure" else saved_dpi
    try:
        fig.draw_without_rendering()
        box = fig.get_tightbbox(fig.canvas.get_renderer())
    finally:
        fig.dpi = screen_dpi
    return box.padded(mpl.rcParams["savefig.pad_inches"])


def raster_cache_dir() -> Path:
    return paths.cache_dir() / "figures"


def save_png(fig: plt.Figure, png: Path, bbox, svg: bytes, *, keep: bool = True) -> None:
    """Save the PNG of a figure whose SVG is ``svg``, or copy it from an earlier build.

    Drawing the PNG is the dearest part of a figure, and many figures come out the same in
    several builds: those drawn from the report's published tables are identical in every
    sector edition. The SVG is a complete description of what is drawn (every shape, colour
    and text with its font and position), so the PNG is kept under a key made of the SVG and
    of everything else the raster depends on: the matplotlib version and all rcParams
    (resolution, antialiasing, fonts). A figure with the same key is the same picture.
    With ``keep=False`` the PNG is drawn and not kept."""
    if not keep:
        fig.savefig(png, bbox_inches=bbox, metadata={"Software": None})
        return
    settings = sorted((k, repr(v)) for k, v in mpl.rcParams.items())
    key = hashlib.sha256(svg + repr((mpl.__version__, settings)).encode()).hexdigest()
    kept = raster_cache_dir() / key[:2] / f"{key}.png"
    if kept.is_file():
        shutil.copyfile(kept, png)
        return
    fig.savefig(png, bbox_inches=bbox, metadata={"Software": None})
    paths.write_atomically(kept, lambda tmp: shutil.copyfile(png, tmp))  # two chapters may keep it at once


def save(fig: plt.Figure, folder: Path, name: str, *, svg: bool = True, keep_png: bool = True) -> dict[str, Path]:
    """Write a figure's PNG (and SVG) into ``folder``; returns the files by kind.

    The SVG is left out for own microdata (``svg=False``): it carries the exact coordinates
    of everything drawn. Own-data PNGs are not kept in the raster cache (``keep_png=False``)."""
    folder.mkdir(parents=True, exist_ok=True)
    png, svg_path = folder / f"{name}.png", folder / f"{name}.svg"
    bbox = _tight_bbox(fig)
    # Measuring the box ran the figure's layout engine (tight or constrained) at the saving
    # resolution. Left in place, the engine makes every savefig below lay the figure out again
    # in a dry run before drawing it; with it removed, both files are drawn from the layout the
    # box was measured on. (With these rc settings off, None means "no engine".)
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    files = {"PNG": png}
    # Fixed SVG ids and no dates: two builds give byte-identical files.
    with mpl.rc_context({"svg.hashsalt": "barometer"}):
        if svg:
            fig.savefig(svg_path, bbox_inches=bbox, metadata={"Date": None, "Creator": None})
            save_png(fig, png, bbox, svg_path.read_bytes(), keep=keep_png)
            files["SVG"] = svg_path
        else:
            svg_path.unlink(missing_ok=True)
            save_png(fig, png, bbox, b"", keep=False)
    plt.close(fig)
    return files


def markdown(slug: str, link, name: str, caption: str, alt: str, files: dict[str, Path]) -> str:
    """The MyST figure directive that places a saved figure with its caption and downloads."""
    links = " · ".join(f"{{download}}`{label} <{link(p)}>`"
                       for label, p in (*files.items(),) if label != "CSV")
    if "CSV" in files:
        links += f" · {{download}}`data (CSV) <{link(files['CSV'])}>`"
    # A value the output check hides is "#", which MyST would read as a comment in a directive
    # option: alt text says it in words.
    alt_line = " ".join(alt.split()).replace("#", "(not shown)")
    return (f":::{{figure}} {link(files['PNG'])}\n:alt: {alt_line}\n:name: fig-{slug}-{name}\n:width: 100%\n\n"
            f"{caption}\n\nDownload: {links}\n:::\n")


__all__ = ["PALETTE", "DIVERGING", "HIGHLIGHT", "MUTED", "REFERENCE", "style", "save", "markdown", "watermark"]
