def chain_seal_pending() -> int:
    return 0
