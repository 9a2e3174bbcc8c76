"""Remediation actions: one module per action, listed in ``regionready.registry.ACTIONS``
under the name a rule's ``remediation.action`` gives (``create-key`` -> ``create_key``).

The contract is ``regionready.plugins.Action``; ``regionready.remediation`` holds the
runner and the safety guard every action runs under. Two modules here are not actions:
``common`` (helpers several actions share) and ``errors`` (the errors they raise). An
action imports from those, never from another action.
"""
