"""Collection: reads AWS (read-only) into a snapshot; the only part that calls AWS.

driver        sessions, tasks (service x Region x account), the scan
permissions   the IAM actions the collectors declare and the policy built from them
progress      one account's progress bar (or one line per task) on stderr
clients       ``Clients``: the calls collectors make, recording every AWS error
forks         collection tasks shared among forked worker processes (Linux)
connectivity  first-call bounds and telling an unreachable endpoint from a slow one
accounts      ``--accounts`` files: the accounts and roles of an organisation scan
organisation  an organisation's accounts on one shared pool, each handed over when done
org_progress  the organisation's one progress bar (or one line per account)
"""
