"""The cutover plan: a snapshot's open findings as an ordered runbook.

``steps.build_plan(report, rules)`` groups the FAIL results (suppressed ones left out)
into steps, one per rule and Region pair, and orders them: by phase (keys, data,
certificates, secrets, identity, waf, detection, other), blockers before the steps they
block (the results' ``blocked_by``), then severity and rule id. ``render`` writes a plan
as Markdown (with a mermaid flowchart), JSON (``schemas/plan.schema.json``) or Graphviz
dot. ``regionready plan SNAPSHOT`` is the command (``cli/commands/plan.py``).
"""

from regionready.cutover.phases import PHASES
from regionready.cutover.steps import Plan, Step, build_plan

__all__ = ["PHASES", "Plan", "Step", "build_plan"]
