"""Fixtures of the integration tests beyond tests/conftest.py."""

from tests.integration.jpki import jpki

__all__ = ["jpki"]
