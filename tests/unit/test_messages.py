"""Every text a user can see exists in Japanese and English and fills in its values."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from string import Formatter

import pytest

import yoyaku
from yoyaku.domain import messages
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.messages import (
    FIELD_MESSAGES,
    PROBLEMS,
    Bilingual,
    Language,
    field_message,
    problem_text,
)

# The error codes of docs/api.md and their statuses (the contract clients rely on).
API_CODES = {
    "VALIDATION_FAILED": 422,
    "UNAUTHENTICATED": 401,
    "INVALID_CREDENTIALS": 401,
    "ACCOUNT_LOCKED": 423,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "LINK_INVALID": 400,
    "LINK_EXPIRED": 410,
    "LINK_ALREADY_USED": 409,
    "NOT_AVAILABLE": 409,
    "OUTSIDE_BOOKING_WINDOW": 422,
    "HOLD_EXPIRED": 410,
    "HOLD_NOT_FOUND": 404,
    "OUTSIDE_CHANGE_PERIOD": 422,
    "OUTSIDE_CANCEL_PERIOD": 422,
    "NOT_ELIGIBLE": 403,
    "LOTTERY_CLOSED": 422,
    "ALREADY_APPLIED": 409,
    "PERSON_NOT_IDENTIFIED": 422,
    "SECOND_NUMBER_REQUIRED": 409,
    "RANGE_TOO_LONG": 422,
    "CONFLICT": 409,
    "RATE_LIMITED": 429,
    "LINE_NOT_LINKED": 404,
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
SOURCE = Path(yoyaku.__file__).parent


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def test_every_code_of_the_contract_exists_with_its_status() -> None:
    for code, status in API_CODES.items():
        assert ErrorCode(code).status == status


def test_every_code_has_a_status() -> None:
    for code in ErrorCode:
        assert 400 <= code.status <= 599


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_japanese_and_english_texts(code: ErrorCode) -> None:
    texts = PROBLEMS[code]
    assert set(texts) == {Language.JA, Language.EN}
    ja_title, ja_detail = texts[Language.JA]
    en_title, en_detail = texts[Language.EN]
    assert JAPANESE.search(ja_title)
    assert JAPANESE.search(ja_detail) or placeholders(ja_detail)
    assert en_title.isascii()
    assert ENGLISH_WORD.search(en_title)
    assert not JAPANESE.search(en_detail)
    assert placeholders(ja_detail) == placeholders(en_detail)


@pytest.mark.parametrize("kind", sorted(FIELD_MESSAGES))
def test_every_field_message_has_both_languages_with_the_same_values(kind: str) -> None:
    texts = FIELD_MESSAGES[kind]
    assert set(texts) == {Language.JA, Language.EN}
    assert JAPANESE.search(texts[Language.JA])
    assert ENGLISH_WORD.search(texts[Language.EN])
    assert texts[Language.JA] != texts[Language.EN]
    assert placeholders(texts[Language.JA]) == placeholders(texts[Language.EN])


def test_every_field_error_kind_raised_by_the_code_has_messages() -> None:
    """Kinds named in DomainError.invalid(...) and PydanticCustomError(...) calls."""
    kinds: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        kinds |= set(re.findall(r"PydanticCustomError\(\s*\"(\w+)\"", text))
        kinds |= set(re.findall(r"\.invalid\(\s*\"[^\"]*\",\s*\"(\w+)\"", text))
    assert kinds >= {"date_order", "slots_required", "date_in_past"}  # the scan finds them
    assert kinds - set(FIELD_MESSAGES) == set()


@pytest.mark.parametrize(
    ("kind", "params", "ja", "en"),
    [
        (
            "string_too_long",
            {"max_length": 100},
            "100文字以内で入力してください。",
            "Must be at most 100 characters.",
        ),
        ("greater_than_equal", {"ge": 1}, "1以上にしてください。", "Must be 1 or more."),
        (
            "date_outside_range",
            {"from_": "2030-06-01", "to": "2030-06-30"},
            "2030-06-01から2030-06-30までの日付にしてください。",
            "Must be between 2030-06-01 and 2030-06-30.",
        ),
        (
            "capacity_below_booked",
            {"date": "2030-06-10", "booked": 2},
            "2030-06-10 はすでに2件の予約・仮押さえがあるため、2未満にはできません。",
            "2030-06-10 already has 2 bookings or holds; capacity cannot go below that.",
        ),
    ],
)
def test_field_messages_fill_in_their_values(
    kind: str, params: dict[str, object], ja: str, en: str
) -> None:
    assert field_message(kind, Language.JA, params) == ja
    assert field_message(kind, Language.EN, params) == en


def test_bilingual_values_are_shown_in_the_message_language() -> None:
    params = {"known": Bilingual("客室、特別室", "room, suite")}
    assert field_message("unknown_resource_type", Language.JA, params) == (
        "この施設にない種別です（客室、特別室）。"
    )
    assert field_message("unknown_resource_type", Language.EN, params) == (
        "Not a resource type of this facility (room, suite)."
    )


def test_a_missing_value_stays_visible_instead_of_failing() -> None:
    assert field_message("date_order", Language.EN, {}) == "Must not be before {other}."


@pytest.mark.parametrize(
    ("lang", "expected"),
    [(Language.JA, "入力内容が正しくありません。"), (Language.EN, "Invalid value.")],
)
def test_unknown_kinds_fall_back_to_a_generic_sentence(lang: Language, expected: str) -> None:
    assert field_message("no_such_kind", lang, {"x": 1}) == expected


def test_problem_text_fills_reasons_in_each_language() -> None:
    reason = Bilingual("理由です。", "Because.")
    assert problem_text(ErrorCode.CONFLICT, Language.JA, {"reason": reason}) == (
        "処理が競合しました",
        "理由です。",
    )
    assert problem_text(ErrorCode.CONFLICT, Language.EN, {"reason": reason}) == (
        "Conflict",
        "Because.",
    )


def test_range_too_long_names_the_limit() -> None:
    _, detail = problem_text(ErrorCode.RANGE_TOO_LONG, Language.EN, {"maxDays": 62})
    assert detail == "At most 62 days can be shown at once; shorten the range."


def test_domain_error_invalid_names_one_field() -> None:
    error = DomainError.invalid("from", "date_in_past", today="2030-05-15")
    assert error.code is ErrorCode.VALIDATION_FAILED
    assert error.field_errors == [FieldError("from", "date_in_past", {"today": "2030-05-15"})]


# ------------------------------------------------------------------ one catalogue

CATALOGUES = ("domain/messages.py", "domain/emails.py")
# OpenAPI documentation (route summaries, request examples), not shown to users.
DOCUMENTATION = {"summary", "description", "examples", "json_schema_extra"}
# str methods whose arguments recognise Japanese input (an address's 都道府県 suffix).
RECOGNISERS = {"startswith", "endswith"}


def _is_re_call(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "re"
    )


def _is_recogniser(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and func.attr in RECOGNISERS


def texts_outside_the_catalogues(root: Path) -> list[str]:
    """Every Japanese string constant and every Bilingual(...) built under `root`
    outside domain/messages.py and domain/emails.py. Docstrings, the routes' OpenAPI
    summaries and the request models' examples are documentation; patterns that
    recognise Japanese input (compiled by `re`, starting with `[` or `^`, or given to
    `startswith`/`endswith`) and the keys of lookup tables (a kanji numeral read from an
    address) are no texts users see."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where in CATALOGUES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        documentation: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                documentation.add(id(body[0].value))
            if isinstance(node, ast.keyword) and node.arg in DOCUMENTATION:
                documentation |= {id(n) for n in ast.walk(node.value)}
            if isinstance(node, ast.Dict):
                documentation |= {id(key) for key in node.keys if key is not None}
            if isinstance(node, ast.Call) and (_is_re_call(node.func) or _is_recogniser(node.func)):
                documentation |= {id(n) for arg in node.args for n in ast.walk(arg)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Bilingual":
                found.append(f"{where}:{node.lineno}: Bilingual(...)")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in documentation
                and not node.value.startswith(("[", "^"))
                and JAPANESE.search(node.value)
            ):
                found.append(f"{where}:{node.lineno}: {node.value}")
    return found


def test_every_user_visible_text_lives_in_the_catalogues() -> None:
    assert texts_outside_the_catalogues(SOURCE) == []


def test_the_catalogue_check_finds_texts_built_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "messages.py").write_text('A = Bilingual("理由", "reason")\n')
    (tmp_path / "services.py").write_text(
        '"""説明 (a docstring)."""\n'
        'REASON = Bilingual("理由", "reason")\n'
        '@router.get("/x", summary="一覧")\n'
        "def route() -> None:\n"
        '    raise Refused("見つかりません")\n'
        'KANA = re.compile(r"[ァ-ヺ]+")\n'
        'BLOCK = re.compile(r"(?<=\\d)(?:丁目|番)")\n'
        'DIGITS = {"一": 1}\n'
        'TITLE = "様"\n'
        'CLOSED = "受付終了"\n'
    )
    assert sorted(texts_outside_the_catalogues(tmp_path)) == sorted(
        [
            "services.py:2: Bilingual(...)",
            "services.py:2: 理由",
            "services.py:5: 見つかりません",
            "services.py:9: 様",
            "services.py:10: 受付終了",
        ]
    )


def _catalogued() -> dict[str, Bilingual]:
    return {name: v for name, v in vars(messages).items() if isinstance(v, Bilingual)}


@pytest.mark.parametrize("name", sorted(_catalogued()))
def test_every_catalogued_text_has_both_languages_with_the_same_values(name: str) -> None:
    text = _catalogued()[name]
    assert JAPANESE.search(text.ja)
    assert ENGLISH_WORD.search(text.en) and not JAPANESE.search(text.en)
    # The Japanese may leave a value out (the refused proof's declared type), never add one.
    assert placeholders(text.ja) <= placeholders(text.en)
