"""Remediation actions, one module per action name (``create-key`` -> ``create_key``).

See ``regionready.remediation`` for the contract and the safety guard every action runs
under.
"""
