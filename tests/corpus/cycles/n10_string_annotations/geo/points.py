from geo import shapes


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def inside(self, poly: "shapes.Polygon") -> bool:
        return poly.contains(self)
