"""Operator commands run from a developer machine against a deployed stack."""
