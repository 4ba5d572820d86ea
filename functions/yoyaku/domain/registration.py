"""Online registration (seeds 003/004): the form, its rules and the account it creates."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from yoyaku.domain import people
from yoyaku.domain.account_kinds import AccountStatus, Group, Residency, UserType
from yoyaku.domain.addresses import PostalAddress, address_problems
from yoyaku.domain.errors import DomainError, ErrorCode, FieldError
from yoyaku.domain.model import CamelModel
from yoyaku.domain.people import Email, KanaName, KanjiName, Phone, PostalCode, Text


class Address(CamelModel):
    postal_code: PostalCode
    prefecture: Text
    city: Text
    street: Text


class Workplace(CamelModel):
    name: Text
    address: Address
    phone: Phone


class IdentityProof(CamelModel):
    """The My Number card verification (POST /v1/identity/verifications) behind a form."""

    verification_id: str = Field(min_length=1, max_length=64)


class RegistrationForm(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "nameKana": "ミナト\u3000タロウ",
                    "nameKanji": "港\u3000太郎",
                    "phone": "03-3578-2111",
                    "residency": "resident",
                    "address": {
                        "postalCode": "105-8511",
                        "prefecture": "東京都",
                        "city": "港区",
                        "street": "芝公園1-5-25",
                    },
                    "birthdate": "1985-06-12",
                    "email": "minato.taro@example.jp",
                    "password": "Shibakoen-2026",
                    "lotteryResultEmail": True,
                    "agreeToTerms": True,
                },
                {
                    "nameKana": "シバ\u3000ハナコ",
                    "nameKanji": "芝\u3000花子",
                    "phone": "090-1234-5678",
                    "residency": "worker",
                    "address": {
                        "postalCode": "211-0004",
                        "prefecture": "神奈川県",
                        "city": "川崎市中原区",
                        "street": "新丸子東1-2-3",
                    },
                    "birthdate": "1992-11-30",
                    "email": "shiba.hanako@example.jp",
                    "password": "Hamamatsucho-88",
                    "lotteryResultEmail": False,
                    "agreeToTerms": True,
                    "workplace": {
                        "name": "港商事株式会社",
                        "address": {
                            "postalCode": "105-0011",
                            "prefecture": "東京都",
                            "city": "港区",
                            "street": "芝公園2-4-1",
                        },
                        "phone": "03-5555-0123",
                    },
                },
            ]
        }
    )

    name_kana: KanaName
    name_kanji: KanjiName
    phone: Phone
    residency: Residency
    address: Address
    birthdate: date
    email: Email
    password: str = Field(max_length=200)
    lottery_result_email: bool
    workplace: Workplace | None = None
    agree_to_terms: bool
    identity: IdentityProof | None = None
    user_type: UserType = UserType.INDIVIDUAL
    group: Group | None = None

    @model_validator(mode="after")
    def _worker_needs_workplace(self) -> RegistrationForm:
        if self.residency is Residency.WORKER and self.workplace is None:
            raise PydanticCustomError("workplace_required", "workplace", {"field": "workplace"})
        return self

    @model_validator(mode="after")
    def _group_when_a_group(self) -> RegistrationForm:
        if self.user_type is UserType.GROUP and self.group is None:
            raise PydanticCustomError("group_required", "group", {"field": "group"})
        if self.user_type is UserType.INDIVIDUAL and self.group is not None:
            raise PydanticCustomError("group_for_groups_only", "group", {"field": "group"})
        return self


def postal_codes_of(form: RegistrationForm) -> list[str]:
    """The postal codes the form gives: the home's and, for workers, the workplace's."""
    codes = [form.address.postal_code]
    if form.residency is Residency.WORKER and form.workplace is not None:
        codes.append(form.workplace.address.postal_code)
    return codes


class ProfileAddress(CamelModel):
    """An address as the account keeps it: the form's, or the card's after a renewal
    moved it (a card states no postal code)."""

    postal_code: str | None = None
    prefecture: str
    city: str
    street: str


class Profile(CamelModel):
    """What the citizen gave when registering, kept on the registration and then on the
    account: the form without the password, the consent and the card's verification.
    Staff read it in the review; an approved renewal updates the phone, the kana and
    (from the card) the address. What older items may lack has a default."""

    name_kanji: str
    name_kana: str = ""
    phone: str | None = None
    residency: Residency
    address: ProfileAddress | None = None
    birthdate: date
    email: str
    lottery_result_email: bool = False
    workplace: Workplace | None = None
    user_type: UserType = UserType.INDIVIDUAL
    group: Group | None = None

    @classmethod
    def of_form(cls, form: RegistrationForm) -> Profile:
        kept = form.model_dump(exclude={"password", "agree_to_terms", "identity"})
        return cls.model_validate(kept)


def check_registration(
    form: RegistrationForm, today: date, postal: dict[str, list[PostalAddress]]
) -> RegistrationForm:
    """Rules that need the application day (Asia/Tokyo) and Japan Post's data (`postal`:
    the addresses of each code in `postal_codes_of(form)`); returns what is stored.

    Every failing field is reported at once, so the user can fix them in one go.
    """
    errors: list[FieldError] = []
    if form.birthdate > today:
        errors.append(FieldError("birthdate", "birthdate_in_future"))
    elif today < people.eligible_from(form.birthdate):
        errors.append(
            FieldError(
                "birthdate",
                "too_young",
                {"eligibleFrom": people.eligible_from(form.birthdate).isoformat()},
            )
        )
    for field, address in _addresses(form):
        errors += address_problems(
            field,
            address.postal_code,
            address.prefecture,
            address.city,
            postal.get(address.postal_code, []),
        )
    problem = people.password_problem(form.password, form.birthdate, None)
    if problem:
        errors.append(FieldError("password", problem))
    if not form.agree_to_terms:
        errors.append(FieldError("agreeToTerms", "terms_required"))
    if errors:
        raise DomainError(ErrorCode.VALIDATION_FAILED, field_errors=errors)
    if form.residency is Residency.RESIDENT and form.workplace is not None:
        # Only workers need a workplace: keep no personal data the service does not use.
        form = form.model_copy(update={"workplace": None})
    return form


def _addresses(form: RegistrationForm) -> list[tuple[str, Address]]:
    found = [("address", form.address)]
    if form.residency is Residency.WORKER and form.workplace is not None:
        found.append(("workplace.address", form.workplace.address))
    return found


RegistrationStatus = Literal["awaiting_email_confirmation", "confirmed"]


class Document(StrEnum):
    """The images a registration may carry; each is uploaded and checked the same way."""

    PROOF = "proof"  # a worker's proof of employment (在勤証明書類)
    ROSTER = "roster"  # a group's roster (団体名簿)


class ProofUpload(CamelModel):
    url: str
    fields: dict[str, str]
    max_bytes: int
    content_types: list[str]


class RosterUpload(ProofUpload):
    """A presigned POST for a group roster image; `uploadId` names the upload."""

    upload_id: str


class UploadChecked(CamelModel):
    """What the check of one stored upload decided (the proof_check task's answer)."""

    key: str
    accepted: bool
    reason: str | None = None  # why it was deleted, in English (for the logs)
    document: Document | None = None  # None: the key belongs to no registration


class RegistrationAccepted(CamelModel):
    registration_id: str
    status: str = "awaiting_email_confirmation"
    proof_upload: ProofUpload | None = None
    roster_upload: RosterUpload | None = Field(
        default=None,
        description="Groups: the roster (名簿) image, JPEG or PNG, needed to use the "
        "facilities whose resource types are `rosterRequired`.",
    )


class Confirmed(CamelModel):
    user_number: str
    status: AccountStatus
