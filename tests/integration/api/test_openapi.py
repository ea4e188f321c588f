"""The generated OpenAPI document describes the contract of docs/api.md."""

from __future__ import annotations

from openapi_spec_validator import validate

CONTRACT = {
    ("get", "/v1/hotels/{hotel_id}/inbox"),
    ("get", "/v1/hotels/{hotel_id}/conversations"),
    ("get", "/v1/hotels/{hotel_id}/conversations/{conversation_id}"),
    ("get", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/messages"),
    ("get", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/activity"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/messages"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/hold"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/close"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/reopen"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/spam"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/not-spam"),
    ("post", "/v1/hotels/{hotel_id}/inbound"),
    # v1 additions (docs/api.md: Attachments, Channels)
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/attachments"),
    ("get", "/v1/hotels/{hotel_id}/channels"),
    # v1 additions (docs/api.md: Team, Saved replies; PATCH of the hotel: Guest data's reply_target_minutes)
    ("get", "/v1/hotels/{hotel_id}/agents"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/assign"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/notes"),
    ("get", "/v1/hotels/{hotel_id}/mentions"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/resume"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/read"),
    ("get", "/v1/hotels/{hotel_id}/search"),
    ("get", "/v1/hotels/{hotel_id}/replies"),
    ("put", "/v1/hotels/{hotel_id}/replies/{reply_id}"),
    ("delete", "/v1/hotels/{hotel_id}/replies/{reply_id}"),
    ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/replies/{reply_id}/render"),
    ("patch", "/v1/hotels/{hotel_id}"),
    # v1 additions (docs/api.md: Guest data)
    ("get", "/v1/hotels/{hotel_id}/contacts/{contact_id}/export"),
    ("post", "/v1/hotels/{hotel_id}/contacts/{contact_id}/erase"),
    ("get", "/v1/hotels/{hotel_id}/audit"),
    # issue 15: the daily figures (admins)
    ("get", "/v1/hotels/{hotel_id}/reports"),
    # issue 15: the missed questions (admins)
    ("get", "/v1/hotels/{hotel_id}/missed-questions"),
    ("post", "/v1/hotels/{hotel_id}/missed-questions/{group_id}/teach"),
    ("delete", "/v1/hotels/{hotel_id}/missed-questions/{group_id}"),
}
EXTENSIONS = {("get", "/v1/hotels/{hotel_id}/bot"), ("put", "/v1/hotels/{hotel_id}/bot"), ("get", "/v1/hotels/{hotel_id}")}
TEAM = {("get", "/v1/hotels/{hotel_id}/agents"): {"200", "401", "403", "422"},
        ("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/assign"):
            {"200", "400", "401", "403", "404", "409", "413", "415", "422"},
        ("get", "/v1/hotels/{hotel_id}/search"): {"200", "401", "403", "422"},
        ("delete", "/v1/hotels/{hotel_id}/replies/{reply_id}"): {"204", "401", "403", "404", "422"},
        ("patch", "/v1/hotels/{hotel_id}"): {"200", "400", "401", "403", "404", "413", "415", "422"}}


def document(api) -> dict:
    reply = api.get("/v1/openapi.json", as_=None)
    assert reply.status == 200
    return reply.json


def test_the_document_is_valid_openapi(api):
    validate(document(api))


def test_it_lists_every_route_of_the_contract(api):
    paths = document(api)["paths"]
    listed = {(method, path) for path, item in paths.items() for method in item}
    assert CONTRACT <= listed
    assert listed == CONTRACT | EXTENSIONS  # nothing undocumented slips in


def test_inbound_answers_202_with_the_ids(api):
    inbound = document(api)["paths"]["/v1/hotels/{hotel_id}/inbound"]["post"]
    assert "202" in inbound["responses"]
    schema = document(api)["components"]["schemas"]["InboundIn"]
    assert set(schema["required"]) == {"channel", "external_conversation_id", "external_message_id", "sender", "text",
                                       "sent_at"}


def test_shapes_carry_the_contract_fields(api):
    schemas = document(api)["components"]["schemas"]
    assert {"id", "hotel_id", "channel", "status", "bot_enabled", "automated", "hold_until", "created_at", "updated_at",
            "last_message_at", "last_message_preview", "external_conversation_id", "contact_id"} <= set(
        schemas["ConversationOut"]["properties"])
    assert {"id", "conversation_id", "direction", "sender", "agent_id", "text", "sent_at", "external_message_id",
            "delivery"} <= set(schemas["MessageOut"]["properties"])
    assert {"id", "conversation_id", "type", "actor", "from_status", "to_status", "reason", "at", "details"} <= set(
        schemas["ActivityOut"]["properties"])


def test_attachments_are_described_as_the_contract_says(api):
    doc = document(api)
    schemas, paths = doc["components"]["schemas"], doc["paths"]
    grant = paths["/v1/hotels/{hotel_id}/conversations/{conversation_id}/attachments"]["post"]
    assert {"201", "403", "404", "422"} <= set(grant["responses"])
    assert set(schemas["AttachmentIn"]["required"]) == {"name", "content_type", "size"}
    assert schemas["AttachmentIn"]["properties"]["content_type"]["enum"] == ["application/pdf", "image/jpeg",
                                                                             "image/png"]
    assert schemas["AttachmentIn"]["properties"]["size"]["maximum"] == 5 * 1024 * 1024
    assert {"id", "upload"} == set(schemas["AttachmentGranted"]["required"])
    assert {"url", "fields"} <= set(schemas["UploadOut"]["required"])
    assert {"id", "name", "content_type", "size", "url"} <= set(schemas["AttachmentOut"]["properties"])
    assert "attachments" in schemas["MessageOut"]["properties"]
    reply_in = schemas["ReplyIn"]
    assert "text" not in reply_in.get("required", []) and reply_in["properties"]["attachment_ids"]["maxItems"] == 10
    inbound = paths["/v1/hotels/{hotel_id}/inbound"]["post"]
    assert inbound["x-max-body-bytes"] == 5 * 1024 * 1024 and "413" in inbound["responses"]
    assert schemas["InboundAttachmentIn"]["properties"]["base64"]["format"] == "byte"


def test_channels_are_described_as_the_contract_says(api):
    doc = document(api)
    assert "200" in doc["paths"]["/v1/hotels/{hotel_id}/channels"]["get"]["responses"]
    assert {"channel", "connected", "last_notification_at", "undelivered", "blocked_replies_7d",
            "last_reconciled_at"} <= set(doc["components"]["schemas"]["ChannelStatusOut"]["required"])


def test_reply_answers_201_and_errors_are_described(api):
    paths = document(api)["paths"]
    reply = paths["/v1/hotels/{hotel_id}/conversations/{conversation_id}/messages"]["post"]["responses"]
    assert "201" in reply and {"401", "403", "404", "409", "422"} <= set(reply)
    error = reply["409"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorOut"}
    limit = next(p for p in paths["/v1/hotels/{hotel_id}/conversations"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["minimum"] == 1 and limit["schema"]["maximum"] == 100


READS_NEED = {"401", "403", "422"}
WRITES_NEED = READS_NEED | {"400", "413", "415"}


def operations(api):
    for path, item in document(api)["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_every_route_documents_its_success_with_a_schema(api):
    for method, path, operation in operations(api):
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert len(success) == 1, (method, path, success)
        if success == ["204"]:  # no content (DELETE of a saved reply)
            assert "schema" not in operation["responses"]["204"].get("content", {}).get("application/json", {})
            continue
        schema = operation["responses"][success[0]]["content"]["application/json"]["schema"]
        assert schema.get("$ref", "").startswith("#/components/schemas/"), (method, path, schema)


def test_every_route_documents_the_errors_it_can_answer_with_the_error_body(api):
    for method, path, operation in operations(api):
        codes = set(operation["responses"])
        assert (WRITES_NEED if method in ("post", "put", "patch") else READS_NEED) <= codes, (method, path, codes)
        if "{conversation_id}" in path:
            assert "404" in codes
        if method == "post" and "{conversation_id}" in path and not path.endswith("/attachments"):
            assert "409" in codes  # every action but an upload grant (it changes no conversation) can conflict
        for code in codes - {"200", "201", "202", "204"}:
            schema = operation["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)


def test_only_hold_can_answer_503_when_the_wake_up_cannot_be_scheduled(api):
    with_503 = {(method, path) for method, path, operation in operations(api) if "503" in operation["responses"]}
    assert with_503 == {("post", "/v1/hotels/{hotel_id}/conversations/{conversation_id}/hold")}


def test_the_security_schemes_are_the_cognito_bearer_token_and_the_partner_key(api):
    doc = document(api)
    assert doc["components"]["securitySchemes"] == {
        "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "A console agent's Cognito ID token"},
        "partnerKey": {"type": "apiKey", "in": "header", "name": "x-api-key", "description": "A partner's API key"},
    }
    assert doc["security"] == [{"cognito": []}, {"partnerKey": []}]  # every route but PUT .../bot: either one
    put_bot = doc["paths"]["/v1/hotels/{hotel_id}/bot"]["put"]
    assert put_bot["security"] == [{"cognito": []}] and put_bot["x-max-body-bytes"] == 1024 * 1024
    assert "/v1/openapi.json" not in doc["paths"]  # public, and not part of the API it describes
    assert not any(path.startswith("/v1/channels") for path in doc["paths"])  # the Expedia callback: HMAC, own function


def test_the_teams_routes_list_their_success_and_errors(api):
    paths = document(api)["paths"]
    for (method, path), statuses in TEAM.items():
        assert set(paths[path][method]["responses"]) == statuses, (method, path)
    assign = paths["/v1/hotels/{hotel_id}/conversations/{conversation_id}/assign"]["post"]["responses"]
    assert "assignee" in assign["409"]["description"]


def test_the_team_fields_are_documented(api):
    schemas = document(api)["components"]["schemas"]
    assert {"assignee", "waiting_since", "reply_due_at", "unread", "allowed_actions"} <= set(
        schemas["ConversationOut"]["properties"])
    assert {"internal", "mentions"} <= set(schemas["MessageOut"]["properties"])
    assert {"tabs", "mine", "unassigned"} <= set(schemas["InboxOut"]["properties"])
    assert {"id", "title", "shortcut", "texts"} == set(schemas["SavedReplyOut"]["properties"])
    assert {"text", "language", "missing"} == set(schemas["RenderedOut"]["properties"])
    assert "assignee" in schemas["ErrorOut"]["properties"]
