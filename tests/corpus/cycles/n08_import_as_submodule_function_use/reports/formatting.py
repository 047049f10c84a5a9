import reports.export as export

BOLD = "**"


def render(rows):
    return export.to_csv(rows)
