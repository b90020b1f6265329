"""A seeded synthetic stand-in for the confidential microdata, calibrated to the published tables.

**This is not survey data.** It lets anyone run the analyses the report describes on
organisation-level rows. Every number it reproduces was put there on purpose (a calibration
target); every relation between variables that the report does not publish is an assumption,
listed in :data:`ASSUMPTIONS` (and in ``data/synthetic/ASSUMPTIONS.md``) with how much it matters.

How it is built, per wave:

1. organisations per sector exactly as published (B1-1; for 2021 the bases of B1-8);
2. latent traits per organisation: innovation climate and preconditions drawn per sector with
   exactly the published means and standard deviations (B1-10, B1-11, B1-12), human capital
   correlated with climate; Likert items are generated from them, so the scales behave like
   scales (one factor, a plausible Cronbach's alpha);
3. every other item is *allocated*, not drawn: the exact published count of each answer is
   given to the organisations with the highest value of a noisy propensity built from the
   latent traits and organisation characteristics. Marginals are therefore exact and the
   associations have the directions the report states (or that an assumption sets).

4. the fitting step (:mod:`barometer.synthesis.fit`) then moves the 2025 wave onto the
   report's tables by climate cluster (Figures 2-17 and B2-2, the breakdowns of §2.4) without
   changing any margin.

Scaling: ``generate(n=...)`` keeps every published proportion for any number of organisations;
the fitting step runs only at the published size, so a scaled population has the generator's
assumed relations by cluster, not the fitted ones. :func:`replicated` keeps the fitted relations
at any size instead: it fits the published wave and replicates it (whole copies, and a seeded
sample for the remainder). The benchmark of one million organisations measures both.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from barometer.data import codebook as md
from barometer.data import paths, published
from barometer.synthesis import fit

SEED = 2025
MARKER_COLUMN = "data_source"
MARKER = "synthetic"


# --------------------------------------------------------------------------- assumptions


@dataclass(frozen=True)
class Assumption:
    """Something the generator needs that the report does not publish."""

    id: str
    topic: str
    value: str
    why: str
    rag: str  # red: drives a result a reader may quote; amber: shapes a secondary result; green: cosmetic
    affects: str


ASSUMPTIONS: list[Assumption] = [
    Assumption("A01", "Hoge Colleges van Staat in 2021",
               "the 4 organisations in the 2021 total but in no sector row of B1-8",
               "B1-8 (2021) sectors add to 362 of 366; its footnote says the total includes the Hoge Colleges",
               "green", "2021 sample composition"),
    Assumption("A02", "National-government types within Rijksoverheid",
               "Rijksoverheid split into Kerndepartement and Diensten en agentschappen as close to the ratio "
               "of their B1-11 bases (29:25) as the summary's innovation rates (56% and 92%) and the "
               "sector's 42 innovators allow: 32:26 in 2025; 29:25 in 2021; every Zbo is a ZBO",
               "B1-11 gives bases only for those who answered the climate items; with 31:27 no whole "
               "number of departments innovating rounds to 56%",
               "amber", "chapter 2 (national government), chapter 5 (departments vs executive organisations)"),
    Assumption("A03", "Size classes",
               "shares small/medium/large by sector, e.g. Gemeente 35/40/25, Rijksoverheid 20/40/40, "
               "GR 50/35/15 (see SIZE_SHARES)",
               "the report says large organisations innovate more and develop more themselves, but "
               "publishes no size distribution",
               "red", "every result by size; the size effects of the logistic models"),
    Assumption("A04", "Innovation officer or unit",
               "present in 25% / 45% / 70% of small / medium / large organisations",
               "the report names it as a predictor of innovating and links it to size, without numbers",
               "red", "the innovation model of chapter 2"),
    Assumption("A05", "Correlations of the latent traits",
               "climate-preconditions r = 0.55, climate-human capital r = 0.45 (latent normal scores)",
               "the report says the scales are positively related, without coefficients",
               "red", "chapters 6-8: relations between scales, regression coefficients"),
    Assumption("A06", "Who innovates",
               "within each sector (and national-government type) the published number of innovators "
               "are those with the highest propensity 0.35·preconditions + 0.1·climate + 0.3·size "
               "+ 0.3·officer + noise (standardised terms, noise SD 1)",
               "§2.1: size, an innovation officer and preconditions (management support, time) raise the "
               "chance of innovating",
               "red", "chapter 2 model; innovation rate by climate cluster (held out)"),
    Assumption("A07", "2021 innovation types",
               "products 40%, services 45%, processes 78%, interaction 62% of innovators; spectrum as "
               "published (28% single, 58% multiple of all organisations)",
               "for 2021 the text gives only interaction (62%) and says processes were at a similar level "
               "and products and services higher than in 2025",
               "amber", "type by year comparisons (chapter 3)"),
    Assumption("A08", "Breadth of innovation",
               "the number of types is allocated by a breadth propensity 0.5·climate + noise",
               "§2.4: organisations with a strong climate innovate more broadly",
               "amber", "spectrum by climate cluster (held out)"),
    Assumption("A09", "Degree of change",
               "not changed 21%, to some degree 63% (together 84%, the text's 'about 83%'), drastically "
               "16%; the same in 2021",
               "the text gives 'not or only to some degree' 83% and 'drastically' 16%",
               "amber", "knowledge sharing by degree of change (chapter 10)"),
    Assumption("A10", "Origin in 2021",
               "inspired 45%, copied 23% (together 68%, the B1-2 base of 214 of 313), own 32%",
               "only the 2025 split is in the text; the 2021 B1-2 base fixes inspired + copied",
               "amber", "origin by year (chapter 4)"),
    Assumption("A11", "Origin by size",
               "the chance of own development rises with size (+0.5 per size class on the propensity)",
               "summary: large organisations develop innovations themselves more often",
               "amber", "origin by size (chapter 4)"),
    Assumption("A12", "Strategy shares",
               "2025: collaborative 40%, under the radar 20%, expert group 18%, spotlights 11%, other 11% "
               "(the text: 'a little over 10%' for spotlights or another); departments and executive "
               "organisations as published; small organisations 46% collaborative; 2021 as 2025",
               "the text gives rounded or combined shares",
               "amber", "chapter 5"),
    Assumption("A13", "Technology content",
               "entirely 18%, important part 47% (together the published 65%), small part 28%, none 7%; "
               "departments 40% and executive organisations 77% entirely or largely; 2021 as 2025",
               "the text gives the combined 65% and rounded parts ('a fifth', 'half', 'a third')",
               "amber", "chapter 5; technology in the effect models"),
    Assumption("A14", "Promoting and hindering factors",
               "2025 marginals from the corrected reading of Figure 2-12 (erratum E01); the human-capital "
               "items follow the human-capital trait (ρ = 0.8), the others the climate trait (ρ = 0.4); "
               "2021 uses the same marginals",
               "the report: the 2021 picture was similar; Figure 2-17 shows promoted shares rising with climate",
               "amber", "chapter 6; Figure 2-17 by cluster (held out)"),
    Assumption("A15", "Effects",
               "marginals from the corrected Figure 2-19 (erratum E02); the chance of a positive effect "
               "rises with climate (all areas), human capital (efficiency, simpler procedures), "
               "technology content and an efficiency goal (cost saving/efficiency)",
               "§2.5 claims these directions; the report gives no coefficients",
               "red", "chapter 8: the three logistic models and their claims table; B2-2 (held out)"),
    Assumption("A16", "Goals by size",
               "large organisations slightly more often aim at efficiency, small ones at quality "
               "(±0.3 on the propensity)",
               "§2.5 says so without numbers",
               "green", "goals by size (chapter 8)"),
    Assumption("A17", "Failed attempts",
               "71 organisations in 2025: 18 / 38 / 13 in the strong / average / limited climate clusters "
               "and 2 without a climate score (the bases implied by the percentages of Figure B2-3)",
               "B2-3 percentages are multiples of 1/18, 1/38 and 1/13",
               "amber", "chapter 9"),
    Assumption("A18", "Failure phase",
               "pilot 30%, implementation 32%, testing 10%, scaling 15%; the remaining 13% get the residual "
               "code 'other / don't know' (A25)",
               "the four stated phases add to 87%",
               "green", "chapter 9"),
    Assumption("A19", "Knowledge sharing",
               "86% see the innovation as applicable elsewhere; 50% took action to share knowledge, "
               "more often when the way of working changed more (+0.8 per degree on the propensity)",
               "§2.7: drastic changes are shared much more often (Figure 2-22 is an image)",
               "amber", "chapter 10"),
    Assumption("A20", "Item non-response",
               "only the climate and preconditions batteries have item non-response, with exactly the "
               "number of non-answering organisations per sector implied by the bases of B1-10 and B1-12; "
               "all other items are answered by everyone in their universe",
               "the annex tables of the other questions have complete bases",
               "green", "missing-data handling"),
    Assumption("A21", "Statement difficulties",
               "climate and preconditions statements without a published share of agreement have the same "
               "difficulty as the scale; the first climate statement (not in the scale) is answered "
               "positively by 85%",
               "Figure 2-13 and 2-15 are images; the text gives a few shares",
               "amber", "item-level results of chapter 7; factor loadings"),
    Assumption("A22", "Item noise",
               "a Likert item is the trait plus independent noise (SD 0.45 on the 1-5 scale); rows are "
               "brought to their exact totals by changing the items closest to rounding the other way "
               "(with extra random spread for the preconditions statements), giving Cronbach's alphas of "
               "about 0.8 (climate) and 0.75 (preconditions)",
               "the report says the statements form a good scale, without alpha",
               "amber", "reliability and factor analysis (chapters 6-7)"),
    Assumption("A23", "Multiple-answer items",
               "each option's exact count goes to the highest noisy propensity of a shared 'activity' trait "
               "(weight 0.5) plus option noise; exclusive answers ('no collaboration', 'don't know') "
               "exclude the others, and every other organisation names at least one option",
               "the report publishes only marginals",
               "green", "cross-tabulations of options (not reported)"),
    Assumption("A25", "Residual answers",
               "origin and failure phase get a residual code 'other / don't know' (our addition to the "
               "codebook) for the share the printed categories leave: 1% of innovators (origin, 2025) and "
               "13% of failed attempts (phase)",
               "the printed shares add to 99% and 87%; B1-2's base fixes inspired + copied exactly",
               "green", "chapters 4 and 9"),
    Assumption("A26", "The fit by climate cluster (2025)",
               "the fitting step (barometer.synthesis.fit) puts the 2025 wave on the report's tables by "
               "climate cluster (Figure 2-17 with its total, Figure B2-2, the §2.4 breakdowns) by moving "
               "climate totals within a stratum (same sum; SDs within 0.008 of the published), exchanging "
               "climate bundles between organisations of one stratum, and exchanging answers of a factor "
               "or effect between innovators of different clusters; it also moves single items of the "
               "preconditions statements within a row (same total) onto the shares agreeing of §2.4, which "
               "the item model of A22 leaves 4-5 points low; it prefers the fewest changes and, in "
               "an exchange of answers, the innovator who gives that answer to the fewest (most) other "
               "items, so that the generator's other relations stay where no table speaks",
               "the report publishes these tables but not the microdata behind them; which organisations "
               "carry a cell's count is not published",
               "red", "chapters 7 and 8 by climate cluster; any relation of climate with variables the "
               "report does not cross with climate (size, officer, preconditions) is weakened by the exchanges"),
    Assumption("A24", "2021 items not in the text",
               "B1-2 to B1-7 use their 2021 columns; other 2021 items (strategy, technology, factors) "
               "repeat the 2025 marginals",
               "no 2021 numbers in the report",
               "amber", "2021 vs 2025 comparisons of those items"),
]

SIZE_SHARES = {  # A03: small, medium, large
    "Gemeente": (0.35, 0.40, 0.25), "GR": (0.50, 0.35, 0.15), "Hoge Colleges van Staat": (0.30, 0.50, 0.20),
    "Privaat": (0.50, 0.30, 0.20), "Provincie": (0.0, 0.30, 0.70), "Recht": (0.30, 0.40, 0.30),
    "Rijksoverheid": (0.20, 0.40, 0.40), "Waterschap": (0.10, 0.60, 0.30), "Zbo": (0.40, 0.35, 0.25),
}
OFFICER_BY_SIZE = (0.25, 0.45, 0.70)  # A04
R_CLIMATE_PRECONDITIONS = 0.55  # A05
R_CLIMATE_HUMAN_CAPITAL = 0.45  # A05
ITEM_NOISE_SD = 0.45  # A22
JITTER = 1.0  # A22


@dataclass
class Config:
    """Parameters of the generator; the defaults are the documented assumptions."""

    seed: int = SEED
    n: dict[int, int] | None = None  # organisations per wave; None = as published
    item_noise_sd: float = ITEM_NOISE_SD
    r_climate_preconditions: float = R_CLIMATE_PRECONDITIONS
    r_climate_human_capital: float = R_CLIMATE_HUMAN_CAPITAL
    extra: dict = field(default_factory=dict)
    #: Move the published-size population onto the report's tables by climate cluster
    #: (:mod:`barometer.synthesis.fit`); ``exclude`` names tables of :data:`fit.TABLES` left out.
    fit: bool = True
    exclude: tuple[str, ...] = ()


# --------------------------------------------------------------------------- exact allocation


def largest_remainder(shares: np.ndarray | list[float], total: int) -> np.ndarray:
    """Whole numbers proportional to ``shares`` that add up to ``total`` exactly."""
    shares = np.asarray(shares, dtype=float)
    if total <= 0 or shares.sum() <= 0:
        return np.zeros(len(shares), dtype=int)
    raw = shares / shares.sum() * total
    out = np.floor(raw).astype(int)
    rest = total - out.sum()
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:rest]] += 1
    return out


def counts_within_rounding(pcts, n: int) -> np.ndarray:
    """Whole counts adding up to ``n`` whose percentages each round to the printed ones when
    that is possible (printed distributions often add up to 99 or 101)."""
    pcts = np.asarray(pcts, dtype=float)
    counts = np.rint(pcts * n / 100).astype(int)
    lo = np.ceil((pcts - 0.5) * n / 100 - 1e-9).clip(0)
    hi = np.floor((pcts + 0.5) * n / 100 + 1e-9).clip(0, n)
    for _ in range(2 * n + 10):
        diff = n - int(counts.sum())
        if diff == 0:
            break
        step = 1 if diff > 0 else -1
        slack = (hi - counts) if step > 0 else (counts - lo)
        # Prefer a category that stays within its rounding; else the one that strays least.
        if slack.max() > 0:
            j = int(np.argmax(slack))
        else:
            stray = np.abs(100 * (counts + step) / n - pcts)
            stray[counts + step < 0] = np.inf
            j = int(np.argmin(stray))
        counts[j] += step
    return counts


def count_for(pct: float, n: int) -> int:
    """The whole count out of ``n`` whose percentage rounds closest to ``pct``."""
    return int(np.clip(round(pct * n / 100), 0, n))


def standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else x - x.mean()


def top(propensity: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` highest values."""
    mask = np.zeros(len(propensity), dtype=bool)
    if k > 0:
        mask[np.argsort(-propensity, kind="stable")[:k]] = True
    return mask


def ordered_categories(propensity: np.ndarray, counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Give ``counts[j]`` units ``codes[j]``, lowest propensity to the first code."""
    order = np.argsort(propensity, kind="stable")
    out = np.empty(len(propensity), dtype=int)
    out[order] = np.repeat(codes, counts)
    return out


# --------------------------------------------------------------------------- published inputs


class Targets:
    """The published numbers the generator uses, read once from the published layer."""

    def __init__(self) -> None:
        self.values = published.load()
        # Plain Python objects per source: the generator looks values up thousands of times.
        self._by_source = {k: g.reset_index(drop=True) for k, g in self.values.groupby("source_id", sort=False)}

    def rows(self, source: str, **where) -> pd.DataFrame:
        rows = self._by_source[source]
        if where:
            mask = np.ones(len(rows), dtype=bool)
            for col, want in where.items():
                mask &= (rows[col] == want).fillna(False).to_numpy(dtype=bool)
            rows = rows[mask]
        return rows

    def pct(self, source: str, **where) -> float:
        rows = self.rows(source, **where)
        if len(rows) != 1:
            raise published.PublishedValueError(f"{source} {where}: {len(rows)} rows, expected 1")
        return float(rows["value"].iloc[0])

    def item_pcts(self, source: str, variable: str, year: int, group: str = "Totaal") -> dict[int, float]:
        """Published percentage per option code of a multiple- or single-answer question."""
        rows = self.rows(source, year=year, group=group, variable=variable, statistic="pct")
        return {md.code_of(variable, item): float(v) for item, v in zip(rows["item"], rows["value"], strict=True)}


# --------------------------------------------------------------------------- the generator


class _Wave:
    """Builds one wave; each step adds columns to ``self.df``."""

    def __init__(self, year: int, n: int | None, targets: Targets, rng: np.random.Generator, cfg: Config):
        self.year, self.t, self.rng, self.cfg = year, targets, rng, cfg
        self.scale = 1.0
        self._sectors(n)

    # -- helpers
    def noise(self, size: int | None = None) -> np.ndarray:
        return self.rng.standard_normal(self.n if size is None else size)

    def z(self, x: np.ndarray) -> np.ndarray:
        return standardise(np.asarray(x, dtype=float))

    def scaled(self, k: int) -> int:
        return int(round(k * self.scale))

    # -- 1. who is in the sample
    def _sectors(self, n: int | None) -> None:
        if self.year == 2025:
            b11 = self.t.rows("B1-1", statistic="count")
            counts = {g: int(v) for g, v in zip(b11["group"], b11["value"], strict=True) if g != "Totaal"}
        else:
            b18 = self.t.rows("B1-8", year=2021, statistic="n")
            counts = {("Recht" if g == "Rechtswezen" else g): int(v)
                      for g, v in zip(b18["group"], b18["value"], strict=True) if g != "Totaal"}
            total = int(self.t.pct("B1-8", year=2021, group="Totaal", statistic="n"))
            counts["Hoge Colleges van Staat"] = total - sum(counts.values())  # A01
        published_n = sum(counts.values())
        if n is not None and n != published_n:
            self.scale = n / published_n
            names = list(counts)
            counts = dict(zip(names, largest_remainder([counts[k] for k in names], n), strict=True))
        self.counts = counts
        self.n = sum(counts.values())
        sector = np.repeat(np.array(list(counts), dtype=object), list(counts.values()))
        self.df = pd.DataFrame({"wave": self.year, "sector": sector})

    # -- 2. organisation characteristics
    def characteristics(self) -> None:
        df = self.df
        natgov = np.full(self.n, "Niet nationaal", dtype=object)
        natgov[df["sector"].eq("Zbo").to_numpy()] = "ZBO"
        rijk = np.flatnonzero(df["sector"].eq("Rijksoverheid").to_numpy())
        split = self._rijk_split(len(rijk))
        natgov[rijk] = np.repeat(["Kerndepartement", "Diensten en agentschappen"], split)  # A02
        df["national_government_type"] = natgov
        size = np.empty(self.n, dtype=int)
        for sector, idx in df.groupby("sector").indices.items():
            counts = largest_remainder(SIZE_SHARES[sector], len(idx))  # A03
            size[idx] = self.rng.permutation(np.repeat([0, 1, 2], counts))
        df["size_class"] = np.array(md.DESIGN_LABELS["size_class"], dtype=object)[size]
        self.size = size
        officer = self.rng.random(self.n) < np.array(OFFICER_BY_SIZE)[size]  # A04
        df["innovation_officer"] = officer.astype(int)

    def _rijk_split(self, n: int) -> np.ndarray:
        """Departments and agencies within Rijksoverheid (A02): as close to the ratio of their B1-11
        bases as the published innovation rates allow. The summary's rates (56% and 92%) and the
        sector's innovators (B1-9) must all be whole counts of the same organisations."""
        b111 = self.t.rows("B1-11", statistic="n").set_index("group")["value"]
        ratio = float(b111["Kerndepartement"]) / float(b111["Kerndepartement"] + b111["Diensten en agentschappen"])
        if self.year != 2025 or self.scale != 1.0:
            return largest_remainder([ratio, 1 - ratio], n)
        summ = self.t.rows("summary", variable="innovated")
        rates = dict(zip(summ["group"], summ["value"], strict=True))
        innovators = int(self.t.pct("B1-9", group="Rijksoverheid", statistic="n"))
        best = None
        for k in range(1, n):
            ks = [j for j in range(k + 1) if round(100 * j / k) == rates["Kerndepartement"]]
            ds = [j for j in range(n - k + 1) if round(100 * j / (n - k)) == rates["Diensten en agentschappen"]]
            if any(a + b == innovators for a in ks for b in ds):
                if best is None or abs(k / n - ratio) < abs(best / n - ratio):
                    best = k
        k = best if best is not None else int(round(ratio * n))
        return np.array([k, n - k])

    # -- 3. latent traits, scales and their items
    def traits(self) -> None:
        cfg = self.cfg
        # Who answers each battery is fixed first (A20), so that the published means and SDs
        # hold among the organisations that answered, as in the report's tables.
        self.answered = {"B1-10": self._respondents("B1-10"), "B1-12": self._respondents("B1-12")}
        k_clim, k_pre = len(md.scale_items("climate")), len(md.scale_items("preconditions"))
        z_clim = self.noise()
        climate = self._calibrated(z_clim, self._climate_groups(), self.answered["B1-10"], k_clim)
        r1, r2 = cfg.r_climate_preconditions, cfg.r_climate_human_capital
        z_pre = r1 * z_clim + np.sqrt(1 - r1**2) * self.noise()
        z_hc = r2 * z_clim + np.sqrt(1 - r2**2) * self.noise()
        pre = self._calibrated(z_pre, self._scale_groups("B1-12"), self.answered["B1-12"], k_pre)
        self.z_clim, self.z_pre, self.z_hc = self.z(z_clim), self.z(z_pre), self.z(z_hc)
        self._battery("climate_statement", climate, self._climate_groups(), self.answered["B1-10"])
        self._battery("preconditions_statement", pre, self._scale_groups("B1-12"), self.answered["B1-12"])

    def _calibrated(self, z: np.ndarray, groups, answered: np.ndarray, k: int) -> np.ndarray:
        """Scores with exactly the target mean and SD among respondents of each group. The SD is
        reduced by the variance that rounding item totals to whole numbers adds back."""
        out = np.empty(self.n)
        for (mean, sd), idx in groups:
            resp = idx[answered[idx]]
            ref = z[resp] if len(resp) > 1 else z[idx]
            centred = (z[idx] - ref.mean()) / (ref.std() if ref.std() > 0 else 1.0)
            sd_latent = np.sqrt(max(sd**2 - (1 / k) ** 2 / 12, 0.0))
            out[idx] = np.clip(mean + sd_latent * centred, 1, 5)
        return out

    def _respondents(self, source: str) -> np.ndarray:
        answered = np.ones(self.n, dtype=bool)
        types = self.df["national_government_type"].to_numpy()
        b111 = self.t.rows("B1-11", statistic="n").set_index("group")["value"]
        for sector, idx in self.df.groupby("sector").indices.items():
            if sector == "Rijksoverheid" and source == "B1-10" and self.year == 2025:
                for typ in ("Kerndepartement", "Diensten en agentschappen"):
                    sub = idx[types[idx] == typ]
                    keep = min(len(sub), self.scaled(int(b111[typ])))
                    answered[self.rng.permutation(sub)[: len(sub) - keep]] = False
                continue
            keep = self._answered(source, idx, sector)
            answered[self.rng.permutation(idx)[: len(idx) - keep]] = False
        total_n = self.t.rows(source, year=self.year, group="Totaal", statistic="n")["value"].iloc[0]
        surplus = int(answered.sum()) - self.scaled(int(total_n))
        if surplus > 0:  # organisations in no sector row (suppressed or Hoge Colleges)
            cand = np.flatnonzero(answered & self.df["sector"].isin(self._unreported_sectors(source)).to_numpy())
            answered[self.rng.permutation(cand)[:surplus]] = False
        return answered

    def _climate_groups(self):
        """Index groups with their target (mean, sd): sectors, and within Rijksoverheid in 2025
        the national-government types of B1-11."""
        out = []
        for (mean, sd), idx in self._scale_groups("B1-10"):
            sector = self.df["sector"].iloc[idx[0]]
            if self.year == 2025 and sector == "Rijksoverheid":
                types = self.df["national_government_type"].to_numpy()[idx]
                b111 = self.t.rows("B1-11")
                for typ in ("Kerndepartement", "Diensten en agentschappen"):
                    m = float(b111[(b111.group == typ) & (b111.statistic == "mean")]["value"].iloc[0])
                    s = float(b111[(b111.group == typ) & (b111.statistic == "sd")]["value"].iloc[0])
                    out.append(((m, s), idx[types == typ]))
            else:
                out.append(((mean, sd), idx))
        return out

    def _scale_groups(self, source: str):
        rows = self.t.rows(source, year=self.year)
        stat = {(g, s): v for g, s, v in zip(rows["group"], rows["statistic"], rows["value"], strict=True)}
        total = (float(stat[("Totaal", "mean")]), float(stat[("Totaal", "sd")]))
        out = []
        for sector, idx in self.df.groupby("sector").indices.items():
            mean, sd = stat.get((sector, "mean")), stat.get((sector, "sd"))
            target = (float(mean), float(sd)) if mean is not None and not pd.isna(mean) else total
            out.append((target, idx))
        return out

    def _answered(self, source: str, idx: np.ndarray, sector: str) -> int:
        rows = self.t.rows(source, year=self.year, statistic="n")
        ns = dict(zip(rows["group"], rows["value"], strict=True))
        n = ns.get(sector)
        return len(idx) if n is None or pd.isna(n) else min(len(idx), self.scaled(int(n)))

    def _battery(self, variable: str, score: np.ndarray, groups, answered: np.ndarray) -> None:
        """Likert items whose mean per organisation is (within rounding) its scale score."""
        cols = md.items(variable)
        scale_cols = md.scale_items("climate" if variable == "climate_statement" else "preconditions")
        k = len(scale_cols)
        # Per group, the item totals of the respondents add up to the published mean exactly.
        totals = np.clip(np.rint(score * k), k, 5 * k).astype(int)
        for (mean, sd), idx in groups:
            resp = idx[answered[idx]]
            totals[resp] = _nudge_sum(totals[resp], int(round(mean * k * len(resp))), k, 5 * k, self.rng)
            totals[resp] = _match_sd(totals[resp], sd * k, k, 5 * k, self.rng)
        targets = self._agreement_targets(variable, scale_cols)
        difficulty = np.zeros(k)
        # A22: item noise; with repairs that follow the items' own values both scales reach a
        # Cronbach's alpha of about 0.8 given their published SDs.
        sd = self.cfg.item_noise_sd
        # Random repairs spread answers within a row; the preconditions statements need that
        # spread to reach their published shares of agreement (A22).
        jitter = 0.0 if variable == "climate_statement" else JITTER
        noise = sd * self.rng.standard_normal((self.n, k))
        repair_seed = int(self.rng.integers(2**31))
        # A few fixed-point steps move each statement's share agreeing (4-5) onto its published
        # value; the same noise is reused, so the steps converge instead of chasing randomness.
        # For very large files the steps run on a fixed sample of 50,000 respondents.
        sample = np.arange(self.n) if self.n <= 50_000 else np.sort(self.rng.choice(self.n, 50_000, replace=False))
        best, best_error = difficulty.copy(), np.inf
        for step in range(80 if targets else 0):
            raw = score[sample, None] + difficulty[None, :] + noise[sample]
            trial = _repair_rows(np.clip(np.rint(raw), 1, 5).astype(int), totals[sample],
                                 np.random.default_rng(repair_seed), raw, jitter)
            agree = (trial[answered[sample]] >= 4).mean(axis=0) * 100
            error = max(abs(target - agree[j]) for j, target in targets.items())
            if error < best_error:
                best, best_error = difficulty.copy(), error
            if error < 0.25:
                break
            for j, target in targets.items():
                difficulty[j] += (target - agree[j]) / 100 * 2.5 / (1 + step / 10)
        difficulty = best
        raw = score[:, None] + difficulty[None, :] + noise
        items = _repair_rows(np.clip(np.rint(raw), 1, 5).astype(int), totals, np.random.default_rng(repair_seed),
                             raw, jitter)
        data = pd.DataFrame(items, columns=scale_cols)
        for c in cols:
            if c not in scale_cols:  # the first climate statement is not in the scale (A21)
                agree = self.rng.random(self.n) < 0.85
                data[c] = np.where(agree, self.rng.choice([4, 5], self.n), self.rng.choice([2, 3], self.n))
        for c in cols:
            self.df[c] = pd.arrays.IntegerArray(data[c].to_numpy().astype("int64"), ~answered)

    def _unreported_sectors(self, source: str) -> list[str]:
        rows = self.t.rows(source, year=self.year, statistic="n")
        shown = set(rows.loc[rows["value"].notna(), "group"])
        return [s for s in self.counts if s not in shown]

    def _agreement_targets(self, variable: str, cols: list[str]) -> dict[int, float]:
        """Published shares agreeing per statement (position in ``cols`` -> %); A21: others free."""
        if self.year != 2025:
            return {}
        rows = published.split_item(self.t.values[
            (self.t.values["variable"] == variable) & (self.t.values["statistic"] == "pct")
            & (self.t.values["year"] == 2025)])
        shares = {md.code_of(variable, s): float(v) for s, v in zip(rows["statement"], rows["value"], strict=True)}
        return {j: shares[int(c.rsplit("_", 1)[1])] for j, c in enumerate(cols) if int(c.rsplit("_", 1)[1]) in shares}

    # -- 4. innovating
    def innovating(self) -> None:
        df = self.df
        prop = (0.35 * self.z_pre + 0.1 * self.z_clim + 0.3 * self.z(self.size)
                + 0.3 * self.z(df["innovation_officer"].to_numpy()) + self.noise())  # A06
        innovated = np.zeros(self.n, dtype=bool)
        for _key, idx, k in self._innovator_counts():
            innovated[idx[top(prop[idx], k)]] = True
        df["innovated"] = innovated.astype(int)
        self.innov = innovated

    def _innovator_counts(self):
        df = self.df
        b18 = self.t.rows("B1-8", year=self.year)
        pct = dict(zip(b18.loc[b18.statistic == "pct", "group"], b18.loc[b18.statistic == "pct", "value"], strict=True))
        pct = {("Recht" if g == "Rechtswezen" else g): v for g, v in pct.items()}
        if self.year == 2025:
            total = self.scaled(int(self.t.pct("B1-9", group="Totaal", statistic="n")))
        else:
            total = self.scaled(int(self.t.pct("B1-3", year=2021, group="Totaal", statistic="n", item="")))
        groups = []
        for sector, idx in df.groupby("sector").indices.items():
            if sector == "Rijksoverheid" and self.year == 2025:
                summ = self.t.rows("summary", variable="innovated")
                rates = dict(zip(summ["group"], summ["value"], strict=True))
                types = df["national_government_type"].to_numpy()[idx]
                for typ in ("Kerndepartement", "Diensten en agentschappen"):
                    sub = idx[types == typ]
                    groups.append([(sector, typ), sub, count_for(rates[typ], len(sub))])
            elif sector in pct:
                groups.append([(sector,), idx, count_for(pct[sector], len(idx))])
            else:
                groups.append([(sector,), idx, None])
        known = sum(k for _, _, k in groups if k is not None)
        free = [g for g in groups if g[2] is None]
        rest = total - known
        for g, k in zip(free, largest_remainder([len(g[1]) for g in free], max(rest, 0)), strict=True):
            g[2] = min(int(k), len(g[1]))
        # Rounding may leave the total off by a few: move them where the rate stays in rounding.
        diff = total - sum(g[2] for g in groups)
        order = sorted(groups, key=lambda g: -len(g[1]))
        i = 0
        while diff != 0 and i < 10 * len(order):
            g = order[i % len(order)]
            step = 1 if diff > 0 else -1
            if 0 <= g[2] + step <= len(g[1]):
                g[2] += step
                diff -= step
            i += 1
        return groups

    # -- 5. what kind of innovation
    def types(self) -> None:
        df, inn = self.df, np.flatnonzero(self.innov)
        cols = md.items("innovation_type")
        type_pct = self._type_targets()
        spec = self.t.rows("text-2.1", year=self.year, variable="innovation_spectrum")
        single_pct = float(spec[spec["item"].str.startswith("Enkelvoudige")]["value"].iloc[0])
        n_single = min(len(inn), self.scaled(count_for(single_pct, round(self.n / self.scale))))
        breadth = 0.5 * self.z_clim[inn] + self.noise(len(inn))  # A08
        single = top(-breadth, n_single)
        matrix = np.zeros((len(inn), 4), dtype=int)
        sectors = df["sector"].to_numpy()[inn]
        published_sectors = [s for s in np.unique(sectors) if s in type_pct]
        unpublished = [s for s in np.unique(sectors) if s not in type_pct]
        done = np.zeros(4, dtype=int)
        for sector in [*published_sectors, *unpublished]:
            rows = np.flatnonzero(sectors == sector)
            if sector in type_pct:
                pcts = type_pct[sector]
                col_sums = np.array([count_for(pcts[c], len(rows)) for c in range(1, 5)])
            else:  # no row of its own: take what the total column leaves (within its rounding)
                pcts = type_pct["Totaal"]
                total = np.array([count_for(pcts[c], len(inn)) for c in range(1, 5)])
                col_sums = np.clip(total - done, 0, len(rows)) if len(unpublished) == 1 else \
                    np.array([count_for(pcts[c], len(rows)) for c in range(1, 5)])
            done += col_sums
            row_sums = _row_sums(single[rows], col_sums, self.rng)
            matrix[rows] = _fill_binary(row_sums, col_sums, self.rng.random((len(rows), 4)))
        for j, c in enumerate(cols):
            df[c] = _int_array(self.n, inn, matrix[:, j])

    def _type_targets(self) -> dict[str, dict[int, float]]:
        if self.year == 2025:
            rows = self.t.rows("B1-9", statistic="pct")
            out: dict[str, dict[int, float]] = {}
            for g, item, v in zip(rows["group"], rows["item"], rows["value"], strict=True):
                out.setdefault("Recht" if g == "Rechtswezen" else g, {})[md.code_of("innovation_type", item)] = float(v)
            out["Totaal"] = out.pop("Totaal", {})
            return out
        return {"Totaal": {1: 40.0, 2: 45.0, 3: 78.0, 4: 62.0}}  # A07

    # -- 6. practices
    def practices(self) -> None:
        df = self.df
        inn = np.flatnonzero(self.innov)
        y = self.year
        self.activity = self.noise()  # shared 'activity' trait of multiple-answer items (A23)
        # degree of change (A09)
        change = ordered_categories(0.3 * self.z_clim[inn] + self.noise(len(inn)),
                                    counts_within_rounding([21, 63, 16], len(inn)), np.array([1, 2, 3]))
        self._set("degree_of_change", inn, change)
        # origin: 2025 published, 2021 assumption (A10); own development rises with size (A11).
        # Inspired + copied are exactly the base of B1-2 (the channel question is theirs); the
        # 2025 shares then leave 1% of innovators without an answer (A25).
        inspired = md.code_of("origin", _origin_label("geïnspireerd"))
        copy = md.code_of("origin", _origin_label("kopie"))
        own = md.code_of("origin", _origin_label("nieuw ontwikkeld"))
        elsewhere = self.scaled(int(self.t.pct("B1-2", year=y, group="Totaal", statistic="n", item="")))
        if y == 2025:
            o = self.t.item_pcts("text-2.2", "origin", 2025)
            n_own = count_for(o[own], len(inn))
            n_inspired = count_for(o[inspired], len(inn))
            split = [n_inspired, elsewhere - n_inspired]
        else:
            n_own = len(inn) - elsewhere
            split = largest_remainder([45.0, 23.0], elsewhere)
        prop_own = 0.5 * self.size[inn] + self.noise(len(inn))
        origin = np.zeros(len(inn), dtype=int)
        is_own = top(prop_own, n_own)
        origin[is_own] = own
        rest = self.rng.permutation(np.flatnonzero(~is_own))
        origin[rest[: split[0]]] = inspired
        origin[rest[split[0]: split[0] + split[1]]] = copy
        others = [inspired, copy]
        origin[origin == 0] = md.code_of("origin", "Anders / weet niet")  # A25
        self._set("origin", inn, origin)
        copied = inn[np.isin(origin, others)]
        self._multi("channel", copied, self.t.item_pcts("B1-2", "channel", y), exclusive=("Weet niet",))
        self._multi("initiative_source", inn, self.t.item_pcts("B1-3", "initiative_source", y),
                    exclusive=("Weet niet",))
        partners = self.t.item_pcts("B1-4", "collaboration_partner", y)
        self._multi("collaboration_partner", inn, partners, exclusive=md.NO_COLLABORATION,
                    exclusive_counts=self._no_collaboration(partners, len(inn)))
        collab = inn[md.universe_mask(df.iloc[inn], "collaborated").to_numpy()]
        self._multi("collaboration_phase", collab, self.t.item_pcts("B1-5", "collaboration_phase", y),
                    exclusive=("Weet niet",))
        self._multi("funding_source", inn, self.t.item_pcts("B1-6", "funding_source", y),
                    exclusive=("Er was geen specifieke financiering nodig", "Weet niet"))
        ev = self.t.item_pcts("B1-7", "evaluation", y)
        ev_codes = np.array(sorted(ev))
        self._set("evaluation", inn, self.rng.permutation(
            np.repeat(ev_codes, counts_within_rounding([ev[c] for c in ev_codes], len(inn)))))

    def _no_collaboration(self, partners: dict[int, float], n_inn: int) -> dict[int, int]:
        """'No collaboration' count chosen so that the collaborators are the base of B1-5,
        when the printed percentage allows it (in 2025 it does not: erratum E07)."""
        no = md.code_of("collaboration_partner", md.NO_COLLABORATION[0])
        dk = md.code_of("collaboration_partner", md.NO_COLLABORATION[1])
        n_dk = count_for(partners.get(dk, 0.0), n_inn)
        base5 = self.scaled(int(self.t.pct("B1-5", year=self.year, group="Totaal", statistic="n", item="")))
        want = n_inn - n_dk - base5
        if 0 <= want and abs(100 * want / n_inn - partners[no]) <= 0.5:
            return {no: want, dk: n_dk}
        return {no: count_for(partners[no], n_inn), dk: n_dk}

    def _set(self, name: str, rows: np.ndarray, values: np.ndarray) -> None:
        """Column ``name`` with ``values`` on ``rows`` and missing (by design) elsewhere."""
        self.df[name] = _int_array(self.n, rows, values)

    def _multi(self, variable: str, rows: np.ndarray, pcts: dict[int, float], exclusive=(),
               exclusive_counts: dict[int, int] | None = None) -> None:
        """Exact counts per option over ``rows``; exclusive options take organisations that
        then get no other option, and every other organisation names at least one option (A23)."""
        cols = md.items(variable)
        excl_codes = [md.code_of(variable, e) for e in exclusive if _has_option(variable, e)]
        taken = np.zeros(len(rows), dtype=bool)
        values = {c: np.zeros(len(rows), dtype=int) for c in cols}
        for code in excl_codes:
            k = (exclusive_counts or {}).get(code, count_for(pcts.get(code, 0.0), len(rows)))
            pick = top(np.where(taken, -np.inf, -self.activity[rows] + self.noise(len(rows))), k)
            values[f"{variable}_{code}"][pick] = 1
            taken |= pick
        free = ~taken
        for code in sorted(pcts):
            if code in excl_codes:
                continue
            k = min(count_for(pcts[code], len(rows)), int(free.sum()))
            prop = np.where(free, 0.5 * self.activity[rows] + self.noise(len(rows)), -np.inf)
            values[f"{variable}_{code}"][top(prop, k)] = 1
        matrix = np.column_stack([values[c] for c in cols])
        _at_least_one(matrix, free, self.rng)
        for j, c in enumerate(cols):
            self._set(c, rows, matrix[:, j])

    # -- 7. strategy, technology, factors (A12-A14)
    def strategy_and_technology(self) -> None:
        df = self.df
        inn = np.flatnonzero(self.innov)
        natgov = df["national_government_type"].to_numpy()[inn]
        dept = natgov == "Kerndepartement"
        exec_ = np.isin(natgov, ["Diensten en agentschappen", "ZBO"])
        small = self.size[inn] == 0
        # strategy codes: 1 collaborative, 2 under the radar, 3 spotlights, 4 expert group, 5 other.
        # In 2021 strategy, technology and the factors repeat the 2025 marginals (A24).
        overall = {1: 40, 2: 20, 3: 11, 4: 18, 5: 11}
        constraints = [(dept, 3, 33), (dept, 4, 11), (exec_, 3, 2), (exec_, 4, 31), (small, 1, 46)]
        strategy = _allocate_with_constraints(len(inn), overall, constraints, self.rng)
        self._set("strategy", inn, strategy)
        # technology content: 1 entirely, 2 important part, 3 small part, 4 none (A13)
        tech = _allocate_with_constraints(
            len(inn), {1: 18, 2: 47, 3: 28, 4: 7},
            [(dept, 1, 10), (dept, 2, 30), (exec_, 1, 25), (exec_, 2, 52)], self.rng)
        self._set("technology_content", inn, tech)
        self.tech_high = np.zeros(self.n)
        self.tech_high[inn] = (tech <= 2).astype(float)
        # promoting and hindering factors: corrected Figure 2-12 marginals (E01)
        fig = published.figure_2_12(corrected=True)
        factors = list(dict.fromkeys(fig["factor"]))
        for j, factor in enumerate(factors):
            pct = fig[fig["factor"] == factor]["pct"].to_numpy()
            counts = counts_within_rounding(pct, len(inn))
            trait = self.z_hc[inn] if j < 3 else self.z_clim[inn]
            rho = 0.8 if j < 3 else 0.4
            prop = rho * trait + np.sqrt(1 - rho**2) * self.noise(len(inn))
            code = md.code_of("promoting_factor", factor)
            self._set(f"promoting_factor_{code}", inn, ordered_categories(prop, counts, np.arange(1, 6)))

    # -- 8. goals and effects (2025 only; A15, A16)
    def goals_and_effects(self) -> None:
        if self.year != 2025:
            return
        inn = np.flatnonzero(self.innov)
        goals = self.t.item_pcts("text-2.5", "goal", 2025)
        size_term = {1: 0.3, 2: -0.3}  # efficiency up with size, quality down (A16)
        for code in md.options_of("goal")["code"]:
            k = count_for(goals.get(code, 0.0), len(inn))
            prop = size_term.get(code, 0.0) * self.z(self.size)[inn] + self.noise(len(inn))
            self._set(f"goal_{code}", inn, top(prop, k).astype(int))
        efficiency_goal = self.df["goal_1"].to_numpy()[inn].astype(float)
        fig = published.figure_2_19(corrected=True)
        answer_code = {lab: c for c, lab in zip(md.options_of("effect_answer")["code"],
                                                md.options_of("effect_answer")["label_nl"], strict=True)}
        weights = {  # direction of each predictor on a positive effect, by result area (A15)
            "Kwaliteit van de dienstverlening": dict(clim=0.3),
            "Eenvoudigere procedures": dict(clim=0.25, hc=0.2),
            "Kostenbesparing/efficiency": dict(clim=0.25, hc=0.15, tech=0.3, goal=0.3),
        }
        for area in dict.fromkeys(fig["area"]):
            rows = fig[fig["area"] == area].set_index("answer")["pct"]
            counts = counts_within_rounding(rows.to_numpy(), len(inn))
            w = weights.get(area, dict(clim=0.15))
            prop = (w.get("clim", 0) * self.z_clim[inn] + w.get("hc", 0) * self.z_hc[inn]
                    + w.get("tech", 0) * self.z(self.tech_high)[inn] + w.get("goal", 0) * self.z(efficiency_goal)
                    + self.noise(len(inn)))
            answers = list(rows.index)
            pos = answers.index("Positief")
            is_pos = top(prop, counts[pos])
            out = np.empty(len(inn), dtype=int)
            out[is_pos] = answer_code["Positief"]
            rest_answers = [a for a in answers if a != "Positief"]
            rest_counts = [counts[answers.index(a)] for a in rest_answers]
            out[~is_pos] = self.rng.permutation(np.repeat([answer_code[a] for a in rest_answers], rest_counts))
            self._set(f"effect_{md.code_of('effect', area)}", inn, out)

    # -- 9. failure and knowledge sharing (2025 only; A17-A19)
    def failure_and_sharing(self) -> None:
        if self.year != 2025:
            return
        df = self.df
        score = md.scale_score(df, "climate")
        cluster = md.climate_cluster(score).fillna("").to_numpy()
        failed = np.zeros(self.n, dtype=bool)
        bases = {"Krachtig": 18, "Gemiddeld": 38, "Beperkt": 13, None: 2}  # A17
        for name, k in bases.items():
            pool = np.flatnonzero(cluster == (name or ""))
            k = min(self.scaled(k), len(pool))
            failed[self.rng.permutation(pool)[:k]] = True
        df["failed_attempt"] = failed.astype(int)
        b23 = self.t.rows("B2-3")
        fail_rows = np.flatnonzero(failed)
        reasons = np.zeros((self.n, len(md.items("failure_reason"))), dtype=int)
        for name in ("Krachtig", "Gemiddeld", "Beperkt"):
            pool = np.flatnonzero(failed & (cluster == name))
            for item, v in zip(b23[b23.group == name]["item"], b23[b23.group == name]["value"], strict=True):
                code = md.code_of("failure_reason", item)
                reasons[pool[top(self.noise(len(pool)), count_for(v, len(pool)))], code - 1] = 1
        unknown = np.flatnonzero(failed & (cluster == ""))
        reasons[unknown, 0] = 1  # the two without a climate score: lack of support (most named)
        for j, c in enumerate(md.items("failure_reason")):
            self._set(c, fail_rows, reasons[fail_rows, j])
        phase = self.t.item_pcts("text-2.6", "failure_phase", 2025)  # A18
        codes = np.array(sorted(phase))
        residual = md.code_of("failure_phase", "Anders / weet niet")
        counts = counts_within_rounding([phase[c] for c in codes] + [100 - sum(phase.values())], len(fail_rows))
        values = self.rng.permutation(np.repeat([*codes, residual], counts))
        self._set("failure_phase", fail_rows, values)
        inn = np.flatnonzero(self.innov)
        applicable = self.t.pct("text-2.7", variable="applicable_elsewhere")
        self._set("applicable_elsewhere", inn, top(self.noise(len(inn)), count_for(applicable, len(inn))).astype(int))
        share = self.t.pct("text-2.7", variable="knowledge_sharing_action")
        change = df["degree_of_change"].to_numpy()[inn].astype(float)
        prop = 0.8 * change + 0.3 * self.z_clim[inn] + self.noise(len(inn))  # A19
        self._set("knowledge_sharing_action", inn, top(prop, count_for(share, len(inn))).astype(int))

    def build(self) -> pd.DataFrame:
        self.characteristics()
        self.traits()
        self.innovating()
        self.types()
        self.practices()
        self.strategy_and_technology()
        self.goals_and_effects()
        self.failure_and_sharing()
        df = self.df
        width = max(6, len(str(self.n)))
        ids = np.char.add(f"S{self.year % 100:02d}-", np.char.zfill(np.arange(1, self.n + 1).astype(str), width))
        data = {"org_id": pd.array(ids, dtype="string")}
        for col in md.schema()[1:]:
            if col.name not in df:
                data[col.name] = _int_array(self.n, np.array([], dtype=int), np.array([], dtype=int))
            elif col.dtype == "string":
                data[col.name] = pd.array(df[col.name].to_numpy().astype(str), dtype="string")
            else:
                data[col.name] = pd.array(df[col.name], dtype="Int64")
        out = pd.DataFrame(data)
        out[MARKER_COLUMN] = pd.array(np.full(self.n, MARKER), dtype="string")
        return out


def _int_array(n: int, rows: np.ndarray, values) -> pd.arrays.IntegerArray:
    data = np.zeros(n, dtype="int64")
    mask = np.ones(n, dtype=bool)
    data[rows] = np.asarray(values, dtype="int64")
    mask[rows] = False
    return pd.arrays.IntegerArray(data, mask)


def _origin_label(word: str) -> str:
    return next(lab for lab in md.options_of("origin")["label_nl"] if word in lab)


def _has_option(variable: str, label: str) -> bool:
    try:
        md.code_of(variable, label)
        return True
    except KeyError:
        return False


def _at_least_one(matrix: np.ndarray, eligible: np.ndarray, rng: np.random.Generator) -> None:
    """Give every eligible row with no option one, taken from a row that holds two or more
    (column sums stay exact). Works in rounds in which each donor gives at most once."""
    while True:
        sums = matrix.sum(axis=1)
        needy = np.flatnonzero(eligible & (sums == 0))
        donors = np.flatnonzero(sums >= 2)
        if len(needy) == 0 or len(donors) == 0:
            return
        k = min(len(needy), len(donors))
        needy = rng.permutation(needy)[:k]
        donors = rng.permutation(donors)[:k]
        # a random option held by each donor
        weights = matrix[donors] * rng.random((k, matrix.shape[1]))
        cols = weights.argmax(axis=1)
        matrix[donors, cols] = 0
        matrix[needy, cols] = 1


def _nudge_sum(values: np.ndarray, target: int, lo: int, hi: int, rng: np.random.Generator) -> np.ndarray:
    """Add or subtract 1 on random elements (within bounds) until the sum equals ``target``."""
    values = values.copy()
    diff = target - int(values.sum())
    while diff != 0:
        room = np.flatnonzero(values < hi) if diff > 0 else np.flatnonzero(values > lo)
        if len(room) == 0:
            break
        pick = rng.choice(room, size=min(abs(diff), len(room)), replace=False)
        values[pick] += np.sign(diff)
        diff = target - int(values.sum())
    return values


def _match_sd(values: np.ndarray, target_sd: float, lo: int, hi: int, rng: np.random.Generator,
              max_steps: int = 5000, candidates: int = 64) -> np.ndarray:
    """Move the sample SD of whole numbers towards ``target_sd`` without changing their sum:
    each step adds 1 to one value and takes 1 from another, choosing among random pairs the
    move that brings the SD closest; it stops when no move helps."""
    values = values.astype(int).copy()
    n = len(values)
    if n < 3:
        return values
    total = values.sum()
    sumsq = float((values.astype(float) ** 2).sum())

    def sd_of(sq: float) -> float:
        return float(np.sqrt(max(sq - total**2 / n, 0.0) / (n - 1)))

    gap = abs(sd_of(sumsq) - target_sd)
    for _ in range(max_steps):
        i = rng.integers(0, n, candidates)
        j = rng.integers(0, n, candidates)
        ok = (i != j) & (values[i] < hi) & (values[j] > lo)
        if not ok.any():
            break
        i, j = i[ok], j[ok]
        new_sq = sumsq + 2 * values[i] + 1 - 2 * values[j] + 1
        new_gap = np.abs(np.sqrt(np.maximum(new_sq - total**2 / n, 0) / (n - 1)) - target_sd)
        best = int(np.argmin(new_gap))
        if new_gap[best] >= gap - 1e-12:
            break
        values[i[best]] += 1
        values[j[best]] -= 1
        sumsq, gap = float(new_sq[best]), float(new_gap[best])
    return values


def _repair_rows(items: np.ndarray, totals: np.ndarray, rng: np.random.Generator,
                 raw: np.ndarray | None = None, jitter: float = 0.0) -> np.ndarray:
    """Change single items by ±1 until every row sums to its total (keeps items within 1-5).

    With ``raw`` (the unrounded item values), the item changed is the one whose raw value is
    closest to rounding the other way, as in a largest-remainder rule, so that repairs follow
    the items' own values instead of adding noise. Each pass touches only the rows still off."""
    items = items.copy()
    todo = np.flatnonzero(items.sum(axis=1) != totals)
    for _ in range(items.shape[1] * 5):
        if len(todo) == 0:
            break
        sub = items[todo]
        diff = totals[todo] - sub.sum(axis=1)
        up = diff > 0
        if raw is None:
            pull = rng.random(sub.shape)
        else:
            gap = raw[todo] - sub  # > 0: the item was rounded down
            pull = np.where(up[:, None], gap, -gap) + (jitter + 1e-6) * rng.random(sub.shape)
        room = np.where(up[:, None], sub < 5, sub > 1)
        j = np.where(room, pull, -np.inf).argmax(axis=1)
        ok = room[np.arange(len(todo)), j]
        sub[ok, j[ok]] += np.where(up[ok], 1, -1)
        items[todo] = sub
        todo = todo[items[todo].sum(axis=1) != totals[todo]]
    return items


def _row_sums(single: np.ndarray, col_sums: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Types per innovator: 1 for single-type innovators, 2-4 for the others, adding up to the
    published number of type mentions of the sector (keeping the spectrum where it can)."""
    total = int(col_sums.sum())
    rows = np.where(single, 1, 2)
    # Too few mentions for this many multi-type innovators: make some single.
    while rows.sum() > total and (rows == 2).any():
        rows[np.flatnonzero(rows == 2)[0]] = 1
    extra = total - int(rows.sum())
    multi = np.flatnonzero(rows >= 2)
    while extra > 0 and len(multi) > 0:
        room = multi[rows[multi] < 4]
        if len(room) == 0:
            break
        pick = rng.choice(room, size=min(extra, len(room)), replace=False)
        rows[pick] += 1
        extra = total - int(rows.sum())
    if extra > 0:  # too many mentions: turn single-type innovators into multi-type ones
        singles = np.flatnonzero(rows == 1)
        rows[singles[:extra]] += 1
    return rows


def _fill_binary(row_sums: np.ndarray, col_sums: np.ndarray, tie: np.ndarray, exact_tail: int = 2000) -> np.ndarray:
    """A 0/1 matrix with the given row and column sums (greedy, largest remaining columns first,
    as in the Gale-Ryser construction); ``tie`` breaks ties at random.

    Rows are taken in decreasing row sum. While plenty of every column is left, rows are placed
    in vectorised chunks; the last ``exact_tail`` rows, where the greedy choice matters, one by one.
    """
    n, k = len(row_sums), len(col_sums)
    remaining = col_sums.astype(float).copy()
    matrix = np.zeros((n, k), dtype=int)
    order = np.argsort(-row_sums, kind="stable")
    start = 0
    while n - start > exact_tail:
        chunk = order[start: start + min(1000, n - start - exact_tail)]
        r = np.minimum(row_sums[chunk], k)
        # Each row picks its r columns with the most remaining units (random tie-breaking).
        score = remaining[None, :] * (1 + 0.01 * tie[chunk])
        ranks = np.argsort(-score, axis=1)
        pick = np.arange(k)[None, :] < r[:, None]
        rows = np.repeat(chunk, r)
        cols = ranks[pick]
        use = np.bincount(cols, minlength=k)
        if (use > remaining).any():
            break
        matrix[rows, cols] = 1
        remaining -= use
        start += len(chunk)
    for i in order[start:]:
        r = min(int(row_sums[i]), k)
        cols = np.argsort(-(remaining + tie[i] * 1e-3))[:r]
        matrix[i, cols] = 1
        remaining[cols] -= 1
    return matrix


def _allocate_with_constraints(n: int, overall: dict[int, float], constraints, rng) -> np.ndarray:
    """Single answers with exact overall shares and published shares of some answer within some
    groups. Constraints ``(mask, code, pct)`` are met in order: exactly round(pct% of the group)
    members hold ``code`` (counting members given it by an earlier constraint); the remaining
    answers are spread so that the overall counts hold."""
    codes = np.array(sorted(overall))
    left = dict(zip(codes, counts_within_rounding([overall[c] for c in codes], n), strict=True))
    out = np.zeros(n, dtype=int)
    for mask, code, pct in constraints:
        members = np.flatnonzero(mask)
        want = count_for(pct, len(members)) - int((out[members] == code).sum())
        free = members[out[members] == 0]
        want = max(0, min(want, len(free), left[code]))
        pick = rng.permutation(free)[:want]
        out[pick] = code
        left[code] -= want
    # Members of a constrained group must not receive more of a constrained code.
    blocked = {code: np.zeros(n, dtype=bool) for code in codes}
    for mask, code, _pct in constraints:
        blocked[code] |= mask
    for code in codes:
        free = np.flatnonzero((out == 0) & ~blocked[code])
        k = min(left[code], len(free))
        out[rng.permutation(free)[:k]] = code
        left[code] -= k
    rest = np.flatnonzero(out == 0)  # whatever could not be placed without breaking a constraint
    if len(rest):
        fill = largest_remainder([max(left[c], 0) + 1e-9 for c in codes], len(rest))
        out[rest] = rng.permutation(np.repeat(codes, fill))
    return out


# --------------------------------------------------------------------------- entry points


def generate(seed: int = SEED, n: dict[int, int] | None = None, config: Config | None = None) -> dict[int, pd.DataFrame]:
    """Both waves, as data frames with the microdata schema plus the ``data_source`` marker."""
    cfg = config or Config(seed=seed, n=n)
    targets = Targets()
    out = {}
    for year in md.WAVES:
        # One stream per wave, so a change to one wave's steps does not move the other.
        rng = np.random.default_rng([cfg.seed, year])
        wave = _Wave(year, (cfg.n or {}).get(year), targets, rng, cfg)
        out[year] = wave.build()
        if cfg.fit and wave.scale == 1.0:
            # A26. The fit works on the published number of organisations only: its targets are
            # whole counts of the report's bases. A scaled population keeps the generator's
            # relations (see the module's docstring).
            out[year] = fit.fit(out[year], exclude=cfg.exclude)[0]
    return out


def replicated(n: dict[int, int], seed: int = SEED) -> dict[int, pd.DataFrame]:
    """Both waves at any size with the fitted relations: the fit runs on the published number of
    organisations (its targets are whole counts of the report's bases), so a large population is
    made of whole copies of the fitted wave plus a seeded sample of it for the remainder. Every
    share of a whole number of copies is the fitted wave's own; the remainder moves a share by at
    most ``remainder / n``. (``generate(n=...)`` instead scales the generator itself, with its
    assumed relations and no fit.)"""
    waves = generate(seed=seed)
    out = {}
    for year, wave in waves.items():
        copies, remainder = divmod(int(n[year]), len(wave))
        rng = np.random.default_rng([seed, year, 1])  # (a stream of its own: the waves are unchanged)
        extra = wave.iloc[np.sort(rng.choice(len(wave), size=remainder, replace=False))]
        big = pd.concat([wave] * copies + [extra], ignore_index=True)
        prefix = str(wave["org_id"].iloc[0]).split("-")[0]
        big["org_id"] = [f"{prefix}-{k:07d}" for k in range(1, len(big) + 1)]
        out[year] = big
    return out


def file_name(year: int) -> str:
    return f"synthetic_{year}.csv"


def write(out_dir: Path, seed: int = SEED) -> list[Path]:
    """Generate and write both waves with their data package; atomic per file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    waves = generate(seed=seed)
    written = []
    for year, df in waves.items():
        written.append(_atomic_csv(df, out_dir / file_name(year)))
    written.append(_atomic_text(out_dir / "datapackage.json", json.dumps(datapackage(waves, seed), indent=2) + "\n"))
    written.append(_atomic_text(out_dir / "ASSUMPTIONS.md", assumptions_markdown()))
    return written


def _atomic_text(path: Path, text: str) -> Path:
    # Public, committed data: readable by all (a temporary file is private).
    return paths.write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"),
                                  mode=0o644)


def _atomic_csv(df: pd.DataFrame, path: Path) -> Path:
    return _atomic_text(path, df.to_csv(index=False, lineterminator="\n"))


def datapackage(waves: dict[int, pd.DataFrame], seed: int) -> dict:
    fields = []
    for c in md.schema():
        f = {"name": c.name, "type": "string" if c.dtype == "string" else "integer",
             "title": c.label_en, "description": f"{c.label_nl} — universe: {md.UNIVERSES[c.universe]}; "
             f"waves: {', '.join(map(str, c.years))}"}
        if c.kind in ("label", "wave", "binary", "code", "likert", "option"):
            f["constraints"] = {"enum": list(c.codes)}
        if c.name in ("org_id", "wave", "sector"):
            f.setdefault("constraints", {})["required"] = True
        fields.append(f)
    fields.append({"name": MARKER_COLUMN, "type": "string", "constraints": {"required": True, "enum": [MARKER]},
                   "description": "Marks every row as synthetic: not survey data."})
    resources = []
    for year, df in waves.items():
        resources.append({
            "name": f"synthetic-{year}", "path": file_name(year), "format": "csv", "encoding": "utf-8",
            "title": f"SYNTHETIC organisation-level data, wave {year} (not survey data)",
            "schema": {"fields": fields, "primaryKey": ["org_id"]},
            "hash": "sha256:" + hashlib.sha256(df.to_csv(index=False, lineterminator="\n").encode()).hexdigest(),
        })
    return {
        "name": "innovatie-barometer-synthetic",
        "title": "Barometer: SYNTHETIC stand-in for the microdata of the Innovatie Barometer Overheid",
        "description": f"Generated by barometer.synthesis.generator (seed {seed}) to agree with published tables of "
                       "the report. It is NOT survey data: relations not published in the report are "
                       "assumptions (ASSUMPTIONS.md). Never cite a number computed on it as a finding.",
        "synthetic": True,
        "seed": seed,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }


def assumptions_markdown() -> str:
    lines = [
        "# Assumptions of the synthetic data",
        "",
        "The synthetic microdata agree with the published tables (the calibration targets). Everything "
        "else they contain is an assumption, listed here. Each is a parameter of "
        "`barometer.synthesis.generator` and rated for how much it matters:",
        "",
        "- **red**: drives a result a reader might quote (a model coefficient, a difference by size); "
        "on synthetic data such a result shows the assumption, nothing about Dutch government;",
        "- **amber**: shapes a secondary result;",
        "- **green**: cosmetic or bookkeeping.",
        "",
        "This file is generated by `barometer synth`; do not edit it by hand.",
        "",
        "## What comes from the fit",
        "",
        "After the generator, a fitting step (`barometer.synthesis.fit`, assumption A26) moves the 2025 wave onto "
        "the report's tables by climate cluster without changing any margin: "
        + ", ".join(f"`{t}`" for t in fit.TABLES) + ". "
        "Those published numbers therefore come from the fit; only what the report does not publish comes from the "
        "assumptions below. How realistic the assumptions are is measured by leaving each table out of the fit in "
        "turn (`barometer fidelity --leave-one-out`, results in `leave_one_out.json`). The fit runs at the "
        "published number of organisations only: a population generated at another size keeps the generator's "
        "assumed relations by cluster.",
        "",
        "## Assumptions",
        "",
        "| id | topic | rating | assumption | why it is needed | affects |",
        "|---|---|---|---|---|---|",
    ]
    for a in ASSUMPTIONS:
        lines.append(f"| {a.id} | {a.topic} | {a.rag} | {a.value} | {a.why} | {a.affects} |")
    return "\n".join(lines) + "\n"


def load(year: int | None = None, folder: Path | None = None) -> pd.DataFrame:
    """The committed synthetic files (both waves, or one)."""
    folder = folder or paths.SYNTHETIC
    years = md.WAVES if year is None else (year,)
    frames = []
    for y in years:
        path = paths.record_input(folder / file_name(y))
        frames.append(pd.read_csv(path, dtype={c.name: c.dtype for c in md.schema()} | {MARKER_COLUMN: "string"}))
    return pd.concat(frames, ignore_index=True)
