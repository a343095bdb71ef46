"""The SparkOS paper's Tables III and IV (scheduler throughput, Ubuntu and OSv: NUM_TASKS, mean,
std dev, min, max over 5 trials) and a generator of 5 trials that reproduce a row exactly.

Table III prints its last two columns as "Max | Min" but holds the minimum first in most rows; the
pair is read as (smaller, larger). A few rows cannot come from 5 trials at all (the mean lies
outside what the minimum and maximum allow with that spread); `trials_for` returns None for them.
"""

from __future__ import annotations

import math

TABLE_III = {  # Ubuntu
    1000: (1.985, 0.193, 1.679, 2.143),
    2000: (2.616, 0.626, 2.513, 3.889),
    3000: (4.612, 1.036, 2.428, 4.639),
    4000: (3.389, 1.312, 2.966, 5.937),
    5000: (3.766, 0.521, 3.651, 4.809),
    6000: (5.206, 0.311, 4.652, 5.382),
    7000: (5.374, 0.222, 4.951, 5.457),
    8000: (5.873, 0.207, 5.866, 6.308),
    9000: (6.737, 0.193, 6.398, 6.854),
    10000: (7.304, 0.206, 7.066, 7.57),
}
TABLE_IV = {  # OSv
    1000: (6.054, 4.326, 4.787, 14.532),
    2000: (22.686, 2.824, 20.307, 27.121),
    3000: (33.219, 6.410, 33.011, 46.712),
    4000: (50.822, 0.735, 49.29, 50.873),
    5000: (61.358, 2.834, 60.679, 67.001),
    6000: (83.076, 6.051, 71.085, 84.625),
    7000: (98.36, 4.739, 88.737, 99.17),
    8000: (107.547, 3.439, 103.319, 111.743),
    9000: (118.048, 0.631, 117.466, 118.996),
    10000: (133.07, 2.659, 130.563, 137.023),
}


def trials_for(mean: float, std: float, low: float, high: float) -> list[float] | None:
    """Five values with exactly this mean, sample std, min and max, or None if none exist.

    Two values sit at the extremes. The other three (x, y, z) must add up to S and their squares to
    Q: a circle around (S/3, S/3, S/3) in the plane x + y + z = S. Walk the circle for a point with
    all three inside [min, max].
    """
    low, high = min(low, high), max(low, high)
    rest_sum = 5 * mean - low - high
    rest_squares = 4 * std**2 + 5 * mean**2 - low**2 - high**2
    radius_squared = rest_squares - rest_sum**2 / 3
    if radius_squared < 0:
        return None
    centre, radius = rest_sum / 3, math.sqrt(radius_squared)
    u = (1 / math.sqrt(2), -1 / math.sqrt(2), 0.0)  # orthonormal basis of the plane
    w = (1 / math.sqrt(6), 1 / math.sqrt(6), -2 / math.sqrt(6))
    for step in range(3600):
        angle = 2 * math.pi * step / 3600
        point = [centre + radius * (math.cos(angle) * u[i] + math.sin(angle) * w[i]) for i in range(3)]
        if all(low <= v <= high for v in point):
            return [low, *sorted(point), high]
    return None
