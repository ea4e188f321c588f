"""The attachments bucket: private, encrypted, TLS only, unversioned, expiring, CORS for the console only,
logged; and exactly who may put and read its files."""

from __future__ import annotations

import pytest

from infra import names

FILES_OWNERS = {  # handler -> the S3 actions its role holds on the bucket's objects (hotels/*)
    # Uploads (tagged with their retention tier), links, and an erase's deletions.
    names.API_HANDLER: {"s3:PutObject", "s3:PutObjectTagging", "s3:GetObject", "s3:DeleteObject"},
    names.EXPEDIA_INGEST_HANDLER: {"s3:PutObject", "s3:PutObjectTagging"},
    names.EXPIRY_HANDLER: {"s3:DeleteObject"},  # an expired message's files by key, a conversation's by its prefix
    names.OUTBOUND_SENDER_HANDLER: {"s3:GetObject"},
    names.REALTIME_FANOUT_HANDLER: {"s3:GetObject"},  # signs the links of the messages it pushes, as the API does
}
PSEUDO = {"AWS::Partition": "aws", "AWS::AccountId": "123456789012", "AWS::Region": "eu-west-1",
          "AWS::URLSuffix": "amazonaws.com"}


def render(value) -> str:
    """A value made of literals, pseudo parameters and Fn::Join, as CloudFormation resolves it here."""
    if isinstance(value, str):
        return value
    if "Ref" in value and value["Ref"] in PSEUDO:
        return PSEUDO[value["Ref"]]
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(part) for part in parts)
    raise AssertionError(f"not made of literals and pseudo parameters: {value}")


@pytest.fixture(scope="module")
def bucket(cfn) -> tuple[str, dict]:
    (found,) = [(id, r) for id, r in cfn.of_type("AWS::S3::Bucket").items() if id.startswith("AttachmentsBucket")]
    return found


def _properties(bucket) -> dict:
    return bucket[1]["Properties"]


def _name(bucket) -> str:
    return render(_properties(bucket)["BucketName"])


# The bucket

def test_the_bucket_is_named_for_its_account_and_region(bucket):
    assert _name(bucket) == "lobby-attachments-123456789012-eu-west-1"


def test_files_are_encrypted_with_s3_managed_keys_and_no_public_access_is_possible(bucket):
    properties = _properties(bucket)
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}  # no ACLs


def test_an_erased_or_expired_file_leaves_no_old_version(bucket):
    assert "VersioningConfiguration" not in _properties(bucket)


def test_each_retention_tier_expires_the_files_tagged_with_it(bucket):
    rules = {rule["Id"]: rule for rule in _properties(bucket)["LifecycleConfiguration"]["Rules"]}
    tiers = {days: rules.pop(f"retention-{days}") for days in names.ATTACHMENTS_RETENTION_TIERS}
    for days, rule in tiers.items():
        assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == days
        assert rule["TagFilters"] == [{"Key": names.ATTACHMENTS_RETENTION_TAG, "Value": str(days)}]
        assert "Prefix" not in rule and "Filter" not in rule
    assert names.ATTACHMENTS_RETENTION_TIERS == (30, 60, 90, 180, 365, 730, 1095, 1825, 3650)
    assert set(rules) == {"retention"}  # and the catch-all below, nothing else


def test_an_untagged_file_expires_after_the_longest_retention_and_unfinished_uploads_after_a_day(bucket):
    """S3 applies the shortest expiration of every rule an object matches: a catch-all shorter than the longest tier
    would cut the files of every hotel that keeps them longer."""
    (rule,) = [r for r in _properties(bucket)["LifecycleConfiguration"]["Rules"] if r["Id"] == "retention"]
    assert rule["Status"] == "Enabled" and "Prefix" not in rule and "Filter" not in rule and "TagFilters" not in rule
    assert rule["ExpirationInDays"] == max(names.ATTACHMENTS_RETENTION_TIERS) == 3650
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}


def test_a_lifecycle_rule_expires_a_file_no_earlier_than_its_hotels_retention():
    from inbox.retention import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, retention_tier

    assert all(retention_tier(days) in names.ATTACHMENTS_RETENTION_TIERS and retention_tier(days) >= days
               for days in range(RETENTION_DAYS_MIN, RETENTION_DAYS_MAX + 1))


def test_the_local_stacks_bucket_has_the_same_lifecycle_rules(bucket):
    """local.resources creates the bucket on moto with the rules CDK deploys (read back from moto here)."""
    import boto3
    from moto import mock_aws

    from local.resources import create_attachments_bucket

    def deployed_rule(rule: dict) -> tuple:
        tags = tuple((t["Key"], t["Value"]) for t in rule.get("TagFilters", ()))
        return rule["ExpirationInDays"], tags, rule.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation")

    def local_rule(rule: dict) -> tuple:
        tag = rule.get("Filter", {}).get("Tag")
        tags = ((tag["Key"], tag["Value"]),) if tag else ()
        return rule["Expiration"]["Days"], tags, rule.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation")

    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        name = create_attachments_bucket(s3, "eu-west-1", ())
        local = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    assert all(rule["Status"] == "Enabled" for rule in local)
    assert {r["ID"]: local_rule(r) for r in local} == {
        r["Id"]: deployed_rule(r) for r in _properties(bucket)["LifecycleConfiguration"]["Rules"]}


def test_guests_files_are_kept_when_the_stack_goes(bucket):
    assert bucket[1]["DeletionPolicy"] == bucket[1]["UpdateReplacePolicy"] == "Retain"


def test_only_the_consoles_origin_may_post_uploads_and_read_files(cfn, bucket):
    (rule,) = _properties(bucket)["CorsConfiguration"]["CorsRules"]
    distribution_id, _ = cfn.one("AWS::CloudFront::Distribution")
    assert rule["AllowedOrigins"] == [{"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}]
    assert set(rule["AllowedMethods"]) <= {"POST", "GET", "HEAD"} and {"POST", "GET"} <= set(rule["AllowedMethods"])
    assert "PUT" not in rule["AllowedMethods"] and "DELETE" not in rule["AllowedMethods"]


def test_requests_without_tls_or_below_tls_1_2_are_refused(cfn, bucket):
    bucket_id, _ = bucket
    (policy,) = [p["Properties"]["PolicyDocument"]["Statement"] for p in cfn.of_type("AWS::S3::BucketPolicy").values()
                 if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    everything = [{"Fn::GetAtt": [bucket_id, "Arn"]}, {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]}]
    deny = {"Action": "s3:*", "Effect": "Deny", "Principal": {"AWS": "*"}, "Resource": everything}
    assert [s for s in policy if s["Effect"] == "Deny"] == [
        {**deny, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {**deny, "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}},
    ]
    assert [s for s in policy if s["Effect"] == "Allow"] == []


def test_accesses_are_logged_to_the_access_logs_bucket_which_lets_s3_deliver_them(cfn, bucket):
    bucket_id, _ = bucket
    logs_id, _ = next((id, r) for id, r in cfn.of_type("AWS::S3::Bucket").items() if id.startswith("ConsoleAccessLogs"))
    assert _properties(bucket)["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": logs_id},
                                                           "LogFilePrefix": "attachments/"}
    (policy,) = [p["Properties"]["PolicyDocument"]["Statement"] for p in cfn.of_type("AWS::S3::BucketPolicy").values()
                 if p["Properties"]["Bucket"] == {"Ref": logs_id}]
    deliveries = [s for s in policy if s.get("Principal") == {"Service": "logging.s3.amazonaws.com"}
                  and s["Condition"]["ArnLike"]["aws:SourceArn"] == {"Fn::GetAtt": [bucket_id, "Arn"]}]
    (delivery,) = deliveries
    assert delivery["Action"] == "s3:PutObject"
    assert render({"Fn::Join": ["", [x if isinstance(x, str) else "<logs>" for x in
                                     delivery["Resource"]["Fn::Join"][1]]]}) == "<logs>/attachments/*"


# Who may touch the files

def _s3_grants(cfn, handler: str) -> dict[str, list[str]]:
    function_id, _ = cfn.function(handler)
    return {action: [render(r) for r in resources] for action, resources in cfn.grants(cfn.role_of(function_id)).items()
            if action.startswith("s3:")}


def test_each_function_holds_exactly_its_s3_actions_and_only_on_hotels_files(cfn, bucket):
    objects = f"arn:aws:s3:::{_name(bucket)}/hotels/*"
    for handler, actions in FILES_OWNERS.items():
        grants = _s3_grants(cfn, handler)
        assert {a: r for a, r in grants.items() if a != "s3:ListBucket"} == {a: [objects] for a in actions}, handler


def test_the_grants_cover_every_key_the_core_makes():
    from inbox.attachments import storage_key
    from infra.attachments import OBJECTS

    assert storage_key("h-1", "conv_1", "att_1").startswith(OBJECTS.removesuffix("*"))


def test_only_the_api_and_the_expiry_may_list_the_bucket(cfn, bucket):
    """S3 answers HEAD of a missing key with 403 unless the caller may list the bucket: without it, a reply with
    an upload that never completed would be an error instead of a 422; an erase (the api) and an expired
    conversation (the expiry) delete the files listed under the conversation's prefix."""
    for handler in (names.API_HANDLER, names.EXPIRY_HANDLER):
        assert _s3_grants(cfn, handler)["s3:ListBucket"] == [f"arn:aws:s3:::{_name(bucket)}"], handler
    for handler in set(FILES_OWNERS) - {names.API_HANDLER, names.EXPIRY_HANDLER}:
        assert "s3:ListBucket" not in _s3_grants(cfn, handler), handler


def test_no_other_lobby_function_touches_the_bucket(cfn, bucket):
    for id, function in cfn.of_type("AWS::Lambda::Function").items():
        handler = function["Properties"].get("Handler")
        if handler in FILES_OWNERS or id.startswith("CustomCDKBucketDeployment"):
            continue
        grants = cfn.grants(cfn.role_of(id))
        assert not any(a.startswith("s3:") for a in grants), (handler, grants)
        assert "ATTACHMENTS_BUCKET" not in function["Properties"]["Environment"]["Variables"], handler


def test_the_functions_that_use_files_are_told_the_buckets_name(cfn, bucket):
    from wiring.settings import Settings

    assert "attachments_bucket" in Settings.names()
    for handler in FILES_OWNERS:
        _, function = cfn.function(handler)
        assert render(function["Properties"]["Environment"]["Variables"]["ATTACHMENTS_BUCKET"]) == _name(bucket)


def test_the_console_may_post_to_and_show_images_from_the_bucket_and_no_other(cfn, bucket):
    _, policy = cfn.one("AWS::CloudFront::ResponseHeadersPolicy")
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    parts = csp["ContentSecurityPolicy"]["Fn::Join"][1]
    text = "".join(render(part) if not isinstance(part, dict) or part.get("Ref") in PSEUDO else "<api>"
                   for part in parts)
    directives = dict(d.split(" ", 1) for d in text.split("; "))
    origin = f"https://{_name(bucket)}.s3.eu-west-1.amazonaws.com"
    assert directives["img-src"] == f"'self' {origin}"
    assert directives["connect-src"].split()[-1] == origin
    assert text.count(".s3.") == 2  # these two directives, no other bucket


def test_the_origin_the_console_allows_is_where_the_functions_s3_client_signs(cfn, bucket, monkeypatch):
    """The CSP names the regional virtual-hosted endpoint: a presigned POST from the wiring's client goes there."""
    from wiring import container
    from wiring.settings import Settings

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(container, "settings", lambda: Settings(region="eu-west-1"))
    container.s3_client.cache_clear()
    try:
        post = container.s3_client().generate_presigned_post(_name(bucket), "hotels/h/conversations/c/a")
    finally:
        container.s3_client.cache_clear()
    assert post["url"].rstrip("/") == f"https://{_name(bucket)}.s3.eu-west-1.amazonaws.com"


def test_the_file_grants_acknowledge_their_wildcard_with_reasons(acknowledgements):
    from infra.attachments import nag_objects_arn

    reasons = {path: reason for path, rule, reason in acknowledgements
               if rule == f"AwsSolutions-IAM5[Resource::{nag_objects_arn()}]"}
    assert set(reasons) == {"Lobby/Api/Handler/Role/DefaultPolicy", "Lobby/Expedia/Ingest/Role/DefaultPolicy",
                            "Lobby/Expedia/Sender/Role/DefaultPolicy", "Lobby/Realtime/Fanout/Role/DefaultPolicy",
                            "Lobby/Expiry/Function/Role/DefaultPolicy"}
    assert "presigned" in reasons["Lobby/Api/Handler/Role/DefaultPolicy"]
    assert "erases" in reasons["Lobby/Api/Handler/Role/DefaultPolicy"]
    assert "s3:DeleteObject" in reasons["Lobby/Expiry/Function/Role/DefaultPolicy"]
    assert "s3:PutObject" in reasons["Lobby/Expedia/Ingest/Role/DefaultPolicy"]
    assert "s3:GetObject" in reasons["Lobby/Expedia/Sender/Role/DefaultPolicy"]
    assert "signs the attachment links" in reasons["Lobby/Realtime/Fanout/Role/DefaultPolicy"]


def test_with_a_custom_console_origin_the_bucket_allows_that_origin_alone(tmp_path):
    """`cdk synth -c consoleOrigin=https://...` (a custom domain): the bucket's CORS names it, as the API does."""
    from aws_cdk.assertions import Template

    from infra.app import build_app

    origin = "https://console.hotel.example"
    app, stack = build_app(outdir=str(tmp_path), context={"aws:cdk:bundling-stacks": [], "consoleOrigin": origin})
    app.synth()  # cdk-nag too
    buckets = Template.from_stack(stack).find_resources("AWS::S3::Bucket")
    (bucket,) = [b for id, b in buckets.items() if id.startswith("AttachmentsBucket")]
    (rule,) = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == [origin]
