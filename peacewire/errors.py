"""Errors a user can fix."""


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 1."""
