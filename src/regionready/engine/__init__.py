"""The engine: judges a snapshot with the rules, offline (no AWS, no boto3).

evaluation   ``evaluate(scan, rules, clock)``: one Result per (rule, resource)
rules        loading and validating rule files (``rules/<service>/<ID>.yaml``), the schema
conditions   the one way a condition is evaluated (``Evaluator``), ``Clock``, ``Context``
data         a rule's items in a snapshot, and what collection errors left incomplete
reads        what each rule reads, found from its JMESPath expressions
parity       parity rules: source items joined to target items and compared
quota        quota rules: usage plus what the migration adds, against a quota
results      Results made by ``model.Result``: messages, locations, fingerprints
operators    the condition operators (``eq``, ``lt``, ``matches``, ...)
limits       bounds on the work one rule can cause; regex_syntax: their regex check
functions/   the JMESPath functions rules call; one module per topic (acm, iam, kms, ...)
eventpattern EventBridge event patterns, matched as EventBridge does (ACM-016)
fixtures     rule fixtures: ``regionready rules test``
"""
