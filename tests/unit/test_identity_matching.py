"""The form against the card: names, birthdates and addresses in their many spellings."""

from __future__ import annotations

from datetime import date

import pytest

from yoyaku.domain.identity import CardFacts
from yoyaku.domain.identity_matching import (
    FormIdentity,
    in_municipality,
    mismatched_fields,
    normalise_address,
    normalise_name,
)

CARD = CardFacts(
    name="港　太郎",
    address="東京都港区芝公園一丁目５番２５号",
    birthdate=date(1990, 4, 1),
    gender="1",
)
FORM = FormIdentity(name="港 太郎", birthdate=date(1990, 4, 1), address="東京都港区芝公園1-5-25")


@pytest.mark.parametrize(
    "typed",
    [
        "東京都港区芝公園1-5-25",
        "東京都 港区 芝公園１－５－２５",
        "東京都港区芝公園1丁目5番25号",
        "東京都港区芝公園1丁目5番地25",
        "東京都港区芝公園一丁目五番二十五号",
        "東京都港区芝公園1ー5ー25",
    ],
)
def test_one_address_in_its_usual_spellings(typed: str) -> None:
    assert normalise_address(typed) == normalise_address(CARD.address) == "東京都港区芝公園1-5-25"


def test_kanji_in_place_names_are_not_numbers() -> None:
    assert normalise_address("東京都千代田区一ツ橋二丁目1番1号") == "東京都千代田区一ツ橋2-1-1"
    assert normalise_address("東京都港区三田三丁目十二番十四号") == "東京都港区三田3-12-14"
    assert normalise_address("東京都港区南青山二丁目二十三番一〇号") == "東京都港区南青山2-23-10"


def test_names_ignore_spaces_and_width() -> None:
    assert normalise_name("港　太郎") == normalise_name("港太郎") == normalise_name(" 港 太郎 ")
    assert normalise_name("ＡＢＣ　太郎") == normalise_name("ABC太郎")


def test_a_matching_form_has_no_mismatch() -> None:
    assert mismatched_fields(CARD, FORM) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "港　次郎"}, "nameKanji"),
        ({"birthdate": date(1990, 4, 2)}, "birthdate"),
        ({"address": "東京都港区芝公園1-5-26"}, "address"),
        ({"address": "東京都港区芝公園2-5-25"}, "address"),
    ],
)
def test_each_fact_that_differs_is_named(change: dict[str, object], field: str) -> None:
    form = FormIdentity(**{**FORM.__dict__, **change})  # type: ignore[arg-type]
    assert mismatched_fields(CARD, form) == [field]


def test_every_fact_that_differs_is_named_at_once() -> None:
    form = FormIdentity(name="別人", birthdate=date(2000, 1, 1), address="大阪府大阪市北区1-1")
    assert mismatched_fields(CARD, form) == ["nameKanji", "birthdate", "address"]


def test_the_municipality_is_judged_from_the_cards_address() -> None:
    assert in_municipality("東京都港区芝公園一丁目５番２５号", "東京都港区")
    assert in_municipality("東京都　港区芝公園", "東京都港区")
    assert not in_municipality("東京都港南一丁目", "東京都港区")
    assert not in_municipality("東京都品川区港南一丁目", "東京都港区")
    assert not in_municipality("東京都港区芝公園", "")
