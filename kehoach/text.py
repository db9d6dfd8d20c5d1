"""Numbers as Vietnamese readers write them: a dot between thousands (12.345.678)."""


def number_vi(value) -> str:
    return f"{int(value):,}".replace(",", ".")
