"""The outbox sends in batches: one SMTP connection for a batch, each message once, the bytes
built when it was queued, and a failure in the middle of a batch costing nothing that was
already sent and losing nothing that was not."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.mail.delivery import deliver_pending, queue_mail
from gplan.mail.sending import claim, send_batch
from gplan.mail.vocabulary import MailKind, MailState
from gplan.models import MailMessage
from gplan.reminders.run import run_reminders
from gplan.timeutil import LOCAL_TZ, utcnow
from tests.helpers import focal_email, task_of, user
from tests.reminders.conftest import reopen, settle_before

TUESDAY = date(2018, 6, 12)


@pytest.fixture
def morning():
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False) as traveller:
        yield traveller


def _queue(count: int) -> list[str]:
    addresses = [f"dau-moi-{n}@haiduong.gov.vn" for n in range(count)]
    for n, address in enumerate(addresses):
        queue_mail(
            kind=MailKind.NUDGE,
            recipient=address,
            subject=f"[gplan] Đề nghị cập nhật tiến độ {n}",
            text=f"Kính gửi đầu mối số {n}.",
            html=f"<p>Kính gửi đầu mối số {n}.</p>",
        )
    db.session.commit()
    return addresses


def _states() -> dict[str, MailMessage]:
    db.session.expire_all()
    return {m.recipient: m for m in db.session.scalars(select(MailMessage))}


def test_a_batch_arrives_once_each_over_one_connection(smtp, morning):
    addresses = _queue(12)

    counts = deliver_pending()

    assert counts[MailState.SENT] == 12
    assert sorted(smtp.recipients()) == sorted(addresses)  # each once
    assert len({received.peer for received in smtp.received}) == 1  # one connection
    assert all(m.status == MailState.SENT and m.attempts == 1 for m in _states().values())
    assert deliver_pending()[MailState.SENT] == 0
    assert len(smtp.received) == 12


def test_a_failure_mid_batch_leaves_the_rest_for_retry_and_the_sent_ones_marked(smtp, morning):
    addresses = _queue(10)
    smtp.accept = 4  # then the server says 421 and hangs up, for every message after

    counts = deliver_pending()

    assert (counts[MailState.SENT], counts["retry"]) == (4, 6)
    delivered = set(smtp.recipients())
    assert len(delivered) == 4
    states = _states()
    for address in addresses:
        message = states[address]
        if address in delivered:
            assert message.status == MailState.SENT and message.sent_at is not None
        else:
            assert message.status == MailState.PENDING and message.attempts == 1
            assert "421" in message.last_error
            assert message.next_attempt_at == utcnow() + timedelta(minutes=2)  # backoff

    smtp.accept = None
    assert deliver_pending()[MailState.SENT] == 0  # still backing off
    morning.shift(timedelta(minutes=3))
    assert deliver_pending()[MailState.SENT] == 6
    assert sorted(smtp.recipients()) == sorted(addresses)  # each exactly once
    assert all(m.status == MailState.SENT for m in _states().values())


def test_a_claim_taken_over_after_it_expired_is_left_to_the_new_sender(smtp, morning):
    """A sender stalled past its claim (a hung server, a paused process) renews it before going
    on, and keeps only what nobody else took over meanwhile."""
    addresses = _queue(3)
    first, second, third = db.session.scalars(select(MailMessage.id).order_by(MailMessage.id)).all()
    stalled = claim([first, second, third], utcnow())
    morning.shift(timedelta(minutes=11))  # past its claim (MAIL_CLAIM_SECONDS: 10 minutes)
    other = claim([second], utcnow())  # another sender takes one of them over
    counts = {MailState.SENT: 0, "retry": 0, MailState.FAILED: 0}

    stalled.renewed -= stalled.lease.total_seconds()  # it wakes up, half its lease gone
    send_batch(stalled, counts)

    assert sorted(smtp.recipients()) == [addresses[0], addresses[2]]
    assert _states()[addresses[1]].status == MailState.SENDING  # the other sender's
    send_batch(other, counts)
    assert sorted(smtp.recipients()) == sorted(addresses)  # each once
    assert counts[MailState.SENT] == 3


def test_the_bytes_queued_are_what_arrives_with_a_vietnamese_subject(smtp, morning):
    settle_before(TUESDAY)
    reopen(task_of("police", "IV.11.a", "2018"), TUESDAY - timedelta(days=7))
    run_reminders(TUESDAY, deliver=False)
    queued = db.session.scalars(
        select(MailMessage).where(MailMessage.recipient == focal_email("police"))
    ).one()
    assert queued.raw is not None and b"Message-ID" not in queued.raw  # its id is added when sent
    parsed = email.message_from_bytes(queued.raw, policy=email.policy.default)
    assert str(parsed["Subject"]) == queued.subject
    assert (
        queued.subject == "[gplan] Nhắc việc ngày 12/06/2018: 1 quá hạn"
    )  # the focal point reads Vietnamese

    deliver_pending()

    (received,) = smtp.to(focal_email("police"))
    assert received.raw.startswith(b"Message-ID: <gplan.")
    assert received.raw.rstrip(b"\r\n").endswith(queued.raw.rstrip(b"\r\n"))
    assert received.subject == queued.subject
    assert received.text == queued.body_text and received.html == queued.body_html
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert received.message["List-Unsubscribe"] == "<http://gplan.test/profile/reminders>"


def test_a_message_queued_without_its_bytes_is_built_when_sent(smtp, morning):
    """Rows queued before the outbox kept bytes (or written by hand) still go out, whole."""
    db.session.add(
        MailMessage(
            kind=MailKind.NUDGE,
            recipient="so-tu-phap@haiduong.gov.vn",
            subject="[gplan] Nhắc việc",
            body_text="Kính gửi Sở Tư pháp.",
            status=MailState.PENDING,
            created_at=utcnow(),
        )
    )
    db.session.commit()

    assert deliver_pending()[MailState.SENT] == 1

    (received,) = smtp.to("so-tu-phap@haiduong.gov.vn")
    assert received.subject == "[gplan] Nhắc việc" and received.text.strip() == "Kính gửi Sở Tư pháp."


def test_a_name_in_a_digest_is_escaped_in_its_html(morning):
    """The digest's templates get their translations bound once per language; the text they
    fill in is escaped as Jinja's own would."""
    settle_before(TUESDAY)
    reopen(task_of("police", "IV.11.a", "2018"), TUESDAY - timedelta(days=7))
    user(focal_email("police")).name = "<b>Trần</b> & Lê"
    db.session.commit()

    run_reminders(TUESDAY, deliver=False)

    queued = db.session.scalars(
        select(MailMessage).where(MailMessage.recipient == focal_email("police"))
    ).one()
    assert "&lt;b&gt;Trần&lt;/b&gt; &amp; Lê" in queued.body_html and "<b>Trần" not in queued.body_html
    assert "<b>Trần</b> & Lê" in queued.body_text  # the plain text part is plain
