"""The demo hotel's guests and what happens in their conversations (data only; ``local.seed`` plays it).

Every conversation is written as the guest's messages and, once those are in, the agent's
actions. What the bot does with each message is the bot's own decision (``bot.engine``);
``expect`` says what the seed counts on, and ``tests/e2e`` checks that every tab ends up
with conversations in it.
"""

from __future__ import annotations

from dataclasses import dataclass

HOTEL_ID = "lumiere"
HOTEL_NAME = "Hôtel Lumière"
HOTEL_TIMEZONE = "Europe/Paris"
EXPEDIA_PROPERTY_ID = "12345678"
AGENT_USERNAME = "agent@lumiere.example"
AGENT_NAME = "Camille Laurent"
AGENT_PASSWORD = "Lumiere-Demo-2026!"  # meets the user pool's password policy
PARTNER_ID = "demo-pms"
PARTNER_NAME = "Demo PMS"
REPLY_TARGET_MINUTES = 240  # the hotel's own reply clock: the Open tab shows countdowns


@dataclass(frozen=True)
class TeamMember:
    """A console login of the demo hotel: ``key`` names it in ``stack.json`` (``demo.agents``) and in the tests."""

    key: str
    email: str
    name: str
    password: str  # each meets the user pool's password policy
    role: str  # "admin" or "agent" (``custom:role``)


# The front desk. The first is the demo agent of earlier releases (same login), now the hotel's admin;
# the seed acts as her. Every member is in the Cognito group of the hotel (``directory.cognito``).
TEAM: tuple[TeamMember, ...] = (
    TeamMember("camille", AGENT_USERNAME, AGENT_NAME, AGENT_PASSWORD, "admin"),
    TeamMember("ben", "ben@lumiere.example", "Ben Martin", "Lumiere-Ben-2026!", "agent"),
    TeamMember("ana", "ana@lumiere.example", "Ana Lima", "Lumiere-Ana-2026!", "agent"),
)


@dataclass(frozen=True)
class Reply:
    """A saved reply of the hotel's library (``inbox.replies``: variables, shortcut, languages)."""

    id: str
    title: str
    shortcut: str
    texts: dict[str, str]


REPLIES: tuple[Reply, ...] = (
    Reply("checkin", "Check-in", "checkin", {
        "fr": "Bonjour {guest.first_name|Madame, Monsieur}, nous vous attendons le {reservation.check_in}. "
              "La chambre est prête à partir de 15 h.",
        "en": "Hello {guest.first_name|there}, we look forward to welcoming you on {reservation.check_in}. "
              "Your room is ready from 3 pm."}),
    Reply("parking", "Parking", "parking", {
        "fr": "Bonjour {guest.first_name|Madame, Monsieur}, notre parking souterrain est à 25 € la nuit, "
              "sans réservation.",
        "en": "Hello {guest.first_name|there}, our underground car park is €25 a night, no booking needed."}),
    Reply("thanks", "Merci / Thank you", "merci", {
        "fr": "Merci {guest.first_name|beaucoup} ! Nous vous souhaitons un excellent séjour. "
              "{agent.name}, {hotel.name}",
        "en": "Thank you {guest.first_name|very much}! We wish you a pleasant stay. {agent.name}, {hotel.name}"}),
)


@dataclass(frozen=True)
class Guest:
    first_name: str
    last_name: str
    language: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Action:
    """An agent's action through the API: ``reply`` (with text), ``hold`` (for seconds),
    ``close``, ``reopen``, ``spam``, ``not-spam``, ``assign`` (to the team member ``agent``, a
    ``TeamMember.key``) or ``note`` (an internal note, with text: ``@Name`` mentions a colleague)."""

    kind: str
    text: str | None = None
    hold_seconds: int | None = None
    agent: str | None = None


@dataclass(frozen=True)
class Conversation:
    key: str  # the Expedia thread id, or the partner channel's conversation id
    channel: str  # "expedia", "webchat", "whatsapp"
    guest: Guest
    messages: tuple[str, ...]  # the guest's messages, each sent once the one before it is taken
    actions: tuple[Action, ...] = ()
    expect: str = "bot"  # the status once everything is played
    wants_human: bool = False  # the partner channel's "talk to a person" button (first message)
    stay: tuple[int, int] | None = None  # Expedia reservation: check-in in N days, for M nights
    guests: tuple[int, int] = (2, 0)  # adults, children
    minutes_ago: int = 0  # partner channels give their own sent_at
    reservation_id: str | None = None  # partner channels: the booking handed in with the guest (with ``stay``)


def reply(text: str) -> Action:
    return Action("reply", text=text)


def hold(days: float = 0, seconds: int = 0) -> Action:
    return Action("hold", hold_seconds=int(days * 86400) + seconds)


def assign(agent: str) -> Action:
    return Action("assign", agent=agent)


def note(text: str) -> Action:
    return Action("note", text=text)


CLOSE, SPAM, NOT_SPAM = Action("close"), Action("spam"), Action("not-spam")

DAY = 86400

CONVERSATIONS: tuple[Conversation, ...] = (
    # Expedia travelers whose questions the bot answers (tab All).
    Conversation("thr-demo-01", "expedia", Guest("Emma", "Johnson"), ("Hi! What time is check-in?",),
                 stay=(3, 2)),
    Conversation("thr-demo-02", "expedia", Guest("Lucas", "Martin"),
                 ("Bonjour, avez-vous un parking ? Nous venons en voiture.",), stay=(10, 4)),
    Conversation("thr-demo-03", "expedia", Guest("Sofía", "García"), ("¿El desayuno está incluido?",),
                 stay=(6, 3), guests=(2, 1)),
    Conversation("thr-demo-04", "expedia", Guest("Jonas", "Weber"), ("Wie lautet das WLAN-Passwort?",),
                 stay=(1, 2)),
    Conversation("thr-demo-05", "expedia", Guest("Chloé", "Bernard"),
                 ("Acceptez-vous les animaux ? Nous venons avec notre petit chien.",), stay=(14, 5)),
    Conversation("thr-demo-06", "expedia", Guest("Oliver", "Smith"),
                 ("Do you have an airport shuttle?", "And is late check-out possible?"), stay=(2, 3)),
    Conversation("thr-demo-07", "expedia", Guest("Isabelle", "Fontaine"),
                 ("Quelles sont les conditions d'annulation ?",), stay=(30, 2)),
    # Expedia travelers who ask for a person (Open), some answered by an agent.
    Conversation("thr-demo-08", "expedia", Guest("Camille", "Dubois"),
                 ("Bonjour, je voudrais parler à quelqu'un de la réception s'il vous plaît.",),
                 expect="open", stay=(5, 2)),
    Conversation("thr-demo-09", "expedia", Guest("Noah", "Williams"),
                 ("Can I speak to a manager? We would like to change our booking dates.",),
                 actions=(assign("ben"),), expect="open", stay=(8, 3)),
    Conversation("thr-demo-10", "expedia", Guest("Ana", "Souza"),
                 ("Posso falar com um atendente? Preciso de uma fatura em nome da empresa.",),
                 actions=(assign("ana"),), expect="open", stay=(4, 1)),
    Conversation("thr-demo-11", "expedia", Guest("Marco", "Rossi"),
                 ("What time is breakfast?", "Thanks! I need to talk to someone about a surprise for our anniversary."),
                 actions=(reply("Hello Marco, happy anniversary in advance! We can put champagne and flowers in "
                                "the room. Shall I arrange it for your arrival?"),),
                 expect="open", stay=(12, 2)),
    Conversation("thr-demo-12", "expedia", Guest("Léa", "Petit"),
                 ("Est-ce que quelqu'un peut m'appeler ? C'est pour une réservation de groupe.",),
                 actions=(reply("Bonjour Léa, bien sûr : à quel numéro et à quelle heure pouvons-nous vous "
                                "appeler ?"),),
                 expect="open", stay=(20, 2)),
    # Held by an agent (On hold), one of them coming back to Open during the demo.
    Conversation("thr-demo-13", "expedia", Guest("Hannah", "Schmidt"),
                 ("Ich möchte bitte mit der Rezeption sprechen, es geht um ein Zustellbett.",),
                 actions=(reply("Guten Tag Frau Schmidt, wir prüfen die Verfügbarkeit und melden uns morgen."),
                          hold(days=1), assign("ana")),
                 expect="on_hold", stay=(9, 4), guests=(2, 1)),
    Conversation("thr-demo-14", "expedia", Guest("James", "Brown"),
                 ("I'd like to talk to a person about a group booking for twelve people.",),
                 actions=(reply("Hello James, our groups manager is back on Monday; she will write to you then."),
                          hold(days=3)),
                 expect="on_hold", stay=(40, 2)),
    Conversation("thr-demo-15", "expedia", Guest("Thomas", "Leroy"),
                 ("Je voudrais parler à un conseiller pour ajouter une nuit.",),
                 actions=(reply("Bonjour Thomas, je vérifie les disponibilités et je reviens vers vous."),
                          hold(seconds=90)),
                 expect="on_hold", stay=(7, 2)),
    # Answered and closed by an agent (Closed).
    Conversation("thr-demo-16", "expedia", Guest("Julie", "Moreau"),
                 ("Bonjour, puis-je parler à quelqu'un ? Nous arriverons après minuit.",),
                 actions=(reply("Bonjour Julie, aucun souci : la réception est ouverte toute la nuit. "
                                "À bientôt !"), CLOSE),
                 expect="closed", stay=(2, 2)),
    Conversation("thr-demo-17", "expedia", Guest("Pablo", "Fernández"),
                 ("Quiero hablar con una persona, por favor. Es sobre el pago.",),
                 actions=(reply("Hola Pablo, puede pagar con tarjeta o en efectivo a la llegada. ¡Hasta pronto!"),
                          CLOSE),
                 expect="closed", stay=(15, 3)),
    # Spam through Expedia, caught by the bot (Spam).
    Conversation("thr-demo-18", "expedia", Guest("Web", "Services"),
                 ("Get 500 high quality backlinks for your hotel website for only $49! "
                  "Visit www.cheap-links-seo.net",),
                 expect="spam"),
    # Partner channels (web chat, WhatsApp), handed in with the partner key.
    Conversation("web-demo-19", "webchat", Guest("Mia", "Anderson", "en", email="mia.anderson@example.com"),
                 ("Do you have a baby cot?",), minutes_ago=55),
    Conversation("web-demo-20", "webchat", Guest("Hugo", "Lambert", "fr", email="hugo.lambert@example.fr"),
                 ("Quelle est l'heure du check-out ?",), minutes_ago=140),
    Conversation("wa-demo-21", "whatsapp", Guest("Carlos", "Ruiz", "es", phone="+34600111222"),
                 ("¿Tienen aparcamiento?", "Necesito hablar con alguien de recepción, por favor."),
                 expect="open", minutes_ago=35),
    Conversation("wa-demo-22", "whatsapp", Guest("Sarah", "Cohen", "en", phone="+447700900123"),
                 ("Hello, we are at the station, how do we get to the hotel?",),
                 actions=(reply("Hello Sarah! Take line 4 to Saint-Michel, we are two minutes away on foot."),),
                 expect="open", wants_human=True, minutes_ago=12),
    Conversation("web-demo-23", "webchat", Guest("Inès", "Moreau", "fr", email="ines.moreau@example.fr"),
                 ("Je souhaite parler à la réception pour une demande spéciale.",),
                 actions=(reply("Bonjour Inès, je transmets votre demande à notre concierge, qui revient vers "
                                "vous sous une semaine."), hold(days=7)),
                 expect="on_hold", minutes_ago=300),
    Conversation("wa-demo-24", "whatsapp", Guest("Peter", "Novak", "en", phone="+420601234567"),
                 ("Is the city tax included?",),
                 actions=(reply("Hello Peter, it is not included: €3.25 per adult per night, paid at the hotel."),
                          CLOSE),
                 expect="closed", minutes_ago=400),
    Conversation("web-demo-25", "webchat", Guest("Growth", "Agency", "en", email="sales@growth.example"),
                 ("I want to talk to the manager about our SEO offer for your website.",),
                 actions=(SPAM,), expect="spam", minutes_ago=90),
    Conversation("wa-demo-26", "whatsapp", Guest("Yuki", "Tanaka", "en", phone="+819012345678"),
                 ("Can I leave my luggage before check-in?",), minutes_ago=25),
    Conversation("wa-demo-27", "whatsapp", Guest("Elena", "Popescu", "en", phone="+40722123456"),
                 ("I want to talk to someone about the invoice for my stay last week.",),
                 actions=(reply("Hello Elena, I have just sent the invoice to your email address."), CLOSE),
                 expect="closed", minutes_ago=600),
    Conversation("web-demo-28", "webchat", Guest("Martin", "Keller", "de", email="m.keller@example.de"),
                 ("Ich brauche einen Mitarbeiter, unser Zimmer ist zu laut.",),
                 actions=(SPAM, NOT_SPAM, reply("Guten Abend Herr Keller, wir bieten Ihnen gern ein ruhigeres "
                                                "Zimmer zum Innenhof an.")),
                 expect="open", minutes_ago=8),
    Conversation("thr-demo-29", "expedia", Guest("Aisha", "Khan"),
                 ("Do you have a restaurant in the hotel?", "Great, can someone book a table for two on Friday?"),
                 actions=(note("@Ben Martin, peux-tu réserver une table pour deux vendredi au restaurant ?"),),
                 expect="open", stay=(4, 3)),
    Conversation("thr-demo-30", "expedia", Guest("Giulia", "Bianchi"), ("A che ora è il check-in?",),
                 stay=(11, 2)),
    # A French guest with a booking (Open): the saved replies render her first name and check-in date.
    Conversation("web-demo-31", "webchat", Guest("Camille", "Durand", "fr", email="camille.durand@example.fr"),
                 ("Bonjour, je voudrais parler à la réception au sujet de notre arrivée.",),
                 expect="open", wants_human=True, minutes_ago=20, stay=(3, 2), reservation_id="LUM-2026-4821"),
)
DURAND = "web-demo-31"  # the French guest's conversation key
