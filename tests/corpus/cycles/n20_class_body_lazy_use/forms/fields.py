from forms import widgets


class CharField:
    widget_factory = staticmethod(lambda: widgets.TextInput())

    def __init__(self, widget=None):
        self.widget = widget or widgets.TextInput()
