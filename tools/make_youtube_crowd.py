"""Simulate crowd workers with planted confusion matrices over the YouTube comments.

Run from the repo root: ``python tools/make_youtube_crowd.py``. Deterministic
(seed 22). Writes ``snorkel_nb/datasets/data/youtube_crowd/``:

* ``youtube_crowd_workers.csv``: one row per simulated worker - ``worker_id``,
  ``kind``, ``acc_ham`` = P(votes HAM | HAM), ``acc_spam`` = P(votes SPAM |
  SPAM) (the planted 2x2 confusion matrix) and ``weight`` (how often the worker
  is picked);
* ``youtube_crowd_votes.csv``: one row per vote - ``item_id`` (position of the
  comment in ``youtube.csv``: train, valid, test in file order), ``worker_id``
  and ``label`` (0 = HAM, 1 = SPAM).

Why simulated: the CrowdFlower weather votes that Snorkel's crowdsourcing
tutorial uses have no licence we could verify, so they cannot be bundled. The
comments and gold labels are the bundled UCI YouTube set (CC BY 4.0); the
workers are ours, with known parameters, so tests can check a fit against the
truth. Each comment is offered to the crowd with probability ``COVERAGE``; an
offered comment gets 1-5 distinct workers, drawn by ``weight``; each vote is
drawn from the worker's confusion row for the gold label.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 22
COVERAGE = 0.7
VOTES_PER_ITEM = ([1, 2, 3, 4, 5], [0.15, 0.2, 0.3, 0.2, 0.15])
# kind: (number of workers, acc_ham range, acc_spam range)
KINDS = {
    "expert": (6, (0.88, 0.97), (0.88, 0.97)),
    "typical": (12, (0.70, 0.85), (0.70, 0.85)),
    "spam-happy": (4, (0.45, 0.60), (0.88, 0.97)),
    "ham-happy": (3, (0.88, 0.97), (0.45, 0.60)),
    "careless": (3, (0.50, 0.60), (0.50, 0.60)),
    "random": (2, (0.50, 0.50), (0.50, 0.50)),
}
DST = Path("snorkel_nb/datasets/data/youtube_crowd")


def simulate(gold: np.ndarray, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(workers, votes)`` for items with binary ``gold`` labels (see module doc).

    Examples
    --------
    >>> workers, votes = simulate(np.array([0, 1] * 50))
    >>> len(workers), set(votes.label) <= {0, 1}
    (30, True)
    """
    rng = np.random.default_rng(seed)
    rows = []
    for kind, (count, ham, spam) in KINDS.items():
        for _ in range(count):
            rows.append(
                dict(
                    kind=kind,
                    acc_ham=round(float(rng.uniform(*ham)), 3),
                    acc_spam=round(float(rng.uniform(*spam)), 3),
                    weight=round(float(rng.lognormal(0.0, 0.8)), 3),
                )
            )
    workers = pd.DataFrame(rows)
    workers.insert(0, "worker_id", [f"w{i:02d}" for i in range(len(workers))])
    pick = workers["weight"].to_numpy() / workers["weight"].sum()
    acc = workers[["acc_ham", "acc_spam"]].to_numpy()
    votes = []
    for item, y in enumerate(gold):
        if rng.random() >= COVERAGE:
            continue
        k = rng.choice(VOTES_PER_ITEM[0], p=VOTES_PER_ITEM[1])
        for w in rng.choice(len(workers), size=k, replace=False, p=pick):
            right = rng.random() < acc[w, y]
            votes.append((item, workers["worker_id"][w], int(y if right else 1 - y)))
    return workers, pd.DataFrame(votes, columns=["item_id", "worker_id", "label"])


def main() -> None:
    youtube = pd.read_csv(
        "snorkel_nb/datasets/data/youtube/youtube.csv", keep_default_na=False
    )
    workers, votes = simulate(youtube["label"].to_numpy())
    DST.mkdir(parents=True, exist_ok=True)
    workers.to_csv(DST / "youtube_crowd_workers.csv", index=False)
    votes.to_csv(DST / "youtube_crowd_votes.csv", index=False)
    print(
        f"wrote {len(workers)} workers and {len(votes)} votes on "
        f"{votes.item_id.nunique()} of {len(youtube)} comments to {DST}"
    )


if __name__ == "__main__":
    main()
