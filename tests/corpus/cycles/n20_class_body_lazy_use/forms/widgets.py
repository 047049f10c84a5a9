from forms import fields


class TextInput:
    def field(self):
        return fields.CharField(self)
