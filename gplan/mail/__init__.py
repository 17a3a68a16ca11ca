"""The outbox: every mail is queued as a row, then delivered over SMTP with retries."""
