"""Who may do what, and the record of what they did.

Users and their passwords (bcrypt), the role policy (pages, OCG levels, cross-border view),
signed sign-in tokens and their signing secret, revoked sign-ins, and the audit log. No
Streamlit: the command-line tools use the same policy as the app.
"""
