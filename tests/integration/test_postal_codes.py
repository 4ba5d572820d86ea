"""Postal code lookup through the gateway (郵便番号⇒住所検索), with Japan Post's data."""

from __future__ import annotations

from urllib.parse import quote

import pytest


def test_a_code_of_one_town(client) -> None:
    reply = client.get("/v1/postal-codes/105-0011")
    assert reply.status == 200, reply.body
    assert reply.json == {
        "postalCode": "105-0011",
        "addresses": [{"prefecture": "東京都", "city": "港区", "town": "芝公園", "office": None}],
    }


@pytest.mark.parametrize("typed", ["1050011", "１０５００１１", "〒105-0011"])
def test_codes_are_read_as_people_type_them(client, typed) -> None:
    reply = client.get(f"/v1/postal-codes/{quote(typed)}")
    assert reply.status == 200, reply.body
    assert reply.json["postalCode"] == "105-0011"


def test_a_code_of_several_places_lists_them_all(client) -> None:
    addresses = client.get("/v1/postal-codes/498-0000").json["addresses"]
    assert [(a["prefecture"], a["city"]) for a in addresses] == [
        ("愛知県", "弥富市"),
        ("三重県", "桑名郡木曽岬町"),
    ]
    assert all(a["town"] == "" for a in addresses)  # the whole city (以下に掲載がない場合)


def test_a_large_offices_own_code_names_the_office(client) -> None:
    (address,) = client.get("/v1/postal-codes/362-8501").json["addresses"]
    assert address == {
        "prefecture": "埼玉県",
        "city": "上尾市",
        "town": "本町",
        "office": "上尾市役所",
    }


def test_an_unknown_code_is_not_found(client) -> None:
    reply = client.get("/v1/postal-codes/999-9999", lang="en")
    assert reply.status == 404
    assert reply.header("Content-Type") == "application/problem+json"
    assert reply.json["code"] == "NOT_FOUND"
    assert "postal code" in reply.json["detail"]


@pytest.mark.parametrize("typed", ["12-34", "12345678", "abc-defg"])
def test_a_code_that_is_not_7_digits_is_a_validation_error(client, typed) -> None:
    reply = client.get(f"/v1/postal-codes/{typed}")
    assert reply.status == 422
    assert [e["field"] for e in reply.json["errors"]] == ["code"]
    assert "7桁" in reply.json["errors"][0]["message"]
