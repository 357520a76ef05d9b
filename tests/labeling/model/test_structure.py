from snorkel_nb.labeling.model import LabelModel, generate_synthetic, learn_structure


def test_recovers_planted_pairs_and_improves_accuracy():
    d = generate_synthetic(n=20000, m=10, k=2, dependencies=3, seed=0)
    found = learn_structure(d.L)
    assert set(found) == set(d.dependencies)
    a0 = LabelModel(2, guard=False).fit(d.L).score(d.L, d.Y)["accuracy"]
    a1 = LabelModel(2).fit(d.L, dependencies=found).score(d.L, d.Y)["accuracy"]
    assert a1 > a0 + 0.01


def test_no_false_positives_when_independent():
    d = generate_synthetic(n=20000, m=10, k=3, seed=1)
    assert learn_structure(d.L) == []
