"""The attachments construct: the S3 bucket that holds guests' and agents' files, and who may touch it.

- Objects are keyed `hotels/{hotel}/conversations/{conversation}/{attachment}` (inbox.attachments.storage_key);
  every grant stops at `hotels/*`.
- The browser uploads with a presigned POST the api function signs, and reads with presigned GETs it
  signs: so the api role holds s3:PutObject and s3:GetObject (a presigned request is authorized as its
  signer), and s3:PutObjectTagging (the POST tags the object with its retention tier). The ingest puts
  travelers' files (tagged too); the sender reads agents' files to upload them to Expedia.
  The api role may also list the bucket (key names, nothing else): S3 answers HEAD of a missing key
  with 403 to a caller that may not, so an upload never completed would be an error, not a 422; and
  an erase lists a conversation's files to delete them (s3:DeleteObject). The expiry function deletes
  an expired message's files by key, and lists and deletes what an expired conversation's prefix holds.
- Encryption: S3-managed keys (SSE-S3), not KMS. Every presigned upload and link would otherwise need
  kms:GenerateDataKey / kms:Decrypt in the api role and a KMS request per file shown (thumbnails are many);
  a customer managed key would add a key policy to keep in step and a monthly fee, and protect against
  nobody the bucket's IAM does not already keep out (the bucket is private, TLS 1.2 or newer only, ACLs
  disabled).
- Lifecycle (a hotel's `retention_days`, 30 to 3,650): every object is tagged when it is written
  (`names.ATTACHMENTS_RETENTION_TAG`, `retention-days=<tier>`: the smallest of names.ATTACHMENTS_RETENTION_TIERS
  at least the hotel's retention, inbox.retention.retention_tier) and one rule per tier expires the objects
  tagged with it after the tier's days: a handful of rules whatever the number of hotels (a rule per hotel
  prefix would stop at S3's 1,000 rules a bucket). The expiry function deletes a file exactly when its message
  expires; the rules are the backstop, a tier's days at most a few months past the hotel's retention. An
  object without the tag (written before the tags) expires after the longest retention, 3,650 days: S3 applies
  the shortest expiration of the rules an object matches, so a shorter catch-all would cut every longer tier.
  Incomplete multipart uploads are aborted after a day.
- Versioning off: a file is written once under a fresh key and deleted by expiry or erasure, which must
  really remove it (a noncurrent version would keep a guest's erased file).
- CORS for the console's origin only (POST uploads, GET reads); S3 server access logs go to the console's
  access logs bucket under `attachments/`.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import Aws, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import names
from infra.functions import LobbyFunction

OBJECTS = "hotels/*"  # every key starts with the hotel (inbox.attachments.storage_key)
ABORT_INCOMPLETE_UPLOADS = Duration.days(1)
LOG_PREFIX = "attachments/"
ENVIRONMENT = "ATTACHMENTS_BUCKET"  # wiring.settings.Settings.attachments_bucket


def bucket_name() -> str:
    """The bucket's name in AWS: the prefix, then the account and the region (bucket names are global).

    Built from pseudo parameters, and the functions' grants and environment from it, never from the
    bucket's own attributes: the bucket's CORS rule names the console's distribution, whose
    Content-Security-Policy names the API, whose function would name the bucket: a cycle.
    """
    return f"{names.ATTACHMENTS_BUCKET}-{Aws.ACCOUNT_ID}-{Aws.REGION}"


def bucket_arn() -> str:
    return f"arn:{Aws.PARTITION}:s3:::{bucket_name()}"


def bucket_origin() -> str:
    """Where the browser sends presigned POSTs and GETs: the bucket's regional virtual-hosted endpoint,
    as the functions' S3 client signs them (wiring.container.s3_client)."""
    return f"https://{bucket_name()}.s3.{Aws.REGION}.{Aws.URL_SUFFIX}"


def nag_objects_arn() -> str:
    """The objects' ARN as cdk-nag writes it in a finding (pseudo parameters as <AWS::...>)."""
    return f"arn:<AWS::Partition>:s3:::{names.ATTACHMENTS_BUCKET}-<AWS::AccountId>-<AWS::Region>/{OBJECTS}"


def lifecycle_rules() -> list[s3.LifecycleRule]:
    """A rule per retention tier on the objects tagged with it, and the untagged objects' backstop (the longest
    retention, with the abort of incomplete uploads)."""
    longest = max(names.ATTACHMENTS_RETENTION_TIERS)
    return [
        s3.LifecycleRule(id="retention", expiration=Duration.days(longest),
                         abort_incomplete_multipart_upload_after=ABORT_INCOMPLETE_UPLOADS),
        *(s3.LifecycleRule(id=f"retention-{days}", expiration=Duration.days(days),
                           tag_filters={names.ATTACHMENTS_RETENTION_TAG: str(days)})
          for days in names.ATTACHMENTS_RETENTION_TIERS),
    ]


class Attachments(Construct):
    def __init__(self, scope: Construct, id: str, *, console_origin: str, access_logs: s3.IBucket):
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self, "Bucket",
            bucket_name=bucket_name(),
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            minimum_tls_version=1.2,  # browsers and boto3 speak it; older TLS is refused by the bucket policy
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,  # no ACLs: a POST cannot set one
            versioned=False,
            lifecycle_rules=lifecycle_rules(),
            cors=[s3.CorsRule(
                allowed_origins=[console_origin],
                allowed_methods=[s3.HttpMethods(method) for method in names.ATTACHMENTS_CORS_METHODS],
                allowed_headers=list(names.ATTACHMENTS_CORS_HEADERS),
                max_age=names.ATTACHMENTS_CORS_MAX_AGE_SECONDS,
            )],
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix=LOG_PREFIX,
            # Guests' files: kept when the stack goes, as the table is.
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.bucket_name = bucket_name()
        self.bucket_arn = bucket_arn()
        self.objects_arn = f"{self.bucket_arn}/{OBJECTS}"

    def grant_upload_and_read(self, function: LobbyFunction) -> None:
        """The api function: signs presigned POSTs (PutObject, with their retention tag: PutObjectTagging) and
        GETs (GetObject), HEADs an upload; an erase lists a conversation's files and deletes them (DeleteObject)."""
        self._grant(function, "Upload and read", ["s3:PutObject", "s3:PutObjectTagging", "s3:GetObject",
                                                  "s3:DeleteObject"],
                    "signs the console's presigned POST uploads (tagged with their retention tier) and presigned "
                    "GET links, checks an upload with HEAD, and deletes a guest's files when an admin erases them")
        # Without s3:ListBucket, S3 answers HEAD of a missing key with 403, not 404, and an upload
        # never completed would be an error instead of a 422; an erase lists the files under a conversation's
        # prefix to delete them. ListBucket lists key names, nothing more.
        function.add_to_policy(iam.PolicyStatement(
            sid="AttachmentsMissingIs404", actions=["s3:ListBucket"], resources=[self.bucket_arn]))

    def grant_put(self, function: LobbyFunction) -> None:
        """The ingest: copies travelers' files in (tagged with their retention tier) before their message is stored."""
        self._grant(function, "Put", ["s3:PutObject", "s3:PutObjectTagging"],
                    "copies each traveler's file from Expedia into the bucket, tagged with its retention tier")

    def grant_delete(self, function: LobbyFunction) -> None:
        """The expiry function: deletes an expired message's files by key, and an expired conversation's under its
        prefix (listed: s3:ListBucket)."""
        self._grant(function, "Delete", ["s3:DeleteObject"],
                    "deletes the files of each message DynamoDB's TTL removed, by their keys, and those left under "
                    "an expired conversation's prefix")
        function.add_to_policy(iam.PolicyStatement(
            sid="AttachmentsList", actions=["s3:ListBucket"], resources=[self.bucket_arn]))

    def grant_read(self, function: LobbyFunction,
                   why: str = "reads each file of a reply to upload it to Expedia") -> None:
        """The sender: reads agents' files to upload them to Expedia's attachment service (the real-time fan-out:
        signs presigned GET links)."""
        self._grant(function, "Read", ["s3:GetObject"], why)

    def _grant(self, function: LobbyFunction, sid: str, actions: list[str], why: str) -> None:
        function.add_to_policy(iam.PolicyStatement(
            sid="Attachments" + sid.replace(" ", ""), actions=actions, resources=[self.objects_arn]))
        function.add_environment(ENVIRONMENT, self.bucket_name)
        cdk.Validations.of(function.role.node.find_child("DefaultPolicy")).acknowledge(cdk.Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{nag_objects_arn()}]",
            reason=f"{function.name} {why}. Keys are made per attachment at run time "
                   f"(hotels/{{hotel}}/conversations/{{conversation}}/{{id}}); the wildcard stops at `hotels/` in "
                   f"the attachments bucket, and only {', '.join(actions)} are allowed there.",
        ))
