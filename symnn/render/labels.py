"""Where each weight label goes on its edge: a place no other edge comes near, clear of nodes, names and labels.

A label is a white box centred on its own edge (at fraction ``t`` of the segment, TikZ's
``pos``), so its edge visibly runs into it and out of it. Where another edge passes
close by, a reader cannot tell which of the two it names; such places are refused, and
an edge with no place left stays unlabelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from symnn.render.geometry import (Box, Point, box_around, box_box_distance, point_box_distance, point_on,
                                   segment_box_distance, segment_hits_box)

# Where a label may sit along its edge, as fractions of the segment between the two borders
CANDIDATES = tuple(round(0.1 + 0.02 * step, 2) for step in range(41))  # 0.10 .. 0.90
EDGE_CLEARANCE = 0.1  # cm: no other edge comes closer than this to a label's white box ...
NODE_CLEARANCE = 0.06  # cm: ... nor a circle, a box or a name closer than this
LABEL_MARGIN = 0.06  # cm between two labels
ROOMY = 0.3  # cm: clearance beyond this is not worth moving a label for ...
PREFERRED = 0.7  # ... and then a label sits towards its target end, where the lecture writes it


@dataclass(frozen=True)
class Wanted:
    """An edge that would like a label: its segment, the label's box size, and whether it goes into unit 1."""

    start: Point
    end: Point
    size: tuple[float, float]
    first: bool


@dataclass(frozen=True)
class Obstacles:
    """What labels keep NODE_CLEARANCE from: circles (centre, radius) and boxes (units' boxes, names)."""

    circles: tuple[tuple[Point, float], ...]
    boxes: tuple[Box, ...]


def place(layers: Sequence[Sequence[Wanted]], obstacles: Obstacles) -> list[list[float | None]]:
    """For each layer's edges, the fraction ``t`` where its label sits, or None for an unlabelled edge.

    Clear places (at least EDGE_CLEARANCE from every other edge of the picture, NODE_CLEARANCE
    from every circle, box and name) are found first; then, layer by layer, the labels
    into unit 1 choose first (the lecture writes z_1^{[j]} out term by term), and among
    those and among the rest the label with the fewest clear places. A place must keep
    LABEL_MARGIN from the labels already placed; of those left a label takes the one with
    the most room up to ROOMY, then the one nearest PREFERRED.
    """
    segments = [(edge.start, edge.end) for layer in layers for edge in layer]
    placed: list[Box] = []
    positions = []
    for layer in layers:
        options = [_clear_places(edge, segments, obstacles) for edge in layer]
        order = sorted(range(len(layer)), key=lambda n: (not layer[n].first, len(options[n]), n))
        chosen: list[float | None] = [None] * len(layer)
        for n in order:
            free = [(t, gap, box) for t, gap, box in options[n]
                    if all(box_box_distance(box, other) >= LABEL_MARGIN for other in placed)]
            if free:
                t, _, box = max(free, key=lambda option: (round(option[1], 3), -abs(option[0] - PREFERRED)))
                chosen[n] = t
                placed.append(box)
        positions.append(chosen)
    return positions


def _clear_places(edge: Wanted, segments, obstacles: Obstacles) -> list[tuple[float, float, Box]]:
    """(t, room up to ROOMY, box) for every candidate place of the edge's label that is clear."""
    reach = max(edge.size) + ROOMY
    (x0, y0), (x1, y1) = edge.start, edge.end
    area = (min(x0, x1) - reach, min(y0, y1) - reach, max(x0, x1) + reach, max(y0, y1) + reach)
    near = [(p, q, (min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])))
            for p, q in segments if (p, q) != (edge.start, edge.end) and segment_hits_box(p, q, area)]
    circles = [(c, r) for c, r in obstacles.circles if point_box_distance(c, area) <= r]
    boxes = [box for box in obstacles.boxes if box_box_distance(box, area) == 0]
    places = []
    for t in CANDIDATES:
        found = _room(box_around(point_on(edge.start, edge.end, t), edge.size), near, circles, boxes)
        if found is not None:
            places.append((t, found, box_around(point_on(edge.start, edge.end, t), edge.size)))
    return places


def _room(box: Box, segments, circles, boxes) -> float | None:
    """The distance from ``box`` to the nearest of ``segments`` (at most ROOMY), or None where the box
    comes closer than EDGE_CLEARANCE to one of them or than NODE_CLEARANCE to a circle or a box."""
    if any(point_box_distance(center, box) - radius < NODE_CLEARANCE for center, radius in circles):
        return None
    if any(box_box_distance(box, other) < NODE_CLEARANCE for other in boxes):
        return None
    x0, y0, x1, y1 = roomy = (box[0] - ROOMY, box[1] - ROOMY, box[2] + ROOMY, box[3] + ROOMY)
    gap = ROOMY  # a segment that misses ``roomy`` is at least ROOMY away
    for p, q, (sx0, sy0, sx1, sy1) in segments:
        if sx1 < x0 or sx0 > x1 or sy1 < y0 or sy0 > y1 or not segment_hits_box(p, q, roomy):
            continue
        gap = min(gap, segment_box_distance(p, q, box))
        if gap < EDGE_CLEARANCE:
            return None
    return gap
