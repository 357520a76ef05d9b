"""TREC question classification as a two-level task graph (6 coarse / 50 fine).

Data: ``data/trec/trec_hierarchy.csv`` (see its SOURCE.md). LFs: the 68
coarse regex rules of Awasthi et al. (2020) on the coarse task, plus
fine-level keyword / regex LFs written here, each voting one fine label
(which implies its coarse label through the graph).
"""

from __future__ import annotations

import os
from importlib import resources

import pandas as pd

from snorkel_nb.datasets import trec_rules
from snorkel_nb.labeling import regex_lf
from snorkel_nb.multitask.graph import TaskGraph
from snorkel_nb.multitask.lfs import MultiTaskLF

# fine label -> regexes (case-insensitive unless the pattern starts with "(?-i)")
FINE_RULES: dict[str, list[str]] = {
    "ABBR:abb": [r"\babbreviat", r"\bshort for\b"],
    "ABBR:exp": [
        r"\bstand for\b",
        r"\bstands for\b",
        r"\bacronym\b",
        r"^what does [A-Z][A-Z.]+ mean",
    ],
    "DESC:def": [
        r"^what (is|are) (an? |the )?\w+ \?$",
        r"\bdefinition of\b",
        r"^define\b",
        r"\bwhat does (the word )?\S+ mean\b",
        r"\bwhat is meant by\b",
    ],
    "DESC:desc": [
        r"\bdescribe\b",
        r"^what (is|was) the (origin|history) of\b",
        r"\bwhat happened\b",
    ],
    "DESC:manner": [
        r"^how (do|does|did|can|could|should|would|to|is|are) "
        r"(i|you|we|one|a|an|the)\b",
        r"^how (do|does|did|can) \w+",
        r"\bhow to\b",
    ],
    "DESC:reason": [r"^why\b", r"\bwhat (causes|caused|makes)\b", r"\breason\b"],
    "ENTY:animal": [
        r"\b(animals?|dogs?|cats?|birds?|fish|breed|mammals?|insects?|snakes?|"
        r"horses?|species|whales?|sharks?|spiders?)\b"
    ],
    "ENTY:body": [r"\b(body part|organ|bones?|muscles?|gland)\b"],
    "ENTY:color": [r"\bcolou?rs?\b"],
    "ENTY:cremat": [
        r"\b(book|film|movie|song|novel|painting|poem|album|tv show|"
        r"television series|opera|comic strip|play|magazine|newspaper)\b"
    ],
    "ENTY:currency": [r"\bcurrency\b", r"\bmoney (do|does|did) .* use\b"],
    "ENTY:dismed": [
        r"\b(disease|illness|cancer|syndrome|virus|drug|medicine|"
        r"symptoms?|disorder|infection)\b"
    ],
    "ENTY:event": [r"\b(war|battle|revolution|festival|olympics?)\b"],
    "ENTY:food": [
        r"\b(food|drink|dish|fruit|cheese|beer|wine|vegetables?|dessert|"
        r"cocktail|sauce|candy|cereal|bread)\b"
    ],
    "ENTY:instru": [r"\binstruments?\b"],
    "ENTY:lang": [r"\blanguages?\b", r"\b(spoken|speak)\b"],
    "ENTY:letter": [r"\bletters?\b"],
    "ENTY:plant": [r"\b(plants?|trees?|flowers?)\b"],
    "ENTY:product": [r"\b(product|brand)\b"],
    "ENTY:religion": [r"\breligions?\b"],
    "ENTY:sport": [r"\bsports?\b", r"\bgame\b"],
    "ENTY:substance": [
        r"\bmade (of|from)\b",
        r"\b(elements?|chemicals?|metals?|"
        r"minerals?|gas|substance)\b",
    ],
    "ENTY:symbol": [r"\bsymbol\b"],
    "ENTY:techmeth": [r"\b(technique|method)\b"],
    "ENTY:termeq": [
        r"\b(term for|another name|name for|nickname|is called|are called)\b"
    ],
    "ENTY:veh": [r"\b(car|ship|plane|aircraft|vehicle|boat|submarine|airplane)\b"],
    "ENTY:word": [r"\bwords?\b"],
    "HUM:desc": [r"(?-i)^Who (is|was) [A-Z][\w.]*( [A-Z][\w.]*)* \?$"],
    "HUM:gr": [
        r"\b(team|company|group|organization|band|corporation|university|"
        r"party|companies)\b"
    ],
    "HUM:ind": [
        r"^who (is|was) the\b",
        r"^who (\w+ed|wrote|invented|said|won|"
        r"played|sang|discovered|founded|killed|built)\b",
        r"\b(president|actor|actress|author|inventor|singer|poet|king|queen|"
        r"person|man|woman|astronaut|scientist|composer)\b",
    ],
    "HUM:title": [r"\btitle\b"],
    "LOC:city": [r"\bcity\b", r"\bcapital\b", r"\btown\b"],
    "LOC:country": [r"\bcountry\b", r"\bcountries\b", r"\bnation\b"],
    "LOC:mount": [r"\b(mountain|mount|peak|volcano)\b"],
    "LOC:other": [
        r"^where\b",
        r"\b(river|ocean|lake|island|sea|continent|desert|"
        r"where)\b",
    ],
    "LOC:state": [r"\bstate\b", r"\bprovince\b"],
    "NUM:code": [r"\b(zip code|area code|phone number)\b"],
    "NUM:count": [r"^how many\b", r"\bnumber of\b"],
    "NUM:date": [r"^when\b", r"\bwhat year\b", r"\b(date|year|century|day|birthday)\b"],
    "NUM:dist": [r"\bhow (far|tall|high|deep|wide)\b", r"\b(distance|height|length)\b"],
    "NUM:money": [
        r"\bhow much (does|did|do|is|was|will) .*\bcost\b",
        r"\b(cost|price|worth|salary|earn)\b",
    ],
    "NUM:ord": [r"\bwhat (place|position)\b"],
    "NUM:perc": [r"\b(percentage|percent)\b", r"\bwhat fraction\b"],
    "NUM:period": [r"\bhow long\b", r"\bhow old\b", r"\b(age|lifespan|life span)\b"],
    "NUM:speed": [r"\b(speed|how fast|mph)\b"],
    "NUM:temp": [r"\b(temperature|degrees|boiling point|freezing point)\b"],
    "NUM:volsize": [r"\b(size|how big|area|volume)\b"],
    "NUM:weight": [r"\b(weigh|weighs|weight|how heavy)\b"],
}


def _small() -> bool:
    return os.environ.get("SNORKEL_NB_SMALL", "") not in ("", "0")


def load_trec_hierarchy(
    small: bool | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(train, dev, test)`` with ``text``, ``coarse``, ``fine`` (``"COARSE:fine"``).

    Sizes 4952 / 500 / 500; ``small`` (default: ``SNORKEL_NB_SMALL``) keeps a
    seeded 1000-row sample of train.
    """
    with (
        resources.files("snorkel_nb.multitask")
        .joinpath("data/trec/trec_hierarchy.csv")
        .open("rb") as fh
    ):
        df = pd.read_csv(fh, keep_default_na=False)
    parts = [
        df[df["split"] == s].reset_index(drop=True) for s in ("train", "dev", "test")
    ]
    if _small() if small is None else small:
        parts[0] = parts[0].sample(1000, random_state=0).reset_index(drop=True)
    return parts[0], parts[1], parts[2]


def trec_graph() -> TaskGraph:
    """``coarse`` (6) -> ``fine`` (50), from the labels of the shipped data."""
    df = pd.concat(load_trec_hierarchy(small=False))
    return TaskGraph.from_hierarchy(df["fine"])


def trec_labels(df: pd.DataFrame, graph: TaskGraph) -> dict[str, object]:
    """Gold ``{"coarse": idx, "fine": idx}`` arrays for a TREC DataFrame.

    Parameters
    ----------
    df
        TREC rows with ``coarse`` and ``fine`` label-name columns.
    graph
        The task graph whose label lists give the indices.

    Returns
    -------
    dict
        Task name -> ``[n]`` label indices.

    Raises
    ------
    ValueError
        If a label name is not in the graph.
    """
    return {t: df[t].map(graph.labels(t).index).to_numpy() for t in ("coarse", "fine")}


def trec_lfs(graph: TaskGraph) -> list[MultiTaskLF]:
    """68 coarse regex rules + the fine rules of :data:`FINE_RULES`."""
    lfs = []
    for i, r in trec_rules().iterrows():
        label = graph.label_index("coarse", r["label_name"])
        lfs.append(
            MultiTaskLF(
                regex_lf(r["pattern"], label=label, name=f"rule_{i}"), task="coarse"
            )
        )
    for fine, patterns in FINE_RULES.items():
        idx = graph.label_index("fine", fine)
        for j, pat in enumerate(patterns):
            flags = 0 if pat.startswith("(?-i)") else 2  # re.IGNORECASE
            pat = pat.removeprefix("(?-i)")
            name = f"fine_{fine.replace(':', '_')}_{j}"
            lfs.append(
                MultiTaskLF(
                    regex_lf(pat, label=idx, name=name, flags=flags), task="fine"
                )
            )
    return lfs
