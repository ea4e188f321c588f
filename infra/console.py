"""The console construct: the static console (`console/`) on a private S3 bucket behind CloudFront.

- The bucket is private (all public access blocked, TLS only, S3-managed encryption); CloudFront
  reads it through an origin access control (OAC), nobody else.
- CloudFront serves `index.html` at `/`, HTTPS only (HTTP redirects), compressed, with a response
  headers policy: a strict Content-Security-Policy (scripts and styles from the console's own
  origin only; connections to the console, the API, Cognito, the WebSocket API and the attachments bucket
  only; images from
  the console and the attachments bucket), HSTS, nosniff, no framing,
  no referrer, and no camera/microphone/geolocation.
- A `BucketDeployment` uploads `console/` and a `config.json` made at deploy time from the API
  URL, the user pool's ids and the WebSocket URL (`realtime_url`) handed in. Every object is sent with `Cache-Control: no-cache`,
  so browsers revalidate (ETag, 304) and a deploy shows at once without a CloudFront
  invalidation: BucketDeployment's invalidation would need `cloudfront:CreateInvalidation` on
  every distribution (`Resource: *`), which Lobby allows to X-Ray alone.
- The deployment's function runs with a role of its own: its log group (with a retention), read
  on the CDK assets, write on this bucket; no managed policy.
- Access logs, kept 90 days: CloudFront's standard logs go to a bucket with ACLs enabled (as
  that logging requires); S3 server access logs of both buckets go to an ACL-free logs bucket.

With a custom domain (`domain_names` and an ACM `certificate` in us-east-1), viewers need TLS 1.2
or newer; on the default `*.cloudfront.net` certificate CloudFront cannot enforce that.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

CONSOLE_DIR = Path(__file__).resolve().parent.parent / "console"
ACCESS_LOG_DAYS = 90
HSTS_MAX_AGE = Duration.days(730)
CACHE_CONTROL = "no-cache"
# Only config.json is generated; a local one (the local stack serves its own) never ships.
EXCLUDE = ("config.json", ".*", "*.map", "*.md")
S3_LOGS_BY_POLICY = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"
BOOTSTRAP_QUALIFIER = "@aws-cdk/core:bootstrapQualifier"


def content_security_policy(connect_sources: Sequence[str], file_sources: Sequence[str] = ()) -> str:
    """The console's policy: nothing but its own files, connections to the API and Cognito, and the
    attachments' origin (uploads by presigned POST, image thumbnails by presigned GET)."""
    return "; ".join((
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        " ".join(("img-src 'self'", *file_sources)),
        f"connect-src 'self' {' '.join((*connect_sources, *file_sources))}",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ))


class Console(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        api_url: str,
        user_pool_id: str,
        user_pool_client_id: str,
        source: Path = CONSOLE_DIR,
        file_origins: Sequence[str] = (),
        domain_names: Sequence[str] | None = None,
        certificate: acm.ICertificate | None = None,
        realtime_url: str | None = None,
    ):
        """`realtime_url`: the WebSocket API's stage (wss://{api-id}.execute-api.{region}.amazonaws.com/{stage}),
        written to config.json and allowed in connect-src; without it the console polls."""
        super().__init__(scope, id)
        # S3 log delivery by bucket policy, not by ACL, whatever the app's context (before any child exists).
        self.node.set_context(S3_LOGS_BY_POLICY, True)
        if bool(domain_names) != bool(certificate):
            raise ValueError("a custom domain needs both domain_names and certificate")
        stack = Stack.of(self)
        self.cognito_endpoint = f"https://cognito-idp.{stack.region}.{stack.url_suffix}/"

        self.access_logs_bucket, self.cdn_logs_bucket = self._logs_buckets()
        self.bucket = s3.Bucket(
            self, "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="console/",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )

        self.headers = cloudfront.ResponseHeadersPolicy(
            self, "SecurityHeaders",
            comment="Lobby console: CSP, HSTS, nosniff, no framing, no referrer",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(
                        [api_url, self.cognito_endpoint, *([realtime_url] if realtime_url else [])], file_origins),
                    override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=HSTS_MAX_AGE, include_subdomains=True, override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(custom_headers=[
                cloudfront.ResponseCustomHeader(
                    header="Permissions-Policy", value="camera=(), microphone=(), geolocation=(), payment=()",
                    override=True),
                cloudfront.ResponseCustomHeader(header="Cross-Origin-Opener-Policy", value="same-origin",
                                                override=True),
            ]),
        )

        self.distribution = cloudfront.Distribution(
            self, "Distribution",
            comment="Lobby console",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers,
                compress=True,
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=self.cdn_logs_bucket,
            log_file_prefix="cloudfront/",
            domain_names=list(domain_names) if domain_names else None,
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None,
        )
        self._acknowledge_distribution(custom_domain=certificate is not None)

        self.config = {
            "api_url": api_url,
            "region": stack.region,
            "cognito_endpoint": self.cognito_endpoint,
            "cognito_client_id": user_pool_client_id,
            "cognito_user_pool_id": user_pool_id,
            **({"realtime_url": realtime_url} if realtime_url else {}),
        }
        self.deployment = self._deployment(source)

    @property
    def url(self) -> str:
        """Where agents open the console."""
        return f"https://{self.distribution.distribution_domain_name}"

    def _logs_buckets(self) -> tuple[s3.Bucket, s3.Bucket]:
        """(S3 server access logs, CloudFront standard logs). Two buckets, because CloudFront's standard
        logging needs ACLs while S3's log delivery is granted by bucket policy on an ACL-free bucket."""
        common = dict(
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,  # log delivery cannot use SSE-KMS here
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(ACCESS_LOG_DAYS))],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        access_logs = s3.Bucket(self, "AccessLogs", object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
                                **common)
        cdk.Validations.of(access_logs).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-S1",
            reason="This bucket receives the console buckets' S3 server access logs; logging its own accesses "
                   "into itself would loop, and into yet another bucket would only move the finding.",
        ))
        cdn_logs = s3.Bucket(
            self, "CdnLogs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,  # CloudFront writes its logs with ACLs
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="cdn-logs/",
            **common,
        )
        return access_logs, cdn_logs

    def _acknowledge_distribution(self, *, custom_domain: bool) -> None:
        reasons = {
            "AwsSolutions-CFR1": "Hotel agents sign in from wherever their hotels are, worldwide; the console is "
                                 "static files and every API call needs a Cognito token, so geo restriction would "
                                 "only lock out travelling staff.",
            "AwsSolutions-CFR2": "No WAF web ACL on the console: it serves a few static files (no server-side "
                                 "logic, nothing to inject into), the API behind it has its own authorizer and "
                                 "throttling, and a web ACL's monthly fee outweighs its use here.",
        }
        if not custom_domain:
            reasons["AwsSolutions-CFR4"] = (
                "On the default *.cloudfront.net certificate CloudFront cannot enforce a minimum TLS version; "
                "with a custom domain (domain_names and certificate) the construct requires TLS 1.2 (2021 policy).")
        for rule, reason in reasons.items():
            cdk.Validations.of(self.distribution).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))

    def _deployment(self, source: Path) -> s3deploy.BucketDeployment:
        log_group = logs.LogGroup(self, "DeploymentLogs", retention=logs.RetentionDays.THREE_MONTHS,
                                  removal_policy=cdk.RemovalPolicy.DESTROY)
        role = iam.Role(
            self, "DeploymentRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Copies the console's files into its bucket at deploy time (BucketDeployment)",
        )
        role.add_to_policy(iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]))
        deployment = s3deploy.BucketDeployment(
            self, "Deployment",
            sources=[
                s3deploy.Source.asset(str(source), exclude=list(EXCLUDE)),
                s3deploy.Source.json_data("config.json", self.config),
            ],
            destination_bucket=self.bucket,
            cache_control=[s3deploy.CacheControl.from_string(CACHE_CONTROL)],
            prune=True,
            retain_on_delete=False,
            memory_limit=256,
            role=role,
            log_group=log_group,
        )
        # Validations on the role's policy, narrowed to the wildcards BucketDeployment's grants bring.
        policy = role.node.find_child("DefaultPolicy")
        assets = _assets_bucket_objects(Stack.of(self))
        for finding, reason in (
            ("Action::s3:GetObject*", "BucketDeployment reads the uploaded console asset with the s3:GetObject* "
                                      "family (Get, GetVersion, tagging, ACL) that Bucket.grantRead gives"),
            ("Action::s3:GetBucket*", "BucketDeployment lists and locates the asset and console buckets with the "
                                      "s3:GetBucket* family that Bucket.grantRead/grantReadWrite give"),
            ("Action::s3:List*", "BucketDeployment syncs with `aws s3 sync`, which lists both buckets (s3:List*)"),
            ("Action::s3:DeleteObject*", "prune=True: `aws s3 sync --delete` removes files no longer in console/ "
                                         "from the console bucket only"),
            ("Action::s3:Abort*", "`aws s3 sync` aborts its failed multipart uploads to the console bucket"),
            (f"Resource::{assets}", "The CDK bootstrap assets bucket of this account and region, where the "
                                    "console's files are staged; read only"),
            (f"Resource::<{Stack.of(self).get_logical_id(self.bucket.node.default_child)}.Arn>/*",
             "Every object of the console bucket (its files and config.json), which the deployment replaces "
             "as a whole; no other bucket"),
        ):
            cdk.Validations.of(policy).acknowledge(cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[{finding}]", reason=f"Console deployment: {reason}."))
        # The deployment's function is a stack-wide singleton (one per memory size), so it lives at the stack's root.
        handler = next(child for child in Stack.of(self).node.children
                       if child.node.id.startswith("Custom::CDKBucketDeployment"))
        cdk.Validations.of(handler).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-L1",
            reason="The console deployment's function is CDK's own BucketDeployment handler, whose runtime the "
                   "aws-cdk-lib release picks (it runs only during deploys); it moves with aws-cdk-lib upgrades.",
        ))
        return deployment


def _assets_bucket_objects(stack: Stack) -> str:
    """The CDK bootstrap assets bucket's objects, as cdk-nag writes that resource in its findings."""
    qualifier = stack.node.try_get_context(BOOTSTRAP_QUALIFIER) or cdk.DefaultStackSynthesizer.DEFAULT_QUALIFIER
    account = "<AWS::AccountId>" if cdk.Token.is_unresolved(stack.account) else stack.account
    region = "<AWS::Region>" if cdk.Token.is_unresolved(stack.region) else stack.region
    return f"arn:<AWS::Partition>:s3:::cdk-{qualifier}-assets-{account}-{region}/*"
