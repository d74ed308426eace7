"""Opinion groups in the style of pol.is: pure numpy, no database.

Residents vote agree (+1), disagree (-1) or pass (0) on short statements. Most people vote on
only some statements, so the vote matrix is sparse. The computation:

1. Keep participants who voted on at least ``min_votes`` statements (pol.is uses 7).
2. Fill each missing vote with that statement's mean vote (what pol.is does), then centre
   each statement's column.
3. PCA: the principal axes are the top singular vectors of the centred matrix, which are the
   top eigenvectors of the (statements x statements) covariance. We find the few we need by
   subspace iteration on the covariance, far cheaper than the SVD of the (participants x
   statements) matrix for 10,000 people (see docs/benchmarks.md).
4. k-means (k-means++ start, several restarts) in the first few principal components for every
   k from 2 to 5; keep the k with the best silhouette (measured on a fixed sample, because the
   full silhouette is quadratic in participants). Too few participants: one group.
5. For each statement and group: agree probability with a Laplace prior,
   ``(agrees + 1) / (votes + 2)``. Group-informed consensus is the product of those over the
   groups: high only when every group agrees. A statement represents a group when the group
   agrees with it much more than everyone else does (ratio of agree probabilities), and the
   group mostly agrees.

``compute`` is deterministic for the same input (fixed random seed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_VOTES = 7
MAX_GROUPS = 5
CLUSTER_COMPONENTS = 5
KMEANS_RESTARTS = 4
SUBSPACE_ITERATIONS = 12
KMEANS_ITERATIONS = 60
SILHOUETTE_SAMPLE = 1500
REPRESENTATIVE_PER_GROUP = 5
CONSENSUS_COUNT = 5


@dataclass
class Group:
    number: int
    participants: list = field(default_factory=list)
    # (statement id, agree probability in the group, ratio against everyone else)
    representative: list = field(default_factory=list)


@dataclass
class Result:
    participant_count: int
    statement_count: int
    groups: list[Group]
    # (statement id, group-informed consensus)
    consensus: list
    # participant id -> (x, y) on the first two principal components
    coordinates: dict
    silhouette: float | None
    # participant id -> group number (participants left out for too few votes are absent)
    membership: dict = field(default_factory=dict)


def compute(
    *,
    participant_ids,
    statement_ids,
    values,
    min_votes: int = MIN_VOTES,
    max_groups: int = MAX_GROUPS,
    seed: int = 0,
) -> Result:
    """Opinion groups from votes given as three parallel sequences (who, which statement, vote).

    Later duplicates of the same (participant, statement) pair overwrite earlier ones.
    """
    who = np.asarray(participant_ids)
    what = np.asarray(statement_ids)
    vote = np.asarray(values, dtype=np.float32)
    people, row = np.unique(who, return_inverse=True)
    statements, col = np.unique(what, return_inverse=True)
    n, m = len(people), len(statements)
    matrix = np.zeros((n, m), dtype=np.float32)
    seen = np.zeros((n, m), dtype=bool)
    matrix[row, col] = vote
    seen[row, col] = True
    del row, col

    keep = seen.sum(axis=1) >= min(min_votes, m)
    matrix, seen, people = matrix[keep], seen[keep], people[keep]
    n = len(people)
    if n == 0 or m == 0:
        return Result(0, m, [], [], {}, None)

    labels, silhouette, coords = _groups(matrix, seen, max_groups=max_groups, seed=seed)
    k = int(labels.max()) + 1
    agree = matrix > 0
    # Per group and statement: agrees and votes (a pass counts as a vote seen).
    agrees = np.stack([(agree & (labels == g)[:, None]).sum(axis=0) for g in range(k)])
    votes = np.stack([(seen & (labels == g)[:, None]).sum(axis=0) for g in range(k)])
    p_agree = (agrees + 1) / (votes + 2)

    consensus_score = np.prod(p_agree, axis=0) if k > 1 else p_agree[0]
    order = np.argsort(-consensus_score, kind="stable")[:CONSENSUS_COUNT]
    consensus = [(statements[i].item(), round(float(consensus_score[i]), 4)) for i in order]

    groups = []
    total_agrees, total_votes = agrees.sum(axis=0), votes.sum(axis=0)
    for g in range(k):
        rest_p = (total_agrees - agrees[g] + 1) / (total_votes - votes[g] + 2)
        ratio = p_agree[g] / rest_p
        candidates = np.where((p_agree[g] > 0.5) & (ratio > 1.0))[0]
        ranked = candidates[np.argsort(-(ratio[candidates] * p_agree[g][candidates]))]
        members = people[labels == g]
        groups.append(
            Group(
                number=g + 1,
                participants=[p.item() for p in members],
                representative=[
                    (
                        statements[i].item(),
                        round(float(p_agree[g][i]), 4),
                        round(float(ratio[i]), 4),
                    )
                    for i in ranked[:REPRESENTATIVE_PER_GROUP]
                ],
            )
        )
    coordinates = {
        people[i].item(): (round(float(coords[i, 0]), 4), round(float(coords[i, 1]), 4))
        for i in range(n)
    }
    membership = {people[i].item(): int(labels[i]) + 1 for i in range(n)}
    return Result(n, m, groups, consensus, coordinates, silhouette, membership)


def _groups(matrix, seen, *, max_groups: int, seed: int):
    """(labels, silhouette, 2-d coordinates)."""
    n, m = matrix.shape
    counts = seen.sum(axis=0)
    means = np.divide(
        matrix.sum(axis=0), counts, out=np.zeros(m, dtype=np.float32), where=counts > 0
    )
    # Impute missing votes with the statement mean, then centre: missing becomes exactly 0.
    centred = np.where(seen, matrix - means, np.float32(0))
    components = _principal_axes(centred, min(CLUSTER_COMPONENTS, m))
    projected = (centred @ components).astype(np.float64)
    del centred
    coords = projected[:, :2] if projected.shape[1] >= 2 else np.pad(projected, ((0, 0), (0, 1)))
    if n < 4:
        return np.zeros(n, dtype=int), None, coords
    rng = np.random.default_rng(seed)
    sample = rng.choice(n, size=min(n, SILHOUETTE_SAMPLE), replace=False)
    best = (None, -2.0)
    for k in range(2, min(max_groups, n - 1) + 1):
        labels = _kmeans(projected, k, rng)
        if len(np.unique(labels)) < 2:
            continue
        score = _silhouette(projected[sample], labels[sample])
        if score > best[1] + 1e-9:
            best = (labels, score)
    if best[0] is None:
        return np.zeros(n, dtype=int), None, coords
    return best[0], round(float(best[1]), 4), coords


def _principal_axes(centred, count: int):
    """The first ``count`` principal axes (columns) of the centred vote matrix.

    These are the top singular vectors of the matrix, i.e. the top eigenvectors of its
    (statements x statements) covariance. Only a few are needed, so they are found by subspace
    iteration on the covariance (a handful of small matrix products and QR steps) rather than a
    full decomposition: a full eigendecomposition of a 500 x 500 matrix is cheap in CPU time but
    slow in wall time on a busy machine, where the numerical library's threads wait for cores.
    """
    covariance = (centred.T @ centred).astype(np.float64)
    m = covariance.shape[0]
    width = min(m, count + 5)
    basis = np.random.default_rng(0).standard_normal((m, width))
    for _ in range(SUBSPACE_ITERATIONS):
        basis, _r = np.linalg.qr(covariance @ basis)
    small = basis.T @ covariance @ basis
    values, vectors = np.linalg.eigh(small)
    order = np.argsort(values)[::-1][:count]
    axes = basis @ vectors[:, order]
    # Fix each axis's sign so the same data always gives the same picture.
    signs = np.sign(axes[np.abs(axes).argmax(axis=0), range(axes.shape[1])])
    signs[signs == 0] = 1
    return (axes * signs).astype(np.float32)


def _kmeans(points, k: int, rng) -> np.ndarray:
    best_labels, best_inertia = None, np.inf
    for _ in range(KMEANS_RESTARTS):
        centres = _kmeans_plus_plus(points, k, rng)
        labels = None
        for _ in range(KMEANS_ITERATIONS):
            distances = _squared_distances(points, centres)
            new_labels = distances.argmin(axis=1)
            if labels is not None and np.array_equal(new_labels, labels):
                break
            labels = new_labels
            for c in range(k):
                members = points[labels == c]
                if len(members):
                    centres[c] = members.mean(axis=0)
        inertia = float(_squared_distances(points, centres).min(axis=1).sum())
        if inertia < best_inertia:
            best_labels, best_inertia = labels, inertia
    return best_labels


def _kmeans_plus_plus(points, k: int, rng):
    n = len(points)
    centres = [points[rng.integers(n)]]
    closest = _squared_distances(points, np.array(centres)).min(axis=1)
    for _ in range(1, k):
        total = closest.sum()
        index = rng.integers(n) if total <= 0 else rng.choice(n, p=closest / total)
        centres.append(points[index])
        closest = np.minimum(closest, _squared_distances(points, points[index][None, :])[:, 0])
    return np.array(centres, dtype=np.float64)


def _squared_distances(points, centres):
    return (
        (points**2).sum(axis=1)[:, None]
        - 2 * points @ centres.T
        + (centres**2).sum(axis=1)[None, :]
    ).clip(min=0)


def _silhouette(points, labels) -> float:
    """Mean silhouette width of ``points`` (small: a sample)."""
    distances = np.sqrt(_squared_distances(points, points))
    ks = np.unique(labels)
    scores = np.zeros(len(points))
    per_cluster = np.stack([distances[:, labels == c].sum(axis=1) for c in ks], axis=1)
    sizes = np.array([(labels == c).sum() for c in ks])
    own = np.searchsorted(ks, labels)
    own_size = sizes[own]
    a = np.where(own_size > 1, per_cluster[np.arange(len(points)), own] / (own_size - 1), 0)
    mean_other = per_cluster / sizes[None, :]
    mean_other[np.arange(len(points)), own] = np.inf
    b = mean_other.min(axis=1)
    denominator = np.maximum(a, b)
    valid = (own_size > 1) & (denominator > 0)
    scores[valid] = (b[valid] - a[valid]) / denominator[valid]
    return float(scores.mean())
