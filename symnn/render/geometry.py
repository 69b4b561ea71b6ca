"""Plane geometry for the network diagram: segments, axis-parallel boxes and circles, distances between them.

Boxes are (x0, y0, x1, y1) with x0 ≤ x1 and y0 ≤ y1; points are (x, y); all in cm.
"""

from __future__ import annotations

import math

Point = tuple[float, float]
Box = tuple[float, float, float, float]


def point_on(start: Point, end: Point, t: float) -> Point:
    """The point at fraction ``t`` of the way from ``start`` to ``end``."""
    return (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))


def box_around(center: Point, size: tuple[float, float], margin: float = 0.0) -> Box:
    """The box of ``size`` (width, height) centred on ``center``, grown by ``margin`` on every side."""
    (x, y), (w, h) = center, size
    return (x - w / 2 - margin, y - h / 2 - margin, x + w / 2 + margin, y + h / 2 + margin)


def segment_hits_box(p: Point, q: Point, box: Box) -> bool:
    """Whether the segment p–q meets the box (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, low, high, start in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if d == 0:
            if not low <= start <= high:
                return False
            continue
        a, b = (low - start) / d, (high - start) / d
        a, b = min(a, b), max(a, b)
        t0, t1 = max(t0, a), min(t1, b)
        if t0 > t1:
            return False
    return True


def point_segment_distance(point: Point, p: Point, q: Point) -> float:
    dx, dy = q[0] - p[0], q[1] - p[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((point[0] - p[0]) * dx + (point[1] - p[1]) * dy) / length2))
    return math.hypot(point[0] - p[0] - t * dx, point[1] - p[1] - t * dy)


def point_box_distance(point: Point, box: Box) -> float:
    """0 inside the box, else the distance to its nearest point."""
    nearest = (min(max(point[0], box[0]), box[2]), min(max(point[1], box[1]), box[3]))
    return math.hypot(point[0] - nearest[0], point[1] - nearest[1])


def segment_box_distance(p: Point, q: Point, box: Box) -> float:
    """The distance between the segment p–q and the box; 0 when they meet."""
    if segment_hits_box(p, q, box):
        return 0.0
    x0, y0, x1, y1 = box
    corners = ((x0, y0), (x0, y1), (x1, y0), (x1, y1))
    return min([point_segment_distance(corner, p, q) for corner in corners]
               + [point_box_distance(end, box) for end in (p, q)])


def box_box_distance(a: Box, b: Box) -> float:
    """0 when the boxes overlap or touch, else the gap between them."""
    dx = max(0.0, a[0] - b[2], b[0] - a[2])
    dy = max(0.0, a[1] - b[3], b[1] - a[3])
    return math.hypot(dx, dy)


def ray_exit_box(center: Point, toward: Point, half_width: float, half_height: float) -> Point:
    """Where the ray from the centre of a box towards ``toward`` leaves the box (TikZ's rectangle border anchor)."""
    dx, dy = toward[0] - center[0], toward[1] - center[1]
    scale = min(half_width / abs(dx) if dx else math.inf, half_height / abs(dy) if dy else math.inf)
    return (center[0] + scale * dx, center[1] + scale * dy)


def ray_exit_circle(center: Point, toward: Point, radius: float) -> Point:
    dx, dy = toward[0] - center[0], toward[1] - center[1]
    length = math.hypot(dx, dy)
    return (center[0] + radius * dx / length, center[1] + radius * dy / length)
