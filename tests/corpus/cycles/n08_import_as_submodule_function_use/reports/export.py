import reports.formatting as fmt


def to_csv(rows):
    return fmt.BOLD + "\n".join(",".join(map(str, r)) for r in rows)
