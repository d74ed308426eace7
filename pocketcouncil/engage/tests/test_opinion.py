"""The opinion-group computation on generated vote matrices with planted groups."""

import numpy as np

from pocketcouncil.engage import opinion


def planted(n=400, m=60, groups=3, density=0.5, consensus=(), noise=0.15, seed=7):
    """Votes from ``groups`` camps: each camp agrees or disagrees with each statement; people
    vote on a random ``density`` of statements and stray from their camp with probability
    ``noise``. Statements in ``consensus`` are agreed by every camp; every other statement has
    at least one camp against it."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(groups, size=n)
    stance = rng.choice([-1, 1], size=(groups, m))
    for s in range(m):
        if s in consensus:
            stance[:, s] = 1
        elif (stance[:, s] == 1).all():
            stance[rng.integers(groups), s] = -1
    seen = rng.random((n, m)) < density
    stray = rng.random((n, m))
    votes = np.where(
        stray < 1 - noise, stance[truth], np.where(stray < 1 - noise / 2, 0, -stance[truth])
    )
    rows, cols = np.nonzero(seen)
    return rows, cols, votes[rows, cols], truth


def adjusted_rand(a, b) -> float:
    """Adjusted Rand index of two labellings (1 = identical partitions, about 0 = chance)."""

    def pairs(x):
        return x * (x - 1) / 2

    classes_a, ia = np.unique(a, return_inverse=True)
    classes_b, ib = np.unique(b, return_inverse=True)
    table = np.zeros((len(classes_a), len(classes_b)))
    np.add.at(table, (ia, ib), 1)
    index = pairs(table).sum()
    sum_a, sum_b = pairs(table.sum(axis=1)).sum(), pairs(table.sum(axis=0)).sum()
    expected = sum_a * sum_b / pairs(len(a))
    return (index - expected) / ((sum_a + sum_b) / 2 - expected)


def labels_of(result, n):
    labels = np.full(n, -1)
    for person, group in result.membership.items():
        labels[person] = group
    return labels


def test_three_planted_groups_are_recovered():
    rows, cols, values, truth = planted(groups=3)
    result = opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
    assert len(result.groups) == 3
    assert adjusted_rand(truth, labels_of(result, len(truth))) > 0.9


def test_four_planted_groups_with_sparse_votes_are_recovered():
    rows, cols, values, truth = planted(n=800, m=80, groups=4, density=0.25, seed=3)
    result = opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
    assert len(result.groups) == 4
    assert adjusted_rand(truth, labels_of(result, len(truth))) > 0.85


def test_two_planted_groups_and_their_representative_statements():
    rows, cols, values, truth = planted(groups=2, seed=11)
    rng_stance = {}
    for r, c, v in zip(rows, cols, values, strict=True):
        rng_stance.setdefault((truth[r], c), []).append(v)
    result = opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
    assert len(result.groups) == 2
    for group in result.groups:
        members = set(group.participants)
        camp = np.bincount(truth[list(members)]).argmax()
        assert group.representative, "every group has statements that represent it"
        for statement, p_agree, ratio in group.representative:
            # The camp behind this group really agrees with it; the other camp does not.
            assert np.mean(rng_stance[(camp, statement)]) > 0.5
            assert np.mean(rng_stance[(1 - camp, statement)]) < 0
            assert p_agree > 0.5 and ratio > 1


def test_group_informed_consensus_finds_the_statements_every_group_agrees_with():
    planted_consensus = {4, 17, 30}
    rows, cols, values, _truth = planted(groups=3, consensus=planted_consensus)
    result = opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
    top = {statement for statement, _score in result.consensus[:3]}
    assert top == planted_consensus
    scores = [score for _s, score in result.consensus]
    assert scores == sorted(scores, reverse=True)


def test_people_with_too_few_votes_are_left_out():
    rows, cols, values, _truth = planted(n=100, m=20, density=0.9)
    extra_person = 10_000
    rows = np.append(rows, [extra_person] * 3)
    cols = np.append(cols, [0, 1, 2])
    values = np.append(values, [1, 1, 1])
    result = opinion.compute(participant_ids=rows, statement_ids=cols, values=values, min_votes=7)
    assert extra_person not in result.membership
    assert result.participant_count == 100


def test_the_same_votes_give_the_same_groups():
    rows, cols, values, _truth = planted(n=200, m=30)
    first = opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
    second = opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
    assert first.membership == second.membership
    assert first.consensus == second.consensus


def test_too_little_data_gives_no_groups_or_one_group_without_crashing():
    empty = opinion.compute(participant_ids=[], statement_ids=[], values=[])
    assert empty.groups == [] and empty.participant_count == 0
    few = opinion.compute(
        participant_ids=[1, 1, 2, 2], statement_ids=[1, 2, 1, 2], values=[1, -1, 1, 1], min_votes=1
    )
    assert len(few.groups) == 1
    assert sorted(few.groups[0].participants) == [1, 2]
