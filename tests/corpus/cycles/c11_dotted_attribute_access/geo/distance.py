import geo.units


class Distance:
    unit = geo.units.METRE

    def __init__(self, metres):
        self.metres = metres
