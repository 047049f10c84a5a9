import reports.export as export

BOLD = "**"


def bold(text):
    return f"{BOLD}{text}{BOLD}"


def render(rows):
    return export.to_csv(rows)
