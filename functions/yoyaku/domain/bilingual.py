"""The two languages of every user-facing text, and the values a message template takes.

Kept apart from `messages.py` so that `errors.py`, which `messages.py` imports, can name
the template values an error carries without an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from yoyaku.domain.model import CamelModel


class Language(StrEnum):
    JA = "ja"
    EN = "en"


@dataclass(frozen=True)
class Bilingual:
    """A message value that differs by language, such as a reason or a thing's name."""

    ja: str
    en: str

    def in_(self, lang: Language) -> str:
        return self.ja if lang is Language.JA else self.en

    def format(self, **values: object) -> Bilingual:
        """Both texts with their `{name}` placeholders filled in."""
        return replace(self, ja=self.ja.format(**values), en=self.en.format(**values))


# What fills a `{name}` in a message template: text, a number, or a text per language;
# or rows a problem lists beside its text (a closure's conflicts, docs/api.md), which
# api/problems.py serializes as they are.
TemplateValue = str | int | Bilingual | Sequence[CamelModel]
TemplateParams = Mapping[str, TemplateValue]
