from plugins.registry import register


@register
class CsvPlugin:
    name = "csv"
