"""The scanners' edge cases, one behaviour per test."""

from __future__ import annotations

from pathlib import Path

from regionready.iac import endpoints, files, hcl, regions, stsclients
from regionready.iac.text import Positions, normalise, subtract, within


def source(name: str, text: str) -> files.SourceFile:
    found = files.classify(Path(name), name, text)
    assert found is not None
    return found


def test_positions_are_one_based_characters() -> None:
    positions = Positions("ab\n\u00e9cd\n")
    assert positions.line_col(0) == (1, 1)
    assert positions.line_col(4) == (2, 2)
    assert positions.first_column(2) == 1


def test_span_helpers() -> None:
    assert normalise([(5, 8), (0, 3), (2, 4)]) == [(0, 4), (5, 8)]
    assert subtract([(0, 10)], [(2, 3), (5, 7)]) == [(0, 2), (3, 5), (7, 10)]
    assert within([(0, 4), (5, 8)], 5, 8)
    assert not within([(0, 4), (5, 8)], 3, 6)


def test_hcl_strings_do_not_open_comments_or_blocks() -> None:
    text = 'variable "r" {\n  default = "#{" # }\n}\nx = "a//b"\n'
    layout = hcl.layout(text)
    assert [text[a:b] for a, b in layout.comments] == ["# }"]
    assert [text[a:b] for a, b in layout.variables] == [text[: text.index("\n}\n") + 2]]


def test_region_code_is_matched_as_a_whole_word() -> None:
    pattern = regions.pattern("us-east-1")
    assert pattern.search("arn:aws:kms:us-east-1:1:key/x")
    assert pattern.search("us-east-1a")
    assert not pattern.search("us-east-10")
    assert not pattern.search("xus-east-1")


def test_regional_endpoint_names_are_not_global_ones() -> None:
    text = "a: https://eu-west-1.signin.aws.amazon.com/saml\nb: sts.eu-west-1.amazonaws.com\n"
    assert endpoints.scan(source("cfg.yaml", text)) == []


def test_audience_in_a_github_workflow_is_not_an_endpoint() -> None:
    text = "steps:\n  - with:\n      audience: sts.amazonaws.com\n"
    assert endpoints.scan(source(".github/workflows/deploy.yml", text)) == []


def test_terraform_global_endpoints_are_flagged_outside_comments() -> None:
    text = (
        'provider "aws" {\n'
        '  # sts = "https://sts.amazonaws.com"\n'
        '  endpoints { sts = "https://sts.amazonaws.com" }\n'
        "}\n"
        'locals { saml = "https://signin.aws.amazon.com/saml" } // signin.aws.amazon.com\n'
    )
    found = endpoints.scan(source("main.tf", text))
    assert [(f.check, f.line, f.column, f.code) for f in found] == [
        ("IAC-004", 3, 30, "sts-global-endpoint"),
        ("IAC-004", 5, 26, "signin-us-east-1-endpoint"),
    ]


def test_signin_endpoint_in_a_saml_audience_is_flagged() -> None:
    text = '{"Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}'
    found = endpoints.scan(source("trust.json", text))
    assert [(f.check, f.line, f.column, f.code) for f in found] == [
        ("IAC-004", 1, 54, "signin-us-east-1-endpoint")
    ]


def test_python_aliases_and_imported_client_function() -> None:
    text = (
        "import boto3 as b3\n"
        "from boto3 import client as make\n"
        "a = b3.client('sts')\n"
        "b = make('sts')\n"
        "c = b3.client('kms')\n"
    )
    assert stsclients.python_calls(text) == [(3, 5), (4, 5)]


def test_python_unknowns_are_not_flagged() -> None:
    text = (
        "import boto3\n"
        "from botocore.config import Config\n"
        "a = boto3.client('sts', **settings)\n"
        "b = boto3.client('sts', config=cfg)\n"
        "c = boto3.client('sts', config=Config(region_name='eu-west-1'))\n"
        "d = boto3.client('sts', endpoint_url=url)\n"
        "e = self.session.client('sts')\n"
    )
    assert stsclients.python_calls(text) == []


def test_python_session_attribute_without_region_is_flagged() -> None:
    text = (
        "import boto3\n"
        "class A:\n"
        "    def __init__(self):\n"
        "        self.session = boto3.session.Session()\n"
        "        self.sts = self.session.client('sts')\n"
    )
    assert stsclients.python_calls(text) == [(5, 20)]


def test_python_columns_count_characters_not_bytes() -> None:
    text = "import boto3\nx = ('\u00e9', boto3.client('sts'))\n"
    assert stsclients.python_calls(text) == [(2, 11)]


def test_javascript_object_with_region_or_endpoint_is_configured() -> None:
    text = (
        "const a = new STSClient({ region });\n"
        "const b = new STSClient({\n  endpoint: 'https://sts.eu-west-1.amazonaws.com',\n});\n"
        "const c = new STSClient({ credentials });\n"
    )
    found = stsclients.scan(source("a.ts", text))
    assert [(f.line, f.column) for f in found] == [(5, 11)]


def test_discovery_skips_hidden_dirs_lock_files_and_binaries(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("url = https://sts.amazonaws.com\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "ci.yml").write_text("x: 1\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "a.js").write_text("new STSClient()\n")
    (tmp_path / "package-lock.json").write_text("{}\n")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01")
    (tmp_path / "README.md").write_text("sts.amazonaws.com\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    found = files.discover([tmp_path], tmp_path)
    assert [(f.rel, f.kind) for f in found] == [(".github/ci.yml", "config"), ("app.py", "code")]


def test_paths_outside_the_base_are_relative_to_the_scanned_root(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text('provider "aws" {}\n')
    found = files.discover([tmp_path / "infra"], Path("/nonexistent-base"))
    assert [f.rel for f in found] == ["main.tf"]


def test_cloudformation_is_recognised_by_content() -> None:
    template = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    assert source("stack.yml", template).kind == "cloudformation"
    assert source("values.yml", "Resources:\n  cpu: 1\n").kind == "config"
    assert source("p.json", '{"Version": "2012-10-17", "Statement": []}').kind == "policy"
