"""The shape of a refusal of user input: a stable code that the web layer maps to a translated message."""
from __future__ import annotations


class InputError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
