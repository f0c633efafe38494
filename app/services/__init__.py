"""Use cases: take a database session and plain values, apply the domain rules, commit."""
