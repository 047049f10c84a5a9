import reports.formatting as fmt

HEADER = fmt.BOLD + "Report" + fmt.BOLD


def to_csv(rows):
    return "\n".join(",".join(map(str, r)) for r in rows)
