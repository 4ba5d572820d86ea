"""The registration review workflow: the real ASL run by moto, its tasks in-process.

statemachines/registration_review.asl.json is created in moto's Step Functions with
`execute_state_machine` on, its `${ReviewTasksFunctionArn}` pointing at a created
(placeholder) Lambda function whose invocations are answered in-process by
`yoyaku.entrypoints.review_tasks.handler`, as the local runtime does (local/aws.py).
Executions run on moto's background threads, so every check polls, within a bound.

Registrations go through the API (the confirmation starts the workflow) and staff decide
through the staff API, so each test follows the path a real application takes.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from yoyaku import runtime
from yoyaku.adapters import application_store, booking_store, session_store, user_store
from yoyaku.adapters import workflow as sfn_adapter
from yoyaku.domain.account_kinds import AccountStatus
from yoyaku.domain.auth import Principal, PrincipalKind
from yoyaku.domain.calendar import add_months
from yoyaku.domain.review import ApplicationRecord, ReviewStart
from yoyaku.services import reviews
from yoyaku.settings import forget as forget_settings

from .helpers import INN, state_machine_in_moto

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-northeast-1"
# Every wait below is bounded by this. It is only a bound: a passing test waits as long
# as the workflow takes, and a shared, loaded machine can take seconds per state.
POLL_SECONDS = 30
STAFF_MAIL = "staff-reviews@yoyaku.example"


@dataclass
class Tasks:
    """What the state machine asked the task function to do, and gates to hold a task.

    `hold(action)` makes the next invocations of that action wait (on moto's execution
    thread) until `release(action)`; `entered(action)` tells when one is waiting.
    """

    events: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # told when a wait times out
    gates: dict[str, threading.Event] = field(default_factory=dict)
    arrivals: dict[str, threading.Event] = field(default_factory=dict)

    def actions(self) -> list[str]:
        return [e["action"] for e in self.events]

    def hold(self, action: str) -> None:
        self.gates[action] = threading.Event()
        self.arrivals[action] = threading.Event()

    def entered(self, action: str) -> bool:
        return self.arrivals[action].wait(POLL_SECONDS)

    def release(self, action: str) -> None:
        self.gates.pop(action).set()

    def release_all(self) -> None:
        for gate in self.gates.values():
            gate.set()
        self.gates.clear()

    def run(self, event: dict[str, Any]) -> Any:
        from local.gateway import LambdaContext
        from yoyaku.entrypoints import review_tasks

        self.events.append(event)
        action = event.get("action", "")
        gate = self.gates.get(action)
        if gate is not None:
            self.arrivals[action].set()
            gate.wait(POLL_SECONDS)
        try:
            return review_tasks.handler(event, LambdaContext(function_name="ReviewTasksFunction"))
        except Exception as error:  # the ASL retries it: a timeout below names it
            self.failures.append(f"{action}: {type(error).__name__}: {error}")
            raise


@dataclass
class Workflow:
    sfn: Any
    machine_arn: str
    tasks: Tasks

    def execution_arn(self, application_id: str) -> str:
        execution = self.machine_arn.replace(":stateMachine:", ":execution:")
        return f"{execution}:application-{application_id}"

    def describe(self, application_id: str) -> dict[str, Any]:
        described: dict[str, Any] = self.sfn.describe_execution(
            executionArn=self.execution_arn(application_id)
        )
        return described

    def status(self, application_id: str) -> str:
        return str(self.describe(application_id)["status"])

    def states_entered(self, application_id: str) -> list[str]:
        arn = self.execution_arn(application_id)
        events = self.sfn.get_execution_history(executionArn=arn)["events"]
        return [
            e["stateEnteredEventDetails"]["name"]
            for e in events
            if e["type"].endswith("StateEntered")
        ]


def wait_until(check: Callable[[], Any], what: str, seconds: float = POLL_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def workflow(aws, clock, mailbox, monkeypatch) -> Iterator[Workflow]:
    """The review state machine in moto, running for real, with its tasks in-process."""
    tasks = Tasks()
    monkeypatch.setenv("STAFF_NOTIFY_EMAIL", STAFF_MAIL)
    with state_machine_in_moto(
        monkeypatch, "registration_review.asl.json", "ReviewTasksFunctionArn", tasks.run
    ) as (sfn, machine_arn, _role):
        monkeypatch.setenv("REVIEW_STATE_MACHINE_ARN", machine_arn)
        forget_settings()
        try:
            yield Workflow(sfn, machine_arn, tasks)
        finally:
            tasks.release_all()
            for execution in sfn.list_executions(
                stateMachineArn=machine_arn, statusFilter="RUNNING"
            )["executions"]:
                sfn.stop_execution(executionArn=execution["executionArn"])
            forget_settings()


@dataclass(frozen=True)
class Applicant:
    user_number: str
    email: str
    application_id: str


def apply(client, mailbox, residency: str = "resident") -> Applicant:
    """Registers and confirms through the API; the confirmation starts the workflow."""
    email = f"applicant-{time.monotonic_ns()}@example.jp"
    body: dict[str, Any] = {
        "nameKana": "ミナト ハナコ",
        "nameKanji": "港 花子",
        "phone": "03-1234-5678",
        "residency": residency,
        "address": {
            "postalCode": "105-8511",
            "prefecture": "東京都",
            "city": "港区",
            "street": "芝公園1-5-25",
        },
        "birthdate": "1990-04-01",
        "email": email,
        "password": "minato2024",
        "lotteryResultEmail": True,
        "agreeToTerms": True,
    }
    if residency == "worker":
        body["workplace"] = {
            "name": "港商事株式会社",
            "address": dict(body["address"]),
            "phone": "0355550000",
        }
    assert client.post("/v1/registrations", json_body=body).status == 202
    mail = mailbox.find(email, "メールアドレスの確認")
    assert mail is not None
    token = mail.body.split("token=", 1)[1].split()[0]
    confirmed = client.post("/v1/registrations/confirm", json_body={"token": token})
    assert confirmed.status == 201, confirmed.body
    user_number = confirmed.json["userNumber"]
    (record,) = application_store.for_user(user_number)
    return Applicant(user_number, email, record.application.application_id)


def waiting_for(applicant: Applicant, who: str, seconds: float = POLL_SECONDS) -> ApplicationRecord:
    """Waits until the workflow has stored its task token, waiting for `who`."""

    def check() -> ApplicationRecord | None:
        record = application_store.get(applicant.application_id)
        if record and record.task_token and record.waiting_for == who:
            return record
        return None

    found: ApplicationRecord = wait_until(check, f"a wait for {who}", seconds)
    return found


def finished(workflow: Workflow, applicant: Applicant) -> dict[str, Any]:
    try:
        wait_until(lambda: workflow.status(applicant.application_id) != "RUNNING", "the end")
    except AssertionError as timeout:
        raise AssertionError(f"{timeout}; task failures: {workflow.tasks.failures}") from None
    return workflow.describe(applicant.application_id)


def decide(client, staff_token: str, applicant: Applicant, decision: str, reason: str = ""):
    body: dict[str, Any] = {"decision": decision}
    if reason:
        body["reason"] = reason
    return client.post(
        f"/v1/staff/reviews/{applicant.application_id}/decision",
        json_body=body,
        token=staff_token,
    )


def history(applicant: Applicant) -> list[str]:
    record = application_store.get(applicant.application_id)
    assert record is not None
    return [h.status.value for h in record.application.history]


def account_status(applicant: Applicant) -> tuple[AccountStatus, date | None]:
    found = user_store.get(applicant.user_number)
    assert found is not None
    return found[0].status, found[0].verified_until


def status_mail(mailbox, applicant: Applicant) -> str:
    mail = mailbox.find(applicant.email, f"申請番号 {applicant.application_id}")
    assert mail is not None, mailbox.to(applicant.email)
    return mail.body


# ------------------------------------------------------------------ approve


def test_approval_verifies_the_user_and_completes_the_application(
    workflow, client, mailbox, staff_token
) -> None:
    applicant = apply(client, mailbox)
    described = workflow.describe(applicant.application_id)
    assert json.loads(described["input"])["applicationId"] == applicant.application_id
    waiting = waiting_for(applicant, "staff")
    assert workflow.status(applicant.application_id) == "RUNNING"
    assert account_status(applicant) == (AccountStatus.PROVISIONAL, None)

    decided = decide(client, staff_token, applicant, "approve")
    assert decided.status == 200, decided.body
    assert decided.json["status"] == "completed"
    assert waiting.task_token not in decided.body.decode()

    done = finished(workflow, applicant)
    assert done["status"] == "SUCCEEDED"
    output = json.loads(done["output"])
    assert output["outcome"] == {"status": "completed", "next": "done"}
    assert output["proof"]["result"] == {"required": False, "present": False, "problem": None}
    assert account_status(applicant) == (AccountStatus.VERIFIED, None)  # residents: no end
    assert history(applicant) == ["received", "completed"]
    assert "本登録" in status_mail(mailbox, applicant)
    assert workflow.states_entered(applicant.application_id) == [
        "CheckProof",
        "AwaitStaff",
        "Decide",
        "Returned?",
        "Done",
    ]
    record = application_store.get(applicant.application_id)
    assert record is not None and (record.task_token, record.decision) == (None, None)


def test_an_approved_worker_is_verified_for_two_years(
    workflow, client, mailbox, staff_token
) -> None:
    applicant = apply(client, mailbox, "worker")
    waiting_for(applicant, "staff")
    opened = client.get(f"/v1/staff/reviews/{applicant.application_id}", token=staff_token)
    assert opened.status == 200 and opened.json["status"] == "accepted"
    assert opened.json["proof"] == {"required": True, "present": False, "problem": None}
    assert decide(client, staff_token, applicant, "approve").status == 200
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"
    today = runtime.current().today()
    assert account_status(applicant) == (AccountStatus.VERIFIED, add_months(today, 24))
    assert history(applicant) == ["received", "accepted", "completed"]
    worker_check = next(e for e in workflow.tasks.events if e["action"] == "check_proof")
    assert worker_check == {"action": "check_proof", "applicationId": applicant.application_id}


def test_the_task_token_never_reaches_a_client(workflow, client, mailbox, staff_token) -> None:
    applicant = apply(client, mailbox)
    token = waiting_for(applicant, "staff").task_token
    assert token
    session, _ = session_store.create(
        Principal(PrincipalKind.CITIZEN, applicant.user_number),
        runtime.current().now(),
        timedelta(hours=1),
    )
    replies = [
        client.get("/v1/me/applications", token=session),
        client.get("/v1/staff/reviews", token=staff_token),
        client.get(f"/v1/staff/reviews/{applicant.application_id}", token=staff_token),
    ]
    for reply in replies:
        assert reply.status == 200
        assert token not in reply.body.decode()
    assert all(token not in m.body for m in mailbox.all())


# ------------------------------------------------------------------ reject


def test_rejection_closes_the_account_and_ends_its_sessions(
    workflow, client, mailbox, staff_token
) -> None:
    applicant = apply(client, mailbox)
    signed_in = client.post(
        "/v1/sessions", json_body={"userNumber": applicant.user_number, "password": "minato2024"}
    )
    assert signed_in.status == 201
    session = signed_in.json["token"]
    assert client.get("/v1/me", token=session).status == 200
    waiting_for(applicant, "staff")

    reason = "区内在住を確認できませんでした。"
    decided = decide(client, staff_token, applicant, "reject", reason)
    assert decided.status == 200 and decided.json["status"] == "rejected"
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"

    assert account_status(applicant) == (AccountStatus.REJECTED, None)
    assert session_store.resolve(session, runtime.current().now()) is None
    assert client.get("/v1/me", token=session).status == 401
    again = client.post(
        "/v1/sessions", json_body={"userNumber": applicant.user_number, "password": "minato2024"}
    )
    assert again.status == 403 and again.json["code"] == "NOT_ELIGIBLE"
    assert history(applicant) == ["received", "rejected"]
    record = application_store.get(applicant.application_id)
    assert record is not None and record.application.history[-1].reason == reason
    assert reason in status_mail(mailbox, applicant)
    second = decide(client, staff_token, applicant, "approve")
    assert second.status == 409 and second.json["code"] == "CONFLICT"


def test_rejection_cancels_the_accounts_reservations(
    workflow, client, mailbox, staff_token
) -> None:
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    stay = date(2030, 6, 10)
    inventory = {"resourceTypeId": "room", "from": "2030-06-10", "to": "2030-06-10", "capacity": 3}
    assert (
        client.put(
            "/v1/staff/facilities/inn/inventory", json_body=inventory, token=staff_token
        ).status
        == 200
    )
    applicant = apply(client, mailbox)
    session, _ = session_store.create(
        Principal(PrincipalKind.CITIZEN, applicant.user_number),
        runtime.current().now(),
        timedelta(hours=1),
    )
    held = client.post(
        "/v1/holds",
        json_body={"facilityId": "inn", "resourceTypeId": "room", "date": stay.isoformat()},
        token=session,
    )
    assert held.status == 201, held.body
    made = client.post(
        "/v1/reservations",
        json_body={"holdId": held.json["holdId"], "party": [{"night": 1, "adults": 2}]},
        token=session,
    )
    assert made.status == 201, made.body
    waiting_for(applicant, "staff")
    assert decide(client, staff_token, applicant, "reject", "在住を確認できません").status == 200
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"
    stored = booking_store.get_reservation(made.json["reservationNumber"])
    assert stored is not None and stored.document.status == "cancelled"
    # The room is free again at once (seed 004: the bookings are cancelled too).
    days = client.get("/v1/facilities/inn/availability?from=2030-06-10&to=2030-06-10").json
    assert [d["available"] for d in days["days"] if d["resourceTypeId"] == "room"] == [3]


# ------------------------------------------------------------------ return and resubmission


def test_a_returned_application_waits_for_the_applicant_then_is_reviewed_again(
    workflow, client, mailbox, staff_token
) -> None:
    applicant = apply(client, mailbox)
    waiting_for(applicant, "staff")
    reason = "住所の確認書類が不鮮明でした。"
    returned = decide(client, staff_token, applicant, "return", reason)
    assert returned.status == 200 and returned.json["status"] == "returned"

    record = waiting_for(applicant, "applicant")
    assert record.application.status.value == "returned"
    assert record.application.history[-1].reason == reason
    assert reason in status_mail(mailbox, applicant)
    assert workflow.status(applicant.application_id) == "RUNNING"
    assert account_status(applicant) == (AccountStatus.PROVISIONAL, None)
    # Staff cannot decide while the applicant has it.
    early = decide(client, staff_token, applicant, "approve")
    assert early.status == 409 and early.json["code"] == "CONFLICT"

    reviews.resume_after_return(record)
    waiting_for(applicant, "staff")
    assert history(applicant) == ["received", "returned", "received"]
    assert decide(client, staff_token, applicant, "approve").status == 200
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"
    assert account_status(applicant) == (AccountStatus.VERIFIED, None)
    assert history(applicant) == ["received", "returned", "received", "completed"]
    assert workflow.tasks.actions().count("check_proof") == 2
    assert workflow.states_entered(applicant.application_id) == [
        "CheckProof",
        "AwaitStaff",
        "Decide",
        "Returned?",
        "AwaitResubmission",
        "CheckProof",
        "AwaitStaff",
        "Decide",
        "Returned?",
        "Done",
    ]


def test_the_applicant_resubmits_through_the_api(workflow, client, mailbox, staff_token) -> None:
    applicant = apply(client, mailbox)
    session, _ = session_store.create(
        Principal(PrincipalKind.CITIZEN, applicant.user_number),
        runtime.current().now(),
        timedelta(hours=1),
    )
    path = f"/v1/me/applications/{applicant.application_id}/resubmission"
    waiting_for(applicant, "staff")
    not_yet = client.post(path, token=session)
    assert not_yet.status == 409  # nothing to resubmit before a return
    assert decide(client, staff_token, applicant, "return", "記入漏れがあります。").status == 200
    waiting_for(applicant, "applicant")
    resubmitted = client.post(path, token=session)
    assert resubmitted.status == 200, resubmitted.body
    assert resubmitted.json["status"] == "received"
    waiting_for(applicant, "staff")
    assert decide(client, staff_token, applicant, "reject", "確認できません。").status == 200
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"
    assert history(applicant) == ["received", "returned", "received", "rejected"]


def test_a_resubmission_just_after_the_return_is_not_lost(
    workflow, client, mailbox, staff_token
) -> None:
    applicant = apply(client, mailbox)
    waiting_for(applicant, "staff")
    workflow.tasks.hold("await_resubmission")
    assert decide(client, staff_token, applicant, "return", "記入漏れがあります。").status == 200
    assert workflow.tasks.entered("await_resubmission")
    record = application_store.get(applicant.application_id)
    assert record is not None and record.application.status.value == "returned"
    reviews.resume_after_return(record)  # what a valid proof upload does
    workflow.tasks.release("await_resubmission")
    # A lost resubmission would leave the workflow waiting for the applicant for ever.
    waiting_for(applicant, "staff")


# ------------------------------------------------------------------ staff reminders


@pytest.fixture
def quick_reminders(monkeypatch) -> None:
    """Confirmation starts the workflow with reminderAfterSeconds = 1."""
    monkeypatch.setenv("REVIEW_REMINDER_SECONDS", "1")
    forget_settings()


def reminders(mailbox, applicant: Applicant) -> list[Any]:
    return [m for m in mailbox.to(STAFF_MAIL) if applicant.application_id in m.subject]


def test_staff_are_reminded_while_the_workflow_keeps_waiting(
    workflow, quick_reminders, client, mailbox, staff_token
) -> None:
    applicant = apply(client, mailbox)
    assert json.loads(workflow.describe(applicant.application_id)["input"]) == {
        "applicationId": applicant.application_id,
        "reminderAfterSeconds": 1,
    }
    first = waiting_for(applicant, "staff").task_token
    wait_until(lambda: reminders(mailbox, applicant), "a reminder")
    (mail, *_) = reminders(mailbox, applicant)
    assert mail.subject == f"【確認待ち】申請番号 {applicant.application_id}"
    assert mail.to == [STAFF_MAIL]
    assert workflow.status(applicant.application_id) == "RUNNING"
    # The workflow waits again, with a new token, for the same undecided application.
    again = wait_until(
        lambda: (r := application_store.get(applicant.application_id)).task_token != first and r,
        "a new wait after the reminder",
    )
    assert (again.waiting_for, again.application.status.value) == ("staff", "received")
    assert account_status(applicant) == (AccountStatus.PROVISIONAL, None)

    decided = decide(client, staff_token, applicant, "approve")
    assert decided.status == 200 and decided.json["status"] == "completed"
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"
    assert account_status(applicant) == (AccountStatus.VERIFIED, None)
    sent = len(reminders(mailbox, applicant))
    time.sleep(1.5)
    assert len(reminders(mailbox, applicant)) == sent  # no reminder after the decision
    assert "RemindStaff" in workflow.states_entered(applicant.application_id)


def test_a_decision_made_while_no_wait_is_open_is_picked_up_by_the_next_wait(
    workflow, quick_reminders, client, mailbox, staff_token
) -> None:
    workflow.tasks.hold("remind_staff")  # the first wait times out into a held reminder
    applicant = apply(client, mailbox)
    waiting_for(applicant, "staff")
    assert workflow.tasks.entered("remind_staff")

    # The API records the decision and resumes the stored token, whose wait has ended:
    # AWS answers TaskTimedOut (moto accepts it silently); either way nothing resumes yet.
    decided = decide(client, staff_token, applicant, "approve")
    assert decided.status == 200, decided.body
    record = application_store.get(applicant.application_id)
    assert record is not None
    assert (record.application.status.value, record.decision) == ("received", "approve")
    assert workflow.status(applicant.application_id) == "RUNNING"
    assert account_status(applicant) == (AccountStatus.PROVISIONAL, None)

    workflow.tasks.release("remind_staff")
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"
    assert account_status(applicant) == (AccountStatus.VERIFIED, None)
    assert history(applicant) == ["received", "completed"]
    actions = workflow.tasks.actions()
    assert actions[actions.index("remind_staff") :] == ["remind_staff", "await_staff", "decide"]
    # A second decision is refused: the first one was taken.
    assert decide(client, staff_token, applicant, "reject", "遅すぎる判定").status == 409


# ------------------------------------------------------------------ one execution per application


def test_a_second_start_for_the_same_application_is_refused(
    workflow, client, mailbox, staff_token
) -> None:
    applicant = apply(client, mailbox)
    start = ReviewStart(application_id=applicant.application_id, reminder_after_seconds=259200)
    sfn_adapter.start_review(start)  # a retried confirmation
    sfn_adapter.start_review(start.model_copy(update={"reminder_after_seconds": 5}))
    executions = workflow.sfn.list_executions(stateMachineArn=workflow.machine_arn)["executions"]
    assert [e["name"] for e in executions] == [f"application-{applicant.application_id}"]
    waiting_for(applicant, "staff")
    assert decide(client, staff_token, applicant, "approve").status == 200
    assert finished(workflow, applicant)["status"] == "SUCCEEDED"
    assert workflow.tasks.actions().count("check_proof") == 1
    assert workflow.tasks.actions().count("decide") == 1


def test_each_application_has_its_own_execution(workflow, client, mailbox, staff_token) -> None:
    first, second = apply(client, mailbox), apply(client, mailbox)
    waiting_for(first, "staff")
    waiting_for(second, "staff")
    assert decide(client, staff_token, second, "reject", "確認できません。").status == 200
    assert finished(workflow, second)["status"] == "SUCCEEDED"
    assert workflow.status(first.application_id) == "RUNNING"
    assert decide(client, staff_token, first, "approve").status == 200
    assert finished(workflow, first)["status"] == "SUCCEEDED"
    assert account_status(first)[0] is AccountStatus.VERIFIED
    assert account_status(second)[0] is AccountStatus.REJECTED


# ------------------------------------------------------------------ registration cards (登録証)


def test_verified_accounts_wait_for_their_registration_card_until_marked_mailed(
    workflow, client, mailbox, staff_token, clock, citizen_token
) -> None:
    first, second, rejected = (apply(client, mailbox) for _ in range(3))
    for applicant, decision in ((first, "approve"), (second, "approve"), (rejected, "reject")):
        waiting_for(applicant, "staff")
        reason = "在住が確認できません" if decision == "reject" else ""
        assert decide(client, staff_token, applicant, decision, reason).status == 200
        finished(workflow, applicant)
        clock.advance(timedelta(minutes=1))

    listed = client.get("/v1/staff/registration-cards", token=staff_token)
    assert listed.status == 200, listed.body
    items = listed.json["items"]
    assert [i["userNumber"] for i in items] == [first.user_number, second.user_number]
    assert items[0] == {
        "userNumber": first.user_number,
        "nameKanji": "港　花子",
        "nameKana": "ミナト　ハナコ",
        "postalCode": "105-8511",
        "prefecture": "東京都",
        "city": "港区",
        "street": "芝公園1-5-25",
        "residency": "resident",
        "verifiedAt": items[0]["verifiedAt"],
    }
    # A page at a time: the first card with a token, then the second and no token.
    cards = "/v1/staff/registration-cards?limit=1"
    page = client.get(cards, token=staff_token).json
    assert [i["userNumber"] for i in page["items"]] == [first.user_number]
    page = client.get(f"{cards}&nextToken={page['nextToken']}", token=staff_token).json
    assert [i["userNumber"] for i in page["items"]] == [second.user_number]
    assert "nextToken" not in page
    forged = client.get(f"{cards}&nextToken=WzEsInJldmlld3MiLCJ4Il0", token=staff_token)
    assert forged.status == 422

    exported = client.get("/v1/staff/registration-cards/labels.csv", token=staff_token)
    assert exported.status == 200
    assert exported.header("Content-Type") == "text/csv; charset=utf-8"
    assert "attachment" in (exported.header("Content-Disposition") or "")
    text = exported.body.decode("utf-8")
    assert text.startswith("\ufeff利用者番号,氏名,氏名カナ,郵便番号,都道府県,市区郡,")
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 3
    assert lines[1].startswith(f"{first.user_number},港　花子,ミナト　ハナコ,105-8511,東京都,港区,")

    clock.advance(timedelta(minutes=5))  # the cards are posted after the labels are printed
    marked = client.post(
        "/v1/staff/registration-cards/mailed",
        json_body={"userNumbers": [first.user_number, rejected.user_number, "999999"]},
        token=staff_token,
    )
    assert marked.status == 200, marked.body
    assert marked.json == {
        "mailed": [first.user_number],
        "skipped": [
            {"userNumber": rejected.user_number, "reason": "not_waiting"},
            {"userNumber": "999999", "reason": "not_waiting"},
        ],
    }
    remaining = client.get("/v1/staff/registration-cards", token=staff_token).json["items"]
    assert [i["userNumber"] for i in remaining] == [second.user_number]
    again = client.post(
        "/v1/staff/registration-cards/mailed",
        json_body={"userNumbers": [first.user_number]},
        token=staff_token,
    )
    assert again.json["mailed"] == []  # marked once only
    trail = client.get("/v1/staff/audit", token=staff_token).json["items"]
    card_records = [
        (r["action"], r["target"], r["details"])
        for r in trail
        if r["action"].startswith("registration_card")
    ]
    assert card_records == [  # newest first: the one card mailed, after the export
        ("registration_card.mailed", {"type": "citizen", "id": first.user_number}, {}),
        (
            "registration_cards.exported",
            {"type": "service", "id": "registration-cards"},
            {"rows": 2},
        ),
    ]
    assert client.get("/v1/staff/registration-cards", token=citizen_token).status == 403
    empty = client.post(
        "/v1/staff/registration-cards/mailed", json_body={"userNumbers": []}, token=staff_token
    )
    assert empty.status == 422
