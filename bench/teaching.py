"""Teaching the bot its missed questions, measured: the automation rate of a held-apart half of the labelled corpus
before and after an admin teaches the top 5 missed-question groups of the other half (issue 15, "Measured").

Every labelled row of tests/unit/bot/corpus.jsonl and holdout.jsonl is one guest's conversation of one message, sent
through the real pipeline (``Inbox.receive`` with the real ``KeywordBot`` and the sample knowledge base; on the unit
tests' in-memory store, as tests/unit/inbox/test_teaching_replay.py does, or with ``--store moto`` on moto's DynamoDB
through the real store, far slower). The rows are split in
two halves, per label: rows with the same text (folded) stay together, the texts are ordered by their SHA-256 and
dealt out in turn, the first to the teach half. Then:

1. before: the held-apart half, replayed on a fresh inbox: the automation rate;
2. the teach half, replayed: its ``bot_unanswered`` handoffs form the missed-question groups (``Inbox.missed_questions``);
   walking them by count (ties: newest first, the list's order), the admin dismisses what no fixed answer can settle
   (``DISMISSED``: spam the bot missed, a booking or a price to look up, something to do, a quote) and teaches the first 5 it accepts: an agent
   answers the group's newest conversation (``Inbox.reply``, the answer of ``LESSONS``, as a hotel would write it), and
   the admin teaches the group (``Inbox.teach``) with the agent's reply as the answer in the group's language, plus the
   other languages the admin writes;
3. after: the held-apart half again, on a fresh inbox whose hotel has the taught knowledge base: the rate again.

Automation rate = conversations the bot answered alone (still ``automated``, not spam) / conversations, spam rows
left out of both (a spam conversation is neither automated nor work for the team: the bot's spam catches are measured
by the corpus tests). ``RIGHT`` says which lesson answers which corpus row right, to judge what the taught entries
answered. Run with ``make bench`` (after bench.py), or ``.venv/bin/python bench/teaching.py [--store moto]
[--no-write]``; it prints its section and replaces (or appends) it in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT / "functions", ROOT):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


from bot.engine import KeywordBot  # noqa: E402  (functions/ is on sys.path from here on)
from bot.evaluate import LABELS, load_corpus  # noqa: E402
from bot.normalise import fold  # noqa: E402
from bot.samples import sample_knowledge_base  # noqa: E402
from inbox.bot import Answer, HandOff, KnowledgeBase, SpamVerdict  # noqa: E402
from inbox.inbound import GuestProfile, InboundMessage  # noqa: E402
from inbox.model import Actor, ActorType, Status  # noqa: E402
from inbox.service import Inbox  # noqa: E402

# Imported as bench.teaching (the tests), or from bench/ as a script or by bench.py: bench/ itself never goes on
# sys.path here, where its realtime.py would shadow the realtime package of functions/.
if __package__:
    from .sections import section_of as _section_of
    from .sections import write_section
else:
    from sections import section_of as _section_of  # type: ignore[no-redef]
    from sections import write_section  # type: ignore[no-redef]

CORPORA = (ROOT / "tests" / "unit" / "bot" / "corpus.jsonl", ROOT / "tests" / "unit" / "bot" / "holdout.jsonl")
SECTION = "## Teaching the bot its missed questions"
HOTEL_ID = "h1"
HOTEL_NAME = "Hôtel Lumière"
CHANNEL = "webchat"  # a channel Lobby does not deliver to: the replies stay in the store
TOP = 5
AGENT = Actor(ActorType.AGENT, "sub-ana", "Ana Lima")
ADMIN = Actor(ActorType.AGENT, "sub-bruno", "Bruno Émile")
# Rows no taught entry may ever answer: a guest who asked for a person, and spam.
NEVER_ANSWERED = frozenset({"human", "spam"})

#: Make a fresh inbox whose hotel ``HOTEL_ID`` has this knowledge base (bot on), with the real ``KeywordBot``.
InboxFactory = Callable[[KnowledgeBase], Inbox]


@dataclass(frozen=True)
class Lesson:
    """What the admin teaches for one group: the answer per language (the group's own language is the agent's reply
    to the guest, the others the admin adds). ``name`` is for this report only: the admin keeps the entry's default
    topic, the group's question (the bot matches a topic's words too, so a topic such as "bars nearby" would answer
    any question with "nearby" in it)."""

    name: str
    answers: dict[str, str]


# The admin's decisions, keyed by the group's question (its newest wording) as the list shows it; written once for
# every group of the teach half (the walk reaches the first few only). A group the walk reaches with no decision here
# stops the bench with its question: decide, then run again. The answers are what the sample hotel (bot/samples.py:
# Paris, Classic and Superior rooms, front desk 24/7) would write, in the group's language and in English.
_INVOICE = Lesson("Invoice in a company's name", {
    "fr": "Bien sûr : donnez-nous le nom, l'adresse et le numéro de TVA de la société avant votre départ (ici ou à "
          "la réception) et la facture sera établie à son nom, envoyée par e-mail si vous le souhaitez.",
    "en": "Of course: give us the company's name, address and VAT number before you check out (here or at the "
          "front desk) and the invoice will be made out to it, sent by email if you like.",
    "es": "Por supuesto: indíquenos el nombre, la dirección y el NIF/IVA de la empresa antes de su salida (aquí o en "
          "recepción) y emitiremos la factura a su nombre, por correo electrónico si lo desea.",
    "pt": "Claro: informe o nome, o endereço e o número fiscal da empresa antes do check-out (aqui ou na recepção) e "
          "a fatura sairá em nome dela, por e-mail se preferir.",
    "de": "Gern: Nennen Sie uns vor der Abreise (hier oder an der Rezeption) Namen, Anschrift und USt-IdNr. der Firma, "
          "dann stellen wir die Rechnung auf sie aus, auf Wunsch per E-Mail.",
})
_HAIRDRYER = Lesson("Hairdryer", {
    "en": "Yes, every room has a hairdryer in the bathroom.",
    "pt": "Sim, todos os quartos têm secador de cabelo no banheiro.",
})
_LIFT = Lesson("Lift", {
    "en": "Yes, a lift serves every floor, from the lobby to the 6th floor.",
    "de": "Ja, ein Aufzug fährt von der Lobby in alle Etagen bis zum 6. Stock.",
    "es": "Sí, un ascensor da servicio a todas las plantas, desde el vestíbulo hasta la 6.ª.",
})
_AIR_CONDITIONING = Lesson("Air conditioning", {
    "en": "Yes, every room has air conditioning and heating you can set yourself.",
    "es": "Sí, todas las habitaciones tienen aire acondicionado y calefacción regulables.",
    "de": "Ja, alle Zimmer haben eine Klimaanlage und eine Heizung, die Sie selbst regeln können.",
})
_SAFE = Lesson("Safe", {
    "en": "Yes, every room has a safe large enough for a laptop.",
    "de": "Ja, jedes Zimmer hat einen Safe, in den auch ein Laptop passt.",
})
_FRIDGE = Lesson("Minibar", {
    "en": "Yes, every room has a minibar fridge; you are welcome to keep your own drinks in it.",
    "pt": "Sim, todos os quartos têm um frigobar; pode guardar nele as suas próprias bebidas.",
})
_IRON = Lesson("Iron", {
    "en": "Yes, an iron and an ironing board are available free from the front desk.",
    "fr": "Oui, un fer et une planche à repasser sont à votre disposition gratuitement à la réception.",
})
_BATHTUB = Lesson("Bathtub", {
    "en": "Classic rooms have a walk-in shower; Superior rooms have a bathtub. Ask for one when you book.",
})
_BALCONY = Lesson("Balcony and view", {
    "en": "Our Superior rooms on the 5th and 6th floors have a small balcony and a view of the Eiffel Tower; ask "
          "for one when you book (subject to availability).",
    "de": "Unsere Superior-Zimmer im 5. und 6. Stock haben einen kleinen Balkon mit Blick auf den Eiffelturm; "
          "bitte bei der Buchung anfragen (je nach Verfügbarkeit).",
})
_CELEBRATION = Lesson("Celebrations in the room", {
    "en": "With pleasure: champagne (€60), flowers (€45) or a cake (€35) can be waiting in your room. Please "
          "order from the front desk at least 48 hours ahead.",
    "fr": "Avec plaisir : champagne (60 €), fleurs (45 €) ou gâteau (35 €) peuvent vous attendre en chambre. "
          "Commandez-les à la réception au moins 48 h à l'avance.",
    "pt": "Com prazer: champanhe (60 €), flores (45 €) ou bolo (35 €) podem esperar por vocês no quarto. Peça na "
          "recepção com pelo menos 48 h de antecedência.",
})
_TWIN_BEDS = Lesson("Twin beds", {
    "en": "Yes, most of our rooms can be made up with two single beds: just say so in your booking or reply here.",
    "es": "Sí, la mayoría de nuestras habitaciones pueden prepararse con dos camas individuales: indíquelo en su "
          "reserva o respóndanos aquí.",
})
_RESTAURANTS = Lesson("Restaurants nearby", {
    "en": "Our favourites nearby: Le Petit Zinc (French bistro, 3 min walk), Pizzeria Gusto (5 min) and Le Jardin "
          "(vegetarian, 8 min). The front desk is happy to book a table.",
    "de": "Unsere Favoriten in der Nähe: Le Petit Zinc (französisches Bistro, 3 Gehminuten), Pizzeria Gusto (5 Min.) "
          "und Le Jardin (vegetarisch, 8 Min.). Die Rezeption reserviert gern einen Tisch.",
})
_BARS = Lesson("Bars and jazz nearby", {
    "en": "For a drink: Le Comptoir (wine bar, 2 min walk) or the rooftop of Le Perchoir (10 min). For jazz: Le Duc "
          "des Lombards and the Sunset-Sunside, rue des Lombards (metro line 1 to Châtelet).",
    "fr": "Pour un verre : Le Comptoir (bar à vin, à 2 min à pied) ou le rooftop du Perchoir (10 min). Pour le jazz : "
          "le Duc des Lombards et le Sunset-Sunside, rue des Lombards (métro ligne 1, Châtelet).",
})
_SIGHTS = Lesson("Museums and the Eiffel Tower", {
    "en": "The Musée d'Orsay is closed on Mondays and the Louvre on Tuesdays. The Eiffel Tower is lit every evening "
          "and sparkles for 5 minutes on the hour from nightfall until 11:45 pm.",
    "fr": "Le musée d'Orsay est fermé le lundi et le Louvre le mardi. La tour Eiffel est illuminée chaque soir et "
          "scintille 5 minutes à chaque heure, de la tombée de la nuit à 23h45.",
})
_SHOPS = Lesson("Shops nearby", {
    "en": "A cash machine is 50 m away on the corner; the tobacconist next to it sells SIM cards, and there is a "
          "launderette two streets away. The front desk will show you on a map.",
    "fr": "Un distributeur de billets se trouve à 50 m, au coin de la rue ; le bureau de tabac voisin vend des cartes "
          "SIM, et il y a une laverie à deux rues. La réception vous les montre sur un plan.",
    "pt": "Há um caixa eletrônico a 50 m, na esquina; a tabacaria ao lado vende chips (cartões SIM) e há uma "
          "lavanderia a duas ruas. A recepção mostra tudo num mapa.",
})
LESSONS: dict[str, Lesson] = {
    "Est-ce que vous pouvez m'envoyer une facture au nom de ma société ?": _INVOICE,
    "Pouvez-vous m'envoyer une facture au nom de ma société ?": _INVOICE,
    "Can I get an invoice with my company VAT number?": _INVOICE,
    "Vocês podem emitir nota fiscal em nome da minha empresa?": _INVOICE,
    "Können Sie mir eine Rechnung auf meine Firma ausstellen?": _INVOICE,
    "Is there a hairdryer in the room?": _HAIRDRYER,
    "Tem secador de cabelo no quarto?": _HAIRDRYER,
    "Ich heiße Jonas, gibt es einen Aufzug?": _LIFT,
    "Gibt es einen Aufzug im Hotel?": _LIFT,
    "Me llamo Carlos y quiero saber si hay ascensor": _LIFT,
    "¿El hotel tiene ascensor?": _LIFT,
    "¿La habitación tiene aire acondicionado?": _AIR_CONDITIONING,
    "Hat das Zimmer eine Klimaanlage?": _AIR_CONDITIONING,
    "Gibt es im Zimmer einen Safe?": _SAFE,
    "Tem geladeira no quarto?": _FRIDGE,
    "Il y a un fer à repasser disponible ?": _IRON,
    "Does the room have a bathtub or just a shower?": _BATHTUB,
    "Haben die Zimmer einen Balkon?": _BALCONY,
    "Do you have rooms with a view of the Eiffel Tower?": _BALCONY,
    "Is the room on a high floor? We'd love a view of the Eiffel Tower": _BALCONY,
    "On fête un anniversaire, est-il possible de prévoir un gâteau ?": _CELEBRATION,
    "My partner is celebrating her 40th, can you put champagne and flowers in the room?": _CELEBRATION,
    "We're celebrating our anniversary, could you put champagne in the room?": _CELEBRATION,
    "¿Podemos tener dos camas separadas en vez de una de matrimonio?": _TWIN_BEDS,
    "Können Sie uns ein gutes Restaurant in der Nähe empfehlen?": _RESTAURANTS,
    "Can you recommend a good restaurant near the Louvre?": _RESTAURANTS,
    "Can the staff recommend a good jazz club?": _BARS,
    "Quels sont les bons bars du quartier ?": _BARS,
    "Le musée d'Orsay est-il ouvert le lundi ?": _SIGHTS,
    "Pourriez-vous me dire si la Tour Eiffel est illuminée ce soir ?": _SIGHTS,
    "Il y a un distributeur de billets près de l'hôtel ?": _SHOPS,
    "Vous savez où acheter une carte SIM ?": _SHOPS,
    "Tem alguma lavanderia perto?": _SHOPS,
}

# Groups the admin dismisses (``Inbox.dismiss_missed``): no fixed answer settles them. Spam the bot did not catch;
# a greeting; a booking, a price or an offer someone must look up; something to do (a document received, a
# receipt, a location to send); a quote for a group; a strike on the trains (it changes every day).
DISMISSED: frozenset[str] = frozenset({
    "I sent my passport copy to reservations@hotel-lumiere.fr, did you get it?",
    "Offre spéciale vue sur votre site hotel-lumiere.fr : -20%, elle est encore valable ?",
    "Hi, my name is Tom Becker, reservation via booking.com 12345, my mobile +49 170 1234567. We'll arrive at 10pm",
    "Sapete se domani c'è sciopero dei treni?",
    "Hi, here's the confirmation from Expedia: https://www.expedia.com/trips/7234567812 - we booked 2 rooms for 3 "
    "nights",
    "Aumente as avaliações do seu hotel, 100 avaliações 5 estrelas por apenas R$199, chame no whats",
    "Su cuenta ha sido suspendida. Verifique sus datos aquí http://verificar-cuenta-segura.net",
    "We'd like to book the whole floor for a film crew in May, can we discuss rates?",
    "Booked through expedia (itinerary 7283910). We'll arrive around 11pm - is that ok? My number is +1 212 555 0199",
    "Wir sind eine Gruppe von 20 Personen, können Sie uns ein Angebot für ein Firmenevent machen?",
    "Je m'appelle Julie, j'ai une question sur la décoration de la chambre",
    "Our company site is www.acme-consulting.co.uk, please put that name on the invoice",
    "On a gagné un séjour chez vous au concours de notre entreprise, le bon n°4471 est-il valable en juillet ?",
    "Link to our event is on eventbrite.com/e/12345 - can you host 10 guests for a drink?",
    "Ganhe R$ 5.000 por semana trabalhando de casa! Clique: http://renda-extra-agora.xyz",
    "Vi en https://maps.google.com/?q=hotel+lumiere+paris que están cerca de la estación, ¿es así?",
    "Préstamos rápidos sin aval, escríbeme al WhatsApp +34 600 000 000",
    "Hola, tenemos una propuesta para su negocio, escríbanos a info@propuestas-negocio.com",
    "Please send the receipt to my work email, thanks: p.jones@acme-corp.co.uk",
    "Herzlichen Glückwunsch! Sie haben einen Amazon-Gutschein gewonnen: bit.ly/gewinn-de",
    "Found your place on https://www.hotel-lumiere.fr/chambres - is the superior room €180 a night in May?",
    "Meu WhatsApp é +55 11 91234-5678, podem me mandar a localização?",
    "Ich habe über booking.com gebucht (Buchungsnummer 4021337). Ist das Parken für 18 € pro Tag?",
    "allo ?",
    "Somos 30 personas para una boda, ¿qué descuento nos pueden hacer por 12 habitaciones?",
    "The price on hotels.com was $189 per night but I was charged $220, can you check?",
    "Seu cadastro foi bloqueado, atualize seus dados em http://atualizacao-segura-conta.com",
    "Le site https://www.hotel-lumiere.fr indique 145€ la nuit, mais Expedia affiche 160€, pourquoi ?",
})

# Which lesson answers a corpus row right, for every row of either half one of the lessons fits (the others: none
# does, so any taught answer to them is wrong). Written from the lessons' answers, as the corpus's own ``entry``
# labels are: a request to do something ("please send the invoice there", "iron a shirt for me") is no question a
# fixed answer settles.
_RIGHT_ROWS: dict[str, tuple[str, ...]] = {
    _INVOICE.name: (
        "Can I get an invoice with my company VAT number?", "Can you send me an invoice with my company name on it?",
        "Est-ce que vous pouvez m'envoyer une facture au nom de ma société ?",
        "Pouvez-vous m'envoyer une facture au nom de ma société ?",
        "¿Me pueden enviar la factura a nombre de mi empresa?", "Vocês podem emitir nota fiscal em nome da minha empresa?",
        "Können Sie mir eine Rechnung auf meine Firma ausstellen?"),
    _HAIRDRYER.name: ("Is there a hairdryer in the room?", "Tem secador de cabelo no quarto?",
                      "Gibt es einen Föhn im Zimmer?"),
    _LIFT.name: ("¿El hotel tiene ascensor?", "Me llamo Carlos y quiero saber si hay ascensor",
                 "Gibt es einen Aufzug im Hotel?", "Ich heiße Jonas, gibt es einen Aufzug?"),
    _AIR_CONDITIONING.name: ("Est-ce que les chambres ont la climatisation ?", "¿La habitación tiene aire acondicionado?",
                             "O quarto tem ar condicionado?", "Hat das Zimmer eine Klimaanlage?"),
    _SAFE.name: ("¿Las habitaciones tienen caja fuerte?", "Gibt es im Zimmer einen Safe?"),
    _FRIDGE.name: ("Tem geladeira no quarto?",),
    _IRON.name: ("Il y a un fer à repasser disponible ?",),
    _BATHTUB.name: ("Does the room have a bathtub or just a shower?", "Est-ce que la chambre a une baignoire ?"),
    _BALCONY.name: ("Haben die Zimmer einen Balkon?", "Do you have rooms with a view of the Eiffel Tower?",
                    "Is the room on a high floor? We'd love a view of the Eiffel Tower", "O quarto tem vista?",
                    "Vi as fotos no instagram.com/hotellumiere, vocês têm quarto com varanda?"),
    _CELEBRATION.name: (
        "My partner is celebrating her 40th, can you put champagne and flowers in the room?",
        "We're celebrating our anniversary, could you put champagne in the room?",
        "On fête un anniversaire, est-il possible de prévoir un gâteau ?",
        "Dá para pedir um bolo de aniversário para o quarto?"),
    _TWIN_BEDS.name: ("¿Podemos tener dos camas separadas en vez de una de matrimonio?",),
    _RESTAURANTS.name: (
        "Can you recommend a good vegan restaurant nearby?", "Can you recommend a good restaurant near the Louvre?",
        "Pouvez-vous nous conseiller un bon restaurant dans le quartier ?",
        "Können Sie uns ein gutes Restaurant in der Nähe empfehlen?",
        "Können Sie mir einen Tisch in einem italienischen Restaurant in der Nähe empfehlen?"),
    _BARS.name: ("Can the staff recommend a good jazz club?", "Quels sont les bons bars du quartier ?"),
    _SIGHTS.name: ("Le musée d'Orsay est-il ouvert le lundi ?", "Is the Louvre open on Mondays?",
                   "Pourriez-vous me dire si la Tour Eiffel est illuminée ce soir ?"),
    _SHOPS.name: ("Il y a un distributeur de billets près de l'hôtel ?", "Vous savez où acheter une carte SIM ?",
                  "Tem alguma lavanderia perto?"),
}
RIGHT: dict[str, str] = {text: name for name, texts in _RIGHT_ROWS.items() for text in texts}


@dataclass(frozen=True)
class Row:
    """One labelled corpus row."""

    text: str
    label: str
    language: str | None
    entry: str | None  # the sample entry a kb row expects
    wants_human: bool
    source: str  # file:line


@dataclass(frozen=True)
class Played:
    """One row replayed as its own conversation: what the pipeline did with it."""

    row: Row
    conversation_id: str
    trigger: str | None
    automated: bool  # the bot answered alone: the conversation is still automated and not spam
    entry_id: str | None  # the answer's knowledge-base entry
    reason: str | None  # the handoff's reason
    spam: bool
    answer: str | None  # the bot's reply the guest got


@dataclass(frozen=True)
class Rate:
    automated: int
    conversations: int
    left_out: int  # spam rows, not counted

    @property
    def value(self) -> float:
        return self.automated / self.conversations if self.conversations else 0.0

    def __str__(self) -> str:
        return f"{self.value:.1%} ({self.automated} of {self.conversations})"


@dataclass(frozen=True)
class Taught:
    """A group the admin taught: as listed, the agent's reply, the entry the bot now has."""

    group_id: str
    language: str
    question: str
    count: int
    rank: int  # its place in the list by count (1 = asked most)
    agent_answer: str | None  # as the group shows it (the console prefills the teach form with it)
    entry_id: str
    languages: tuple[str, ...]
    lesson: str  # the lesson's name in ``LESSONS``


@dataclass
class Measurement:
    teach: list[Row]
    held: list[Row]
    before: list[Played]
    teach_played: list[Played]
    groups: list[Any]  # the teach half's missed-question groups (``MissedGroup``), by count then newest
    taught: list[Taught]
    dismissed: list[Any]  # the groups the admin dismissed on the way
    asked_again: list[Played]  # each taught group's own question, from a new guest, after teaching
    after: list[Played]
    knowledge: KnowledgeBase  # the taught knowledge base
    listed_after: list[Any]  # the teach half's groups still in the list after the admin's walk
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def taught_ids(self) -> frozenset[str]:
        return frozenset(t.entry_id for t in self.taught)

    def by_taught(self, played: Iterable[Played]) -> list[Played]:
        """The conversations a taught entry answered."""
        return [p for p in played if p.automated and p.entry_id in self.taught_ids]

    def mistakes(self) -> list[Played]:
        """Held-apart conversations of rows no taught entry may answer (a person asked for, spam) that one answered."""
        return [p for p in self.by_taught(self.after) if p.row.label in NEVER_ANSWERED]

    def right(self, played: Played) -> bool:
        """Whether a taught entry's answer to this conversation is the right one (``RIGHT``)."""
        lesson = next((t.lesson for t in self.taught if t.entry_id == played.entry_id), None)
        return lesson is not None and RIGHT.get(played.row.text) == lesson

    def lost(self) -> list[tuple[Played, Played]]:
        """Held-apart kb rows answered right before teaching and not after (a taught entry took them)."""
        return [(b, a) for b, a in zip(self.before, self.after, strict=True)
                if b.row.label == "kb" and b.entry_id == b.row.entry and a.entry_id != a.row.entry]


# --- the corpus and its split ------------------------------------------------------------------------------------


def load_rows(paths: Sequence[Path] = CORPORA) -> list[Row]:
    rows = []
    for path in paths:
        for number, raw in enumerate(load_corpus(path), start=1):
            rows.append(Row(raw["text"], raw["label"], raw.get("language"), raw.get("entry"),
                            bool(raw.get("wants_human", False)), f"{path.name}:{number}"))
    return rows


def _same_text(text: str) -> str:
    return " ".join(fold(text).split())


def _digest(text: str) -> str:
    return hashlib.sha256(_same_text(text).encode()).hexdigest()


def split(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """(teach half, held-apart half): per label, rows with the same folded text together, the texts ordered by their
    SHA-256 and dealt out in turn (the first to the teach half). Each half in the order of its texts' digests."""
    teach: list[Row] = []
    held: list[Row] = []
    for label in LABELS:
        texts: dict[str, list[Row]] = {}
        for row in rows:
            if row.label == label:
                texts.setdefault(_same_text(row.text), []).append(row)
        for n, key in enumerate(sorted(texts, key=lambda k: hashlib.sha256(k.encode()).hexdigest())):
            (teach if n % 2 == 0 else held).extend(texts[key])
    return sorted(teach, key=lambda r: (_digest(r.text), r.source)), sorted(held, key=lambda r: (_digest(r.text), r.source))


# --- the replay ----------------------------------------------------------------------------------------------


def replay(inbox: Inbox, rows: Sequence[Row], prefix: str) -> list[Played]:
    """Each row as a new guest's first message on its own thread (``<prefix>-<n>``), a second apart."""
    start = inbox.clock() - timedelta(seconds=len(rows) + 1)
    played = []
    for n, row in enumerate(rows):
        received = inbox.receive(InboundMessage(
            HOTEL_ID, CHANNEL, f"{prefix}-{n}", f"{prefix}-{n}-1", row.text, start + timedelta(seconds=n),
            GuestProfile(f"{prefix}-guest-{n}"), wants_human=row.wants_human))
        conversation, decision = received.conversation, received.decision
        assert conversation is not None and not received.duplicate, row
        played.append(Played(
            row, conversation.id, received.trigger,
            automated=received.trigger == "bot_answered" and conversation.automated
            and conversation.status is not Status.SPAM,
            entry_id=decision.entry_id if isinstance(decision, Answer) else None,
            reason=decision.reason.value if isinstance(decision, HandOff) else None,
            spam=isinstance(decision, SpamVerdict) or conversation.status is Status.SPAM,
            answer=decision.text if isinstance(decision, Answer) else None))
    return played


def rate(played: Iterable[Played]) -> Rate:
    played = list(played)
    counted = [p for p in played if p.row.label != "spam"]
    return Rate(sum(p.automated for p in counted), len(counted), len(played) - len(counted))


def missed_groups(inbox: Inbox) -> list[Any]:
    """The hotel's missed-question groups, every page, newest first."""
    groups: list[Any] = []
    cursor = None
    while True:
        page = inbox.missed_questions(HOTEL_ID, 100, cursor)
        groups += page.items
        cursor = page.next_cursor
        if not cursor:
            return groups


def by_count(groups: Sequence[Any]) -> list[Any]:
    """Most asked first; ties keep the list's order (newest first)."""
    return sorted(groups, key=lambda g: -g.count)


class Undecided(LookupError):
    """A group the admin's walk reached with no decision in ``LESSONS`` or ``DISMISSED``."""


def teach_top(inbox: Inbox, groups: Sequence[Any], top: int = TOP, lessons: dict[str, Lesson] | None = None,
              dismissed: frozenset[str] | None = None) -> tuple[list[Taught], list[Any]]:
    """The admin's walk down the groups by count: dismiss or teach, until ``top`` are taught."""
    lessons = LESSONS if lessons is None else lessons
    dismissed = DISMISSED if dismissed is None else dismissed
    taught: list[Taught] = []
    left_out: list[Any] = []
    for rank, group in enumerate(by_count(groups), start=1):
        if len(taught) == top:
            break
        if group.question in dismissed:
            inbox.dismiss_missed(HOTEL_ID, group.id, ADMIN)
            left_out.append(group)
            continue
        lesson = lessons.get(group.question)
        if lesson is None:
            raise Undecided(f"no decision for the missed question {group.question!r} ({group.language}, asked "
                            f"{group.count} times, rank {rank}): add it to LESSONS or DISMISSED in bench/teaching.py")
        reply = lesson.answers.get(group.language) or next(iter(lesson.answers.values()))
        inbox.reply(HOTEL_ID, group.conversation_id, AGENT, reply)  # the agent answers the guest who asked last
        answered = next(g for g in missed_groups(inbox) if g.id == group.id)
        agent_answer = answered.answer.text if answered.answer else None
        answers = {**lesson.answers, group.language: agent_answer or reply}
        entry = inbox.teach(HOTEL_ID, group.id, ADMIN, answers)
        taught.append(Taught(group.id, group.language, group.question, group.count, rank, agent_answer, entry.id,
                             tuple(sorted(entry.answers)), lesson.name))
    return taught, left_out


def measure(make_inbox: InboxFactory, rows: Sequence[Row] | None = None, top: int = TOP,
            lessons: dict[str, Lesson] | None = None, dismissed: frozenset[str] | None = None) -> Measurement:
    """The whole measurement, each step on a fresh inbox made by ``make_inbox`` (see the module)."""
    teach, held = split(load_rows() if rows is None else rows)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    before = replay(make_inbox(sample_knowledge_base(HOTEL_NAME)), held, "before")
    seconds["before"] = time.perf_counter() - started

    started = time.perf_counter()
    teaching = make_inbox(sample_knowledge_base(HOTEL_NAME))
    teach_played = replay(teaching, teach, "teach")
    groups = by_count(missed_groups(teaching))
    taught, left_out = teach_top(teaching, groups, top, lessons, dismissed)
    listed_after = missed_groups(teaching)
    # The next guest asking a taught group's question, on the same inbox (its cache let go by the teaching).
    asked_again = replay(teaching, [Row(t.question, "taught", t.language, t.entry_id, False, f"group {t.group_id}")
                                    for t in taught], "again")
    hotel = teaching.store.get_hotel(HOTEL_ID)
    assert hotel is not None
    seconds["teach"] = time.perf_counter() - started

    started = time.perf_counter()
    after = replay(make_inbox(hotel.knowledge), held, "after")
    seconds["after"] = time.perf_counter() - started
    return Measurement(teach, held, before, teach_played, groups, taught, left_out, asked_again, after,
                       hotel.knowledge, listed_after, seconds)


# --- the inboxes ---------------------------------------------------------------------------------------------


def moto_inboxes() -> tuple[InboxFactory, Callable[[], None]]:
    """Fresh inboxes on moto's DynamoDB (one table each), wired as the container wires the API's (the store is the
    audit log too); and the call that ends the mock."""
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                        "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        os.environ.setdefault(name, value)
    import boto3
    from moto import mock_aws

    from inbox.ports import Hotel
    from store.dynamo import DynamoStore
    from store.schema import table_definition

    mock = mock_aws()
    mock.start()
    tables = iter(range(1, 100))

    def make(knowledge: KnowledgeBase) -> Inbox:
        name = f"teaching-{next(tables)}"
        boto3.client("dynamodb", region_name="eu-west-1").create_table(**table_definition(name))
        store = DynamoStore(name, "eu-west-1")
        store.put_hotel(Hotel(HOTEL_ID, HOTEL_NAME, "Europe/Paris", knowledge=knowledge))
        return Inbox(store, bot=KeywordBot(), audit=store, guest_data=store, channels_that_deliver=frozenset())

    return make, mock.stop


def fake_inboxes() -> InboxFactory:
    """Fresh inboxes on the unit tests' in-memory store (tests/unit/inbox/fakes.py)."""
    sys.path.insert(0, str(ROOT / "tests" / "unit" / "inbox"))
    from fakes import FakeAuditLog, FakeStore

    from inbox.ports import Hotel

    def make(knowledge: KnowledgeBase) -> Inbox:
        store = FakeStore()
        store.hotels[HOTEL_ID] = Hotel(HOTEL_ID, HOTEL_NAME, "Europe/Paris", knowledge=knowledge)
        return Inbox(store, bot=KeywordBot(), audit=FakeAuditLog(), guest_data=store,
                     channels_that_deliver=frozenset())

    return make


# --- the report ----------------------------------------------------------------------------------------------


def _counts(rows: Iterable[Row]) -> str:
    rows = list(rows)
    return ", ".join(f"{label} {sum(r.label == label for r in rows)}" for label in LABELS)


def _quote(text: str) -> str:
    return "“" + " ".join(text.split()).replace("|", "\\|") + "”"


def _unreplayed(paths: Sequence[Path] = CORPORA) -> int:
    return sum(1 for path in paths for raw in load_corpus(path) if "repeat_count" in raw or "sender_is_new" in raw)


def _commit() -> str:
    try:
        found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "functions", "bench/teaching.py"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return found + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def markdown(m: Measurement, store: str, at: datetime | None = None) -> list[str]:
    at = at or datetime.now(UTC)
    before, after = rate(m.before), rate(m.after)
    teach_rate = rate(m.teach_played)
    handed = [p for p in m.teach_played if p.reason == "bot_unanswered"]
    singles = sum(g.count == 1 for g in m.groups)
    by_taught = m.by_taught(m.after)
    lines = [SECTION, "",
             f"`.venv/bin/python bench/teaching.py` (measured {at:%Y-%m-%d %H:%M} UTC, commit {_commit()}; `make bench` "
             f"runs it after bench.py and realtime.py): every labelled row of `tests/unit/bot/corpus.jsonl` and `holdout.jsonl` ({len(m.teach) + len(m.held)} "
             f"rows) is a new guest's conversation of one message through the pipeline (`Inbox.receive`, the real "
             f"`KeywordBot`, the sample knowledge base, {store}). The rows are split per label, rows with the same "
             "folded text together, texts ordered by SHA-256 and dealt out in turn: the teach half "
             f"({len(m.teach)}: {_counts(m.teach)}) and the held-apart half ({len(m.held)}: {_counts(m.held)}). "
             "Automation rate = conversations the bot answered alone / conversations, the spam rows left out of both. "
             f"Counting the spam rows as conversations not automated instead: {before.automated / len(m.held):.1%} "
             f"before, {after.automated / len(m.held):.1%} after (of {len(m.held)}). A row's `repeat_count` and "
             f"`sender_is_new` are not replayed ({_unreplayed()} rows): a one-message conversation has neither, the "
             "pipeline reads both itself.", "",
             "| held-apart half | automation rate | conversations the taught entries answered |",
             "| --- | --- | --- |",
             f"| before teaching | **{before}** | - |",
             f"| after teaching the top {len(m.taught)} groups | **{after}** | {len(by_taught)} |", "",
             f"The teach half: {teach_rate} automated; {len(handed)} `bot_unanswered` handoffs made {len(m.groups)} "
             f"missed-question groups ({singles} asked once). The admin walked them by count (ties: newest first), "
             f"dismissed {len(m.dismissed)} that no fixed answer settles"
             + (f" ({', '.join(_quote(g.question) + f' {g.count}' for g in m.dismissed)})" if m.dismissed else "")
             + f" and taught the first {len(m.taught)} (an agent answered the group's newest guest, the admin taught "
             "the group with that reply and the other languages it wrote):", "",
             "| rank | group (newest wording) | language | asked | taught entry | answers in |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {t.rank} | {_quote(t.question)} | {t.language} | {t.count} | {t.lesson} (`{t.entry_id}`) | "
              f"{', '.join(t.languages)} |" for t in m.taught]
    again = sum(p.automated and p.entry_id == p.row.entry for p in m.asked_again)
    lines += ["", f"After teaching, a new guest asking each taught group's own question got the taught answer: "
              f"{again} of {len(m.asked_again)}.", ""]
    right = [p for p in by_taught if m.right(p)]
    if by_taught:
        lines += [f"Held-apart conversations the taught entries answered: {len(by_taught)}, {len(right)} of them "
                  "with the right answer (`RIGHT` in bench/teaching.py says which lesson answers which corpus row):", ""]
        lines += [f"- {'right' if m.right(p) else '**wrong**'}: {_quote(p.row.text)} ({p.row.label}, {p.row.source}) "
                  f"-> {next(t.lesson for t in m.taught if t.entry_id == p.entry_id)}" for p in by_taught]
        lines.append("")
    mistakes, lost = m.mistakes(), m.lost()
    lines.append(f"Guests asking for a person or spam answered by a taught entry: {len(mistakes)} (must be 0); "
                 f"held-apart kb rows answered right before teaching and not after: {len(lost)} (must be 0); "
                 f"real-with-link rows a taught entry answered: {sum(p.row.label == 'real_with_link' for p in by_taught)}.")
    for p in mistakes:
        lines.append(f"- mistake: {_quote(p.row.text)} ({p.row.label}) -> `{p.entry_id}`")
    for b, a in lost:
        lines.append(f"- lost: {_quote(b.row.text)} ({b.row.entry}) -> {a.entry_id or a.reason}")
    lines += ["", *HISTORY]
    lines += ["", f"Time: before {m.seconds['before']:.1f} s, teach half and teaching {m.seconds['teach']:.1f} s, "
              f"after {m.seconds['after']:.1f} s ({len(m.teach) + 2 * len(m.held) + len(m.asked_again)} guest "
              "messages)."]
    return lines


# What the first runs found, kept with the figures (they are not re-measured: the code they ran is gone).
HISTORY = [
    "Found by this replay, and fixed: on the bot's word lists before commit f557133 (the same split, groups and "
    "lessons), teaching raised the held-apart rate to 55.4% (204 of 368), but 5 of the 8 conversations the taught "
    "entries answered got a wrong answer: \"Do the rooms have a kettle?\" and \"¿Las habitaciones tienen caja "
    "fuerte?\" the hairdryer's, \"we need 8 rooms for a company offsite ..., whats your corporate rate\" the "
    "invoice's, \"Tem ônibus para Versalhes perto daqui?\" the jazz clubs' (the entry's topic, \"Bars and jazz "
    "nearby\", is matched too: the admin now keeps the default topic, the group's question). The lexicon had one "
    "concept for every thing in a room (kettle, iron, hairdryer, safe, ...), one for groups, discounts and invoices, "
    "one for shops and one for sights: no sample entry used them, so the bot handed such questions off, but the first "
    "entry a hotel taught with one answered all its neighbours. Split into one concept per thing a hotel answers "
    "(every corpus, holdout and probe decision unchanged; tests/unit/bot/test_taught_neighbours.py). The lumping "
    "shows in the teach half's own group keys (the hairdryer's and the safe's were the same but for the language), "
    "but it was the held-apart answers that pointed at it: the after figure above is not blind to that fix.",
    "",
    "The same replay on moto's DynamoDB through the real store (`--store moto`), on every third row (279 rows, the "
    "admin dismissing what `LESSONS` lacks), gave the same figures as the in-memory store on those rows (53.3% -> "
    "54.1% of 122); the whole corpus on moto does not fit: moto deep-copies the table for every item of a "
    "TransactWriteItems, 5.5 GB at 300 conversations.",
    "",
        "Left wrong: \"My email is ..., please send the invoice there\" (a real message with an address) gets the "
    "invoice answer: the bot tells a question on a topic from a request to act on it only for breakdowns and lost "
    "items. The groups are nearly all singletons on this corpus (few guests word one question alike in one "
    "language), so the top 5 are one pair and the four newest singletons the admin accepts; an entry taught in one "
    "language answers another only through the lexicon's concepts (the hairdryer's did, \"Föhn\"; the lift's, "
    "taught in German, would not answer \"¿El hotel tiene ascensor?\": \"Aufzug\" and \"ascensor\" are plain "
    "words, no concept).",
]


def section_of(text: str) -> str | None:
    """This section of a RESULTS.md text (bench.py keeps it when it rewrites the rest)."""
    return _section_of(text, SECTION)


def write_results(lines: list[str]) -> None:
    """Replaces (or appends) this section of bench/RESULTS.md; the rest of the file is kept."""
    write_section(SECTION, lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=("fake", "moto"), default="fake",
                        help="the unit tests' in-memory store (default: about a second) or moto's DynamoDB through "
                        "the real store (moto deep-copies a table for every item of a TransactWriteItems: past a few "
                        "hundred conversations in one table it takes gigabytes)")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md as it is")
    args = parser.parse_args(argv)
    if args.store == "moto":
        make, stop = moto_inboxes()
        try:
            found = measure(make)
        finally:
            stop()
        where = "on moto's DynamoDB"
    else:
        found = measure(fake_inboxes())
        where = "on the unit tests' in-memory store"
    lines = markdown(found, where)
    print("\n".join(lines))
    if not args.no_write:
        write_results(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

