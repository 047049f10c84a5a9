from plugins import registry


@registry.register
class JsonPlugin:
    name = "json"
