"""The rule set of output checking, named after ACRO's (SACRO project) where they match.

* ``threshold``: a count below ``min_cell`` is disclosive, and so is every value that rests on
  one (a percentage of a base of three, a mean of two organisations, a test on a small cell).
  ``min_cell`` defaults to 5, the report's own ``#``.
* ``zeros``: with ``zeros_are_disclosive`` (ACRO's default, and ours for own data) a count of
  zero is disclosive too: it says that no member of a group gave an answer (or, for the rest of
  a base, that all of them did). Two kinds of zero are not: a group without respondents (a
  count of who was in the survey, not of an answer), and a *structural* zero, one the published
  structure alone fixes whatever is hidden (no organisation is "not asked" a question everyone
  was asked; nobody skipped a question whose base equals those it was put to). The ledger finds
  those from the relations between measures and the report's printed numbers.
* ``dof``: a model or test statistic needs ``min_dof`` residual degrees of freedom, so that it
  is not a look-up table of a few organisations (ACRO's ``safe_dof_threshold``, default 10).
* ``secondary``: a released cell hidden because, together with everything else published, it
  would let an attacker pin down a disclosive one (the edition ledger decides these).
* ``magnitude``: a mean hidden because the sum of its variable over a disclosive group could be
  derived from the other means.
* ``untyped``: a value the gate cannot check (not built with the typed builders) is withheld:
  deny by default. So is text with numbers it cannot trace, and SVG output of own data
  (exact coordinates; ACRO blocks ``.svg`` too).
"""

from __future__ import annotations

from dataclasses import dataclass

RELEASED, SUPPRESSED, WITHHELD = "released", "suppressed", "withheld"
STATUSES = (RELEASED, SUPPRESSED, WITHHELD)
#: The mark of a value that is not shown (the report's own).
MARK = "#"
#: How ACRO would file each status.
ACRO_STATUS = {RELEASED: "pass", SUPPRESSED: "pass", WITHHELD: "fail"}
#: The two phases of a chapter's outputs: from the published layer (nothing to check) or from
#: microdata (checked, and for own data audited by the edition's ledger).
PUBLISHED, MICRODATA = "published", "microdata"


@dataclass(frozen=True)
class Rules:
    min_cell: int = 5
    zeros_are_disclosive: bool = True
    min_dof: int = 10
    #: Significant digits of statistics computed from own data (defence in depth: a released
    #: statistic rests on released cells only, but full precision invites inversion).
    digits: int = 3

    def __post_init__(self):
        if isinstance(self.min_cell, bool) or not isinstance(self.min_cell, int) or self.min_cell < 1:
            raise ValueError(f"min_cell must be a whole number of at least 1, got {self.min_cell!r}")
        if isinstance(self.min_dof, bool) or not isinstance(self.min_dof, int) or self.min_dof < 0:
            raise ValueError(f"min_dof must be a whole number of at least 0, got {self.min_dof!r}")

    def sensitive(self, n: int, design: bool = False) -> bool:
        """Whether a count is disclosive: 1 … min_cell − 1, and 0 when zeros are disclosive,
        except for a count of who was in the survey or asked (``design``): no respondent in a
        group says nothing about anyone's answers."""
        return 0 < n < self.min_cell or (n == 0 and self.zeros_are_disclosive and not design)

    def cell_sensitive(self, cell) -> bool:
        return bool(cell.boxes) and self.sensitive(cell.n, cell.design)

    def rule_for(self, n: int) -> str:
        return "zeros" if n == 0 else "threshold"


__all__ = ["Rules", "RELEASED", "SUPPRESSED", "WITHHELD", "STATUSES", "MARK", "ACRO_STATUS"]
