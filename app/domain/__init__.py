"""Domain rules of the registry as plain Python: no Flask, no database session."""
