"""Each hazard tree gives exactly its findings (check, path, line, column, code); each
clean twin gives none and a PASS item per (file, check)."""

from __future__ import annotations

from .conftest import clean, hits, item, run_scan

TPL = "cfn_region/template.yaml"


def test_cfn_resource_type_missing_in_the_target_fails_iac_001_at_its_line() -> None:
    outcome = run_scan("cfn_unavailable", source="eu-central-1", target="me-central-1")
    assert hits(outcome) == {("IAC-001", "cfn_unavailable/waf.yaml", 4, 5, "E3006")}
    found = item(outcome, "cfn_unavailable/waf.yaml:4:5:E3006")
    assert found["Message"].startswith("cfn-lint E3006 for me-central-1: ")
    assert "AWS::WAFRegional::WebACL" in found["Message"]
    assert "(not reported for eu-central-1)" in found["Message"]
    assert found["Severity"] == "error"


def test_the_same_template_passes_iac_001_where_the_type_exists() -> None:
    outcome = run_scan("cfn_unavailable", source="me-central-1", target="eu-central-1")
    assert hits(outcome, "IAC-001") == set()
    assert ("IAC-001", "cfn_unavailable/waf.yaml") in clean(outcome)


def test_wafv2_twin_is_clean_for_every_template_check() -> None:
    outcome = run_scan("cfn_unavailable_clean", source="eu-central-1", target="me-central-1")
    assert hits(outcome) == set()
    path = "cfn_unavailable_clean/waf.yaml"
    assert {("IAC-001", path), ("IAC-002", path), ("IAC-004", path)} <= clean(outcome)


def test_source_region_hard_coded_in_a_template_outside_mappings_and_parameters() -> None:
    outcome = run_scan("cfn_region")
    # Description (line 2), Parameters (6, 7), Mappings (10) and the comment (13) name the
    # Region too: none of them is a finding.
    assert hits(outcome, "IAC-002") == {
        ("IAC-002", TPL, 22, 36, "source-region-literal"),  # KMS key ARN
        ("IAC-002", TPL, 28, 25, "source-region-literal"),  # Availability Zone
        ("IAC-002", TPL, 33, 32, "source-region-literal"),  # Regional endpoint in !Sub
    }
    assert "in an ARN" in item(outcome, f"{TPL}:22:36:source-region-literal")["Message"]
    assert "in a string" in item(outcome, f"{TPL}:28:25:source-region-literal")["Message"]
    assert "in an endpoint" in item(outcome, f"{TPL}:33:32:source-region-literal")["Message"]
    assert hits(outcome, "IAC-001") == set()


def test_sub_with_aws_region_twin_passes_iac_002() -> None:
    outcome = run_scan("cfn_region_clean")
    assert hits(outcome) == set()
    assert ("IAC-002", "cfn_region_clean/template.yaml") in clean(outcome)


def test_json_template_with_tabs_keeps_exact_columns() -> None:
    outcome = run_scan("cfn_region_json")
    assert hits(outcome) == {
        ("IAC-002", "cfn_region_json/template.json", 7, 50, "source-region-literal")
    }
    assert outcome.items["file"][0]["Kind"] == "cloudformation"  # JSON, by content
    assert ("IAC-001", "cfn_region_json/template.json") in clean(outcome)


def test_terraform_provider_and_heredoc_arn_fail_variable_default_and_comments_do_not() -> None:
    outcome = run_scan("terraform_region")
    assert hits(outcome) == {
        ("IAC-002", "terraform_region/main.tf", 8, 13, "source-region-literal"),
        ("IAC-002", "terraform_region/main.tf", 15, 27, "source-region-literal"),
    }


def test_terraform_twin_with_data_aws_region_passes() -> None:
    outcome = run_scan("terraform_region_clean")
    assert hits(outcome) == set()
    assert clean(outcome) == {
        ("IAC-002", "terraform_region_clean/main.tf"),
        ("IAC-004", "terraform_region_clean/main.tf"),
    }


def test_iam_policy_json_with_a_source_region_arn() -> None:
    outcome = run_scan("policy_region")
    assert hits(outcome) == {
        ("IAC-002", "policy_region/policy.json", 7, 43, "source-region-literal")
    }
    assert run_scan("policy_region").items["file"][0]["Kind"] == "policy"


def test_iam_policy_twin_with_a_region_wildcard_passes() -> None:
    outcome = run_scan("policy_region_clean")
    assert hits(outcome) == set()
    assert clean(outcome) == {
        ("IAC-002", "policy_region_clean/policy.json"),
        ("IAC-004", "policy_region_clean/policy.json"),
    }


def test_python_regionless_sts_clients_and_the_global_endpoint() -> None:
    outcome = run_scan("python_sts")
    app = "python_sts/app.py"
    assert hits(outcome) == {
        ("STS-002", app, 10, 11, "sts-client-no-region"),  # boto3.client("sts")
        ("STS-002", app, 15, 82, "sts-global-endpoint"),  # endpoint_url=global
        ("IAC-004", app, 15, 82, "sts-global-endpoint"),
        ("STS-002", app, 19, 10, "sts-client-no-region"),  # Session().client(...)
        ("STS-002", app, 20, 13, "sts-client-no-region"),  # botocore create_client
    }


def test_python_twin_with_regions_passes() -> None:
    outcome = run_scan("python_sts_clean")
    assert hits(outcome) == set()
    assert clean(outcome) == {
        ("IAC-002", "python_sts_clean/app.py"),  # code is searched for Regional endpoints too
        ("IAC-004", "python_sts_clean/app.py"),
        ("STS-002", "python_sts_clean/app.py"),
    }


def test_config_naming_the_us_east_1_saml_endpoint() -> None:
    outcome = run_scan("config_signin")
    assert hits(outcome) == {
        ("IAC-004", "config_signin/saml.ini", 3, 19, "signin-us-east-1-endpoint")
    }
    assert ("STS-002", "config_signin/saml.ini") in clean(outcome)


def test_config_with_regional_saml_endpoints_passes() -> None:
    outcome = run_scan("config_signin_clean")
    assert hits(outcome) == set()
    assert ("IAC-004", "config_signin_clean/saml.ini") in clean(outcome)


def test_legacy_sts_setting_and_endpoint_override_in_config() -> None:
    outcome = run_scan("sts_legacy")
    assert hits(outcome) == {
        ("STS-002", "sts_legacy/config", 3, 1, "sts-legacy-setting"),
        ("STS-002", "sts_legacy/deploy.env", 2, 1, "sts-legacy-setting"),
        ("STS-002", "sts_legacy/deploy.env", 3, 30, "sts-global-endpoint"),
        ("IAC-004", "sts_legacy/deploy.env", 3, 30, "sts-global-endpoint"),
    }


def test_javascript_go_java_regionless_sts_clients() -> None:
    outcome = run_scan("sts_other")
    assert hits(outcome) == {
        ("STS-002", "sts_other/client.js", 4, 13, "sts-client-no-region"),
        ("STS-002", "sts_other/client.js", 5, 16, "sts-client-no-region"),
        ("STS-002", "sts_other/main.go", 10, 9, "sts-client-no-region"),
        ("STS-002", "sts_other/Identity.java", 5, 35, "sts-client-no-region"),
    }


def test_javascript_go_java_twins_with_regions_pass() -> None:
    outcome = run_scan("sts_other_clean")
    assert hits(outcome) == set()
    assert {p for c, p in clean(outcome) if c == "STS-002"} == {
        "sts_other_clean/client.js",
        "sts_other_clean/main.go",
        "sts_other_clean/Identity.java",
    }


def test_sts_as_an_oidc_audience_is_not_an_endpoint() -> None:
    outcome = run_scan("oidc_audience")
    assert hits(outcome) == set()
    assert {p for c, p in clean(outcome) if c == "IAC-004"} == {
        "oidc_audience/github-oidc.yaml",
        "oidc_audience/oidc.tf",
    }


def test_file_items_say_what_each_file_is_and_how_many_findings() -> None:
    outcome = run_scan("python_sts", "terraform_region", "cfn_region")
    files = {f["Path"]: f for f in outcome.items["file"]}
    assert files["python_sts/app.py"]["Kind"] == "code"
    assert files["python_sts/app.py"]["Findings"] == 5
    assert files["terraform_region/main.tf"]["Kind"] == "terraform"
    assert files["terraform_region/main.tf"]["Checks"] == ["IAC-002", "IAC-003", "IAC-004"]
    assert files[TPL]["Kind"] == "cloudformation"
    assert files[TPL]["Findings"] == 3
