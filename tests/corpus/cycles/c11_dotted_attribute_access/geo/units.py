import geo.distance

METRE = 1.0
KILOMETRE = 1000 * METRE


def km(value):
    return geo.distance.Distance(value * KILOMETRE)
