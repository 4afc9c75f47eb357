"""The handoff form: booking an appointment or asking for a person (issue 5).

`ValidateHandoffForm` reads each free-text answer with `headache_core.handoff.contact`; before
reading, it ends the form on "cancel" or "I don't want to book", escalates a red flag in any
answer (issue 3) and answers a question asked in the middle. `ActionSubmitHandoff` books through
the configured booking system (front-desk queue, or Cliniko with real free times) and saves the
record for the console; a request for a person then hands the conversation to staff
(`actions.human_handoff`).
"""

import asyncio
import uuid
from abc import ABC
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker, utils
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.fallback import offered_before
from actions.forms import (
    FAILURES_SLOT,
    ActionAskFormQuestion,
    CountingFormValidationAction,
    ask_actions,
    failures,
    one_line,
)
from actions.handoff_records import base_record, notify_front_desk, store
from actions.interruptions import answer_side_question, explain_the_question, is_side_question
from actions.red_flags import escalate, repeat_advice_if_flagged
from actions.replies import send
from actions.tracker_entities import latest_intent
from handoff_delivery.booking import BookingSystem, booking_system_from_env
from headache_core.clinic import load_clinic, opening_status
from headache_core.handoff.contact import (
    describe_problem,
    phone_for_people,
    read_booked_for,
    read_consent,
    read_contact,
    read_name,
    read_note,
    read_preferred_times,
    region_code,
)
from headache_core.handoff.corrections import find_correction, says_something_is_wrong
from headache_core.handoff.details import read_details
from headache_core.handoff.form import (
    BOOKING_ORDER,
    CALL_BACK,
    asks_when_they_will_hear,
    is_bare_no,
    is_bare_thanks,
    is_not_wanted,
    long_time_label,
    read_choice,
    recap,
    required_slots,
    time_label,
)
from headache_core.handoff.form import load_questions as load_handoff_questions
from headache_core.handoff.model import Contact
from headache_core.handoff.requests import load_requests, read_appointment_request
from headache_core.messages import render
from headache_core.red_flags.detector import detect
from headache_core.retention import retention_days
from headache_core.screening.answers import NOT_SURE, read_red_flag_check
from headache_core.screening.flow import is_stop_request

FORM = "handoff_form"
KIND = "handoff_kind"  # "booking" or "human"
EXIT = "handoff_exit"  # why the form ended early: cancelled, not_wanted, red_flag, refused, gave_up
OFFERED = "offered_times"  # [{"label": ..., "start": ISO}] free times a booking system offered
CONSENT_AT = "consent_at"
CONFIRM = "handoff_confirm"  # "would you like the front desk to get in touch?", asked when unsure
UNSURE = "handoff_unsure"  # the classifier was unsure the person asked for a booking or a person
# Below this the request is confirmed before any details are asked: on the cross-validation
# predictions, 16 of 31 booking readings under 0.5 were misread and 15 right (a right one costs a
# "yes"; a misread one got "What is your name?" for a question about self-care).
HANDOFF_SURE = 0.5
FORM_SLOTS = (CONFIRM, *BOOKING_ORDER)  # every question a handoff may ask
CLARIFY = "red_flag_clarify"  # the clarifying question about a hinted red flag (shared slot)
PENDING = "red_flag_pending"  # the hinted flag it asks about
RULED_OUT = "screening_ruled_out"  # hinted flags already answered "no": not asked twice
PATIENT = "handoff_patient"  # who the appointment is for, when not the person writing
REQUEST = "handoff_request"  # a request that is not a new booking: "cancel", "move", ...
CHANGING = "handoff_changing"  # "What should I change?" asked in place of the read-back
STATE_SLOTS = (KIND, EXIT, OFFERED, CONSENT_AT, FAILURES_SLOT, CLARIFY, PENDING, UNSURE, PATIENT,
               REQUEST, CHANGING)  # fmt: skip
# The questions whose answers may carry other details ("Linda Park, 07700 900123, evenings"); a
# note or a consent is read as a whole.
CARRIES_DETAILS = {CONFIRM, "contact_name", "contact_details", "preferred_times"}
# Answers that may look like questions ("Will Smith", "Can I give my email?" is rare): only a
# question mark makes them a side question.
NEEDS_QUESTION_MARK = {"contact_name", "contact_details", "handoff_note"}


@lru_cache(maxsize=1)
def booking_system() -> BookingSystem:
    return booking_system_from_env(store())


def is_unsure_request(tracker: Tracker) -> bool:
    """The form was started by a typed message the classifier read as a booking or a request
    for a person without being sure (a button is sure)."""
    intent = tracker.latest_message.get("intent") or {}
    text = tracker.latest_message.get("text") or ""
    return (
        intent.get("name") in ("book_appointment", "request_human")
        and float(intent.get("confidence") or 0.0) < HANDOFF_SURE
        and not text.startswith("/")
    )


def _when_message(kind: str) -> str:
    """Who will answer and when, from the clinic's hours."""
    status = opening_status(load_clinic())
    if kind == "human":
        if status.is_open:
            return render("handoff_human_open", closes=status.closes or "").text
        return render("handoff_human_closed", next_open=status.next_open).text
    return render("handoff_booking_intro").text


class ValidateHandoffForm(CountingFormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM}"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(EXIT):
            return []
        slots = _details_asked(tracker)
        if tracker.get_slot(UNSURE):
            slots.insert(0, CONFIRM)
        if tracker.get_slot(PENDING):
            slots.insert(0, CLARIFY)  # a hinted red flag is asked about before anything else
        return slots

    async def on_activation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        offered = offered_before(tracker)
        if offered and intent not in ("book_appointment", "request_human"):
            # "yes", or the details themselves, to "shall I ask the front desk?" (fallback.py)
            intent = offered
        kind = "human" if intent == "request_human" else "booking"
        repeat_advice_if_flagged(dispatcher, tracker)  # asked after a red flag: the advice first
        reset = [SlotSet(s, None) for s in (*FORM_SLOTS, *STATE_SLOTS)]
        request = read_appointment_request(tracker.latest_message.get("text") or "")
        if request is not None:  # "I need to cancel my appt": not a new booking
            return reset + self._start_request(dispatcher, request)
        unsure = is_unsure_request(tracker)
        if not unsure:  # else it comes after the person confirms
            dispatcher.utter_message(text=_when_message(kind))
        started = [SlotSet(KIND, kind), SlotSet(UNSURE, unsure or None)]
        tracker.add_slots(reset + started)
        # "book me in, my name is Jo Smith, 07700 900123": not asked again
        prefill = await self._fill_details(  # a reply to the offer may be just a name
            dispatcher, tracker, tracker.latest_message.get("text") or "", names=bool(offered)
        )
        return reset + started + prefill

    async def also_given(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> list[EventType]:
        if slot not in CARRIES_DETAILS or tracker.get_slot(EXIT):
            return []
        events = await self._fill_details(dispatcher, tracker, text, names=slot == "contact_name")
        if events and tracker.get_slot(slot) is None and slot != CONFIRM:
            send(dispatcher, "form_noted")  # then the question asked, again
        return events

    async def _fill_details(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str, names: bool
    ) -> list[EventType]:
        """The name, contact details and times a message carries, for the questions not
        answered yet; each read by its own question's validator."""
        if text.startswith("/"):
            return []
        today = datetime.now(ZoneInfo(load_clinic().timezone)).date()
        found = read_details(text, region_code(load_clinic()), today, names=names)
        wanted = {"contact_name": found.name, "contact_details": found.contact,
                  "preferred_times": found.times}  # fmt: skip
        needed = set(_details_asked(tracker))
        events: list[EventType] = []
        for slot, value in wanted.items():
            if value is None or slot not in needed or tracker.get_slot(slot) is not None:
                continue
            result = await self._validated(dispatcher, tracker, slot, value)
            tracker.slots.update(result)
            events += [SlotSet(k, v) for k, v in result.items()]
        return events

    async def _validated(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, value: Any
    ) -> dict[str, Any]:
        if slot == "contact_details":
            return {slot: {"phone": value.phone, "email": value.email}}
        if slot == "preferred_times":
            return await self.validate_preferred_times(value.text, dispatcher, tracker, {})
        return {slot: value}

    @staticmethod
    def _start_request(dispatcher: CollectingDispatcher, request: Any) -> list[EventType]:
        """Answered here (running late, bringing someone), or the questions that request needs,
        with what it is kept for the front desk."""
        if request.answer:
            _answer_request(dispatcher, request)
            return [SlotSet(EXIT, "answered"), SlotSet(REQUESTED_SLOT, None)]
        send(dispatcher, request.intro)
        return [SlotSet(KIND, "booking"), SlotSet(REQUEST, request.kind)]

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> tuple[list[EventType], bool]:
        if is_stop_request(text):
            return [SlotSet(EXIT, "cancelled"), SlotSet(REQUESTED_SLOT, None)], True
        if is_not_wanted(text) or (slot == "contact_name" and is_bare_no(text)):
            # "no, I don't want to book", or "no" when asked for a name: we misread the request
            return [SlotSet(EXIT, "not_wanted"), SlotSet(REQUESTED_SLOT, None)], True
        detection = detect(text)
        if detection.flags:
            events = escalate(dispatcher, tracker, detection.flag_ids)
            return [*events, SlotSet(EXIT, "red_flag"), SlotSet(REQUESTED_SLOT, None)], True
        ruled_out = set(tracker.get_slot(RULED_OUT) or [])
        hints = [h.flag_id for h in detection.hints if h.flag_id not in ruled_out]
        if hints and not tracker.get_slot(PENDING) and slot != CLARIFY:
            # "it came on really suddenly": read the answer as usual, then ask about the flag;
            # at a yes/no question the words are about the symptom, not an answer ("not like my
            # usual ones" is no refusal), so that question is asked again after the flag's
            asking = [SlotSet(PENDING, hints[0]), SlotSet(CLARIFY, None)]
            if slot in (CONFIRM, "handoff_consent"):
                return [*asking, SlotSet(slot, None)], True
            return asking, False
        correction = await self._correction(dispatcher, tracker, slot, text)
        if correction is not None:
            return correction, True
        answered = any(tracker.get_slot(s) not in (None, "") for s in BOOKING_ORDER if s != slot)
        short = len(text.split()) <= 6
        if answered and says_something_is_wrong(text) and (slot == "handoff_consent" or short):
            # "no, that's wrong": which part (asked in place of the question), not refused and
            # not kept as a note
            return [SlotSet(slot, None), SlotSet(CHANGING, True)], True
        if asks_when_they_will_hear(text):  # "when will I hear back?": who answers, and when
            dispatcher.utter_message(text=_when_message(tracker.get_slot(KIND) or "booking"))
            return [SlotSet(slot, None)], True
        if slot == "contact_name" and is_bare_thanks(text):
            # "thank you very much" when asked for a name: their question was answered
            return [SlotSet(EXIT, "not_wanted"), SlotSet(REQUESTED_SLOT, None)], True
        if explain_the_question(dispatcher, load_handoff_questions().get(slot), text):
            return [SlotSet(slot, None)], True  # then the same question again
        # "Will Smith" is a name, not a question; "how much is it" is not a name either way
        needs_mark = slot in NEEDS_QUESTION_MARK and not self._not_an_answer(slot, text)
        if is_side_question(tracker, text, needs_question_mark=needs_mark):
            answer_side_question(dispatcher, tracker)
            if slot != CONFIRM:  # no details asked yet to go back to
                send(dispatcher, "handoff_back")
            return [SlotSet(slot, None)], True
        request = read_appointment_request(text)
        if request is not None and request.answer and slot != "handoff_note":
            # "I'm running 10 min late" or "can my mum come in with me?" mid-form: answered,
            # then the question again (a note keeps it for the front desk instead)
            _answer_request(dispatcher, request)
            send(dispatcher, "handoff_back")
            return [SlotSet(slot, None)], True
        return [], False

    @staticmethod
    def _not_an_answer(slot: str, text: str) -> bool:
        """The words cannot answer the question asked (no name, no phone or e-mail in them)."""
        if slot == "contact_name":
            return read_name(text) is None
        if slot == "contact_details":
            return read_contact(text, region_code(load_clinic())) is None
        return False

    async def _correction(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> list[EventType] | None:
        """An earlier answer corrected ("actually weekday evenings", "can I change my number?"):
        the new value read by that question's own reader and said back, or the question asked
        again; then the question that was waiting. None when the message corrects nothing."""
        answered = {s for s in BOOKING_ORDER if tracker.get_slot(s) not in (None, "") and s != slot}
        today = datetime.now(ZoneInfo(load_clinic().timezone)).date()
        found = find_correction(
            text, answered, region_code(load_clinic()), today, cue_needed=slot != "handoff_consent"
        )
        if found is None:
            return None
        reopen = [SlotSet(slot, None), SlotSet(FAILURES_SLOT, 0)]
        if slot == "handoff_consent" or found.slot == "preferred_times":
            reopen.append(SlotSet("appointment_choice", None))
        if not found.carries_value:
            send(dispatcher, "handoff_change_ask")
            return [SlotSet(found.slot, None), *reopen]
        validate = getattr(self, f"validate_{found.slot}")
        result = await utils.call_potential_coroutine(validate(text, dispatcher, tracker, {}))
        if result.get(found.slot) is None:
            return None  # not readable after all: an ordinary answer to the question asked
        new = result[found.slot]
        added = found.slot == "contact_details" and _adds_a_way(tracker.get_slot(found.slot), new)
        if added:  # an e-mail after a phone number (or the other way round): both kept
            old = tracker.get_slot(found.slot) or {}
            result[found.slot] = {k: new.get(k) or old.get(k) for k in ("phone", "email")}
        key = "handoff_added" if added else "handoff_changed"
        send(dispatcher, key, now=_said_back(found.slot, new))
        return [SlotSet(k, v) for k, v in result.items()] + reopen

    async def after_max_asks(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], slot: str
    ) -> list[EventType]:
        """A third answer it cannot use: the clinic's phone number instead of a fourth ask; for
        the safety question, "not sure" (checked with a doctor), never a silent give-up."""
        if slot == CLARIFY:
            return await super().after_max_asks(dispatcher, tracker, domain, slot)
        if slot == CONFIRM:  # never a yes: nothing to pass on
            return [SlotSet(EXIT, "not_wanted"), SlotSet(REQUESTED_SLOT, None)]
        return [SlotSet(EXIT, "gave_up"), SlotSet(REQUESTED_SLOT, None)]

    # ------------------------------------------------------------------ one method per question
    def validate_red_flag_clarify(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        """The answer to the clarifying question about a hinted flag: yes escalates at the
        flag's level and ends the form; no or not sure goes on (not sure with a word to check
        it with a doctor); anything else is asked again."""
        pending = tracker.get_slot(PENDING)
        answer = read_red_flag_check(one_line(value))
        if not pending or answer is None:
            return {CLARIFY: None if pending else NOT_SURE}
        if answer == "yes":
            events = escalate(dispatcher, tracker, [pending])
            return {e["name"]: e["value"] for e in events} | {
                CLARIFY: "yes", EXIT: "red_flag", REQUESTED_SLOT: None
            }  # fmt: skip
        if answer == NOT_SURE:
            send(dispatcher, "handoff_clarify_unsure")
        return {CLARIFY: answer, PENDING: None,
                RULED_OUT: [*(tracker.get_slot(RULED_OUT) or []), pending]}  # fmt: skip

    def validate_handoff_confirm(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        """Yes goes on to the details, with who will answer and when; no ends it as our
        misreading; "not sure" or anything else is asked again."""
        answer = read_red_flag_check(one_line(value))  # an explicit yes or no to a confirmation
        if answer == "yes":
            dispatcher.utter_message(text=_when_message(tracker.get_slot(KIND) or "booking"))
            return {CONFIRM: "yes"}
        if answer == "no":
            return {CONFIRM: "no", EXIT: "not_wanted", REQUESTED_SLOT: None}
        return {CONFIRM: None}

    def validate_contact_name(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        """The name, and who the appointment is for when it is someone else ("Sarah Collins,
        it's for my son Jake")."""
        text = one_line(value)
        patient = read_booked_for(text)
        name = read_name(text) or read_details(text, region_code(load_clinic())).name
        return {"contact_name": name} | ({PATIENT: patient} if patient else {})

    def validate_contact_details(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        text = one_line(value)
        region = region_code(load_clinic())
        found = read_contact(text, region)
        if found is None:
            problem = describe_problem(text, region)
            dispatcher.utter_message(text=f"Sorry, {problem}.")
            return {"contact_details": None}
        return {"contact_details": {"phone": found.phone, "email": found.email}}

    async def validate_preferred_times(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        clinic = load_clinic()
        today = datetime.now(ZoneInfo(clinic.timezone)).date()  # "tomorrow" at the clinic
        text = one_line(value)
        preferences = read_preferred_times(text, today=today)
        if preferences is not None and read_contact(text, region_code(clinic)) is not None:
            # "evenings, or ring me on 07700 900123": the times without the number
            preferences = read_details(text, region_code(clinic), today, names=False).times
        if preferences is None:
            return {"preferred_times": None}
        timezone_name = clinic.timezone
        starts = await _offer_times(preferences)
        offered = [
            {"label": time_label(start, timezone_name), "start": start.isoformat()}
            for start in starts
        ]
        return {"preferred_times": preferences.text, OFFERED: offered or None}

    def validate_appointment_choice(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return {"appointment_choice": read_choice(one_line(value), tracker.get_slot(OFFERED) or [])}

    def validate_handoff_note(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return {"handoff_note": read_note(one_line(value))}

    def validate_handoff_consent(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        answer = read_consent(one_line(value))
        if answer == "yes":
            return {"handoff_consent": "yes", CONSENT_AT: datetime.now(timezone.utc).isoformat()}
        if answer == "no":
            return {"handoff_consent": "no", EXIT: "refused"}
        return {"handoff_consent": None}


def _answer_request(dispatcher: CollectingDispatcher, request: Any) -> None:
    """The answer to a request the assistant answers itself (running late, bringing someone)."""
    key = request.answer
    if key == "request_companion" and not load_clinic().companions:
        key = "request_companion_unknown"
    send(dispatcher, key)


def _details_asked(tracker: Tracker) -> list[str]:
    """The questions this handoff asks: a booking's or a person's, or only what a request that
    is not a booking needs ("cancel my appointment")."""
    request = load_requests().get(tracker.get_slot(REQUEST) or "")
    if request is not None:
        return list(request.ask)
    kind = tracker.get_slot(KIND) or "booking"
    return required_slots(kind, offered=bool(tracker.get_slot(OFFERED)))


def _front_desk_note(tracker: Tracker, with_patient: bool = True) -> str:
    """What the front desk reads: what the request is ("Wants to cancel an appointment."), who
    it is for, the person's note; the read-back leaves out who (its recap names them)."""
    request = load_requests().get(tracker.get_slot(REQUEST) or "")
    patient = tracker.get_slot(PATIENT) if with_patient else None
    parts = (
        request.note if request else "",
        f"For: {patient}." if patient else "",
        tracker.get_slot("handoff_note") or "",
    )
    return " ".join(p for p in parts if p)


def _adds_a_way(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """A second way to reach the person (an e-mail where only a phone was given, or the other
    way round), not a replacement of the first."""
    if not old:
        return False
    return all(not (new.get(k) and old.get(k)) for k in ("phone", "email")) and any(
        old.get(k) for k in ("phone", "email")
    )


def _said_back(slot: str, value: Any) -> str:
    """A corrected answer as the person can check it: "Linda Park", "07700 900456"."""
    if isinstance(value, dict):  # contact details
        phone = value.get("phone")
        phone = phone_for_people(phone, region_code(load_clinic())) if phone else None
        return " and ".join(v for v in (phone, value.get("email")) if v)
    return str(value)


async def _offer_times(preferences: Any) -> list[datetime]:
    """Free times from the booking system (none from the front-desk queue), off the event loop:
    Cliniko is a network call."""
    return await asyncio.to_thread(booking_system().offer_times, preferences)


def _chosen_label(tracker: Tracker) -> str | None:
    choice = tracker.get_slot("appointment_choice")
    for option in tracker.get_slot(OFFERED) or []:
        if option["start"] == choice:
            return option["label"]
    return None


class ActionAskHandoffQuestion(ActionAskFormQuestion, ABC):
    """Asks one handoff question: plain first, then with an example. Rasa finds it as
    action_ask_<slot>; one subclass per question below."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot(CHANGING):  # "What should I change?"; the answer is read here
            send(dispatcher, "handoff_what_wrong")
            return [SlotSet(CHANGING, None)]
        question = load_handoff_questions()[self.slot]
        titles = list(question.buttons)
        text = question.text
        if self.slot == "appointment_choice":
            titles = [o["label"] for o in tracker.get_slot(OFFERED) or []]
            titles.append(render("handoff_no_options").text)
        elif self.slot == "handoff_consent":
            details = recap(
                tracker.get_slot(PATIENT),
                tracker.get_slot("contact_name"),
                tracker.get_slot("contact_details"),
                tracker.get_slot("preferred_times"),
                _chosen_label(tracker),
                _front_desk_note(tracker, with_patient=False),
                region_code(load_clinic()),
            )
            text = text.format(
                recap=details, clinic_name=load_clinic().name, retention_days=retention_days()
            )
        if failures(tracker):
            # contact details were already told why they couldn't be used (the validator)
            lead = "" if self.slot == "contact_details" else render("handoff_reask").text + " "
            text = f"{lead}{text} {question.example}"
        dispatcher.utter_message(text=text, buttons=[{"title": t, "payload": t} for t in titles])
        return []


ASK_ACTIONS = ask_actions(ActionAskHandoffQuestion, FORM_SLOTS)


class ActionSubmitHandoff(Action):
    """After the form: book or queue the request and save it for the front desk, or say why
    nothing was saved."""

    def name(self) -> str:
        return "action_submit_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reason = tracker.get_slot(EXIT)
        kind = tracker.get_slot(KIND) or "booking"
        reset = [SlotSet(s, None) for s in (*FORM_SLOTS, *STATE_SLOTS)]
        if reason == "answered":  # running late, bringing someone: answered, nothing to pass on
            return reset
        if reason in ("cancelled", "not_wanted", "refused", "gave_up"):
            send(dispatcher, f"handoff_{reason}")
            return reset
        if reason == "red_flag" or tracker.get_slot("handoff_consent") != "yes":
            return reset  # the escalation has been sent; the red-flag record made
        record = self._record(tracker, kind)
        choice = tracker.get_slot("appointment_choice")
        start = None if choice in (None, CALL_BACK) else datetime.fromisoformat(choice)
        result = await asyncio.to_thread(booking_system().book, record, start)
        notify_front_desk(result.saved.id, record)
        request = load_requests().get(tracker.get_slot(REQUEST) or "")
        self._confirm(dispatcher, record, result, start, request.note if request else None)
        if kind == "human":
            status = opening_status(load_clinic())
            when = (
                render("handoff_when_open").text
                if status.is_open
                else render("handoff_when_closed", next_open=status.next_open).text
            )
            send(dispatcher, "handoff_human_waiting", when=when)
            return [*reset, FollowupAction("human_handoff_form")]
        return reset

    @staticmethod
    def _record(tracker: Tracker, kind: str) -> Any:
        record = base_record(tracker, f"{kind}:{uuid.uuid4()}", kind)
        details = tracker.get_slot("contact_details") or {}
        record.contact = Contact(
            name=tracker.get_slot("contact_name"),
            phone=details.get("phone"),
            email=details.get("email"),
        )
        record.preferred_times = tracker.get_slot("preferred_times")
        record.note = _front_desk_note(tracker) or None
        consent = tracker.get_slot(CONSENT_AT)
        record.consent_at = datetime.fromisoformat(consent) if consent else None
        return record

    @staticmethod
    def _confirm(
        dispatcher: CollectingDispatcher,
        record: Any,
        result: Any,
        start: datetime | None,
        request_note: str | None = None,
    ) -> None:
        if result.appointment and start is not None:
            when = long_time_label(start, load_clinic().timezone)
            send(dispatcher, "handoff_saved_booked", start=when)
        else:
            if start is not None and result.fell_back:
                send(dispatcher, "handoff_booking_failed")
            if not result.saved.saved:
                send(dispatcher, "handoff_store_down")
            elif record.kind == "booking":
                reach = "by phone" if record.contact.phone else "by email"
                if request_note:  # a cancellation, a receipt: not "to arrange a time"
                    send(dispatcher, "request_saved", what=request_note, reach=reach)
                else:
                    send(dispatcher, "handoff_saved_queue", reach=reach)
