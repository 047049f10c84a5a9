import toolkit


class Widget:
    def theme(self):
        return toolkit.Theme()
