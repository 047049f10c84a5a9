from geo import points


class Polygon:
    def __init__(self, *pts: "points.Point"):
        self.pts = pts

    def contains(self, p: "points.Point") -> bool:
        return p in self.pts
