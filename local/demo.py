"""Demo data from the seeds, loaded through the real staff API so it obeys every rule.

Minato's resort facilities (seed 003) as lodging, Ageo's sports facilities (seed 000)
and a My Number card counter (seed 002) as time-slot facilities, inventory for the next
three months, two notices and a demo staff account per role.
"""

from __future__ import annotations

import json
from typing import Any

from local.gateway import Gateway
from yoyaku import runtime
from yoyaku.adapters import passwords, staff_store
from yoyaku.domain.calendar import add_months
from yoyaku.domain.staff import Role

DEMO_STAFF_ID = "demo-staff"
DEMO_STAFF_PASSWORD = "demo-staff-password"
# One account per role (docs/api.md, "Staff roles"): id, name, password, role.
DEMO_STAFF = [
    (DEMO_STAFF_ID, "デモ管理者", DEMO_STAFF_PASSWORD, Role.ADMINISTRATOR),
    ("demo-reviewer", "デモ審査担当", "demo-reviewer-password", Role.REVIEWER),
    ("demo-manager", "デモ施設管理", "demo-manager-password", Role.FACILITY_MANAGER),
]

MINATO_RULES = {
    "opensBefore": "P1M",
    "closesDaysBefore": {"provisional": 14, "verified": 5},
    "maxNights": 2,
    "maxUnitsPerBooking": 3,
    "changeDeadlineDays": 5,
    "cancelDeadlineDays": 3,
}
SPORTS_RULES = {
    "opensBefore": "P1M",
    "closesDaysBefore": {"provisional": 14, "verified": 5},
    "maxUnitsPerBooking": 2,
    "changeDeadlineDays": 3,
    "cancelDeadlineDays": 1,
    "yearEndClosure": {"from": "12-29", "to": "01-03"},
}
# The counter opens on weekdays only: closed at weekends, on public holidays and over
# the new year (12/29–1/3), as municipal offices are.
COUNTER_RULES = {
    "opensBefore": "P1M",
    "closesDaysBefore": {"provisional": 1, "verified": 1},
    "maxUnitsPerBooking": 4,
    "changeDeadlineDays": 1,
    "cancelDeadlineDays": 1,
    "closedWeekdays": ["saturday", "sunday"],
    "closedOnHolidays": True,
    "yearEndClosure": {"from": "12-29", "to": "01-03"},
}
MINATO_LOTTERY = {"enabled": True, "residentsOnly": True}
# Ageo allots its courts and grounds by a monthly lottery open to every registered user.
AGEO_LOTTERY = {"enabled": True, "residentsOnly": False}

FACILITIES: dict[str, dict[str, Any]] = {
    "minato-ohiradai": {
        "name": "大平台みなと荘",
        "kind": "lodging",
        "municipality": "港区",
        "description": "箱根・大平台の区民保養施設。和洋室希望を承ります（利用可否は当日チェックイン時にご案内）。",
        "address": "神奈川県足柄下郡箱根町大平台",
        "resourceTypes": [{"resourceTypeId": "room", "name": "客室", "capacityPersons": 5}],
        "audience": "individuals",
        "rules": MINATO_RULES,
        "lottery": MINATO_LOTTERY,
        "options": {"roomStyleWish": True},
    },
    "minato-atagawa": {
        "name": "熱川プリンスホテル",
        "kind": "lodging",
        "municipality": "港区",
        "description": "伊豆・熱川温泉の区民保養施設（契約施設）。",
        "address": "静岡県賀茂郡東伊豆町奈良本",
        "resourceTypes": [{"resourceTypeId": "washitsu", "name": "和室", "capacityPersons": 5}],
        "audience": "individuals",
        "rules": MINATO_RULES,
        "lottery": MINATO_LOTTERY,
    },
    "minato-izusan": {
        "name": "ラビスタ伊豆山",
        "kind": "lodging",
        "municipality": "港区",
        "description": "熱海・伊豆山の区民保養施設（冬季施設）。",
        "address": "静岡県熱海市伊豆山",
        "resourceTypes": [{"resourceTypeId": "wayoshitsu", "name": "和洋室", "capacityPersons": 4}],
        "audience": "individuals",
        "rules": MINATO_RULES,
        "lottery": MINATO_LOTTERY,
    },
    "ageo-gym": {
        "name": "上尾市民体育館",
        "kind": "timeslot",
        "municipality": "上尾市",
        "description": "メインアリーナは2面、サブアリーナは1面単位で予約できます。"
        "アリーナを団体で利用するには団体名簿が必要です（テニスコートを除く）。"
        "月曜休館、年末年始（12月29日〜1月3日）休館。",
        "address": "埼玉県上尾市",
        "resourceTypes": [
            {
                "resourceTypeId": "main-arena",
                "name": "メインアリーナ（1面）",
                "rosterRequired": True,
            },
            {"resourceTypeId": "sub-arena", "name": "サブアリーナ", "rosterRequired": True},
            {"resourceTypeId": "tennis", "name": "体育館テニスコート（1面）"},
        ],
        "rules": {**SPORTS_RULES, "closedWeekdays": ["monday"]},
        "lottery": AGEO_LOTTERY,
    },
    "ageo-tennis": {
        "name": "上尾運動公園テニスコート",
        "kind": "timeslot",
        "municipality": "上尾市",
        "description": "砂入り人工芝コート4面。2時間単位。",
        "address": "埼玉県上尾市",
        "resourceTypes": [{"resourceTypeId": "court", "name": "テニスコート（1面）"}],
        "rules": SPORTS_RULES,
        "lottery": AGEO_LOTTERY,
    },
    "ageo-hiraikata-baseball": {
        "name": "平方野球場",
        "kind": "timeslot",
        "municipality": "上尾市",
        "description": "硬式・軟式野球場。午前・午後の半日単位。団体登録の方専用（団体名簿が必要です）。",
        "address": "埼玉県上尾市平方",
        "resourceTypes": [
            {"resourceTypeId": "field", "name": "野球場（全面）", "rosterRequired": True}
        ],
        "audience": "groups",
        "rules": SPORTS_RULES,
        "lottery": AGEO_LOTTERY,
    },
    "ageo-hiraikata-sports-plaza": {
        "name": "平方スポーツ広場",
        "kind": "timeslot",
        "municipality": "上尾市",
        "description": "サッカー・グラウンドゴルフ等に使える多目的広場（2面）。午前・午後の半日単位。"
        "団体登録の方専用（団体名簿が必要です）。",
        "address": "埼玉県上尾市平方",
        "resourceTypes": [
            {"resourceTypeId": "ground", "name": "広場（1面）", "rosterRequired": True}
        ],
        "audience": "groups",
        "rules": SPORTS_RULES,
        "lottery": AGEO_LOTTERY,
    },
    "ageo-kamihira-hall": {
        "name": "上平公民館",
        "kind": "timeslot",
        "municipality": "上尾市",
        "description": "集会室・和室。利用者登録の更新は公民館の窓口で受け付けます（LINEでは更新できません）。",
        "address": "埼玉県上尾市上平中央1-1-1 上平公民館 窓口",
        "resourceTypes": [{"resourceTypeId": "meeting-room", "name": "集会室"}],
        "rules": {**SPORTS_RULES, "closedWeekdays": ["monday"]},
        "onlineRenewal": False,
    },
    "mynumber-counter": {
        "name": "マイナンバーカード交付窓口",
        "kind": "timeslot",
        "municipality": "上尾市",
        "description": "マイナンバーカードの受け取り予約。1人15分、2人以上は連続した枠を予約します。土日・祝日・年末年始（12月29日〜1月3日）は休みです。",
        "address": "埼玉県上尾市本町三丁目1番1号 上尾市役所",
        "whatToBring": "交付通知書（はがき）、本人確認書類（運転免許証・パスポートなど）、通知カード、住民基本台帳カード（お持ちの方）。代理人の方は委任状も必要です。",
        "resourceTypes": [
            {
                "resourceTypeId": "counter-1",
                "name": "第1窓口",
                "location": "本庁舎1階 市民課 1番窓口",
            },
            {
                "resourceTypeId": "counter-2",
                "name": "第2窓口",
                "location": "本庁舎1階 市民課 2番窓口",
            },
        ],
        "rules": COUNTER_RULES,
    },
}


def _slots(first: int, last: int, minutes: int) -> list[dict[str, str]]:
    slots = []
    start = first * 60
    while start + minutes <= last * 60:
        end = start + minutes
        slots.append(
            {
                "start": f"{start // 60:02d}:{start % 60:02d}",
                "end": f"{end // 60:02d}:{end % 60:02d}",
            }
        )
        start = end
    return slots


# facility -> resource type -> (capacity, slots or None); closing days come from the
# facility's rules, which opening inventory applies.
INVENTORY: dict[str, dict[str, tuple[int, list[dict[str, str]] | None]]] = {
    "minato-ohiradai": {"room": (10, None)},
    "minato-atagawa": {"washitsu": (8, None)},
    "minato-izusan": {"wayoshitsu": (6, None)},
    "ageo-gym": {
        "main-arena": (2, _slots(9, 21, 180)),
        "sub-arena": (1, _slots(9, 21, 180)),
        "tennis": (2, _slots(9, 17, 120)),
    },
    "ageo-tennis": {"court": (4, _slots(9, 17, 120))},
    "ageo-hiraikata-baseball": {"field": (1, _slots(9, 17, 240))},
    "ageo-hiraikata-sports-plaza": {"ground": (2, _slots(9, 17, 240))},
    "ageo-kamihira-hall": {"meeting-room": (1, _slots(9, 21, 180))},
    "mynumber-counter": {
        "counter-1": (1, _slots(9, 17, 15)),
        "counter-2": (1, _slots(9, 17, 15)),
    },
}

NOTICES = [
    {
        "title": "区民保養施設の抽選申込みについて",
        "body": "大平台みなと荘・熱川プリンスホテル・ラビスタ伊豆山の人気日程は抽選で受け付けます。"
        "抽選の申込みは区内在住の本登録済みの方が対象です。1回の抽選で申し込めるのは1施設、第3希望までです。",
    },
    {
        "title": "オンライン利用者登録を始めました",
        "body": "インターネットから利用者登録ができるようになりました。利用者番号はすぐにメールでお知らせし、"
        "仮登録の状態でも宿泊日の14日前まで予約できます。在住・在勤の確認後に本登録となります。",
    },
]


# Who may book the counter (seed 002). The last two share number 1 and birthdate, as
# twins on one notice do, so number 2 is needed to tell them apart.
APPOINTMENT_ELIGIBILITY = """noticeNumber,noticeNumber2,birthdate,counter
ABC123456,ABCDEFGHIJ12345678,1985-05-05,
XYZ654321,ZYXWVUTSRQ98765432,1990-10-10,counter-2
TWN000111,TWINAAAAAAAAAAAA01,2010-01-01,
TWN000111,TWINBBBBBBBBBBBB02,2010-01-01,
"""


def _call(
    gateway: Gateway,
    method: str,
    path: str,
    token: str | None,
    body: Any,
    query: dict[str, list[str]] | None = None,
    content_type: str = "application/json",
) -> Any:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    response = gateway.handle(method, path, query or {}, headers, raw)
    if response.status >= 300:
        raise RuntimeError(f"demo data: {method} {path} → {response.status} {response.body!r}")
    return json.loads(response.body) if response.body else None


def load(gateway: Gateway) -> None:
    for staff_id, name, password, role in DEMO_STAFF:
        staff_store.save(
            staff_store.StaffAccount(staff_id, name, passwords.hash_password(password), role)
        )
    session = _call(
        gateway,
        "POST",
        "/v1/staff/sessions",
        None,
        {"staffId": DEMO_STAFF_ID, "password": DEMO_STAFF_PASSWORD},
    )
    token = session["token"]
    today = runtime.current().today()
    until = add_months(today, 3)
    for facility_id, definition in FACILITIES.items():
        _call(gateway, "PUT", f"/v1/staff/facilities/{facility_id}", token, definition)
        for resource_type_id, (capacity, slots) in INVENTORY[facility_id].items():
            change: dict[str, Any] = {
                "resourceTypeId": resource_type_id,
                "from": today.isoformat(),
                "to": until.isoformat(),
                "capacity": capacity,
            }
            if slots:
                change["slots"] = slots
            _call(gateway, "PUT", f"/v1/staff/facilities/{facility_id}/inventory", token, change)
    for notice in NOTICES:
        _call(gateway, "POST", "/v1/staff/notices", token, notice)
    _call(
        gateway,
        "POST",
        "/v1/staff/appointment-eligibility",
        token,
        APPOINTMENT_ELIGIBILITY,
        query={"facilityId": ["mynumber-counter"]},
        content_type="text/csv",
    )
