"""E-mail texts (ja, en). Each function returns (subject, body) for one message.

The wording of application statuses follows seed 000's notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from yoyaku.domain.account_kinds import ApplicationStatus
from yoyaku.domain.calendar import TOKYO
from yoyaku.domain.messages import Bilingual, Language

if TYPE_CHECKING:
    from yoyaku.domain.appointments import Appointment
    from yoyaku.domain.booking import Reservation

SERVICE_JA = "施設予約サービス Yoyaku"
SERVICE_EN = "Yoyaku facility reservations"


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


@dataclass(frozen=True)
class Recipient:
    """Where a message goes, in the language its reader chose when they started."""

    address: str
    language: Language


def _when(instant: datetime) -> str:
    return instant.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


def _footer(lang: Language) -> str:
    if lang is Language.EN:
        return f"\n\n-- \n{SERVICE_EN}\nThis message was sent automatically; replies are not read."
    return f"\n\n-- \n{SERVICE_JA}\nこのメールは送信専用です。返信されても対応できません。"


def confirm_registration(lang: Language, link: str, expires_at: datetime) -> Email:
    if lang is Language.EN:
        return Email(
            "Confirm your e-mail address",
            "Thank you for registering. Open this link to confirm your e-mail address and "
            f"receive your user number:\n\n{link}\n\nThe link works once, until "
            f"{_when(expires_at)} (Japan time). If you did not register, ignore this mail."
            + _footer(lang),
        )
    return Email(
        "メールアドレスの確認",
        "利用者登録のお申込みありがとうございます。次のリンクを開いてメールアドレスを確認すると、"
        f"利用者番号をお知らせします。\n\n{link}\n\nリンクは{_when(expires_at)}まで、1回だけ使えます。"
        "お心当たりのない場合は、このメールを破棄してください。" + _footer(lang),
    )


def already_registered(lang: Language) -> Email:
    if lang is Language.EN:
        return Email(
            "You already have an account",
            "Someone (probably you) tried to register with this e-mail address, which already "
            "has an account, so no new account was made. Sign in with your user number; if "
            "you forgot your password, reset it from the sign-in page." + _footer(lang),
        )
    return Email(
        "すでに登録されています",
        "このメールアドレスで利用者登録のお申込みがありましたが、すでに登録済みのため新しい登録は行っていません。"
        "お持ちの利用者番号でログインしてください。パスワードを忘れた場合は、ログイン画面から再設定できます。"
        + _footer(lang),
    )


def user_number_issued(lang: Language, user_number: str, application_id: str) -> Email:
    if lang is Language.EN:
        return Email(
            "Your user number",
            f"Your user number is {user_number}. You can sign in and book now (provisional "
            "registration: bookings up to 14 days before the stay). Staff will check your "
            "residence or employment; you will be told the result by e-mail.\n"
            f"Application number: {application_id}" + _footer(lang),
        )
    return Email(
        "利用者番号のお知らせ",
        f"利用者番号は {user_number} です。すぐにログインして予約できます（仮登録中は宿泊日の14日前まで）。"
        "在住・在勤の確認後、結果をメールでお知らせします。\n"
        f"申請番号：{application_id}" + _footer(lang),
    )


def user_number_issued_verified(lang: Language, user_number: str, application_id: str) -> Email:
    """A resident proven by My Number card: registered in full at once (seed 001)."""
    if lang is Language.EN:
        return Email(
            "Your user number",
            f"Your user number is {user_number}. Your identity and residence were confirmed "
            "with your My Number card, so your registration is complete: you can sign in "
            "and book as a registered resident now.\n"
            f"Application number: {application_id}" + _footer(lang),
        )
    return Email(
        "利用者番号のお知らせ",
        f"利用者番号は {user_number} です。マイナンバーカードで本人確認と在住の確認ができたため、"
        "利用者登録が完了しました（本登録）。すぐにログインして予約できます。\n"
        f"申請番号：{application_id}" + _footer(lang),
    )


_STATUS_JA = {
    ApplicationStatus.RECEIVED: "申請を受け付けました。",
    ApplicationStatus.ACCEPTED: "申請を受理いたしました。",
    ApplicationStatus.COMPLETED: "処理が完了しました。本登録となりました。",
    ApplicationStatus.RETURNED: "内容に不備等があるため、申請が差し戻しされました。内容を直して再度お申込みください。",
    ApplicationStatus.REJECTED: "在住・在勤を確認できなかったため、利用者登録を取り消しました。今後の予約も取り消されます。",
}
_STATUS_EN = {
    ApplicationStatus.RECEIVED: "We have received your application.",
    ApplicationStatus.ACCEPTED: "Your application is being reviewed.",
    ApplicationStatus.COMPLETED: "Your registration is complete: you are now fully registered.",
    ApplicationStatus.RETURNED: "Your application was returned because something needs fixing. "
    "Please correct it and submit again.",
    ApplicationStatus.REJECTED: "We could not confirm your residence or employment, so your "
    "registration was cancelled, and so are your future reservations.",
}


# Renewals (seed 000): the same steps, in words about the renewal.
_RENEWAL_JA = {
    ApplicationStatus.RECEIVED: "利用者登録の更新の申請を受け付けました。",
    ApplicationStatus.ACCEPTED: "利用者登録の更新の申請を受理いたしました。",
    ApplicationStatus.COMPLETED: "処理が完了しました。利用者登録を更新しました。",
    ApplicationStatus.RETURNED: "内容に不備等があるため、更新の申請が差し戻しされました。"
    "お手数ですが、申請をやり直してください。",
    ApplicationStatus.REJECTED: "更新の申請は承認されませんでした。利用者登録は有効期限まで"
    "そのまま有効です。",
}
_RENEWAL_EN = {
    ApplicationStatus.RECEIVED: "We have received your application to renew your registration.",
    ApplicationStatus.ACCEPTED: "Your renewal application is being reviewed.",
    ApplicationStatus.COMPLETED: "Your registration has been renewed.",
    ApplicationStatus.RETURNED: "Your renewal application was returned because something needs "
    "fixing. Please apply again.",
    ApplicationStatus.REJECTED: "Your renewal application was not approved. Your registration "
    "stays valid until it ends.",
}


def application_status(
    lang: Language,
    status: ApplicationStatus,
    application_id: str,
    reason: str | None,
    kind: str = "registration",
    valid_until: date | None = None,
) -> Email:
    renewal = kind == "renewal"
    if lang is Language.EN:
        body = (_RENEWAL_EN if renewal else _STATUS_EN)[status]
        body += f"\nApplication number: {application_id}"
        if valid_until is not None:
            body += f"\nValid until: {valid_until.isoformat()}"
        if reason:
            body += f"\nReason: {reason}"
        body += "\nSee the history in your account (applications)."
        return Email(f"Application {application_id}: {status.value}", body + _footer(lang))
    body = (_RENEWAL_JA if renewal else _STATUS_JA)[status]
    body += f"\n申請番号：{application_id}"
    if renewal:
        body += "\n申請種別：利用者登録の更新"
    if valid_until is not None:
        body += f"\n有効期限：{valid_until.isoformat()}"
    if reason:
        body += f"\n理由：{reason}"
    body += "\n詳細は申請履歴からご確認いただけます。"
    return Email(f"申請番号 {application_id} のお知らせ", body + _footer(lang))


def password_reset(lang: Language, link: str, expires_at: datetime) -> Email:
    if lang is Language.EN:
        return Email(
            "Reset your password",
            f"Open this link to set a new password:\n\n{link}\n\nIt works once, until "
            f"{_when(expires_at)} (Japan time). If you did not ask for this, ignore this mail; "
            "your password stays as it is." + _footer(lang),
        )
    return Email(
        "パスワードの再設定",
        f"次のリンクを開いて新しいパスワードを設定してください。\n\n{link}\n\n"
        f"リンクは{_when(expires_at)}まで、1回だけ使えます。お心当たりのない場合はこのメールを破棄してください。"
        "パスワードは変更されません。" + _footer(lang),
    )


def password_changed(lang: Language) -> Email:
    if lang is Language.EN:
        return Email(
            "Your password was changed",
            "Your password was changed and every signed-in device was signed out. If this was "
            "not you, reset your password at once." + _footer(lang),
        )
    return Email(
        "パスワードが変更されました",
        "パスワードが変更され、すべての端末でログアウトしました。お心当たりのない場合は、すぐにパスワードを再設定してください。"
        + _footer(lang),
    )


def proof_refused(lang: Language, reason: Bilingual, *, roster: bool = False) -> Email:
    """An uploaded image was refused: the proof of employment, or a group's roster."""
    if lang is Language.EN:
        return Email(
            "Your group roster could not be accepted"
            if roster
            else "Your proof document could not be accepted",
            f"The uploaded file was refused: {reason.en}\nUpload a JPEG or PNG image of at "
            "most 10 MB from your account." + _footer(lang),
        )
    return Email(
        "団体名簿を受け付けできませんでした"
        if roster
        else "在勤証明書類を受け付けできませんでした",
        f"アップロードされたファイルは受け付けできませんでした：{reason.ja}\n"
        "10MB以下のJPEGまたはPNG画像をアップロードし直してください。" + _footer(lang),
    )


def review_reminder(application_id: str, waiting_since: datetime) -> Email:
    """To staff (Japanese): an application has waited for a decision too long."""
    return Email(
        f"【確認待ち】申請番号 {application_id}",
        f"申請番号 {application_id} は {_when(waiting_since)} から審査待ちです。"
        "職員画面の審査一覧から確認してください。" + _footer(Language.JA),
    )


def _stay(lang: Language, r: Reservation) -> str:
    if lang is Language.EN:
        when = f"{r.date.isoformat()}"
        when += f", {r.nights} night(s)" if r.nights else f" {r.start}-{r.end}"
        party = "; ".join(
            f"night {p.night}: {p.adults} adults, {p.children} children" for p in r.party
        )
        return (
            f"Reservation number: {r.reservation_number}\nFacility: {r.facility_name}\n"
            f"Date: {when}\nUnits: {r.quantity}\nParty: {party}"
        )
    when = r.date.isoformat() + (f" から{r.nights}泊" if r.nights else f" {r.start}〜{r.end}")
    party = "、".join(f"{p.night}泊目 大人{p.adults}人・子供{p.children}人" for p in r.party)
    return (
        f"予約番号：{r.reservation_number}\n施設：{r.facility_name}\n利用日：{when}\n"
        f"数量：{r.quantity}\n人数：{party}"
    )


def reservation_confirmed(lang: Language, r: Reservation) -> Email:
    if lang is Language.EN:
        return Email(
            f"Reservation {r.reservation_number} confirmed",
            f"Your reservation is confirmed.\n\n{_stay(lang, r)}\n\nChanges until "
            f"{r.change_deadline.isoformat()}, cancellation until {r.cancel_deadline.isoformat()}."
            + _footer(lang),
        )
    return Email(
        f"予約完了のお知らせ（予約番号 {r.reservation_number}）",
        f"予約が完了しました。\n\n{_stay(lang, r)}\n\n変更は{r.change_deadline.isoformat()}まで、"
        f"取消しは{r.cancel_deadline.isoformat()}までできます。" + _footer(lang),
    )


def reservation_changed(lang: Language, before: Reservation, after: Reservation) -> Email:
    if lang is Language.EN:
        return Email(
            f"Reservation {after.reservation_number} changed",
            f"Your reservation was changed.\n\nNow:\n{_stay(lang, after)}\n\n"
            f"Before:\n{_stay(lang, before)}\n\nChanges until "
            f"{after.change_deadline.isoformat()}, cancellation until "
            f"{after.cancel_deadline.isoformat()}." + _footer(lang),
        )
    return Email(
        f"予約変更のお知らせ（予約番号 {after.reservation_number}）",
        f"予約内容を変更しました。\n\n【変更後】\n{_stay(lang, after)}\n\n"
        f"【変更前】\n{_stay(lang, before)}\n\n変更は{after.change_deadline.isoformat()}まで、"
        f"取消しは{after.cancel_deadline.isoformat()}までできます。" + _footer(lang),
    )


def reservation_cancelled(lang: Language, r: Reservation) -> Email:
    if lang is Language.EN:
        return Email(
            f"Reservation {r.reservation_number} cancelled",
            f"Your reservation was cancelled.\n\n{_stay(lang, r)}" + _footer(lang),
        )
    return Email(
        f"予約取消しのお知らせ（予約番号 {r.reservation_number}）",
        f"予約を取り消しました。\n\n{_stay(lang, r)}" + _footer(lang),
    )


def reservation_cancelled_by_staff(lang: Language, r: Reservation, reason: str) -> Email:
    """A member of staff cancelled the reservation on the citizen's behalf (by phone, or
    because the facility closed)."""
    if lang is Language.EN:
        return Email(
            f"Reservation {r.reservation_number} cancelled by the facility",
            f"Our staff cancelled your reservation.\nReason: {reason}\n\n{_stay(lang, r)}"
            "\n\nIf you did not expect this, please contact the facility." + _footer(lang),
        )
    return Email(
        f"予約取消しのお知らせ（予約番号 {r.reservation_number}）",
        f"施設の担当者が予約を取り消しました。\n理由：{reason}\n\n{_stay(lang, r)}"
        "\n\nお心当たりのない場合は、施設の窓口までお問い合わせください。" + _footer(lang),
    )


def appointment_link(
    lang: Language, facility: str, people: int, link: str, expires_at: datetime
) -> Email:
    if lang is Language.EN:
        return Email(
            "Choose your appointment time",
            f"Open this link to choose a time at {facility} for {people} person(s):\n\n{link}\n\n"
            f"It works until {_when(expires_at)} (Japan time). If you did not ask for this, "
            "ignore this mail." + _footer(lang),
        )
    return Email(
        "【連絡先アドレス確認】窓口予約のご案内",
        f"{facility}の予約（{people}名様）は、次のリンクから日時を選んでください。\n\n{link}\n\n"
        f"リンクの有効期限は{_when(expires_at)}です。期限を過ぎた場合は最初からやり直してください。"
        "お心当たりのない場合は、このメールを破棄してください。" + _footer(lang),
    )


# The lines of an appointment's visit, per language: where, when, who, what to bring.
_VISIT_LINES = {
    Language.JA: {
        "place": "窓口：{facility} {counter}",
        "where": "場所：{}",
        "address": "住所：{}",
        "when": "日時：{date} {start}〜{end}",
        "people": "人数：{}名",
        "person": "　{}人目：{}",
        "bring": "持ち物：{}",
    },
    Language.EN: {
        "place": "Place: {facility}, {counter}",
        "where": "Where: {}",
        "address": "Address: {}",
        "when": "Date: {date} {start}-{end}",
        "people": "People: {}",
        "person": "  Person {}: {}",
        "bring": "Please bring: {}",
    },
}


def _visit(lang: Language, a: Appointment) -> str:
    """The visit an appointment e-mail confirms; the optional facts only when known."""
    line = _VISIT_LINES[lang]
    lines = [line["place"].format(facility=a.facility_name, counter=a.counter_name or a.counter)]
    if a.location:
        lines.append(line["where"].format(a.location))
    if a.address:
        lines.append(line["address"].format(a.address))
    lines.append(line["when"].format(date=a.date.isoformat(), start=a.start, end=a.end))
    lines.append(line["people"].format(a.people))
    lines += [line["person"].format(i, r.name) for i, r in enumerate(a.recipients, start=1)]
    if a.what_to_bring:
        lines.append(line["bring"].format(a.what_to_bring))
    return "\n".join(lines)


def appointment_confirmed(lang: Language, a: Appointment, password: str) -> Email:
    if lang is Language.EN:
        return Email(
            f"Appointment {a.receipt_number} confirmed",
            f"Receipt number: {a.receipt_number}\nPassword: {password}\n{_visit(lang, a)}\n\n"
            "Keep the receipt number and password: you need both to look up or cancel "
            f"(until {a.cancel_deadline.isoformat()})." + _footer(lang),
        )
    return Email(
        f"【予約完了通知】受付番号 {a.receipt_number}",
        f"受付番号：{a.receipt_number}\nパスワード：{password}\n{_visit(lang, a)}\n\n"
        "予約の照会・取消しには受付番号とパスワードが必要です"
        f"（取消しは{a.cancel_deadline.isoformat()}まで）。" + _footer(lang),
    )


def appointment_cancelled(lang: Language, a: Appointment) -> Email:
    place = a.counter_name or a.counter
    if lang is Language.EN:
        return Email(
            f"Appointment {a.receipt_number} cancelled",
            f"Your appointment at {a.facility_name}, {place} on {a.date.isoformat()} "
            f"{a.start} was cancelled." + _footer(lang),
        )
    return Email(
        f"【予約取消】受付番号 {a.receipt_number}",
        f"{a.date.isoformat()} {a.start} の{a.facility_name} {place}の予約を取り消しました。"
        + _footer(lang),
    )


def appointment_cancelled_by_staff(lang: Language, a: Appointment, reason: str) -> Email:
    """A member of staff cancelled the appointment on the party's behalf (by phone, or
    because the counter closed)."""
    if lang is Language.EN:
        return Email(
            f"Appointment {a.receipt_number} cancelled by the counter",
            f"Our staff cancelled your appointment {a.receipt_number} on "
            f"{a.date.isoformat()} {a.start}.\n"
            f"Reason: {reason}\n\nIf you did not expect this, please contact the counter."
            + _footer(lang),
        )
    return Email(
        f"【予約取消】受付番号 {a.receipt_number}（窓口による取消し）",
        f"{a.date.isoformat()} {a.start} の来庁予約（受付番号 {a.receipt_number}）を、"
        "窓口の担当者が取り消しました。\n"
        f"理由：{reason}\n\nお心当たりのない場合は、窓口までお問い合わせください。" + _footer(lang),
    )


def lottery_result(
    lang: Language, facility: str, won_rank: int, reservation_number: str | None
) -> Email:
    if lang is Language.EN:
        if won_rank:
            return Email(
                f"Lottery result: you won ({facility})",
                f"You won your preference no. {won_rank} at {facility}.\n"
                f"Reservation number: {reservation_number}\nSee it under your reservations."
                + _footer(lang),
            )
        return Email(
            f"Lottery result ({facility})",
            f"We are sorry: none of your preferences at {facility} was drawn. Rooms nobody "
            "won are now open for direct booking." + _footer(lang),
        )
    if won_rank:
        return Email(
            f"【抽選結果】当選のお知らせ（{facility}）",
            f"{facility}の抽選で第{won_rank}希望が当選しました。\n予約番号：{reservation_number}\n"
            "予約の確認・変更画面でご確認ください。" + _footer(lang),
        )
    return Email(
        f"【抽選結果】{facility}",
        f"{facility}の抽選は、残念ながらすべての希望が落選となりました。"
        "当選者のいなかった空き室は、空き室照会から予約できます。" + _footer(lang),
    )


def deadline_text(confirm_by: datetime) -> str:
    """`confirmBy` is the instant a day ends (24:00): shown as that day's 23:59."""
    return _when(confirm_by - timedelta(minutes=1))


def won_lines(lang: Language, won: list[Reservation]) -> str:
    lines = []
    for r in won:
        when = r.date.isoformat()
        if r.start:
            when += f" {r.start}-{r.end}" if lang is Language.EN else f" {r.start}〜{r.end}"
        elif r.nights:
            when += f", {r.nights} night(s)" if lang is Language.EN else f" から{r.nights}泊"
        units = f" x{r.quantity}" if r.quantity > 1 else ""
        number = "reservation" if lang is Language.EN else "予約番号"
        lines.append(
            f"- {when} {r.resource_type_name or r.resource_type_id}{units} ({number} {r.reservation_number})"
        )
    return "\n".join(lines)


def lottery_wins(
    lang: Language, facility: str, won: list[Reservation], confirm_by: datetime | None, link: str
) -> Email:
    """The result of an entry that won something: every win, and when the wins must be
    confirmed (当選確定), by when and where."""
    if lang is Language.EN:
        body = f"You won at {facility}:\n{won_lines(lang, won)}\n"
        if confirm_by is not None:
            body += (
                f"\nConfirm your wins by {deadline_text(confirm_by)} (Japan time) on your lottery "
                f"results page:\n{link}\nWins not confirmed by then are released to "
                "first-come booking."
            )
        else:
            body += "\nSee them under your reservations."
        return Email(f"Lottery result: you won ({facility})", body + _footer(lang))
    body = f"{facility}の抽選で次の予約が当選しました。\n{won_lines(lang, won)}\n"
    if confirm_by is not None:
        body += (
            f"\n{deadline_text(confirm_by)}までに、抽選結果の画面で当選を確定してください。\n{link}\n"
            "期限までに確定されなかった当選は取り消され、先着順の予約に開放されます。"
        )
    else:
        body += "\n予約の確認画面でご確認ください。"
    return Email(f"【抽選結果】当選のお知らせ（{facility}）", body + _footer(lang))


def slot_lottery_lost(lang: Language, facility: str) -> Email:
    if lang is Language.EN:
        return Email(
            f"Lottery result ({facility})",
            f"We are sorry: none of your preferences at {facility} was drawn. Slots nobody "
            "won are now open for first-come booking." + _footer(lang),
        )
    return Email(
        f"【抽選結果】{facility}",
        f"{facility}の抽選は、残念ながらすべての希望が落選となりました。"
        "当選者のいなかった枠は、空き状況から先着順で予約できます。" + _footer(lang),
    )


def confirm_reminder(
    lang: Language, facility: str, pending: list[Reservation], confirm_by: datetime, link: str
) -> Email:
    """The day before the deadline, to winners who have not confirmed every win."""
    if lang is Language.EN:
        return Email(
            f"Please confirm your lottery win ({facility})",
            f"These wins at {facility} are not confirmed yet:\n{won_lines(lang, pending)}\n\n"
            f"Confirm them by {deadline_text(confirm_by)} (Japan time):\n{link}\n"
            "Wins not confirmed by then are released." + _footer(lang),
        )
    return Email(
        f"【当選確定のお願い】{facility}",
        f"{facility}の次の当選は、まだ確定されていません。\n{won_lines(lang, pending)}\n\n"
        f"{deadline_text(confirm_by)}までに確定してください。\n{link}\n"
        "期限までに確定されなかった当選は取り消されます。" + _footer(lang),
    )


def line_linked(lang: Language, at: datetime) -> Email:
    if lang is Language.EN:
        return Email(
            "Your LINE account was linked",
            f"A LINE account was linked to your user number on {_when(at)} (Japan time). "
            "You can now sign in from LINE and receive notices about your applications "
            "there. If this was not you, sign in, unlink LINE and change your password."
            + _footer(lang),
        )
    return Email(
        "LINE連携を設定しました",
        f"{_when(at)}に、利用者番号とLINEアカウントの連携を設定しました。"
        "LINEからログインでき、申請の状況がLINEにも届きます。"
        "お心当たりのない場合は、ログインしてLINE連携を解除し、パスワードを変更してください。"
        + _footer(lang),
    )


def line_unlinked(lang: Language) -> Email:
    if lang is Language.EN:
        return Email(
            "Your LINE account was unlinked",
            "Your user number is no longer linked to a LINE account: sign-ins made from "
            "LINE have ended, and notices come by e-mail only." + _footer(lang),
        )
    return Email(
        "LINE連携を解除しました",
        "利用者番号とLINEアカウントの連携を解除しました。LINEからのログインは終了し、"
        "今後のお知らせはメールのみでお届けします。" + _footer(lang),
    )
