"""Expedia's attachment service through Lobby's client and the stand-in: both directions, the cap, faults."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests

from expedia.client import Downloaded, TooLarge
from expedia.errors import ExpediaNotFound, ExpediaRejected, ExpediaUnavailable

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048
MB = 1024 * 1024


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def thread(sim):
    return sim.message("thr-1", propertyId="12345678", body="Hello")


def test_a_traveler_pdf_and_png_are_read_with_their_urls_and_downloaded_byte_for_byte(client, sim):
    sent = sim.message("thr-1", body="Our passports", attachments=[
        {"name": "passport.pdf", "contentType": "application/pdf", "base64": b64(PDF)},
        {"name": "photo.png", "contentType": "image/png", "base64": b64(PNG)}])

    message = client.get_message(sent["messageId"])

    assert [a.name for a in message.attachments] == ["passport.pdf", "photo.png"]
    assert all(a.upload_date_time_utc is not None for a in message.attachments)
    pdf, png = (client.download_file(a.url, 5 * MB) for a in message.attachments)
    assert pdf == Downloaded("application/pdf", PDF)
    assert png == Downloaded("image/png", PNG)
    assert client.download_file(message.attachments[0].id, 5 * MB) == pdf  # by id too


@pytest.fixture
def bytes_read(monkeypatch) -> list[int]:
    """The body bytes the client pulls off the wire (requests' iter_content, counted)."""
    pulled: list[int] = []
    real = requests.models.Response.iter_content

    def counting(self, *args, **kwargs):
        for chunk in real(self, *args, **kwargs):
            pulled.append(len(chunk))
            yield chunk

    monkeypatch.setattr(requests.models.Response, "iter_content", counting)
    return pulled


def test_a_file_over_the_cap_is_too_large_with_its_size_without_being_read(client, sim, bytes_read):
    big = b"\x00" * (6 * MB)
    sent = sim.message("thr-1", body="A big scan", attachments=[
        {"name": "scan.pdf", "contentType": "application/pdf", "base64": b64(big)}])
    [attachment] = client.get_message(sent["messageId"]).attachments
    bytes_read.clear()

    result = client.download_file(attachment.url, 5 * MB)

    assert isinstance(result, TooLarge)
    assert result.size == 6 * MB and result.content_type == "application/pdf"
    assert str(6 * MB) in result.reason
    assert sum(bytes_read) == 0  # Content-Length said enough


def test_a_streamed_file_of_unknown_size_stops_at_the_cap(client, sim, bytes_read):
    sent = sim.message("thr-1", body="Unknown length", attachments=[
        {"name": "long.png", "contentType": "image/png", "base64": b64(b"\x01" * (4 * MB)), "streamed": True}])
    [attachment] = client.get_message(sent["messageId"]).attachments
    bytes_read.clear()

    capped = client.download_file(attachment.url, MB)
    assert sum(bytes_read) <= MB + 64 * 1024  # the cap and at most one chunk more, not the 4 MB
    whole = client.download_file(attachment.url, 4 * MB)

    assert isinstance(capped, TooLarge) and capped.size is None
    assert whole == Downloaded("image/png", b"\x01" * (4 * MB))


def test_download_5xx_is_retried_then_succeeds_and_persistent_5xx_is_unavailable(client, sim, standin):
    sent = sim.message("thr-1", body="x", attachments=[
        {"name": "a.png", "contentType": "image/png", "base64": b64(PNG)}])
    [attachment] = client.get_message(sent["messageId"]).attachments
    sim.post("/faults", {"download": [503, 500]})

    assert client.download_file(attachment.url, MB).data == PNG
    assert [r["status"] for r in standin.calls("download")] == [503, 500, 200]

    sim.post("/faults", {"download": [503] * 4})
    with pytest.raises(ExpediaUnavailable) as caught:
        client.download_file(attachment.url, MB)
    assert caught.value.status == 503


def test_a_download_timeout_is_unavailable_so_sqs_retries(standin, sim, make_client):
    client = make_client(standin, impatient=True, retries=0)
    sent = sim.message("thr-1", body="x", attachments=[
        {"name": "a.png", "contentType": "image/png", "base64": b64(PNG)}])
    [attachment] = client.get_message(sent["messageId"]).attachments
    sim.post("/faults", {"download": ["timeout"]})

    with pytest.raises(ExpediaUnavailable):
        client.download_file(attachment.url, MB)


def test_an_unknown_attachment_is_not_found(client, thread):
    with pytest.raises(ExpediaNotFound):
        client.download_file("att-missing", MB)


def test_the_attachment_service_needs_the_bearer_token(standin, sim):
    sent = sim.message("thr-1", body="x", attachments=[
        {"name": "a.png", "contentType": "image/png", "base64": b64(PNG)}])
    url = f"{standin.files_url}/{sent['attachmentIds'][0]}"

    assert requests.get(url, timeout=10).status_code == 401
    assert requests.post(standin.files_url, data={"messageThreadId": "thr-1"},
                         files={"file": ("a.png", PNG, "image/png")}, timeout=10).status_code == 401


def test_an_uploaded_file_is_listed_and_its_id_goes_out_with_send_message(client, standin, sim, thread):
    attachment_id = client.upload_file("thr-1", "invoice.pdf", "application/pdf", PDF)

    [listed] = sim.get("/files").json()
    assert listed["attachmentId"] == attachment_id
    assert (listed["messageThreadId"], listed["name"], listed["contentType"], listed["size"]) == (
        "thr-1", "invoice.pdf", "application/pdf", len(PDF))
    assert listed["sha256"] == hashlib.sha256(PDF).hexdigest()

    message_id = client.send_message("thr-1", "Your invoice", "lobby-msg-1", attachment_ids=[attachment_id])

    [sent] = [s for s in standin.sent if s["operation"] == "sendMessage"]
    assert sent["input"]["attachmentIds"] == [attachment_id]
    [stored] = client.get_message(message_id).attachments
    assert stored.id == attachment_id and stored.name == "invoice.pdf"
    assert client.download_file(stored.url, MB).data == PDF


def test_send_message_without_attachments_sends_no_attachment_ids(client, standin, thread):
    client.send_message("thr-1", "Plain", "lobby-msg-1")

    [sent] = [s for s in standin.sent if s["operation"] == "sendMessage"]
    assert "attachmentIds" not in sent["input"]


def test_a_file_alone_without_text_can_be_sent(client, thread):
    attachment_id = client.upload_file("thr-1", "map.png", "image/png", PNG)

    message_id = client.send_message("thr-1", "", "lobby-msg-1", attachment_ids=[attachment_id])

    assert client.get_message(message_id).body == ""


def test_an_attachment_id_of_another_property_or_unknown_is_refused_and_nothing_is_sent(client, sim, thread):
    sim.message("thr-other", propertyId="99999999", body="Elsewhere")
    elsewhere = client.upload_file("thr-other", "x.pdf", "application/pdf", PDF)

    for ids in ([elsewhere], ["att-never-uploaded"]):
        with pytest.raises(ExpediaRejected) as caught:
            client.send_message("thr-1", "Here", "lobby-msg-1", attachment_ids=ids)
        assert caught.value.code == "BAD_REQUEST" and ids[0] in caught.value.message
    assert len(sim.get("/threads/thr-1").json()["messages"]) == 1


def test_an_id_uploaded_for_one_thread_serves_another_thread_of_the_same_property(client, sim, thread):
    sim.message("thr-2", propertyId="12345678", body="Second stay")
    attachment_id = client.upload_file("thr-1", "x.pdf", "application/pdf", PDF)

    assert client.send_message("thr-2", "Same file", "lobby-msg-2", attachment_ids=[attachment_id])


@pytest.mark.parametrize("name, content_type, data, status", [
    ("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK..", 415),
    ("huge.pdf", "application/pdf", b"%PDF" + b"\x00" * (5 * MB), 413),
    ("enormous.pdf", "application/pdf", b"%PDF" + b"\x00" * (8 * MB), 413),  # refused before it is read
    ("empty.png", "image/png", b"", 400),
])
def test_the_service_refuses_other_types_larger_files_and_empty_ones(client, standin, thread, name,
                                                                      content_type, data, status):
    with pytest.raises(ExpediaRejected) as caught:
        client.upload_file("thr-1", name, content_type, data)

    assert caught.value.status == status
    assert standin.files.listing() == []


def test_an_upload_for_an_unknown_thread_is_not_found(client):
    with pytest.raises(ExpediaNotFound):
        client.upload_file("thr-missing", "a.pdf", "application/pdf", PDF)


def test_an_upload_5xx_is_retried_then_succeeds(client, standin, sim, thread):
    sim.post("/faults", {"upload": [502]})

    attachment_id = client.upload_file("thr-1", "a.pdf", "application/pdf", PDF)

    assert [r["status"] for r in standin.calls("upload")] == [502, 201]
    assert [f["attachmentId"] for f in sim.get("/files").json()] == [attachment_id]


def test_a_revoked_token_is_replaced_once_for_the_attachment_service(client, standin, thread):
    client.upload_file("thr-1", "a.pdf", "application/pdf", PDF)
    standin.revoke_tokens()

    client.upload_file("thr-1", "b.pdf", "application/pdf", PDF)

    assert standin.token_grants == 2


def test_the_token_is_not_sent_to_another_origin_and_plain_http_elsewhere_is_refused(client):
    with pytest.raises(ExpediaRejected):
        client.download_file("http://elsewhere.invalid/file.pdf", MB)


def test_more_than_100_attachments_on_one_message_are_refused(client, thread):
    attachment_id = client.upload_file("thr-1", "a.png", "image/png", PNG)

    with pytest.raises(ExpediaRejected) as caught:
        client.send_message("thr-1", "Many", "lobby-msg-1", attachment_ids=[attachment_id] * 101)

    assert "at most 100" in caught.value.message
