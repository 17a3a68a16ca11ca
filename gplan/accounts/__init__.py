"""People: accounts, sign-in, invitations and passwords, API tokens, and who may see and change
what (``access``)."""
