import numpy as np

from snorkel_nb.labeling.model import MajorityLabelVoter


def test_majority_vote():
    mv = MajorityLabelVoter(cardinality=2)
    L = np.array([[1, 1, 0], [0, -1, -1], [1, 0, -1], [-1, -1, -1]])
    np.testing.assert_array_equal(mv.predict(L), [1, 0, -1, -1])
    assert mv.score(L[:2], [1, 0])["accuracy"] == 1.0
