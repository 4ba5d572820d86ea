"""Every text a user can see in an error, in Japanese (default) and English.

Each problem has a title (what went wrong) and a detail (what to do next). Field
messages are keyed by the kind of failure: pydantic's error types for what the request
models check, and our own kinds for domain rules.
"""

from __future__ import annotations

from string import Formatter

# Language and Bilingual live in bilingual.py (errors.py needs them); most modules
# import them from here, with the texts.
from yoyaku.domain.bilingual import Bilingual as Bilingual
from yoyaku.domain.bilingual import Language as Language
from yoyaku.domain.bilingual import TemplateParams, TemplateValue
from yoyaku.domain.errors import ErrorCode

# code -> language -> (title, detail template)
PROBLEMS: dict[ErrorCode, dict[Language, tuple[str, str]]] = {
    ErrorCode.VALIDATION_FAILED: {
        Language.JA: (
            "入力内容に誤りがあります",
            "各項目のメッセージを確認し、入力し直してください。",
        ),
        Language.EN: ("Some fields are invalid", "Check the message for each field and try again."),
    },
    ErrorCode.UNAUTHENTICATED: {
        Language.JA: ("ログインが必要です", "ログインし直してから、もう一度お試しください。"),
        Language.EN: ("Sign-in required", "Sign in again, then retry."),
    },
    ErrorCode.INVALID_CREDENTIALS: {
        Language.JA: (
            "番号またはパスワードが違います",
            "入力した番号とパスワードを確認してください。続けて間違えるとしばらくログインできなくなります。",
        ),
        Language.EN: (
            "Wrong number or password",
            "Check the number and password. Repeated failures lock sign-in for a while.",
        ),
    },
    ErrorCode.ACCOUNT_LOCKED: {
        Language.JA: (
            "ログインが一時的に制限されています",
            "{retryAt} 以降にもう一度お試しください。パスワードを忘れた場合は再設定できます。",
        ),
        Language.EN: (
            "Sign-in is temporarily locked",
            "Try again after {retryAt}. If you forgot your password, you can reset it.",
        ),
    },
    ErrorCode.FORBIDDEN: {
        Language.JA: (
            "この操作は許可されていません",
            "この操作に必要な権限のアカウントでログインしてください。",
        ),
        Language.EN: ("Not allowed", "Sign in with an account that may do this."),
    },
    ErrorCode.NOT_FOUND: {
        Language.JA: ("見つかりません", "{what}が見つかりません。番号やURLを確認してください。"),
        Language.EN: ("Not found", "No such {what}. Check the number or the URL."),
    },
    ErrorCode.METHOD_NOT_ALLOWED: {
        Language.JA: ("この操作はできません", "このURLでは {method} は使えません。"),
        Language.EN: ("Method not allowed", "{method} is not supported on this URL."),
    },
    ErrorCode.LINK_INVALID: {
        Language.JA: (
            "リンクが正しくありません",
            "メールのリンクをもう一度開くか、手続きを最初からやり直してください。",
        ),
        Language.EN: ("Invalid link", "Open the link from the e-mail again, or start over."),
    },
    ErrorCode.LINK_EXPIRED: {
        Language.JA: (
            "リンクの有効期限が切れています",
            "お手数ですが、手続きを最初からやり直してください。",
        ),
        Language.EN: ("The link has expired", "Please start the procedure again."),
    },
    ErrorCode.LINK_ALREADY_USED: {
        Language.JA: (
            "このリンクは使用済みです",
            "手続きは完了しています。必要なら最初からやり直してください。",
        ),
        Language.EN: ("This link was already used", "The step is done; start over if you need to."),
    },
    ErrorCode.NOT_AVAILABLE: {
        Language.JA: (
            "空きがありません",
            "他の日付や施設を選んでください。空き状況は最新の情報を確認してください。",
        ),
        Language.EN: (
            "Not available",
            "Choose another date or facility; check the current availability.",
        ),
    },
    ErrorCode.OUTSIDE_BOOKING_WINDOW: {
        Language.JA: ("予約の受付期間外です", "{reason}"),
        Language.EN: ("Outside the booking window", "{reason}"),
    },
    ErrorCode.HOLD_EXPIRED: {
        Language.JA: (
            "仮押さえの期限が切れました",
            "もう一度空き状況を確認し、仮押さえからやり直してください。",
        ),
        Language.EN: ("The hold has expired", "Check availability again and make a new hold."),
    },
    ErrorCode.HOLD_NOT_FOUND: {
        Language.JA: ("仮押さえが見つかりません", "仮押さえからやり直してください。"),
        Language.EN: ("Hold not found", "Make a new hold."),
    },
    ErrorCode.OUTSIDE_CHANGE_PERIOD: {
        Language.JA: ("変更の受付期間外です", "{reason}"),
        Language.EN: ("Outside the change period", "{reason}"),
    },
    ErrorCode.OUTSIDE_CANCEL_PERIOD: {
        Language.JA: ("取消しの受付期間外です", "{reason}"),
        Language.EN: ("Outside the cancellation period", "{reason}"),
    },
    ErrorCode.NOT_ELIGIBLE: {
        Language.JA: ("ご利用の条件を満たしていません", "{reason}"),
        Language.EN: ("Not eligible", "{reason}"),
    },
    ErrorCode.LOTTERY_CLOSED: {
        Language.JA: ("抽選の申込期間外です", "{reason}"),
        Language.EN: ("The lottery is not open", "{reason}"),
    },
    ErrorCode.ALREADY_APPLIED: {
        Language.JA: (
            "すでに申し込んでいます",
            "この抽選には1施設のみ申し込めます。申込内容を確認してください。",
        ),
        Language.EN: (
            "Already applied",
            "You can apply for one facility per lottery; check your entries.",
        ),
    },
    ErrorCode.PERSON_NOT_IDENTIFIED: {
        Language.JA: (
            "本人確認ができません",
            "通知書の番号と生年月日を確認して、入力し直してください。",
        ),
        Language.EN: (
            "Person not identified",
            "Check the notice number and birthdate and try again.",
        ),
    },
    ErrorCode.SECOND_NUMBER_REQUIRED: {
        Language.JA: (
            "通知書番号2の入力が必要です",
            "通知書に記載の18桁の番号2も入力してください。",
        ),
        Language.EN: (
            "Second number required",
            "Also enter the 18-character second number on the notice.",
        ),
    },
    ErrorCode.RANGE_TOO_LONG: {
        Language.JA: (
            "期間が長すぎます",
            "一度に照会できるのは{maxDays}日までです。期間を短くしてください。",
        ),
        Language.EN: (
            "Range too long",
            "At most {maxDays} days can be shown at once; shorten the range.",
        ),
    },
    ErrorCode.CONFLICT: {
        Language.JA: ("処理が競合しました", "{reason}"),
        Language.EN: ("Conflict", "{reason}"),
    },
    ErrorCode.RATE_LIMITED: {
        Language.JA: ("試行回数が多すぎます", "しばらく待ってからもう一度お試しください。"),
        Language.EN: ("Too many attempts", "Wait a while, then try again."),
    },
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: {
        Language.JA: (
            "JSONで送信してください",
            "リクエスト本文はJSONで、Content-Type: application/json を付けて送信してください。",
        ),
        Language.EN: (
            "Send JSON",
            "Send the request body as JSON with Content-Type: application/json.",
        ),
    },
    ErrorCode.LINE_NOT_LINKED: {
        Language.JA: (
            "LINEアカウントが連携されていません",
            "利用者番号とパスワードでログインしてから、LINE連携を設定してください。",
        ),
        Language.EN: (
            "This LINE account is not linked",
            "Sign in with your user number and password, then link your LINE account.",
        ),
    },
    ErrorCode.LINE_TOKEN_INVALID: {
        Language.JA: ("LINEの認証を確認できませんでした", "{reason}"),
        Language.EN: ("The LINE sign-in could not be checked", "{reason}"),
    },
    ErrorCode.LINE_UNAVAILABLE: {
        Language.JA: (
            "LINEに接続できません",
            "時間をおいて、再度お試しください。利用者番号とパスワードでもログインできます。",
        ),
        Language.EN: (
            "LINE cannot be reached",
            "Try again later; you can also sign in with your user number and password.",
        ),
    },
    ErrorCode.OUTSIDE_RECEPTION_HOURS: {
        Language.JA: (
            "受付時間外です",
            "予約・変更・取消し・抽選の申込みは{opens}から{closes}まで受け付けています。次の受付開始は{opensAt}です。",
        ),
        Language.EN: (
            "Outside reception hours",
            "Bookings, changes, cancellations and lottery entries are taken from {opens} to {closes} (Japan time). Reception next opens at {opensAt}.",
        ),
    },
    ErrorCode.SERVICE_SUSPENDED: {
        Language.JA: (
            "システムを一時休止しています",
            "{notice}（{until}まで）",
        ),
        Language.EN: (
            "The service is temporarily suspended",
            "{notice} (until {until})",
        ),
    },
    # My Number card (seed 001's error table: the same title for codes 21 and 23, the
    # remedy after it).
    ErrorCode.CARD_EXPIRED: {
        Language.JA: (
            "失効済みのマイナンバーカードの可能性があります。 (Code: {cardCode})",
            "証明書の有効期限が切れています。マイナンバーカードを更新の上、再度、署名確認を行ってください。"
            "マイナンバーカードの更新については、お住まいの市区町村窓口へお問い合わせください。",
        ),
        Language.EN: (
            "The My Number card may no longer be valid. (Code: {cardCode})",
            "The certificate has expired. Renew your My Number card, then sign again. "
            "Your municipality's office renews cards.",
        ),
    },
    ErrorCode.CARD_REVOKED: {
        Language.JA: (
            "失効済みのマイナンバーカードの可能性があります。 (Code: {cardCode})",
            "証明書が失効されています。マイナンバーカードを更新の上、再度、署名確認を行ってください。"
            "マイナンバーカードの更新については、お住まいの市区町村窓口へお問い合わせください。",
        ),
        Language.EN: (
            "The My Number card may no longer be valid. (Code: {cardCode})",
            "The certificate has been revoked. Renew your My Number card, then sign again. "
            "Your municipality's office renews cards.",
        ),
    },
    ErrorCode.CARD_CHECK_FAILED: {
        Language.JA: (
            "マイナンバーカードの確認ができませんでした",
            "時間をおいて、再度、署名確認を行ってください。",
        ),
        Language.EN: (
            "The My Number card could not be checked",
            "Please wait a while, then sign again.",
        ),
    },
    ErrorCode.SIGNATURE_INVALID: {
        Language.JA: (
            "電子署名を確認できませんでした",
            "署名の内容が一致しません。電子署名アプリでもう一度、署名確認を行ってください。",
        ),
        Language.EN: (
            "The signature could not be verified",
            "The signature does not match. Sign again with the e-signature app.",
        ),
    },
    ErrorCode.CERTIFICATE_UNTRUSTED: {
        Language.JA: (
            "マイナンバーカードの署名用電子証明書を確認できませんでした",
            "マイナンバーカードの署名用電子証明書（英数字6〜16文字のパスワード）で、もう一度、署名確認を行ってください。",
        ),
        Language.EN: (
            "The card's signing certificate could not be trusted",
            "Sign again with the My Number card's signing certificate "
            "(the 6 to 16 character password).",
        ),
    },
    ErrorCode.CHALLENGE_EXPIRED: {
        Language.JA: (
            "署名確認の有効期限が切れています",
            "お手数ですが、マイナンバーカードの読み取りからやり直してください。",
        ),
        Language.EN: (
            "The signing request has expired",
            "Please read the My Number card again from the start.",
        ),
    },
    ErrorCode.IDENTITY_MISMATCH: {
        Language.JA: (
            "入力された利用者情報と読み取られたカードの情報が一致しません",
            "本人確認の際に読み取った情報と異なるマイナンバーカードを使用されている可能性がございます。"
            "本人確認の際に使用したマイナンバーカードであるか、ご確認の上、再度、署名確認を行ってください。",
        ),
        Language.EN: (
            "The details entered do not match the card that was read",
            "A different My Number card may have been used than the one read for the form. "
            "Check that it is the same card, then sign again.",
        ),
    },
    ErrorCode.NOT_FOR_THIS_ACCOUNT_TYPE: {
        Language.JA: ("ご利用の登録区分ではお申込みできません", "{reason}"),
        Language.EN: ("Not for this type of account", "{reason}"),
    },
    ErrorCode.ROSTER_REQUIRED: {
        Language.JA: ("団体名簿が必要です", "{reason}"),
        Language.EN: ("A group roster is required", "{reason}"),
    },
    ErrorCode.CONFIRMATION_EXPIRED: {
        Language.JA: ("当選確定の期限が過ぎました", "{reason}"),
        Language.EN: ("The confirmation deadline has passed", "{reason}"),
    },
    ErrorCode.RENEWAL_NOT_AVAILABLE_ONLINE: {
        Language.JA: ("オンラインでは更新の手続きができません", "{reason}"),
        Language.EN: ("This registration cannot be renewed online", "{reason}"),
    },
    ErrorCode.INTERNAL_ERROR: {
        Language.JA: (
            "システムで問題が発生しました",
            "入力内容は保存されていません。時間をおいてもう一度お試しください。",
        ),
        Language.EN: (
            "Something went wrong on our side",
            "Nothing was saved. Please try again later.",
        ),
    },
}

# Field messages: pydantic error types first, then Yoyaku's own kinds.
FIELD_MESSAGES: dict[str, dict[Language, str]] = {
    "missing": {Language.JA: "必須項目です。", Language.EN: "This field is required."},
    "extra_forbidden": {
        Language.JA: "この項目は受け付けていません。削除してください。",
        Language.EN: "Unknown field; remove it.",
    },
    "string_type": {Language.JA: "文字列で入力してください。", Language.EN: "Must be a string."},
    "string_too_short": {
        Language.JA: "{min_length}文字以上で入力してください。",
        Language.EN: "Must be at least {min_length} characters.",
    },
    "string_too_long": {
        Language.JA: "{max_length}文字以内で入力してください。",
        Language.EN: "Must be at most {max_length} characters.",
    },
    "string_pattern_mismatch": {
        Language.JA: "形式が正しくありません。",
        Language.EN: "Has the wrong format.",
    },
    "int_type": {Language.JA: "整数で入力してください。", Language.EN: "Must be a whole number."},
    "int_parsing": {
        Language.JA: "整数で入力してください。",
        Language.EN: "Must be a whole number.",
    },
    "int_from_float": {
        Language.JA: "整数で入力してください。",
        Language.EN: "Must be a whole number.",
    },
    "greater_than_equal": {
        Language.JA: "{ge}以上にしてください。",
        Language.EN: "Must be {ge} or more.",
    },
    "less_than_equal": {
        Language.JA: "{le}以下にしてください。",
        Language.EN: "Must be {le} or less.",
    },
    "greater_than": {
        Language.JA: "{gt}より大きくしてください。",
        Language.EN: "Must be more than {gt}.",
    },
    "less_than": {
        Language.JA: "{lt}より小さくしてください。",
        Language.EN: "Must be less than {lt}.",
    },
    "bool_type": {
        Language.JA: "true か false で指定してください。",
        Language.EN: "Must be true or false.",
    },
    "bool_parsing": {
        Language.JA: "true か false で指定してください。",
        Language.EN: "Must be true or false.",
    },
    "date_type": {
        Language.JA: "日付を YYYY-MM-DD 形式で入力してください。",
        Language.EN: "Must be a date as YYYY-MM-DD.",
    },
    "date_parsing": {
        Language.JA: "日付を YYYY-MM-DD 形式で入力してください。",
        Language.EN: "Must be a date as YYYY-MM-DD.",
    },
    "date_from_datetime_parsing": {
        Language.JA: "日付を YYYY-MM-DD 形式で入力してください。",
        Language.EN: "Must be a date as YYYY-MM-DD.",
    },
    "date_from_datetime_inexact": {
        Language.JA: "日付を YYYY-MM-DD 形式で入力してください。",
        Language.EN: "Must be a date as YYYY-MM-DD.",
    },
    "datetime_parsing": {
        Language.JA: "日時を ISO 8601 形式（例 2026-04-01T09:00:00+09:00）で入力してください。",
        Language.EN: "Must be an ISO 8601 instant, e.g. 2026-04-01T09:00:00+09:00.",
    },
    "datetime_type": {
        Language.JA: "日時を ISO 8601 形式（例 2026-04-01T09:00:00+09:00）で入力してください。",
        Language.EN: "Must be an ISO 8601 instant, e.g. 2026-04-01T09:00:00+09:00.",
    },
    "timezone_aware": {
        Language.JA: "時差（例 +09:00）を含めて入力してください。",
        Language.EN: "Include the UTC offset, e.g. +09:00.",
    },
    "literal_error": {
        Language.JA: "次のいずれかを指定してください: {expected}",
        Language.EN: "Must be one of: {expected}",
    },
    "enum": {
        Language.JA: "次のいずれかを指定してください: {expected}",
        Language.EN: "Must be one of: {expected}",
    },
    "list_type": {Language.JA: "配列で指定してください。", Language.EN: "Must be a list."},
    "too_short": {
        Language.JA: "{min_length}件以上指定してください。",
        Language.EN: "Must have at least {min_length} items.",
    },
    "too_long": {
        Language.JA: "{max_length}件以内で指定してください。",
        Language.EN: "Must have at most {max_length} items.",
    },
    "model_type": {
        Language.JA: "オブジェクトで指定してください。",
        Language.EN: "Must be an object.",
    },
    "model_attributes_type": {
        Language.JA: "オブジェクトで指定してください。",
        Language.EN: "Must be an object.",
    },
    "dict_type": {
        Language.JA: "オブジェクトで指定してください。",
        Language.EN: "Must be an object.",
    },
    "json_invalid": {
        Language.JA: "JSON として読み取れません。",
        Language.EN: "Is not valid JSON.",
    },
    # Yoyaku's own kinds.
    "utf8_invalid": {
        Language.JA: "UTF-8 の文字として読み取れません。",
        Language.EN: "Is not UTF-8 text.",
    },
    "forbidden_character": {
        Language.JA: "使用できない文字（{character}）が含まれています。制御文字や表示方向を変える文字は使えません。",
        Language.EN: "Contains a character that cannot be used ({character}): no control or text-direction characters.",
    },
    "float_type": {Language.JA: "数値で入力してください。", Language.EN: "Must be a number."},
    "date_format": {
        Language.JA: "日付は YYYY-MM-DD の形で入力してください（時刻は付けません）。",
        Language.EN: "Must be a date as YYYY-MM-DD (without a time).",
    },
    "date_range": {
        Language.JA: "{first}から{last}までの日付・日時にしてください。",
        Language.EN: "Must be between {first} and {last}.",
    },
    "date_order": {
        Language.JA: "{other}以降の日付にしてください。",
        Language.EN: "Must not be before {other}.",
    },
    "unknown_resource_type": {
        Language.JA: "この施設にない種別です（{known}）。",
        Language.EN: "Not a resource type of this facility ({known}).",
    },
    "duplicate": {
        Language.JA: "同じ値が重複しています: {value}",
        Language.EN: "Duplicate value: {value}",
    },
    "slot_order": {
        Language.JA: "時間帯は開始が終了より前で、重ならないように並べてください。",
        Language.EN: "Slots must start before they end and must not overlap.",
    },
    "slots_required": {
        Language.JA: "時間帯制の施設では時間帯（slots）が必要です。",
        Language.EN: "Time-slot facilities need slots.",
    },
    "slots_not_allowed": {
        Language.JA: "宿泊施設では時間帯（slots）は指定できません。",
        Language.EN: "Lodging facilities take no slots.",
    },
    "max_nights_lodging_only": {
        Language.JA: "最大泊数（maxNights）は宿泊施設だけに指定できます。",
        Language.EN: "maxNights applies to lodging facilities only.",
    },
    "max_nights_required": {
        Language.JA: "宿泊施設には最大泊数（maxNights）が必要です。",
        Language.EN: "Lodging facilities need maxNights.",
    },
    "date_outside_range": {
        Language.JA: "{from_}から{to}までの日付にしてください。",
        Language.EN: "Must be between {from_} and {to}.",
    },
    "range_too_long": {
        Language.JA: "期間は{maxDays}日以内にしてください。",
        Language.EN: "The range may span at most {maxDays} days.",
    },
    "page_token_invalid": {
        Language.JA: "このnextTokenはこの一覧のものではないか、書き換えられています。"
        "最初のページから読み直してください。",
        Language.EN: "This nextToken does not belong to this list or was altered; "
        "start again from the first page.",
    },
    "date_in_past": {
        Language.JA: "今日（{today}）以降の日付にしてください。",
        Language.EN: "Must be today ({today}) or later.",
    },
    "kana_name": {
        Language.JA: "氏名（カナ）は氏と名の間に全角スペースを入れ、カタカナで入力してください（例 ミナト　タロウ）。",
        Language.EN: "Enter family and given name in katakana with a space between (e.g. ミナト　タロウ).",
    },
    "name_required": {
        Language.JA: "氏名を入力してください。",
        Language.EN: "Enter your name.",
    },
    "phone": {
        Language.JA: "電話番号を0から始まる10桁または11桁の数字で入力してください（ハイフンは有っても無くても構いません）。",
        Language.EN: "Enter a phone number of 10 or 11 digits starting with 0 (hyphens optional).",
    },
    "postal_code": {
        Language.JA: "郵便番号を7桁の数字で入力してください（例 123-4567）。",
        Language.EN: "Enter the postal code as 7 digits (e.g. 123-4567).",
    },
    "value_error": {
        Language.JA: "形式が正しくありません（{reason}）。",
        Language.EN: "Invalid value ({reason}).",
    },
    "too_young": {
        Language.JA: "登録できるのは高校生を除く18歳以上の方です。この生年月日の方は{eligibleFrom}から登録できます。",
        Language.EN: "Registration is for people aged 18 or over who are not high-school students; with this birthdate you can register from {eligibleFrom}.",
    },
    "postal_code_unknown": {
        Language.JA: "郵便番号 {code} は見つかりません。郵便番号を確認してください。",
        Language.EN: "There is no postal code {code}; check it.",
    },
    "postal_code_mismatch": {
        Language.JA: "郵便番号 {code} の住所（{expected}）と一致しません。郵便番号と住所を確認してください。",
        Language.EN: "Does not match the address of postal code {code} ({expected}); check the postal code and the address.",
    },
    "birthdate_in_future": {
        Language.JA: "生年月日が未来の日付になっています。",
        Language.EN: "The birthdate lies in the future.",
    },
    "password_length": {
        Language.JA: "パスワードは8文字以上64文字以内で入力してください。",
        Language.EN: "The password must have 8 to 64 characters.",
    },
    "password_is_birthdate": {
        Language.JA: "生年月日はパスワードに使えません。別のパスワードを入力してください。",
        Language.EN: "Your birthdate cannot be your password; choose another.",
    },
    "password_is_user_number": {
        Language.JA: "利用者番号はパスワードに使えません。別のパスワードを入力してください。",
        Language.EN: "Your user number cannot be your password; choose another.",
    },
    "workplace_required": {
        Language.JA: "在勤の方は勤務先の名称・所在地・電話番号を入力してください。",
        Language.EN: "Workers must give the workplace name, address and phone.",
    },
    "kana_text": {
        Language.JA: "団体名（カナ）はカタカナで入力してください（例 アゲオ　テニス　クラブ）。",
        Language.EN: "Enter the group's name in katakana (e.g. アゲオ　テニス　クラブ).",
    },
    "group_required": {
        Language.JA: "団体で登録する場合は、団体名・団体名（カナ）・構成員数を入力してください。",
        Language.EN: "A group registration needs the group's name, its kana and its members.",
    },
    "group_for_groups_only": {
        Language.JA: "団体の情報は利用者区分が「団体」の場合だけ入力します。",
        Language.EN: "Group details are only for userType group.",
    },
    "local_members_too_many": {
        Language.JA: "市内在住・在勤の人数は構成員数（{members}人）以下にしてください。",
        Language.EN: "Local members cannot exceed the members ({members}).",
    },
    "terms_required": {
        Language.JA: "利用規約に同意してください。",
        Language.EN: "You must agree to the terms of use.",
    },
    "email": {
        Language.JA: "メールアドレスの形式が正しくありません。",
        Language.EN: "This is not a valid e-mail address.",
    },
    "reason_required": {
        Language.JA: "差戻し・却下には理由を入力してください（申請者に通知されます）。",
        Language.EN: "Give a reason for returning or rejecting (the applicant is told).",
    },
    "current_password_wrong": {
        Language.JA: "現在のパスワードが違います。",
        Language.EN: "The current password is wrong.",
    },
    "slots_not_consecutive": {
        Language.JA: "連続した時間帯を選んでください（この日の最後の枠を越えています）。",
        Language.EN: "Choose consecutive slots within the day.",
    },
    "nights_lodging_only": {
        Language.JA: "泊数（nights）は宿泊施設だけに指定できます。",
        Language.EN: "nights applies to lodging facilities only.",
    },
    "party_per_night": {
        Language.JA: "利用人数は1泊目から{nights}泊目まで、1泊ごとに1回ずつ入力してください。",
        Language.EN: "Give the party once for each night, from night 1 to night {nights}.",
    },
    "party_too_large": {
        Language.JA: "人数が部屋の定員（{most}人）を超えています。",
        Language.EN: "The party exceeds the rooms' capacity ({most} people).",
    },
    "room_style_not_offered": {
        Language.JA: "この施設では和洋室の希望は承っていません。",
        Language.EN: "This facility takes no room-style wish.",
    },
    "nights_remaining": {
        Language.JA: "少なくとも1泊は残し、残る泊が連続するように選んでください。",
        Language.EN: "Keep at least one night, and keep the remaining nights consecutive.",
    },
    "notice_number": {
        Language.JA: "番号1は英数字3桁と数字6桁で入力してください（例 AB1-234567、ハイフンは省略可）。",
        Language.EN: "Enter number 1 as 3 letters or digits and 6 digits (e.g. AB1-234567).",
    },
    "notice_number_2": {
        Language.JA: "番号2は英数字18桁で入力してください。",
        Language.EN: "Enter number 2 as 18 letters or digits.",
    },
    "person_not_identified": {
        Language.JA: "この方を特定できませんでした。通知書の番号と生年月日を確認してください。",
        Language.EN: "This person could not be identified; check the notice number and birthdate.",
    },
    "lottery_overlaps": {
        Language.JA: "この期間の一部は抽選 {lotteryId} の対象です。期間を変えてください。",
        Language.EN: "Part of this period belongs to lottery {lotteryId}; choose another period.",
    },
    "has_appointment": {
        Language.JA: "この方はこの窓口の予約をすでにお持ちです。",
        Language.EN: "This person already has an appointment at this counter.",
    },
    "counters_differ": {
        Language.JA: "交付窓口が異なる方は一緒に予約できません。別々に予約してください。",
        Language.EN: "People assigned to different counters cannot book together; book separately.",
    },
    "counter_fixed": {
        Language.JA: "この予約の交付窓口は {counter} に決まっています。",
        Language.EN: "This booking must use counter {counter}.",
    },
    "csv_empty": {
        Language.JA: "CSVが空です。",
        Language.EN: "The CSV is empty.",
    },
    "csv_header": {
        Language.JA: "1行目は noticeNumber,noticeNumber2,birthdate,counter の見出しにしてください。",
        Language.EN: "Line 1 must be the header noticeNumber,noticeNumber2,birthdate,counter.",
    },
    "csv_row": {
        Language.JA: "この行の番号1・番号2（英数字18桁）・生年月日（YYYY-MM-DD）・窓口を確認してください。",
        Language.EN: "Check this line: number 1, number 2 (18 characters), birthdate (YYYY-MM-DD), counter.",
    },
    "ranks": {
        Language.JA: "希望順位は1から順に、重複なく付けてください。",
        Language.EN: "Number the preferences 1, 2, 3… without gaps or repeats.",
    },
    "outside_stay_period": {
        Language.JA: "抽選の対象期間（{stayFrom}〜{stayTo}）内の日付にしてください。",
        Language.EN: "Choose dates within the lottery's stay period ({stayFrom} to {stayTo}).",
    },
    "too_many_preferences": {
        Language.JA: "この抽選で申し込める希望は{max}件までです。",
        Language.EN: "This lottery takes at most {max} preferences.",
    },
    "stay_after_draw": {
        Language.JA: "宿泊期間は抽選日の翌日以降にしてください。",
        Language.EN: "The stay period must begin after the draw day.",
    },
    "lottery_not_offered": {
        Language.JA: "この施設では抽選を行いません（施設の設定で抽選が有効な施設のみ）。",
        Language.EN: "This facility runs no lotteries (only facilities with lotteries enabled).",
    },
    "period_for_timeslot": {
        Language.JA: "period（抽選する月）は時間帯で予約する施設の抽選に使います。宿泊施設は stayFrom・stayTo を指定してください。",
        Language.EN: "period is for time-slot facilities; lodging lotteries take stayFrom and stayTo.",
    },
    "period_required": {
        Language.JA: "時間帯で予約する施設の抽選は、抽選する月を period（YYYY-MM）で指定してください。",
        Language.EN: "A time-slot lottery needs period, the month drawn (YYYY-MM).",
    },
    "cap_for_timeslot": {
        Language.JA: "当選数の上限は時間帯の抽選だけに設定できます（宿泊の抽選は1申込み1当選です）。",
        Language.EN: "The cap is for time-slot lotteries; a lodging entry wins at most one stay.",
    },
    "period_is_the_stay": {
        Language.JA: "period を指定した場合、利用期間はその月の初日から末日です。",
        Language.EN: "With period, the stay runs from the first to the last day of that month.",
    },
    "confirm_before_stay": {
        Language.JA: "当選確定の期限は、利用期間の初日より前になるようにしてください。",
        Language.EN: "The confirmation deadline must come before the first day of the period.",
    },
    "stay_preference_expected": {
        Language.JA: "この抽選は宿泊の抽選です。希望は宿泊日・泊数・人数で入力してください。",
        Language.EN: "This is a lodging lottery: give a stay (date, nights, party).",
    },
    "slot_preference_expected": {
        Language.JA: "この抽選は時間帯の抽選です。希望は利用日・開始時刻・コマ数で入力してください。",
        Language.EN: "This is a time-slot lottery: give a date, a start time and slots.",
    },
    "over_the_cap": {
        Language.JA: "1件の希望が当選数の上限（{cap}コマ）を超えています。コマ数か面数を減らしてください。",
        Language.EN: "This preference exceeds the cap of {cap} slots; ask for fewer slots or units.",
    },
    "slot_not_drawn": {
        Language.JA: "{date} のこの時間帯は抽選の対象ではないか、連続して利用できません。",
        Language.EN: "These slots on {date} are not in the lottery, or do not follow one another.",
    },
    "base64": {
        Language.JA: "Base64で符号化して指定してください。",
        Language.EN: "Must be Base64-encoded.",
    },
    "certificate_unreadable": {
        Language.JA: "X.509証明書（DER形式）として読み取れません。",
        Language.EN: "Is not an X.509 certificate in DER form.",
    },
    "cms_unreadable": {
        Language.JA: "署名者が1人のCMS署名（SignedData、DER形式）として読み取れません。",
        Language.EN: "Is not a CMS SignedData (DER) with one signer.",
    },
    "identity_unknown": {
        Language.JA: "マイナンバーカードの読み取り結果が見つかりません。もう一度、マイナンバーカードで署名確認を行ってください。",
        Language.EN: "No My Number card check was found; sign with the card again.",
    },
    "renewal_card_name": {
        Language.JA: "マイナンバーカードの氏名が登録されている氏名と一致しません。ご本人（団体の場合は代表者）のカードで手続きしてください。",
        Language.EN: "The name on the My Number card is not the registered name; use the "
        "card of the registered person (for a group, its representative).",
    },
    "renewal_card_birthdate": {
        Language.JA: "マイナンバーカードの生年月日が登録されている生年月日と一致しません。",
        Language.EN: "The birthdate on the My Number card is not the registered birthdate.",
    },
    "roster_refused": {
        Language.JA: "名簿の画像を受け付けできませんでした：{reason}",
        Language.EN: "The roster image was refused: {reason}",
    },
    "roster_unknown": {
        Language.JA: "名簿の画像が見つからないか、確認中です。少し待ってから申請するか、もう一度アップロードしてください。",
        Language.EN: "The roster image was not found or is still being checked; wait a moment or upload it again.",
    },
    "identity_used": {
        Language.JA: "このマイナンバーカードの読み取り結果は使用済みです。もう一度、署名確認を行ってください。",
        Language.EN: "This My Number card check was already used; sign with the card again.",
    },
    "identity_expired": {
        Language.JA: "マイナンバーカードの読み取りから時間が経ちすぎました。もう一度、署名確認を行ってください。",
        Language.EN: "The My Number card check has expired; sign with the card again.",
    },
    "card_name_mismatch": {
        Language.JA: "マイナンバーカードの氏名と一致しません。",
        Language.EN: "Does not match the name on the My Number card.",
    },
    "card_birthdate_mismatch": {
        Language.JA: "マイナンバーカードの生年月日と一致しません。",
        Language.EN: "Does not match the birthdate on the My Number card.",
    },
    "card_address_mismatch": {
        Language.JA: "マイナンバーカードの住所と一致しません（都道府県から入力してください）。",
        Language.EN: "Does not match the address on the My Number card (from the prefecture down).",
    },
    "room_style_first_preference_only": {
        Language.JA: "和洋室の希望は第1希望にだけ指定できます。",
        Language.EN: "A room-style wish can be given on the first preference only.",
    },
    "not_a_slot_start": {
        Language.JA: "開始時刻は時間帯の開始時刻から選んでください（{starts}）。",
        Language.EN: "Choose the start of a slot ({starts}).",
    },
    "party_required": {
        Language.JA: "利用人数（大人・子供の人数）を入力してください。",
        Language.EN: "Give the party (adults and children).",
    },
    "recipients_per_person": {
        Language.JA: "受取人情報は予約の人数（{people}名）分を入力してください。",
        Language.EN: "Give the recipient details for each of the {people} people, or none.",
    },
    "reception_hours_empty": {
        Language.JA: "受付開始と受付終了を同じ時刻にはできません（常時受け付ける場合は null を送ってください）。",
        Language.EN: "opens and closes cannot be the same time (send null to take bookings at any hour).",
    },
    "too_many_suspensions": {
        Language.JA: "予定できる一時休止は{max}件までです。",
        Language.EN: "At most {max} suspensions can be planned.",
    },
    "not_cancellable": {
        Language.JA: "予約番号 {number} は取り消せません：{why}",
        Language.EN: "Reservation {number} cannot be cancelled: {why}",
    },
    "too_many_at_once": {
        Language.JA: "一度に取り消すには予約の数が多すぎます（泊数・数量の合計）。分けて取り消してください。",
        Language.EN: "Too many reservations (nights and units in all) to cancel at once; cancel them in parts.",
    },
    "capacity_below_booked": {
        Language.JA: "{date} はすでに{booked}件の予約・仮押さえがあるため、{booked}未満にはできません。",
        Language.EN: "{date} already has {booked} bookings or holds; capacity cannot go below that.",
    },
}

# What the card signs for each purpose (bound into the challenge's signed data).
CONSENT_TEXTS: dict[str, dict[Language, str]] = {
    "registration": {
        Language.JA: "施設予約システムの利用者登録のため、マイナンバーカードの基本4情報（氏名・住所・生年月日・性別）を提供し、利用規約に同意します。",
        Language.EN: "To register as a user of the facility reservation service, I provide the four basic facts of my My Number card (name, address, birthdate, gender) and agree to the terms of use.",
    },
    "renewal": {
        Language.JA: "施設予約システムの利用者登録の更新のため、マイナンバーカードの基本4情報（氏名・住所・生年月日・性別）を提供し、利用規約に同意します。",
        Language.EN: "To renew my registration with the facility reservation service, I provide the four basic facts of my My Number card (name, address, birthdate, gender) and agree to the terms of use.",
    },
}

_FALLBACK_FIELD = {
    Language.JA: "入力内容が正しくありません。",
    Language.EN: "Invalid value.",
}


# ---------------------------------------------------------------- names ({what})

FACILITY = Bilingual("施設", "facility")
RESERVATION = Bilingual("予約", "reservation")
APPLICATION = Bilingual("申請", "application")
LOTTERY = Bilingual("抽選", "lottery")
LOTTERY_ENTRY = Bilingual("抽選の申込み", "lottery entry")
PAGE = Bilingual("ページ", "page")
SAVED_FORM = Bilingual("一時保存した内容", "saved form")
CHALLENGE = Bilingual("本人確認の要求", "challenge")
POSTAL_CODE = Bilingual("郵便番号", "postal code")
SUSPENSION = Bilingual("一時休止の予定", "suspension")

# ---------------------------------------------------------------- reasons ({reason})

PLEASE_RETRY = Bilingual("もう一度お試しください。", "Please retry.")
# Accounts and sign-in.
REGISTRATION_CANCELLED = Bilingual(
    "この利用者登録は取り消されています。詳しくは登録取消のお知らせメールをご確認ください。",
    "This registration was cancelled; see the e-mail that told you why.",
)
EMAIL_ALREADY_REGISTERED = Bilingual(
    "このメールアドレスはすでに登録されています。お持ちの利用者番号でログインしてください。",
    "This e-mail address already has an account; sign in with your user number.",
)
# Reviews and proof documents.
APPLICATION_ALREADY_DECIDED = Bilingual(
    "この申請はすでに判定済みか、審査待ちではありません。",
    "This application has already been decided or is not awaiting review.",
)
NO_APPLICATION_UNDER_REVIEW = Bilingual(
    "審査中または差戻し中の申請がありません。", "You have no application under review."
)
APPLICATION_NOT_RETURNED = Bilingual(
    "この申請は差戻し中ではありません。", "This application is not returned."
)
UPLOAD_PROOF_AGAIN_FIRST = Bilingual(
    "在勤証明書類を先にアップロードし直してください。",
    "Upload your proof of employment again first.",
)
PROOF_FOR_WORKERS_ONLY = Bilingual(
    "在勤証明書類は区内在勤の方だけが提出します。",
    "Only workers submit a proof of employment.",
)
# Why an uploaded proof document was refused (told by e-mail; staff see the English).
PROOF_MISSING = Bilingual("ファイルが見つかりません。", "the file is missing.")
PROOF_TOO_LARGE = Bilingual(
    "ファイルが大きすぎます（{size:,}バイト、上限{max_bytes:,}バイト）。",
    "the file is too large ({size:,} bytes; at most {max_bytes:,}).",
)
PROOF_NOT_AS_DECLARED = Bilingual(
    "ファイルの中身が申告された画像形式と一致しません（拡張子や種類の偽装）。",
    "the content is not the {declared} it claims to be.",
)
PROOF_NOT_AN_IMAGE = Bilingual(
    "JPEGまたはPNGの画像ではありません。", "the file is not a JPEG or PNG image."
)
# Bookings.
BOOKING_REGISTRATION_CANCELLED = Bilingual(
    "利用者登録が取り消されているため予約できません。",
    "Your registration was cancelled, so you cannot book.",
)
BOOKING_VERIFICATION_EXPIRED = Bilingual(
    "在勤確認の有効期限が切れています。登録を更新してから予約してください。",
    "Your verification has expired; renew your registration to book again.",
)
BOOKING_OPENS_ON = Bilingual(
    "{day} の予約は {opens} から受け付けます。", "Booking for {day} opens on {opens}."
)
BOOKING_CLOSED_ON = Bilingual(
    "{day} の予約受付は {closes} で終了しました。", "Booking for {day} closed on {closes}."
)
BOOKING_CLOSED_ON_PROVISIONAL = Bilingual(
    "{day} の予約受付は {closes} で終了しました"
    "（仮登録の方は{provisional}日前まで、本登録後は{verified}日前まで予約できます）。",
    "Booking for {day} closed on {closes} "
    "(provisional accounts: {provisional} days before; verified: {verified}).",
)
DEADLINE_PASSED = Bilingual(
    "{last} で受付を終了しました（利用日の{days}日前まで）。",
    "This closed on {last} ({days} days before the date).",
)
RESERVATION_CANCELLED = Bilingual(
    "この予約は取り消されています。", "This reservation was cancelled."
)
APPOINTMENT_CANCELLED = Bilingual(
    "この予約は取り消されています。", "This appointment was cancelled."
)
RESERVATION_CHANGED_MEANWHILE = Bilingual(
    "予約が同時に変更されました。内容を確認してからもう一度お試しください。",
    "The reservation changed meanwhile; check it and retry.",
)
IDEMPOTENCY_KEY_REUSED = Bilingual(
    "同じIdempotency-Keyで別の内容が送られました。新しいキーを使ってください。",
    "This Idempotency-Key was used for a different request; use a new key.",
)
IDEMPOTENCY_IN_PROGRESS = Bilingual(
    "同じ申込みを処理中です。少し待ってからもう一度お試しください。",
    "The same request is still being processed; retry in a moment.",
)
RESERVATIONS_CHANGED_NONE_CANCELLED = Bilingual(
    "予約が同時に変更されたため、どれも取り消していません。内容を確認してからもう一度お試しください。",
    "A reservation changed meanwhile, so none was cancelled; check them and retry.",
)
# Inventory (staff).
CAPACITY_BELOW_LIVE = Bilingual(
    "{day}{slot} には予約・仮押さえが{live}件あるため、"
    "受入数を{target}にできません。先に予約を調整してください。",
    "{day}{slot} has {live} bookings or holds, so its capacity "
    "cannot become {target}. Move those bookings first.",
)
INVENTORY_KEEPS_CHANGING = Bilingual(
    "予約の受付が続いているため変更できませんでした。少し待ってからもう一度お試しください。",
    "Bookings kept arriving while the change was made. Wait a moment and retry.",
)
# Lotteries.
LOTTERY_VERIFIED_ONLY = Bilingual(
    "抽選に申し込めるのは本登録（在住・在勤の確認済み）の方です。",
    "Only fully verified accounts can enter lotteries.",
)
LOTTERY_RESIDENTS_ONLY = Bilingual(
    "この抽選は区内在住の方だけが申し込めます。", "Only residents can enter this lottery."
)
LOTTERY_OPENS_AT = Bilingual("申込みは {at} から受け付けます。", "Entries open at {at}.")
LOTTERY_CLOSED_AT = Bilingual("申込みは {at} で締め切りました。", "Entries closed at {at}.")
LOTTERY_CLOSED_NOW = Bilingual("申込みは締め切られました。", "Entries have just closed.")
LOTTERY_NIGHTS_TAKEN = Bilingual(
    "この施設のこの期間は抽選 {other} がすでに対象にしています。",
    "Lottery {other} already draws nights of this facility in this period.",
)
LOTTERY_STILL_OPEN = Bilingual(
    "申込受付中です（{until} まで）。今すぐ抽選するには理由を添えて force を指定してください。",
    "Entries are open until {until}; to draw now anyway, send force with a reason.",
)
HOLD_ALREADY_CONFIRMED = Bilingual(
    "この仮押さえは予約 {number} として確定済みです。",
    "This hold was already confirmed as reservation {number}.",
)
PARTY_HAS_APPOINTMENT = Bilingual(
    "すでに予約済みの方がいます。予約を確認するか、取り消してからお申し込みください。",
    "Someone in the party already has an appointment here; look it up or cancel it first.",
)
RETURNED_RENEWAL_APPLY_AGAIN = Bilingual(
    "差し戻された更新の申請は、もう一度申請してください。",
    "A returned renewal cannot be resubmitted; apply for the renewal again.",
)


class _Blank(dict[str, object]):
    """Leaves `{name}` visible instead of failing when a template lacks a value."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: TemplateParams, lang: Language) -> str:
    values: dict[str, object] = {
        k: v.in_(lang) if isinstance(v, Bilingual) else v for k, v in params.items()
    }
    return Formatter().vformat(template, (), _Blank(values))


def problem_text(code: ErrorCode, lang: Language, params: TemplateParams) -> tuple[str, str]:
    """Title and detail of a problem in `lang`."""
    title, detail = PROBLEMS[code][lang]
    return _fill(title, params, lang), _fill(detail, params, lang)


def refusal(code: ErrorCode, params: TemplateParams) -> Bilingual:
    """A problem's title and detail in both languages, to name it beside one item of
    several (each refused reservation of a cancellation of several)."""
    ja, en = (" ".join(problem_text(code, lang, params)) for lang in Language)
    return Bilingual(ja, en)


def field_message(kind: str, lang: Language, params: TemplateParams) -> str:
    """The message for one field error; unknown kinds get a generic sentence."""
    templates = FIELD_MESSAGES.get(kind)
    if templates is None:
        return _FALLBACK_FIELD[lang]
    return _fill(templates[lang], params, lang)


# ---------------------------------------------------------------- groups

# Why a facility refuses an account (NOT_FOR_THIS_ACCOUNT_TYPE, ROSTER_REQUIRED).
FACILITY_FOR_GROUPS_ONLY = Bilingual(
    "{facility}は団体登録の方だけが予約・抽選申込みできます。個人の登録ではご利用いただけません。",
    "{facility} can only be booked, or its lotteries entered, by group accounts; "
    "individual accounts cannot use it.",
)
FACILITY_FOR_INDIVIDUALS_ONLY = Bilingual(
    "{facility}は個人登録の方だけが予約・抽選申込みできます。団体の登録ではご利用いただけません。",
    "{facility} can only be booked, or its lotteries entered, by individual accounts; "
    "group accounts cannot use it.",
)
ROSTER_NEEDED_FOR = Bilingual(
    "{facility}（{resource}）を団体で利用するには、審査で確認された団体名簿が必要です。"
    "マイページから団体名簿の画像を提出し、審査を受けてください。",
    "Groups need a roster accepted at review to use {resource} at {facility}. "
    "Submit the roster image from My page for review.",
)
ROSTER_FOR_GROUPS_ONLY = Bilingual(
    "団体名簿は団体登録の方だけが提出します。", "Only group accounts submit a roster."
)
UPLOAD_ROSTER_AGAIN_FIRST = Bilingual(
    "団体名簿の画像を先にアップロードし直してください。", "Upload the group roster again first."
)
# ---------------------------------------------------------------- renewal (seed 000)

RENEWAL_REASONS: dict[str, Bilingual] = {
    "not_verified": Bilingual(
        "本登録が完了している利用者登録のみ更新できます。",
        "Only a completed (verified) registration can be renewed.",
    ),
    "no_expiry": Bilingual(
        "この利用者登録には有効期限がないため、更新の必要はありません。",
        "This registration does not expire, so it needs no renewal.",
    ),
    "not_yet": Bilingual(
        "更新の手続きは{opens}から行えます（有効期限：{until}）。",
        "Renewal opens on {opens} (the registration is valid until {until}).",
    ),
    "too_late": Bilingual(
        "有効期限（{until}）から時間が経っているため、オンラインでは更新できません。"
        "施設窓口で利用者登録の手続きをお願いします。",
        "The registration ended on {until}, too long ago to renew online; register again "
        "at a facility counter.",
    ),
    "already_applied": Bilingual(
        "更新の申請（申請番号：{number}）を審査中です。結果をお待ちください。",
        "Your renewal (application number {number}) is under review; please wait for it.",
    ),
    "not_available_online": Bilingual(
        "{facilities}をご利用の方の利用者登録の更新は、オンラインではお手続きできません。"
        "引き続き、施設窓口での手続きをお願いします（{places}）。",
        "Users of {facilities} cannot renew their registration online; please renew at "
        "the facility counter ({places}).",
    ),
}


RENEWAL_ROSTER_NEEDED = Bilingual(
    "市民体育館（テニスコートを除く）・平方野球場・平方スポーツ広場などをご利用の団体の更新には、"
    "団体名簿の画像が必要です。名簿の画像をアップロードしてから申請してください。",
    "Groups that use the gym (except the tennis courts), the baseball ground or the sports "
    "plazas need their roster image to renew: upload it, then apply.",
)


def renewal_reason(code: str, lang: Language, **params: TemplateValue) -> str:
    text = RENEWAL_REASONS[code]
    return _fill(text.in_(lang), params, lang)


# Wins that must be confirmed (当選確定).
CONFIRMATION_DEADLINE_PASSED = Bilingual(
    "当選確定の期限（{deadline}）を過ぎたため、この当選は取り消されました。"
    "空いている枠は空き状況から先着順で予約できます。",
    "The deadline to confirm this win ({deadline}, Japan time) has passed, so it was "
    "released. Free slots can be booked first-come from the availability calendar.",
)
NOTHING_TO_CONFIRM = Bilingual(
    "この予約は取り消されているため、確定できません。",
    "This reservation was cancelled, so it cannot be confirmed.",
)

# ---------------------------------------------------------------- LINE

# The detail of LINE_TOKEN_INVALID: what went wrong with the LIFF ID token, in words
# that tell a citizen what to do (the exact check failed is only logged).
LINE_TOKEN_EXPIRED = Bilingual(
    "LINEのログインの有効期限が切れています。LINEアプリからもう一度開いてください。",
    "The LINE sign-in has expired; open the page from the LINE app again.",
)
LINE_TOKEN_USED = Bilingual(
    "このLINEのログイン情報は使用済みです。LINEアプリからもう一度開いてください。",
    "This LINE sign-in was already used; open the page from the LINE app again.",
)
LINE_TOKEN_REFUSED = Bilingual(
    "LINEのログイン情報が正しくありません。LINEアプリからもう一度開いてください。",
    "The LINE sign-in is not valid; open the page from the LINE app again.",
)
LINE_LINKED_TO_ANOTHER_ACCOUNT = Bilingual(
    "このLINEアカウントは別の利用者番号と連携されています。"
    "その利用者番号でログインして連携を解除してから、もう一度お試しください。",
    "This LINE account is linked to another user number. Sign in with that number and "
    "unlink it first.",
)
ACCOUNT_LINKED_TO_ANOTHER_LINE = Bilingual(
    "この利用者番号は別のLINEアカウントと連携されています。先に連携を解除してください。",
    "This account is linked to another LINE account; unlink that one first.",
)
ACCOUNT_CANCELLED = Bilingual(
    "この利用者登録は取り消されています。詳しくは登録取消のお知らせメールをご確認ください。",
    "This registration was cancelled; see the e-mail that told you why.",
)

# LINE messages to citizens. The application statuses follow seed 000's wording
# (受付 → 受理 → 完了, or 差し戻し with the reason in a message of its own).
# Keys: `status.{status}`, optionally `status.{status}.{type}` for one application type.
LINE_TEXTS: dict[str, dict[Language, str]] = {
    "status.received": {
        Language.JA: "申請を受け付けました。",
        Language.EN: "We have received your application.",
    },
    "status.accepted": {
        Language.JA: "申請を受理いたしました。",
        Language.EN: "Your application has been accepted for review.",
    },
    "status.completed": {
        Language.JA: "処理が完了しました。",
        Language.EN: "Your application has been processed.",
    },
    "status.returned": {
        Language.JA: "内容に不備等があるため、申請が差し戻しされました。",
        Language.EN: "Your application was returned because something needs fixing.",
    },
    "status.rejected": {
        Language.JA: "申請が却下されました。",
        Language.EN: "Your application was rejected.",
    },
    "status.rejected.registration": {
        Language.JA: "申請が却下され、利用者登録を取り消しました。今後の予約も取り消されます。",
        Language.EN: "Your application was rejected: your registration and your future "
        "reservations are cancelled.",
    },
    "application": {
        Language.JA: "詳細は申請履歴からご確認いただけます。\n申請番号：{number}\n申請種別：{type}",
        Language.EN: "See the details in your application history.\n"
        "Application number: {number}\nApplication type: {type}",
    },
    "history_link": {
        Language.JA: "<申請履歴>\n申請履歴は下記ページをご覧ください。\n{url}",
        Language.EN: "<Application history>\nSee this page for your application history.\n{url}",
    },
    "type.registration": {
        Language.JA: "施設予約サービス利用者登録",
        Language.EN: "User registration for facility reservations",
    },
    "type.renewal": {
        Language.JA: "施設予約サービス利用者登録の更新",
        Language.EN: "Renewal of the user registration for facility reservations",
    },
    "lottery.won": {
        Language.JA: "【抽選結果】当選のお知らせ\n{facility}の抽選で第{rank}希望が当選しました。\n"
        "予約番号：{reservationNumber}",
        Language.EN: "Lottery result: you won\nYou won your preference no. {rank} at {facility}.\n"
        "Reservation number: {reservationNumber}",
    },
    "lottery.lost": {
        Language.JA: "【抽選結果】{facility}\n残念ながら、すべての希望が落選となりました。"
        "当選者のいなかった空き室は、空き室照会から予約できます。",
        Language.EN: "Lottery result: {facility}\nWe are sorry: none of your preferences was "
        "drawn. Rooms nobody won are now open for direct booking.",
    },
    "lottery.won_list": {
        Language.JA: "【抽選結果】当選のお知らせ\n{facility}の抽選で次の予約が当選しました。\n{wins}",
        Language.EN: "Lottery result: you won\nYou won at {facility}:\n{wins}",
    },
    "lottery.confirm": {
        Language.JA: "{deadline}までに、抽選結果の画面で当選を確定してください。"
        "期限までに確定されなかった当選は取り消されます。",
        Language.EN: "Confirm your wins on the lottery results page by {deadline} (Japan "
        "time); wins not confirmed by then are released.",
    },
    "lottery.remind": {
        Language.JA: "【当選確定のお願い】\n{facility}の次の当選がまだ確定されていません。\n{wins}\n"
        "{deadline}までに確定してください。",
        Language.EN: "Please confirm your lottery win\nThese wins at {facility} are not "
        "confirmed yet:\n{wins}\nConfirm them by {deadline} (Japan time).",
    },
    "lottery.lost_slots": {
        Language.JA: "【抽選結果】{facility}\n残念ながら、すべての希望が落選となりました。"
        "当選者のいなかった枠は、空き状況から先着順で予約できます。",
        Language.EN: "Lottery result: {facility}\nWe are sorry: none of your preferences was "
        "drawn. Slots nobody won are now open for first-come booking.",
    },
    "results_link": {
        Language.JA: "<抽選結果・当選確定>\n{url}",
        Language.EN: "<Lottery results and confirmation>\n{url}",
    },
    "reservations_link": {
        Language.JA: "<予約の確認>\n{url}",
        Language.EN: "<Your reservations>\n{url}",
    },
}


def line_text(key: str, lang: Language, **params: TemplateValue) -> str:
    """One LINE message text in `lang`, its `{name}`s filled from `params`."""
    return _fill(LINE_TEXTS[key][lang], params, lang)


# ---------------------------------------------------------------- staff console

# The decisions in the words of seed 000 (完了 / 差し戻し / 却下).
DECISION_NAMES = {
    "approve": Bilingual("完了（承認）", "approved"),
    "return": Bilingual("差し戻し", "returned"),
    "reject": Bilingual("却下", "rejected"),
}
APPLICATION_DECIDED_BEFORE = Bilingual(
    "この申請はすでに判定済みか、審査待ちではありません。",
    "This application has already been decided or is not awaiting review.",
)


def decided_by_another(name: str, staff_id: str, at: str, decision: str) -> Bilingual:
    """The loser of two decisions made at once learns who decided, how and when."""
    word = DECISION_NAMES.get(decision, Bilingual(decision, decision))
    return Bilingual(
        f"この申請は {at} に {name}（{staff_id}）が「{word.ja}」と判定済みです。"
        "画面を読み込み直して内容を確認してください。",
        f"{name} ({staff_id}) already decided this application at {at}: {word.en}. "
        "Reload to see it.",
    )


NOTICE = Bilingual("お知らせ", "notice")
NOTICE_WITHDRAWN_ALREADY = Bilingual(
    "このお知らせはすでに取り下げられています。", "This notice was withdrawn already."
)

RESERVATION_CANCELLED_ALREADY = Bilingual(
    "この予約はすでに取り消されています。", "This reservation is cancelled already."
)
APPOINTMENT = Bilingual("窓口予約", "appointment")
APPOINTMENT_CANCELLED_ALREADY = Bilingual(
    "この窓口予約はすでに取り消されています。", "This appointment is cancelled already."
)
APPOINTMENT_PAST = Bilingual(
    "来庁日を過ぎた窓口予約は取り消せません。",
    "An appointment whose day has passed cannot be cancelled.",
)
RESERVATION_PAST = Bilingual(
    "利用日を過ぎた予約は取り消せません。",
    "A reservation whose day has passed cannot be cancelled.",
)

# Reception hours and suspensions (staff).
RECEPTION_CHANGED_MEANWHILE = Bilingual(
    "他の職員が同時に変更しました。もう一度お試しください。",
    "Another staff member changed this at the same time; retry.",
)

# The header of the registration cards' address labels (labels.csv), by field.
REGISTRATION_CARD_COLUMNS = {
    "userNumber": "利用者番号",
    "nameKanji": "氏名",
    "nameKana": "氏名カナ",
    "postalCode": "郵便番号",
    "prefecture": "都道府県",
    "city": "市区郡",
    "street": "町村番地建物名",
    "residency": "在住・在勤",
    "verifiedAt": "本登録日時",
}


CLOSURE_IN_THE_WAY = {
    "reservation": Bilingual("予約", "reservation"),
    "appointment": Bilingual("窓口予約", "appointment"),
    "hold": Bilingual("仮押さえ中", "being booked"),
    "lottery": Bilingual("抽選用に確保", "kept for a lottery"),
}


def closure_blocked(rows: list[tuple[str, str, str | None, str | None]]) -> Bilingual:
    """Closing days refused: what is on them, as `(date, kind, number, guest)` rows
    (the first ten, then a count)."""

    def named(lang: str) -> str:
        shown = []
        for day, kind, number, guest in rows[:10]:
            word = CLOSURE_IN_THE_WAY[kind]
            parts = [day, word.ja if lang == "ja" else word.en, number, guest]
            shown.append(" ".join(p for p in parts if p))
        more = len(rows) - 10
        if lang == "ja":
            return "、".join(shown) + (f" ほか{more}件" if more > 0 else "")
        return "; ".join(shown) + (f" and {more} more" if more > 0 else "")

    return Bilingual(
        f"休館日にしようとした日に予約・仮押さえが{len(rows)}件あるため、休館日を設定できません"
        f"（{named('ja')}）。先に予約を取り消すか、その日を休館日から外してください。",
        f"The new closing days have {len(rows)} bookings or holds ({named('en')}), so they "
        "cannot be saved. Cancel those bookings first, or leave those days open.",
    )


# Staff looking a citizen up.
CITIZEN = Bilingual("利用者", "citizen")
CITIZEN_NOT_LOCKED = Bilingual(
    "この利用者のログインは制限されていません。",
    "This citizen's sign-in is not locked.",
)
