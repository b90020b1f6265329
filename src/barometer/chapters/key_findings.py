"""The key-findings page: its four figures with their captions and alt text, and the published
numbers it quotes that take more than one look-up. Everything here reads the published layer only:
the page states the report's findings, never a synthetic or own-data number."""

from __future__ import annotations

import pandas as pd

from barometer.book import headlines
from barometer.data import published

OWN_BUDGET = "Uit het eigen budget van mijn organisatie(onderdeel)"
TECHNOLOGY = "Geheel of voor een belangrijk deel technologie"
# The items of the innovation spectrum the page quotes, by the short key of their glue names.
SPECTRUM = {"interaction": "Innovatie van de interactie", "single": "Enkelvoudige innovatie (1 type)",
            "multiple": "Meervoudige innovatie (2, 3 of 4 typen)"}


def pct(source_id, **filters) -> float:
    """One published percentage."""
    return published.value(source_id, statistic="pct", **filters)


def period() -> str:
    """The two years the 2025 survey asked about (e.g. '2023–2024')."""
    return f"{headlines.LAST - 2}–{headlines.LAST - 1}"


def spectrum() -> pd.Series:
    """The spectrum shares by (item, year)."""
    return headlines.spectrum().set_index(["item", "year"])["pct"]


def top_initiator() -> tuple[str, float]:
    """Who took the initiative most often (2025, Table B1-3), worded for the prose, and its share."""
    initiators = published.table("B1-3", year=2025, variable="initiative_source", statistic="pct")
    top = initiators.sort_values("value", ascending=False).iloc[0]
    return top["item_en"].lower().replace(" my ", " their own "), top["value"]


def sectors_fell() -> tuple[int, int]:
    """In how many sectors of Table B1-8 the innovation rate fell, and how many sectors there are."""
    by_sector = headlines.rate_by_sector().pivot_table(index="group", columns="year", values="pct")
    return int((by_sector[headlines.LAST] < by_sector[headlines.FIRST]).sum()), len(by_sector)


def rate_figure(ch) -> None:
    """The innovation rate, the Netherlands in both waves and Denmark, with Wilson intervals."""
    first, last = headlines.innovation_rate(headlines.FIRST), headlines.innovation_rate(headlines.LAST)
    denmark = headlines.denmark_rate()
    fig, data = headlines.rate_chart()
    ch.figure(fig, "innovation_rate",
              "Organisations that implemented at least one innovation: the Netherlands in 2021 and 2025 (published, "
              "Table B1-8, with the number of innovators of Tables B1-7 and B1-9) and Denmark in 2023 (as quoted in "
              "report §2.1), with 95% Wilson intervals.",
              f"Horizontal bar chart: the Netherlands {first.pct:.0f}% in {headlines.FIRST} and {last.pct:.0f}% in "
              f"{headlines.LAST}, Denmark {denmark.pct:.0f}%; the Dutch intervals "
              f"{'do not overlap' if last.high < first.low else 'overlap'}.", data=data)


def sector_figure(ch) -> None:
    """The innovation rate by sector in both waves (a dumbbell chart)."""
    fell, total = sectors_fell()
    fig, data = headlines.sector_chart(ch.lang)
    ch.figure(fig, "innovation_rate_by_sector",
              "Organisations that implemented at least one innovation, by sector, 2021 (grey) and 2025 (blue) "
              "(published, Table B1-8); n is the number of responding organisations in 2025.",
              f"Dumbbell chart per sector: in {fell} of {total} sectors the {headlines.LAST} share lies left of the "
              f"{headlines.FIRST} share.",
              data=data)


def spectrum_figure(ch) -> None:
    """Interaction innovations, and single- against multi-type innovations, in both waves."""
    fig, data = headlines.spectrum_chart()
    ch.figure(fig, "innovation_spectrum",
              "Innovation of the interaction with the outside world, and single- against multi-type innovation, "
              "2021 and 2025 (published, report §2.1).",
              "Paired bar chart: interaction innovations and multi-type innovations fell between the waves, "
              "single-type innovations rose.", data=data)


def goals_effects_figure(ch) -> None:
    """The goals of the most recent innovation beside its positive effects."""
    goals, effects = headlines.goals().set_index("item_en")["pct"], headlines.positive_effects().set_index("item_en")["pct"]
    fig, data = headlines.goals_effects_chart()
    ch.figure(fig, "goals_and_effects",
              "What the most recent innovation aimed at, and where it had a positive effect, as a share of innovating "
              "organisations (published: report §2.5; the effects as Figure 2-19 prints them, corrected by erratum "
              "E02).",
              f"Two bar charts side by side: the most frequent goal is {goals.idxmax().lower()} "
              f"({goals.max():.0f}%); the most frequent positive effect is on {effects.idxmax().lower()} "
              f"({effects.max():.0f}%), the least frequent on {effects.idxmin().lower()} ({effects.min():.0f}%).",
              data=data)


def glue_numbers(ch) -> None:
    """Every number the page quotes, glued: the report's headline numbers (computed once, for every
    page) and the published values of each finding."""
    for key in ("rate_2025", "rate_2021", "rate_dk", "organisations_2025", "organisations_2021", "decline_p",
                "decline_h", "effect_cost"):
        ch.headline(key)
    ch.glue("kf_period", period())
    ch.glue("kf_response", published.value("B1-1", group="Totaal", statistic="response_rate"), "{:.0f}%")
    ch.glue("kf_dept", pct("summary", group="Kerndepartement", variable="innovated"), "{:.0f}%")
    ch.glue("kf_agencies", pct("summary", group="Diensten en agentschappen", variable="innovated"), "{:.0f}%")
    shares = spectrum()
    for key, item in SPECTRUM.items():
        ch.glue(f"kf_{key}_2021", shares[(item, 2021)], "{:.0f}%")
        ch.glue(f"kf_{key}_2025", shares[(item, 2025)], "{:.0f}%")
    ch.glue("kf_own_budget", pct("text-2.2", country="NL", variable="funding_source", item=OWN_BUDGET), "{:.0f}%")
    ch.glue("kf_own_budget_dk", pct("text-2.2", country="DK", variable="funding_source", item=OWN_BUDGET), "{:.0f}%")
    ch.glue("kf_tech", pct("text-2.2", country="NL", group="Totaal", variable="technology_content", item=TECHNOLOGY),
            "{:.0f}%")
    ch.glue("kf_tech_dk", pct("text-2.2", country="DK", variable="technology_content", item=TECHNOLOGY), "{:.0f}%")
    ch.glue("kf_climate", published.value("summary", group="Totaal", variable="climate_scale", statistic="mean"),
            "{:.2f}")
    ch.glue("kf_preconditions", published.value("B2-1", variable="preconditions_scale", statistic="mean"), "{:.2f}")
    goals = headlines.goals().set_index("item_en")["pct"]
    effects = headlines.positive_effects().set_index("item_en")["pct"]
    ch.glue("kf_efficiency_goal", goals["Increasing efficiency in the use of people and resources"], "{:.0f}%")
    ch.glue("kf_quality_effect", effects["Quality of service delivery"], "{:.0f}%")
    initiator, initiator_pct = top_initiator()
    ch.glue("kf_initiator", initiator)
    ch.glue("kf_initiator_pct", initiator_pct, "{:.0f}%")
    fell, n_sectors = sectors_fell()
    ch.glue("kf_sectors_fell", fell)
    ch.glue("kf_sectors", n_sectors)
    ch.glue("kf_failed", pct("text-2.6", variable="failed_attempt"), "{:.0f}%")
    ch.glue("kf_elsewhere", pct("text-2.7", variable="applicable_elsewhere"), "{:.0f}%")
    ch.glue("kf_shared", pct("text-2.7", variable="knowledge_sharing_action"), "{:.0f}%")
