import toolkit


class Theme:
    def widget(self):
        return toolkit.Widget()
