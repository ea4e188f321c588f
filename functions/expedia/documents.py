"""The GraphQL documents Lobby sends to Expedia (fields as docs/expedia.md selects them)."""

from __future__ import annotations

_MESSAGE_FIELDS = """\
    id
    messageThread { id property { id } }
    creationDateTimeUtc
    body { value }
    fromRole
    reviewStatus
    attachments { id name url uploadDateTimeUtc }"""

_THREAD_FIELDS = """\
    id
    property { id }
    primaryTraveler { firstName lastName }
    reservationSummary {
      id
      checkInDate
      checkOutDate
      adultCount
      childCount
      petCount
      alternativeIds { supplierId }
    }"""

MESSAGE_QUERY = f"""\
query LobbyMessage($id: ID!) {{
  message(id: $id) {{
{_MESSAGE_FIELDS}
  }}
}}"""

MESSAGE_THREAD_QUERY = f"""\
query LobbyMessageThread($id: ID!) {{
  messageThread(id: $id) {{
{_THREAD_FIELDS}
  }}
}}"""

# The 30-day backfill: a property's threads in a creation window, then each thread's messages, oldest first.
PROPERTY_THREADS_QUERY = f"""\
query LobbyPropertyMessageThreads($propertyId: String!, $filters: PropertyMessageThreadsFiltersInput!,
                                  $limit: Int, $cursor: String) {{
  property(id: $propertyId) {{
    id
    messageThreads(filters: $filters, limit: $limit, cursor: $cursor,
                   orderBy: {{field: CREATION_DATE_TIME_UTC, order: ASC}}) {{
      totalCount
      cursor
      elements {{
{_THREAD_FIELDS}
      }}
    }}
  }}
}}"""

THREAD_MESSAGES_QUERY = f"""\
query LobbyMessageThreadMessages($id: ID!, $limit: Int, $cursor: String) {{
  messageThread(id: $id) {{
    id
    messages(limit: $limit, cursor: $cursor, orderBy: {{field: CREATION_DATE_TIME_UTC, order: ASC}}) {{
      totalCount
      cursor
      elements {{
{_MESSAGE_FIELDS}
      }}
    }}
  }}
}}"""

UNDELIVERED_NOTIFICATIONS_QUERY = """\
query LobbyUndeliveredNotifications($filters: UndeliveredNotificationsFiltersInput!, $limit: Int,
                                    $cursor: String) {
  undeliveredNotifications(filters: $filters, limit: $limit, cursor: $cursor) {
    totalCount
    cursor
    elements {
      notification { eventType creationDateTime notificationId payload }
      error { code message }
    }
  }
}"""

SEND_MESSAGE_MUTATION = """\
mutation LobbySendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    clientMutationId
    messageId
  }
}"""

SET_SPAM_STATUS_MUTATION = """\
mutation LobbySetMessageThreadSpamStatus($input: SetMessageThreadSpamStatusInput!) {
  setMessageThreadSpamStatus(input: $input) {
    clientMutationId
    id
  }
}"""

DOCUMENTS = (MESSAGE_QUERY, MESSAGE_THREAD_QUERY, PROPERTY_THREADS_QUERY, THREAD_MESSAGES_QUERY,
             UNDELIVERED_NOTIFICATIONS_QUERY, SEND_MESSAGE_MUTATION, SET_SPAM_STATUS_MUTATION)
