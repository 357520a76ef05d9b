import re

from snorkel_nb import demo


def test_demo_runs_and_reports(capsys):
    demo.main()
    out = capsys.readouterr().out
    assert "1586 train / 120 valid / 250 test" in out
    assert "sixth_word_is_link: failed on" in out and "IndexError" in out
    acc = float(re.search(r"majority vote: accuracy ([\d.]+)", out).group(1))
    assert acc > 0.85  # the demo LF set is decent; measured 0.888
    for name in ("keyword_my", "regex_check_out", "lookup_praise", "model_dev_tfidf"):
        assert name in out


def test_demo_grades_lfs_on_data_the_model_lf_did_not_learn_from():
    from snorkel_nb.datasets import load_youtube

    _, valid, _ = load_youtube()
    dev, held = demo.split_valid(valid)
    assert len(dev) + len(held) == len(valid)
    assert (
        not set(dev["text"]) & set(held["text"])
        or len(set(dev["text"]) & set(held["text"])) < 3
    )  # only duplicated comments


def test_demo_ends_with_what_it_found_and_the_next_command(capsys):
    demo.main()
    out = capsys.readouterr().out
    tail = out[out.index("What this found") :]
    assert "pip install jupyterlab && jupyter lab tutorials/01_spam.ipynb" in tail
    assert "fell back" not in out and "Done in" not in out  # no jargon ending
