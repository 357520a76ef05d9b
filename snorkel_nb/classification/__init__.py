"""PyTorch multi-task classification (Snorkel 0.9 ``snorkel.classification`` names).

``MultitaskClassifier`` runs ``Task``\\ s, each a sequence of ``Operation``\\ s
over a shared pool of modules; ``Trainer`` fits it on ``DictDataLoader``\\ s.
``snorkel_nb.multitask.MultitaskModel`` compiles a TaskGraph into exactly
these pieces.
"""

from snorkel_nb.classification.data import DictDataLoader, DictDataset, collate_dicts
from snorkel_nb.classification.loss import cross_entropy_with_probs
from snorkel_nb.classification.multitask_classifier import MultitaskClassifier
from snorkel_nb.classification.scorer import Scorer
from snorkel_nb.classification.task import Operation, Task
from snorkel_nb.classification.trainer import Trainer, TrainerConfig, set_seed

__all__ = [
    "DictDataLoader",
    "DictDataset",
    "MultitaskClassifier",
    "Operation",
    "Scorer",
    "Task",
    "Trainer",
    "TrainerConfig",
    "collate_dicts",
    "cross_entropy_with_probs",
    "set_seed",
]
