"""Administration: setting a desk up, its settings, accounts, integrity checks and demo data."""
