"""The composition root builds each adapter from the settings, as the functions will run it in AWS."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import boto3


def test_presigned_links_are_sigv4_on_the_regional_virtual_host_in_aws(configure):
    """Path-style or SigV2 links fail in new regions, and a us-east-1 global endpoint redirects browsers."""
    configure(aws_region="us-east-1", attachments_bucket="lobby-attachments-123456789012-us-east-1")
    from wiring.container import files

    link = urlparse(files().link("hotels/h1/conversations/c1/att_1", "a.pdf", "application/pdf", 60))
    grant = files().grant_upload("hotels/h1/conversations/c1/att_1", "application/pdf", 10, 60, retention_days=730)

    assert link.netloc == "lobby-attachments-123456789012-us-east-1.s3.us-east-1.amazonaws.com"
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in link.query
    assert urlparse(grant.url).netloc == link.netloc
    assert grant.fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"


def test_on_moto_links_are_path_style_on_its_endpoint(configure):
    configure(aws_region="eu-west-1", aws_endpoint_url="http://127.0.0.1:5000", attachments_bucket="lobby-attachments")
    from wiring.container import files

    link = urlparse(files().link("hotels/h1/conversations/c1/att_1", "a.png", "image/png", 60))

    assert (link.netloc, link.path) == ("127.0.0.1:5000", "/lobby-attachments/hotels/h1/conversations/c1/att_1")


def test_the_expedia_client_fetches_guest_files_from_the_configured_attachment_service(aws, configure, region):
    """A regression: without it the client used production's URL and refused the stand-in's files."""
    secret = boto3.client("secretsmanager", region_name=region).create_secret(
        Name="lobby/expedia", SecretString=json.dumps({"client_id": "c", "client_secret": "s",
                                                       "callback_secret": "k"}))["ARN"]
    configure(expedia_secret_arn=secret, expedia_files_url="http://127.0.0.1:8000/expedia/files/")
    from wiring.container import expedia_client

    assert expedia_client().files_url == "http://127.0.0.1:8000/expedia/files"


def test_the_reconciler_queues_onto_the_events_queue_of_the_settings(aws, configure, region):
    url = boto3.client("sqs", region_name=region).create_queue(QueueName="lobby-expedia-events")["QueueUrl"]
    configure(expedia_events_queue_url=url)
    from wiring.container import expedia_reconciler

    expedia_reconciler()._queue.put_all(['{"notificationId": "n1"}'])

    got = boto3.client("sqs", region_name=region).receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in got] == ['{"notificationId": "n1"}']
