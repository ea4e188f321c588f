"""Files in the console (Chromium, local stack): a traveler's PDF and PNG through the Expedia stand-in,
an agent's reply with a file (picker, progress, presigned upload) out to Expedia, the composer's
checks, and the channel's health in the header."""

from __future__ import annotations

import re
import struct
import uuid
import zlib

import requests
from console_helpers import ASKS_FOR_A_PERSON, eventually
from playwright.sync_api import expect

pytest_plugins = ["console_plugin"]

MB = 1024 * 1024
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
# Records what the composer's file list shows while it changes: [state, progress value or null].
WATCH_UPLOADS = """() => {
  window.__uploads = [];
  const note = () => { for (const li of document.querySelectorAll('#composer-files .upload')) {
    const bar = li.querySelector('progress');
    window.__uploads.push([li.dataset.state, bar ? bar.value : null]);
  } };
  new MutationObserver(note).observe(document.getElementById('composer-form'),
    {subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'data-state']});
}"""

# Drops PNG files (the same bytes under each name) onto the composer, as a file manager would.
DROP = """({names, bytes}) => {
  const dt = new DataTransfer();
  for (const name of names) dt.items.add(new File([new Uint8Array(bytes)], name, {type: 'image/png'}));
  document.getElementById('composer-form').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""


def png(width: int = 12, height: int = 8) -> bytes:
    """A real PNG (opaque RGB), so that the browser can decode the thumbnail."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"".join(bytes((x * 20 % 256, y * 30 % 256, 160)) for x in range(width))
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _file(name: str, mime: str, data: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def _attachments_of(agent, conversation_id: str, count: int) -> list[dict]:
    def listed():
        for message in agent.messages(conversation_id):
            if len(message.get("attachments") or []) >= count:
                return message["attachments"]
        return None
    return eventually(listed, 20, 0.3, f"a message with {count} attachments")


def test_a_travelers_pdf_and_png_show_as_a_link_and_a_thumbnail_that_open(signed_in, agent):
    image = png()
    image_name = "plan <b onmouseover=alert(1)>2nd floor.png"  # guest data: shown as text, never as markup
    thread = agent.traveler_writes(ASKS_FOR_A_PERSON, first_name="Aiko", last_name="Sato",
                                   attachments=[("booking.pdf", "application/pdf", PDF),
                                                (image_name, "image/png", image),
                                                ("notes.txt", "text/plain", b"a type Lobby refuses")])
    conversation = agent.wait_for(thread, status="open")
    listed = _attachments_of(agent, conversation["id"], 3)
    by_type = {a["content_type"]: a for a in listed}

    # The files are in Lobby's bucket, under the hotel and the conversation, byte for byte; not the refused one.
    stored = agent.stored_files(conversation["id"])
    assert sorted(stored.values()) == sorted([PDF, image])

    signed_in.open_conversation(conversation)
    guest = signed_in.locator("#messages .message.from-guest").filter(has=signed_in.locator(".attachments"))
    expect(guest).to_have_count(1)
    pdf = guest.locator(".att-pdf")
    expect(pdf.locator(".att-name")).to_have_text("booking.pdf")
    expect(pdf.locator(".att-size")).to_have_text(f"{len(PDF)} bytes")
    expect(guest.locator(".att-unavailable .att-size")).to_have_text("20 bytes")
    thumb = guest.locator(".att-image img.thumb")
    expect(thumb).to_have_attribute("alt", image_name)
    expect(guest.locator(".att-image .att-name")).to_have_text(image_name)
    # The thumbnail really loaded in the page (the bucket's link, under the page's CSP).
    eventually(lambda: thumb.evaluate("img => img.complete && img.naturalWidth") == 12, 10,
               message="the thumbnail is decoded")
    refused = guest.locator(".att-unavailable")
    expect(refused.locator(".att-name")).to_have_text("notes.txt")
    expect(refused.locator(".att-why")).to_have_text(
        "Unavailable: this type of file is not accepted (PDF, JPEG or PNG only)")
    expect(refused.locator("a")).to_have_count(0)

    # The links open the files: what a click fetches is the file, with its type.
    for locator, attachment, data in ((pdf.locator("a"), by_type["application/pdf"], PDF),
                                      (guest.locator(".att-image a"), by_type["image/png"], image)):
        href = locator.get_attribute("href")
        assert locator.get_attribute("target") == "_blank" and "noopener" in locator.get_attribute("rel")
        opened = requests.get(href, timeout=10)
        assert opened.status_code == 200 and opened.content == data, (attachment, opened.status_code)
        assert opened.headers["Content-Type"] == attachment["content_type"]
    link = guest.locator(".att-image a")
    href = link.get_attribute("href")
    with signed_in.context.expect_page() as popup:
        link.click()
    opened_page = popup.value
    opened_page.wait_for_load_state()
    assert opened_page.url == href  # a new tab on the file itself
    opened_page.close()

    assert signed_in.locator("#messages b").count() == 0
    assert signed_in.dialogs == [] and signed_in.errors == []

    # In French: sizes and the refusal in the agent's language.
    signed_in.select_option("#lang", "fr")
    expect(refused.locator(".att-why")).to_have_text(
        "Indisponible : ce type de fichier n’est pas accepté (PDF, JPEG ou PNG uniquement)")
    expect(guest.locator(".att-pdf .att-size")).to_have_text(f"{len(PDF)} octets")


def test_an_agents_reply_with_a_file_uploads_with_progress_and_reaches_expedia_with_its_id(signed_in, agent):
    conversation = agent.new_open_conversation(first_name="Piet", last_name="Jansen")
    thread = conversation["external_conversation_id"]
    signed_in.open_conversation(conversation)
    name = f"invoice-{uuid.uuid4().hex[:6]}.pdf"
    data = PDF + b"%" + b"0" * (2 * MB)  # big enough for the upload to take a few progress events

    signed_in.set_input_files("#attach-input", files=[_file(name, "application/pdf", data)])
    chip = signed_in.locator("#composer-files .upload")
    expect(chip).to_have_count(1)
    expect(chip.locator(".att-name")).to_have_text(name)
    expect(chip.locator(".att-size")).to_have_text("2 MB")
    text = f"Here is your invoice. ({uuid.uuid4().hex[:6]})"
    signed_in.fill("#composer", text)
    signed_in.evaluate(WATCH_UPLOADS)
    signed_in.click("#send")

    reply = signed_in.locator("#messages .message.from-agent").filter(has_text=text)
    expect(reply).to_have_count(1, timeout=15_000)
    expect(reply.locator(".att-pdf .att-name")).to_have_text(name)
    expect(signed_in.locator("#composer-files .upload")).to_have_count(0)  # sent: the composer is empty again
    expect(signed_in.locator("#composer")).to_have_value("")
    seen = signed_in.evaluate("window.__uploads")
    assert any(state == "uploading" and value is not None for state, value in seen), seen  # the bar showed
    assert ["uploaded", 100] in seen, seen

    # Lobby's bucket, then Expedia's attachment service, then sendMessage with the attachment's id.
    (stored,) = (m for m in agent.messages(conversation["id"]) if m["text"] == text)
    (attachment,) = stored["attachments"]
    assert attachment["name"] == name and attachment["size"] == len(data)
    assert data in agent.stored_files(conversation["id"]).values()

    def uploaded_to_expedia():
        return [f for f in agent.sim("files") if f["name"] == name]
    (expedia_file,) = eventually(uploaded_to_expedia, 20, 0.3, "the file on Expedia's attachment service")
    assert (expedia_file["messageThreadId"], expedia_file["contentType"], expedia_file["size"]) == (
        thread, "application/pdf", len(data))

    def sent_with_it():
        return [s for s in agent.sim("sent") if s["operation"] == "sendMessage"
                and s["input"].get("messageThreadId") == thread and s["input"].get("body") == text]
    (sent,) = eventually(sent_with_it, 20, 0.3, "sendMessage of the reply")
    assert sent["input"]["attachmentIds"] == [expedia_file["attachmentId"]]

    # A file alone, dropped onto the composer, no text: the reply is the image.
    signed_in.evaluate(DROP, {"names": ["view.png"], "bytes": list(png())})
    expect(signed_in.locator("#composer-files .upload")).to_have_count(1)
    signed_in.click("#send")
    image_only = signed_in.locator("#messages .message.from-agent").filter(
        has=signed_in.locator('.att-image img[alt="view.png"]'))
    expect(image_only).to_have_count(1, timeout=15_000)
    expect(image_only.locator(".text")).to_have_count(0)
    (stored_image,) = (m for m in agent.messages(conversation["id"])
                       if [a["name"] for a in m["attachments"]] == ["view.png"])
    assert stored_image["text"] == ""
    assert signed_in.errors == []


def test_a_file_too_large_or_of_another_type_is_refused_in_the_composer_and_nothing_is_sent(signed_in, agent):
    conversation = agent.new_open_conversation()
    signed_in.open_conversation(conversation)
    before = len(signed_in.api_calls)
    signed_in.set_input_files("#attach-input", files=[
        _file("scan.pdf", "application/pdf", PDF + b"0" * (6 * MB)),
        _file("notes.txt", "text/plain", b"hello"),
    ])
    error = signed_in.locator("#composer-error")
    expect(error).to_contain_text("“scan.pdf” is too large (6 MB): at most 5 MB per file.")
    expect(error).to_contain_text("“notes.txt” cannot be attached: only PDF, JPEG and PNG files are accepted.")
    expect(error).to_have_attribute("role", "alert")
    expect(signed_in.locator("#composer-files .upload")).to_have_count(0)

    # Dropped onto the composer: eleven images, ten are kept and the eleventh refused.
    signed_in.evaluate(DROP, {"names": [f"photo-{i}.png" for i in range(1, 12)], "bytes": list(png())})
    expect(signed_in.locator("#composer-files .upload")).to_have_count(10)
    expect(error).to_have_text("At most 10 files per reply: “photo-11.png” was not added.")

    # Removed before sending: each ✕ takes its file away.
    signed_in.click('#composer-files [aria-label="Remove photo-1.png"]')
    expect(signed_in.locator("#composer-files .upload")).to_have_count(9)
    expect(signed_in.locator("#composer-files .att-name").first).to_have_text("photo-2.png")
    for _ in range(9):
        signed_in.locator("#composer-files .remove-file").first.click()
    expect(signed_in.locator("#composer-files")).to_be_hidden()
    signed_in.click("#send")  # no text, no file: nothing to send
    signed_in.wait_for_timeout(300)
    assert not [c for c in signed_in.api_calls[before:] if c.startswith("POST ")], signed_in.api_calls[before:]


def test_a_failed_upload_shows_an_error_and_sends_nothing(signed_in, agent, local_stack):
    conversation = agent.new_open_conversation()
    signed_in.open_conversation(conversation)
    messages_before = agent.messages(conversation["id"])
    # Storage unreachable: the browser's POST to the bucket fails.
    storage = local_stack["aws_endpoint_url"].rstrip("/")
    signed_in.route(re.compile(re.escape(storage) + r"/.*"),
                    lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    signed_in.set_input_files("#attach-input", files=[_file("menu.png", "image/png", png())])
    signed_in.fill("#composer", "The menu is attached.")
    signed_in.click("#send")

    error = signed_in.locator("#composer-error")
    expect(error).to_have_text("“menu.png” could not be uploaded: the file storage could not be reached. "
                               "Nothing was sent.")
    expect(signed_in.locator('#composer-files .upload[data-state="failed"]')).to_have_count(1)
    expect(signed_in.locator("#composer")).to_have_value("The menu is attached.")  # kept for another try
    assert any(c.endswith(f"/conversations/{conversation['id']}/attachments") for c in signed_in.api_calls)
    assert not any(c.startswith("POST ") and c.endswith("/messages") for c in signed_in.api_calls)
    assert agent.messages(conversation["id"]) == messages_before


def test_the_header_shows_the_expedia_status_in_english_and_french(signed_in, agent):
    (expedia,) = [c for c in agent.get("/channels")["items"] if c["channel"] == "expedia"]
    status = signed_in.locator("#chan-expedia-status")
    expect(status).to_have_attribute("data-connected", "true" if expedia["connected"] else "false")
    expect(signed_in.locator("#chan-expedia-connected")).to_have_text("Connected" if expedia["connected"]
                                                                      else "Not connected")
    assert expedia["connected"], "the demo hotel's Expedia property is connected"
    expect(signed_in.locator("#chan-expedia-undelivered")).to_have_text(f"{expedia['undelivered']} undelivered")
    blocked = expedia["blocked_replies_7d"]
    expect(signed_in.locator("#chan-expedia-blocked")).to_have_text(
        "1 reply blocked this week" if blocked == 1 else f"{blocked} replies blocked this week")
    last = signed_in.locator("#chan-expedia-last")
    if expedia["last_notification_at"]:
        expect(last.locator("time")).to_have_attribute("datetime", expedia["last_notification_at"])
        expect(last).to_contain_text("Last notification")
    else:
        expect(last).to_have_text("No notification yet")

    signed_in.select_option("#lang", "fr")
    expect(signed_in.locator("#chan-expedia-connected")).to_have_text("Connecté")
    expect(signed_in.locator("#chan-expedia-blocked")).to_have_text(
        f"{blocked} réponse bloquée cette semaine" if blocked < 2 else f"{blocked} réponses bloquées cette semaine")


def test_expedias_attachment_service_down_ends_in_a_failed_reply_with_the_reason_shown(signed_in, agent, local_stack):
    conversation = agent.new_open_conversation()
    thread = conversation["external_conversation_id"]
    signed_in.open_conversation(conversation)
    faults = f"{local_stack['expedia_sim_url'].rstrip('/')}/faults"
    # More 503s than every retry of every delivery attempt can use up.
    assert requests.post(faults, json={"upload": [503] * 60}, timeout=10).ok
    try:
        signed_in.set_input_files("#attach-input", files=[_file("terms.pdf", "application/pdf", PDF)])
        text = f"Our terms, attached. ({uuid.uuid4().hex[:6]})"
        signed_in.fill("#composer", text)
        signed_in.click("#send")
        reply = signed_in.locator("#messages .message.from-agent").filter(has_text=text)
        expect(reply.locator(".att-pdf .att-name")).to_have_text("terms.pdf", timeout=15_000)
        expect(reply.locator(".delivery")).to_have_attribute("data-delivery", "failed", timeout=90_000)
    finally:
        requests.delete(faults, timeout=10)
    expect(reply.locator(".delivery")).to_have_text(
        "Not delivered: Expedia’s attachment service could not be reached, even after several tries")
    assert not [s for s in agent.sim("sent") if s["operation"] == "sendMessage"
                and s["input"].get("messageThreadId") == thread and s["input"].get("body") == text]


def test_a_reply_blocked_by_expedias_moderation_shows_why_and_counts_in_the_header(signed_in, agent, local_stack):
    conversation = agent.new_open_conversation()
    text = f"Call me on my private number. ({uuid.uuid4().hex[:6]})"
    assert agent.post(f"/conversations/{conversation['id']}/messages", {"text": text}).status_code == 201

    def delivered():
        (reply,) = [m for m in agent.messages(conversation["id"]) if m["text"] == text]
        return reply if reply["delivery"] == "delivered" else None
    reply = eventually(delivered, 20, 0.3, "the reply delivered to Expedia")
    before = next(c for c in agent.get("/channels")["items"] if c["channel"] == "expedia")["blocked_replies_7d"]
    review = f"{local_stack['expedia_sim_url'].rstrip('/')}/messages/{reply['external_message_id']}/review"
    assert requests.post(review, json={"reviewStatus": "BLOCKED"}, timeout=10).ok

    def counted():
        blocked = next(c for c in agent.get("/channels")["items"] if c["channel"] == "expedia")["blocked_replies_7d"]
        return blocked if blocked > before else None
    blocked = eventually(counted, 20, 0.3, "the blocked reply counted in the channel's health")

    signed_in.reload()  # the header reads the channels at load (and once a minute)
    signed_in.wait_for_list()
    signed_in.open_conversation(agent.conversation(conversation["id"]))
    row = signed_in.locator("#messages .message.from-agent").filter(has_text=text)
    expect(row.locator(".delivery")).to_have_text("Not delivered: blocked by Expedia’s moderation")
    expect(signed_in.locator("#chan-expedia-status")).to_have_attribute("data-health", "warn")
    expect(signed_in.locator("#chan-expedia-blocked")).to_have_text(
        "1 reply blocked this week" if blocked == 1 else f"{blocked} replies blocked this week")
    expect(signed_in.locator("#chan-expedia-blocked")).to_have_class("chan-alert")
