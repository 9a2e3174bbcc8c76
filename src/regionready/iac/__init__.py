"""Infrastructure-as-code readiness: templates, policies, configuration and code on disk.

Nothing here calls AWS. The ``iac`` collector (``collectors/iac.py``) and the
``regionready iac`` command run :func:`regionready.iac.scan.scan` over the paths they are
given; each module has one job:

``files``       find the files under the scanned paths and say what each one is
                (CloudFormation, Terraform, IAM policy, configuration or code)
``text``        offsets to line/column, comment lines, the spans a scanner may look in
``yamlspans``   YAML/JSON node trees: scalar spans and their key paths
``cfnlint``     IAC-001: cfn-lint's Python API for the target Region
``regions``     IAC-002: the source Region hard-coded outside Mappings and parameters
``checkov``     IAC-003: checkov as an external program, failures on migrated resources
``endpoints``   IAC-004 and STS-002: sts.amazonaws.com / signin.aws.amazon.com literals
``stsclients``  STS-002: STS clients built without a Region (Python via ast; JS, Go,
                Java by conservative patterns)
``scan``        run the scanners over every file and shape the snapshot items
``cli``         the ``regionready iac PATH... --source R --target R`` command
"""
