"""The headers of every message as a real SMTP server receives them: a Message-ID on gplan's own
domain, Auto-Submitted so that out-of-office replies stay away, and on reminder digests a
List-Unsubscribe pointing at the reminder preferences."""

from datetime import date, datetime, timedelta

import time_machine

from gplan.accounts.users import send_password_link
from gplan.extensions import db
from gplan.mail.delivery import deliver_pending, queue_mail
from gplan.reminders.run import run_reminders
from gplan.timeutil import LOCAL_TZ
from tests.helpers import focal_email, task_of, user
from tests.reminders.conftest import reopen, settle_before

TUESDAY = date(2018, 6, 12)


def _digest_and_account_mail():
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(TUESDAY)
        reopen(task_of("police", "IV.11.a", "2018"), TUESDAY - timedelta(days=7))
        run_reminders(TUESDAY)
        send_password_link(user(focal_email("justice")), kind="reset")
        db.session.commit()
        deliver_pending()


def test_message_ids_are_on_gplans_domain_and_all_mail_is_marked_automatic(smtp):
    _digest_and_account_mail()
    assert smtp.received
    ids = [str(r.message["Message-ID"]) for r in smtp.received]
    for received in smtp.received:
        message_id = str(received.message["Message-ID"])
        assert message_id.startswith("<") and message_id.endswith("@gplan.test>"), message_id
        assert received.message["Auto-Submitted"] == "auto-generated"
    assert len(set(ids)) == len(ids)


def test_reminder_digests_carry_list_unsubscribe_to_the_preferences(smtp):
    _digest_and_account_mail()
    (digest,) = smtp.to(focal_email("police"))
    assert digest.message["List-Unsubscribe"] == "<http://gplan.test/profile/reminders>"
    (reset,) = smtp.to(focal_email("justice"))
    assert reset.message["List-Unsubscribe"] is None  # account mail is not a list


def test_an_address_as_base_url_gives_a_literal_domain(app, smtp):
    saved = app.config["BASE_URL"]
    app.config["BASE_URL"] = "http://127.0.0.1:5000"
    try:
        queue_mail(kind="reminder_digest", recipient="a@example.org", subject="s", text="t")
        db.session.commit()
        deliver_pending()
    finally:
        app.config["BASE_URL"] = saved
    (received,) = smtp.to("a@example.org")
    assert str(received.message["Message-ID"]).endswith("@[127.0.0.1]>")
    assert received.message["List-Unsubscribe"] == "<http://127.0.0.1:5000/profile/reminders>"
