"""The console construct, synthesized on its own (with cdk-nag and cfn-lint), and what it ships.

The API URL and the user pool's ids are CloudFormation parameters here, so the template shows
where each deploy-time value goes (config.json, the Content-Security-Policy).
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from infra.console import CONSOLE_DIR, EXCLUDE, Console

API_URL, POOL_ID, CLIENT_ID = {"Ref": "ApiUrl"}, {"Ref": "PoolId"}, {"Ref": "ClientId"}
COGNITO = {"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, "/"]]}
CONFIG_KEYS = {"api_url", "region", "cognito_endpoint", "cognito_client_id", "cognito_user_pool_id"}
FIRST_LOAD_BUDGET = 150 * 1024
# Everything the console ships, the parts loaded on demand too: half the first-load budget (76,800 B) until issue 15,
# raised by 13,400 B for the admins' Reports (reports.js 5.9 KB, charts.js 2.8 KB) and Missed questions (missed.js
# 3.8 KB, their styles in settings.css) screens, gzipped; they load with import() when first opened, so the first
# load (a third of FIRST_LOAD_BUDGET) does not carry them.
WHOLE_CONSOLE_BUDGET = FIRST_LOAD_BUDGET // 2 + 13_400


def _synth(outdir: Path, env: cdk.Environment | None = None, **console_props):
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "ConsoleOnly", env=env)  # environment-agnostic by default, as LobbyStack is
    param = lambda name: cdk.CfnParameter(stack, name).value_as_string  # noqa: E731
    console = Console(stack, "Console", api_url=param("ApiUrl"), user_pool_id=param("PoolId"),
                      user_pool_client_id=param("ClientId"), **console_props)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(verbose=True))
    assembly = app.synth()  # raises when cdk-nag reports an unacknowledged finding
    return assembly, stack, console


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("console.out")
    assembly, stack, console = _synth(outdir)
    return assembly, stack, console, outdir


@pytest.fixture(scope="module")
def template(synthesized) -> dict:
    _, stack, _, _ = synthesized
    return Template.from_stack(stack).to_json()


@pytest.fixture(scope="module")
def resources(template) -> dict:
    return template["Resources"]


def _of_type(resources: dict, type_: str) -> dict[str, dict]:
    return {id: r for id, r in resources.items() if r["Type"] == type_}


def _one(resources: dict, type_: str) -> tuple[str, dict]:
    (found,) = _of_type(resources, type_).items()
    return found


def _bucket(resources: dict, construct: str) -> tuple[str, dict]:
    (found,) = [(id, r) for id, r in _of_type(resources, "AWS::S3::Bucket").items()
                if id.startswith(f"Console{construct}")]
    return found


def _policy_of(resources: dict, bucket_id: str) -> list[dict]:
    (policy,) = [p for p in _of_type(resources, "AWS::S3::BucketPolicy").values()
                 if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def _deployment(resources: dict) -> dict:
    return _one(resources, "Custom::CDKBucketDeployment")[1]["Properties"]


# Checks

def test_cfn_lint_reports_no_error(synthesized):
    assembly, stack, _, _ = synthesized
    path = assembly.get_stack_artifact(stack.artifact_id).template_full_path
    result = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), path], capture_output=True, text=True)
    assert result.returncode in (0, 4), result.stdout + result.stderr  # 4: warnings only
    assert not any(line.startswith("E") for line in result.stdout.splitlines()), result.stdout


def test_the_acknowledgements_are_the_reviewed_few_with_reasons(synthesized):
    _, stack, _, _ = synthesized
    found = {}
    for node in stack.node.find_all():
        for entry in node.node.metadata:
            if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                for acknowledgement in entry.data if isinstance(entry.data, list) else [entry.data]:
                    for rule, reason in acknowledgement.items():
                        found[(node.node.path, rule.removeprefix("Annotation::"))] = reason
    policy = "ConsoleOnly/Console/DeploymentRole/DefaultPolicy"
    assets = "arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*"
    expected = {
        ("ConsoleOnly/Console/AccessLogs", "AwsSolutions-S1"),
        ("ConsoleOnly/Console/Distribution", "AwsSolutions-CFR1"),
        ("ConsoleOnly/Console/Distribution", "AwsSolutions-CFR2"),
        ("ConsoleOnly/Console/Distribution", "AwsSolutions-CFR4"),
        ("ConsoleOnly/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB", "AwsSolutions-L1"),
        *((policy, f"AwsSolutions-IAM5[{finding}]") for finding in (
            "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*",
            "Action::s3:Abort*", f"Resource::{assets}", "Resource::<ConsoleBucket86B6957C.Arn>/*")),
    }
    assert set(found) == expected
    assert all(len(reason) >= 60 for reason in found.values())
    assert len(set(found.values())) == len(found)


# The buckets

def test_the_console_bucket_is_private_encrypted_tls_only_and_logged(resources):
    bucket_id, bucket = _bucket(resources, "Bucket")
    access_logs_id, _ = _bucket(resources, "AccessLogs")
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"}
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]  # no ACLs
    assert properties["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": access_logs_id},
                                                  "LogFilePrefix": "console/"}
    assert "WebsiteConfiguration" not in properties


def test_only_this_distribution_may_read_the_console_bucket_and_only_over_tls(resources):
    bucket_id, _ = _bucket(resources, "Bucket")
    distribution_id, _ = _one(resources, "AWS::CloudFront::Distribution")
    statements = _policy_of(resources, bucket_id)
    deny, allow = [s for s in statements if s["Effect"] == "Deny"], [s for s in statements if s["Effect"] == "Allow"]
    assert deny == [{"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}, "Effect": "Deny",
                     "Principal": {"AWS": "*"}, "Resource": [{"Fn::GetAtt": [bucket_id, "Arn"]}, {
                         "Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]}]}]
    (read,) = allow
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Action"] == "s3:GetObject"
    assert read["Condition"] == {"StringEquals": {"AWS:SourceArn": {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":cloudfront::", {"Ref": "AWS::AccountId"}, ":distribution/",
        {"Ref": distribution_id}]]}}}


def test_access_logs_are_kept_90_days_delivered_by_policy_and_by_acl_only_for_cloudfront(resources):
    access_logs_id, access_logs = _bucket(resources, "AccessLogs")
    cdn_logs_id, cdn_logs = _bucket(resources, "CdnLogs")
    for bucket in (access_logs, cdn_logs):
        properties = bucket["Properties"]
        assert properties["LifecycleConfiguration"]["Rules"] == [{"ExpirationInDays": 90, "Status": "Enabled"}]
        assert all(properties["PublicAccessBlockConfiguration"].values())
        assert "AccessControl" not in properties
    assert access_logs["Properties"]["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    # CloudFront's standard logs are written with ACLs: that bucket must accept them.
    assert cdn_logs["Properties"]["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerPreferred"}]
    assert cdn_logs["Properties"]["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": access_logs_id}
    delivery = [s for s in _policy_of(resources, access_logs_id)
                if s.get("Principal") == {"Service": "logging.s3.amazonaws.com"}]
    assert {s["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::GetAtt"][0] for s in delivery} == {
        cdn_logs_id, _bucket(resources, "Bucket")[0]}
    assert all(s["Action"] == "s3:PutObject" for s in delivery)


# The distribution

def test_the_distribution_serves_index_html_over_https_through_oac_with_logs(resources):
    distribution_id, distribution = _one(resources, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    bucket_id, _ = _bucket(resources, "Bucket")
    cdn_logs_id, _ = _bucket(resources, "CdnLogs")
    headers_id, _ = _one(resources, "AWS::CloudFront::ResponseHeadersPolicy")
    oac_id, oac = _one(resources, "AWS::CloudFront::OriginAccessControl")
    assert config["DefaultRootObject"] == "index.html"
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]
    assert behavior["Compress"] is True
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": headers_id}
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket_id, "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # OAC, not the legacy OAI
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert config["Logging"] == {"Bucket": {"Fn::GetAtt": [cdn_logs_id, "RegionalDomainName"]}, "Prefix": "cloudfront/"}
    assert "ViewerCertificate" not in config  # the default certificate without a custom domain


def test_the_security_headers_policy(resources):
    _, policy = _one(resources, "AWS::CloudFront::ResponseHeadersPolicy")
    security = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert all(header["Override"] for header in security.values())
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Join"][1]
    text = "".join(part if isinstance(part, str) else "<token>" for part in csp)
    directives = dict(d.split(" ", 1) for d in text.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["connect-src"] == "'self' <token> https://cognito-idp.<token>.<token>/"
    assert API_URL in csp and {"Ref": "AWS::Region"} in csp  # the API and Cognito, nothing else
    assert "unsafe" not in text
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 365 * 86400
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert "ContentTypeOptions" in security
    custom = {h["Header"]: h["Value"] for h in policy["Properties"]["ResponseHeadersPolicyConfig"][
        "CustomHeadersConfig"]["Items"]}
    assert "camera=()" in custom["Permissions-Policy"]


def test_a_custom_domain_in_a_given_account_requires_tls_1_2_and_passes_nag(tmp_path):
    app = cdk.App(outdir=str(tmp_path / "a"))
    app_stack = cdk.Stack(app, "Domain", env=cdk.Environment(account="123456789012", region="us-east-1"))
    certificate = acm.Certificate.from_certificate_arn(
        app_stack, "Cert", "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000")
    Console(app_stack, "Console", api_url="https://api.example.com/prod/", user_pool_id="eu-west-1_abc",
            user_pool_client_id="client", domain_names=["console.example.com"], certificate=certificate)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(verbose=True))
    app.synth()  # the acknowledgements follow a concrete account and region; no CFR4 to acknowledge
    template = Template.from_stack(app_stack).to_json()
    (distribution,) = _of_type(template["Resources"], "AWS::CloudFront::Distribution").values()
    viewer = distribution["Properties"]["DistributionConfig"]["ViewerCertificate"]
    assert viewer["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert distribution["Properties"]["DistributionConfig"]["Aliases"] == ["console.example.com"]
    with pytest.raises(ValueError):
        Console(cdk.Stack(cdk.App(outdir=str(tmp_path / "b")), "Half"), "Console", api_url="https://x/",
                user_pool_id="p", user_pool_client_id="c", domain_names=["console.example.com"])


# The deployment

def test_the_deployment_uploads_the_console_and_a_config_json_made_at_deploy_time(synthesized, resources):
    _, _, _, outdir = synthesized
    bucket_id, _ = _bucket(resources, "Bucket")
    deployment = _deployment(resources)
    assert deployment["DestinationBucketName"] == {"Ref": bucket_id}
    assert deployment["Prune"] is True
    assert deployment["SystemMetadata"] == {"cache-control": "no-cache"}  # browsers revalidate: deploys show at once
    assert "DistributionId" not in deployment  # no invalidation, which would need cloudfront:* on Resource "*"

    site_key, config_key = (key.removesuffix(".zip") for key in deployment["SourceObjectKeys"])
    shipped = {p.name for p in (outdir / f"asset.{site_key}").iterdir()}
    assert {"index.html", "app.js", "style.css", "favicon.svg"} <= shipped
    assert shipped == {p.name for p in CONSOLE_DIR.iterdir()
                       if p.is_file() and not any(fnmatch(p.name, pattern) for pattern in EXCLUDE)}
    assert "config.json" not in shipped  # only the generated one
    # Deploy-time values stand as bare markers (the deployment writes each as a JSON string).
    raw = (outdir / f"asset.{config_key}" / "config.json").read_text()
    config = json.loads(re.sub(r"(<<marker:0x[0-9a-f]+:\d+>>)", r'"\1"', raw))
    assert set(config) == CONFIG_KEYS
    markers = deployment["SourceMarkers"][1]
    resolved = {key: markers[value] for key, value in config.items()}
    quoted = lambda token: {"Fn::Join": ["", ['"', token, '"']]}  # noqa: E731
    assert resolved["api_url"] == quoted(API_URL)
    assert resolved["cognito_user_pool_id"] == quoted(POOL_ID)
    assert resolved["cognito_client_id"] == quoted(CLIENT_ID)
    assert resolved["region"] == quoted({"Ref": "AWS::Region"})
    assert resolved["cognito_endpoint"] == {"Fn::Join": ["", ['"https://cognito-idp.', {"Ref": "AWS::Region"}, ".",
                                                              {"Ref": "AWS::URLSuffix"}, '/"']]}


def test_with_a_websocket_url_the_config_gives_it_and_the_policy_lets_the_console_connect_there(tmp_path):
    """realtime_url (the WebSocket API's stage): without it (above) the console polls and connects nowhere else."""
    url = "wss://abc123.execute-api.eu-west-1.amazonaws.com/live"
    _, stack, console = _synth(tmp_path, realtime_url=url)
    assert console.config["realtime_url"] == url
    resources = Template.from_stack(stack).to_json()["Resources"]
    _, policy = _one(resources, "AWS::CloudFront::ResponseHeadersPolicy")
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    text = "".join(part if isinstance(part, str) else "<token>" for part in csp["ContentSecurityPolicy"]["Fn::Join"][1])
    directives = dict(d.split(" ", 1) for d in text.split("; "))
    assert directives["connect-src"] == f"'self' <token> https://cognito-idp.<token>.<token>/ {url}"


def test_the_deployment_function_has_its_own_narrow_role_and_logs_with_a_retention(resources):
    (function_id, function), = [(id, f) for id, f in _of_type(resources, "AWS::Lambda::Function").items()
                                if id.startswith("CustomCDKBucketDeployment")]
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    role = resources[role_id]["Properties"]
    assert not role.get("ManagedPolicyArns")
    log_group_id = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    assert resources[log_group_id]["Properties"]["RetentionInDays"] == 90
    bucket_id, _ = _bucket(resources, "Bucket")
    (policy,) = [p["Properties"]["PolicyDocument"]["Statement"] for p in _of_type(resources, "AWS::IAM::Policy").values()
                 if {"Ref": role_id} in p["Properties"]["Roles"]]
    text = json.dumps(policy)
    assert '"*"' not in text and "cloudfront:" not in text and "s3:*" not in text
    writes = [s for s in policy if "s3:PutObject" in s["Action"]]
    assert [s["Resource"] for s in writes] == [[{"Fn::GetAtt": [bucket_id, "Arn"]},
                                                {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]}]]
    logs = [s for s in policy if "logs:PutLogEvents" in s["Action"]]
    assert logs == [{"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow",
                     "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]}}]


# What ships

def _shipped() -> list[Path]:
    return sorted(p for p in CONSOLE_DIR.iterdir() if p.is_file() and p.name != "config.json")


def test_the_console_page_allows_no_inline_script_or_style():
    html = (CONSOLE_DIR / "index.html").read_text()
    (csp,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in csp
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attributes and not body.strip() for attributes, body in scripts)
    assert not re.search(r"\son[a-z]+=", html) and "style=" not in html


def test_the_console_never_turns_data_into_markup():
    """Guest text goes in as text: no HTML parsing sinks anywhere in the console's code."""
    for path in _shipped():
        if path.suffix == ".js":
            code = path.read_text()
            for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                         "new Function", "createContextualFragment", "DOMParser"):
                assert sink not in code, (path.name, sink)


def _first_load() -> set[str]:
    """What the first load fetches: index.html, what it links, and the modules those import statically (the
    composer's helpers and the settings screen load with import() when first needed)."""
    html = (CONSOLE_DIR / "index.html").read_text()
    todo = {"index.html", *re.findall(r'(?:href|src)="([\w.-]+)"', html)}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        seen.add(name)
        if name.endswith(".js"):
            imported = re.findall(r"""^import .* from '\./([^']+)';""", (CONSOLE_DIR / name).read_text(), re.M)
            todo |= set(imported) - seen
    return seen


def test_the_console_ships_well_under_150_kb_compressed_with_no_dependency():
    size = lambda paths: sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths)  # noqa: E731
    first = _first_load()
    assert {"app.js", "style.css", "i18n.js"} <= first
    assert size(p for p in _shipped() if p.name in first) <= FIRST_LOAD_BUDGET / 3, first
    assert size(_shipped()) <= WHOLE_CONSOLE_BUDGET  # everything, the parts loaded on demand too
    for path in _shipped():
        if path.suffix == ".js":
            imports = re.findall(r"""^import .* from '([^']+)';""", path.read_text(), re.M)
            assert all(i.startswith("./") for i in imports), (path.name, imports)  # no package, no CDN
