"""The default chatbot engine: a deterministic, multilingual keyword bot.

``KeywordBot`` implements the inbox's ``Bot`` port (``inbox.bot``) in pure Python: no
network, no model, no state beyond a small cache of indexed knowledge bases. For each
guest message it decides, in this order:

1. spam, when the spam score reaches ``SPAM_THRESHOLD``. Spam is checked before
   everything else, the bot switch included: the hotel's bot being off does not make a
   phishing link a guest conversation;
2. a hand-off to a person when the channel says so (``wants_human``) or the text asks
   for one (``human_request``: explicit phrases, then the word families of
   ``bot.lexicon`` -- a person near a contact verb, "call me", "anyone there?",
   "Human please", "are you a bot?"...), even if it also asks a question the bot could
   answer;
3. a hand-off because the hotel switched the bot off;
4. an answer, when the best knowledge-base entry scores at least ``ANSWER_THRESHOLD``,
   in the language of the message (else the hotel's default, via ``answer_in``) --
   unless the message reports a breakdown or a lost item, which no FAQ answer solves,
   or names one of the hotel's people ("the concierge", "a human": ``mentions_a_role``):
   in doubt between answering and a person, the bot hands off to a person
   (``details["trigger"] == "person_mentioned"``);
5. otherwise a hand-off because the bot could not answer (``details["best_score"]``).

Matching works on *concepts*: words and phrases of six languages (fr, en, es, pt, de,
it) are folded (accents, case), tokenised and mapped to shared concepts ("senha",
"mot de passe" and "Passwort" are all ``password``), so a Portuguese question matches
an entry whose examples are in English. Words the lexicon does not know are lightly
stemmed and compared as they are. Entries are scored by cosine similarity between the
message and each example question, concepts weighted by how specific they are to an
entry (inverse entry frequency).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from bot import lexicon
from inbox.bot import (
    Answer,
    BotDecision,
    GuestText,
    HandOff,
    HandoffReason,
    KnowledgeBase,
    KnowledgeEntry,
    SpamVerdict,
)

__all__ = [
    "ANSWER_THRESHOLD",
    "SPAM_THRESHOLD",
    "KeywordBot",
    "analyse",
    "detect_language",
    "fold",
    "human_request",
    "mentions_a_role",
    "spam_signals",
]

#: A spam verdict needs at least this score: two independent signals (say an
#: untrusted link and an SEO pitch), never one alone, so a real guest is not hidden.
SPAM_THRESHOLD = 1.0
#: The best entry must reach this cosine similarity to be sent as an answer.
ANSWER_THRESHOLD = 0.5

LANGUAGES = ("en", "fr", "es", "pt", "de", "it")

# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_TOKEN_RE = re.compile(r"[^\W_]+")
_DIGIT_RE = re.compile(r"\d")


def fold(text: str) -> str:
    """Lowercase ``text`` and strip its accents ("Frühstück" -> "fruhstuck")."""
    # casefold() turns "ß" into "ss"; NFKD then splits accented letters so that the
    # combining marks can be dropped.
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokenize(folded: str) -> list[str]:
    """Split folded text into word tokens (apostrophes and hyphens separate words)."""
    return _TOKEN_RE.findall(folded)


# --------------------------------------------------------------------------------------
# Lexicon: stop words per language and concepts shared by all languages
# --------------------------------------------------------------------------------------

# Folded forms. A word listed for several languages tells nothing about the language
# (it is ignored by detect_language) but is still dropped before matching.
_STOP_WORDS: dict[str, str] = {
    "en": """a an the and or but if of at by for with about to from in on into onto is are was were
        be been being am do does did doing have has had i me my mine we us our you your yours he she
        him her it its they them their this that these those what which who whom when where why how
        can could would should will shall may might must there here please pls plz thanks thank thx
        hi hello hey dear just also any some so too very not no yes as than then s t m re ve ll d im
        dont cant whats wats wat whens u ur guys get got ok okay possible is it anyone let like
        there s much many tell know want wanted would need one bit still tonight tomorrow today""",
    "fr": """le la les l un une des du de d et ou mais au aux en dans par pour sur avec sans ce cet
        cette ces c ca je j tu il elle on nous vous ils elles me m te t se s moi toi lui leur leurs
        mon ma mes ton ta tes son sa ses notre nos votre vos est es sont suis etre ai as avons avez
        ont avoir que qu qui quoi quel quelle quels quelles quand comment pourquoi y ne pas bonjour
        bonsoir salut merci svp stp sil plait oui non bien tres si peut peux pouvez pourrait
        pourriez pourra puis possible faut fait faire aussi deja encore alors donc madame monsieur
        est ce serait voudrais aimerais souhaiterais c est jusqu jusque vers demain ce soir aujourd
        hui""",
    "es": """el la los las lo un una unos unas de del al a y e o u en con sin por para que q cual
        cuales como cuando donde quien es son esta estan estoy soy ser estar hay tiene tienen tengo
        tenemos me te se nos os mi mis tu tus su sus nuestro nuestra yo usted ustedes vosotros hola
        buenas buenos gracias favor si no muy pero puedo puede pueden podemos podria podriamos
        quiero quisiera seria hace hacer esto eso ese esa este ahi aqui desde hasta manana hoy""",
    "pt": """o a os as um uma uns umas de do da dos das no na nos nas ao aos em e com sem por para pra
        pro que qual quais como quando onde quem sao esta estao estou sou ser estar tem tenho temos
        ha me te se meu minha meus minhas seu sua seus suas nosso nossa eu voce voces vcs ola oi
        obrigado obrigada favor sim nao muito mas pode podem posso podemos gostaria queria seria
        fazer faco isso esse essa este aqui vou vamos tudo bem consigo conseguimos ate hoje amanha""",
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber in im an am auf
        aus bei beim mit nach von vom zu zum zur fur uber um ab bis ist sind war bin bist sein hat
        haben habe hatte hatten wird werden ich du er sie es wir ihr mich mir uns euch ihnen ihn
        mein meine meinen unser unsere unseren unserem ihre ihren dein was wer wie wo wann warum
        welche welcher welches kann konnen konnte konnten darf durfen mochte mochten wurde wurden
        muss mussen soll hallo guten tag bitte danke vielen dank ja nein nicht kein keine sehr auch
        noch schon gibt man mal denn doch so da dass ob wenn euer eure habt seid hier dort gerne gern
        liebe lieber geehrte damen herren heute morgen moglich""",
    "it": """il lo la i gli le un uno una di del della dei delle da dal dalla in nel nella con su per
        tra fra e o che chi cosa come quando dove perche quale quali sono siamo sia c ce ci mi ti si
        vi ne noi voi io mio mia nostro nostra vostro ciao buongiorno buonasera grazie favore no non
        molto piu posso possiamo potete puo vorrei vorremmo avete ha hanno ho abbiamo domani""",
}
_UNIVERSAL_STOP = {"hotel", "hotels", "hoteis", "hoteles", "albergo"}

_STOP_BY_LANG: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _STOP_WORDS.items()
}
_ALL_STOP: frozenset[str] = frozenset().union(*_STOP_BY_LANG.values(), _UNIVERSAL_STOP)
# Words that belong to exactly one language's list are language evidence.
_UNIQUE_STOP: dict[str, str] = {}
for _lang, _words in _STOP_BY_LANG.items():
    for _w in _words:
        if sum(_w in other for other in _STOP_BY_LANG.values()) == 1:
            _UNIQUE_STOP[_w] = _lang

# concept -> language ("*" for any) -> folded forms. A form may be a phrase ("mot de
# passe") or, ending with "*", a prefix for compounds ("fruhstuck*" matches
# "fruhstucksbuffet"). A form listed under several concepts yields all of them.
# Concepts whose name starts with "_" never become matching features: "_ignore" only
# stops its words from being read as something else (greetings, "à partir de" is
# "from", not a departure), "_problem" and "_lost" veto an answer (see below).
_CONCEPTS: dict[str, dict[str, str]] = {
    "_ignore": {
        "es": "buenas tardes|buenos dias|buenas noches|por la tarde|a la tarde|de la tarde|por la manana|a partir de",
        "pt": "boa tarde|bom dia|boa noite|a tarde|da tarde|de tarde|a partir de",
        "de": "guten tag|guten morgen|guten abend",
        "fr": "bonne journee|bonne soiree|s il vous plait|s il te plait|a partir de|a partir d",
        "en": "thank you|good morning|good evening",
    },
    "wifi": {
        "*": "wifi|wi fi|wify|wiffi|wlan|internet|wireless|hotspot|wlan passwort",
        "fr": "reseau|connexion",
        "es": "conexion",
        "pt": "rede|conexao",
        "de": "netzwerk",
    },
    "password": {
        "en": "password|passcode|pw|pwd|code",
        "fr": "mot de passe|mdp|code",
        "es": "contrasena|clave|codigo",
        "pt": "senha|codigo",
        "de": "passwort|kennwort|wlan passwort|zugangsdaten",
        "it": "password",
    },
    "parking": {
        "*": "parking|valet|garage|car park|carpark",
        "en": "park|parked|somewhere to park|leave my car|leave the car|leave our car",
        "fr": "garer|garez|garons|se gare|me gare|stationnement|stationner",
        "es": "aparcamiento|aparcar|aparco|estacionamiento|estacionar|parqueadero|cochera|garaje",
        "pt": "estacionamento|estacionar|garagem|vaga",
        "de": "parkplatz*|parken|parkhaus|tiefgarage|parkmoglichkeit*|stellplatz*|parkgebuhr*",
        "it": "parcheggio|parcheggiare",
    },
    "car": {
        "*": "auto",
        "en": "car|cars|vehicle|driving|drive|leave my car|leave the car|leave our car",
        "fr": "voiture|vehicule",
        "es": "coche|carro|vehiculo",
        "pt": "carro|veiculo",
        "de": "wagen|fahrzeug|pkw",
        "it": "macchina",
    },
    "breakfast": {
        "*": "brunch",
        "en": "breakfast|brekfast|breakfest|brekkie",
        "fr": "petit dejeuner|petit dejeuners|petit dej|petits dejeuners|ptit dej|p tit dej",
        "es": "desayuno|desayunos|desayunar",
        "pt": "cafe da manha|cafe de manha|pequeno almoco",
        "de": "fruhstuck*",
        "it": "colazione",
    },
    "checkin": {
        "*": "check in|checkin|chek in|chekin|check inn|checking in",
        "fr": "enregistrement|acceder|acces a la chambre|cles|clefs",
        "es": "hora de entrada|entrada|registro|entrar|entramos|llaves|entregan|entrega",
        "pt": "entrar|entramos|chaves",
        "de": "einchecken|eincheckzeit|beziehen|ins zimmer|schlussel",
        "en": "get into the room|get in the room|into the room|key|keys|handed over|hand over",
        "it": "chiavi",
    },
    "arrive": {
        "en": "arrive|arrival|arriving|arrives|arrived|land|landing|lands|get in|gets in",
        "fr": "arrive|arrivee|arriver|arrivons|arriverons|arriverai|arrivez|arrivent",
        "es": "llegada|llegar|llegamos|llego|llegaremos|llegaria",
        "pt": "chegada|chegar|chegamos|chego|chegaremos|chegarmos",
        "de": "anreise|anreisetag|ankunft|ankommen|anreisen|kommen|komme",
        "it": "arrivo|arrivare|arriviamo",
    },
    "ready": {
        "en": "ready|available",
        "fr": "pret|prete|pretes|disponible|disponibles",
        "es": "lista|listas|listo|disponible|disponibles",
        "pt": "pronto|prontos|pronta|disponivel|disponiveis",
        "de": "fertig|bereit|bezugsfertig|verfugbar",
        "it": "pronta|pronte|disponibile",
    },
    "checkout": {
        "*": "check out|checkout|chek out|chekout|checking out",
        "en": "vacate|departure|departing|depart|leave the room|out of the room|return the keys|hand back the keys|"
        "hand in the keys",
        "fr": "depart|liberer|rendre la chambre|quitter la chambre|partir|partons|rendre les cles|rendre la cle",
        "es": "salida|dejar la habitacion|desalojar|salir|salimos|irnos|devolver las llaves|entregar las llaves",
        "pt": "saida|deixar o quarto|sair|sairmos|devolver as chaves|entregar as chaves",
        "de": "auschecken|abreise|abreisetag|abreisen|zimmer verlassen|verlassen|raumen|raus|schlussel abgeben",
        "it": "partenza|partire",
    },
    "late": {
        "en": "late|later|longer|extend|extension",
        "fr": "tard|tardif|tardive|plus tard|prolonger|plus longtemps",
        "es": "tarde|mas tarde|tardio|tardia|extender|prolongar",
        "pt": "tarde|mais tarde|tardio|estender|prolongar",
        "de": "spat|spater|spaten|spatem|verlangern|langer",
        "it": "tardi|piu tardi|posticipato",
    },
    "early": {
        "en": "early|earlier|before",
        "fr": "tot|plus tot|en avance|avance|anticipe|avant",
        "es": "temprano|antes|anticipado|anticipada",
        "pt": "cedo|mais cedo|antecipado|antecipada|antes",
        "de": "fruh|fruher|fruhen|fruhzeitig|vorher|vor",
        "it": "presto|anticipato|prima",
    },
    "time": {
        "en": "time|what time|hour|hours",
        "fr": "heure|heures|horaire|horaires|quelle heure",
        "es": "hora|horas|horario|horarios",
        "pt": "hora|horas|horario|horarios|que horas",
        "de": "uhr|uhrzeit|zeit|zeiten|wie viel uhr|wieviel uhr",
        "it": "ora|orario|orari|che ora",
    },
    "allday": {
        "*": "24h|24 7|24hrs",
        "en": "24 hours|24 hour|round the clock|all night|around the clock",
        "fr": "24h 24|24 heures|toute la nuit",
        "es": "24 horas|toda la noche",
        "pt": "24 horas|noite toda",
        "de": "24 stunden|rund um die uhr|die ganze nacht",
        "it": "24 ore",
    },
    "night": {
        "en": "night|nights|overnight|midnight",
        "fr": "nuit|nuits|minuit",
        "es": "noche|noches|medianoche|madrugada",
        "pt": "noite|noites|meia noite|madrugada",
        "de": "nacht|nachts|mitternacht|nachte",
        "it": "notte|notti|mezzanotte",
    },
    "reception": {
        "*": "reception",
        "en": "front desk|desk|receptionist|lobby|someone be there|anyone be there|let us in",
        "fr": "accueil",
        "es": "recepcion",
        "pt": "recepcao|portaria",
        "de": "rezeption|empfang",
    },
    "open": {
        "en": "open|opens|opening|close|closes|closed|closing|staffed",
        "fr": "ouvert|ouverte|ouvre|ferme|fermee|fermeture|ouverture",
        "es": "abierto|abierta|abre|cierra|cerrado|cerrada",
        "pt": "aberto|aberta|abre|fecha|fechado|fechada|funciona",
        "de": "geoffnet|offen|offnet|schliesst|geschlossen|offnungszeit*|besetzt",
        "it": "aperto|aperta|chiude|chiuso",
    },
    "pets": {
        "en": "pet|pets|animal|animals|dog|dogs|puppy|cat|cats|pet friendly",
        "fr": "animaux|animal de compagnie|animaux de compagnie|chien|chiens|chienne|chiot|chat|chats",
        "es": "mascota|mascotas|perro|perros|perrito|perrita|gato|gatos|animales",
        "pt": "animais|animal de estimacao|animais de estimacao|cao|caes|cachorr*|gato|gata",
        "de": "haustier*|hund|hunde|hundes|hunden|hundchen|katze|katzen|tier|tiere|tieren",
        "it": "animali|cane|cani|gatto|gatti",
    },
    "cancel": {
        "en": "cancel|cancellation|cancelation|cancelling|canceling|cancelled|canceled|refund|"
        "refundable|money back",
        "fr": "annuler|annulation|annule|annulee|rembourse|remboursement|rembourser",
        "es": "cancelar|cancelacion|cancelo|anular|anulacion|reembolso|devolucion",
        "pt": "cancelar|cancelamento|cancelo|reembolso|estorno",
        "de": "stornieren|stornierung*|storno*|erstattung|zuruckerstattet",
        "it": "annullare|cancellare|cancellazione|disdetta|disdire|rimborso",
    },
    "policy": {
        "en": "policy|conditions|terms|penalty",
        "fr": "conditions|politique|penalite",
        "es": "politica|condiciones|penalizacion",
        "pt": "politica|condicoes|multa",
        "de": "bedingungen|richtlinie*",
    },
    "booking": {
        "en": "booking|reservation|book|booked",
        "fr": "reservation|resa",
        "es": "reserva|reservacion",
        "pt": "reserva",
        "de": "buchung|reservierung|gebucht",
        "it": "prenotazione",
    },
    "shuttle": {
        "*": "shuttle|transfer",
        "en": "pick up|pickup|pick us up|pick me up|transport|transportation",
        "fr": "navette|transfert|venir chercher|venir nous chercher",
        "es": "traslado|lanzadera|recoger|recogida|transporte",
        "pt": "traslado|transporte",
        "de": "abholen|abholung|shuttlebus|flughafentransfer",
        "it": "navetta|trasferimento",
    },
    "airport": {
        "*": "cdg|orly|roissy|beauvais",
        "en": "airport",
        "fr": "aeroport",
        "es": "aeropuerto",
        "pt": "aeroporto",
        "de": "flughafen*",
        "it": "aeroporto",
    },
    "route": {
        "en": "get from|get to|way to get|how to get|how do i get",
        "fr": "se rendre|venir depuis|rejoindre|comment venir|comment aller",
        "es": "como llego|llegar desde|como ir|como llegar",
        "pt": "como chegar|como ir|forma de ir",
        "de": "wie komme|komme ich|kommen wir|hinkommen|gelangen",
        "it": "come arrivare",
    },
    "taxi": {"*": "taxi|taxis|uber|cab|vtc"},
    "luggage": {
        "en": "luggage|baggage|bag|bags|suitcase|suitcases|backpack|backpacks|luggage room|"
        "left luggage",
        "fr": "bagage|bagages|valise|valises|sac|sacs|consigne|bagagerie",
        "es": "equipaje|maleta|maletas|mochila|mochilas|consigna|guardaequipaje",
        "pt": "bagagem|bagagens|mala|malas|guarda volumes",
        "de": "gepack*|koffer|taschen|tasche|rucksack",
        "it": "bagagli|bagaglio|valigia|valigie",
    },
    "store": {
        "en": "store|storage|keep|leave|drop|drop off|hold|luggage room|left luggage|cloakroom",
        "fr": "garder|deposer|laisser|consigne|bagagerie|stocker",
        "es": "guardar|dejar|consigna|custodia|guardaequipaje",
        "pt": "guardar|deixar|guarda volumes",
        "de": "lassen|aufbewahren|aufbewahrung|abstellen|unterstellen|deponieren|gepackaufbewahrung",
        "it": "lasciare|deposito",
    },
    "pool": {
        "en": "pool|swimming pool|swimming|swim|jacuzzi|hot tub",
        "fr": "piscine|nager|baignade",
        "es": "piscina|nadar|alberca|climatizada",
        "pt": "piscina|nadar",
        "de": "pool|schwimmbad|schwimmen|hallenbad|schwimmbecken",
        "it": "piscina",
    },
    "gym": {
        "*": "gym|fitness*",
        "en": "work out|workout|exercise|weights|fitness room|fitness center",
        "fr": "salle de sport|salle de fitness|musculation|sport",
        "es": "gimnasio",
        "pt": "academia|ginasio",
        "de": "fitnessraum|fitnessstudio|sportraum|trainieren",
        "it": "palestra",
    },
    "spa": {"*": "spa|sauna|hammam|wellness|jacuzzi"},
    "restaurant": {
        "*": "restaurant",
        "en": "dinner|lunch|eat|meal|meals|kitchen|dine|dining|menu|room service|supper",
        "fr": "diner|dejeuner|manger|repas|cuisine",
        "es": "restaurante|cena|cenar|almuerzo|almorzar|comer|comida|cocina|menu",
        "pt": "restaurante|jantar|almoco|almocar|comer|refeicao|refeicoes|cozinha|cardapio",
        "de": "abendessen|mittagessen|essen|speisen|kuche|speisekarte|zu abend",
        "it": "ristorante|cena|cenare|pranzo|mangiare",
    },
    "tax": {
        "en": "tax|taxes|city tax|tourist tax|local tax",
        "fr": "taxe|taxes|taxe de sejour",
        "es": "tasa|tasas|impuesto|impuestos|tasa turistica",
        "pt": "taxa|taxas|imposto|taxa turistica|taxa de turismo",
        "de": "kurtaxe|citytax|city tax|ortstaxe|tourismusabgabe|bettensteuer|steuer",
        "it": "tassa|tassa di soggiorno",
    },
    "price": {
        "en": "price|cost|costs|how much|fee|fees|charge|charged|rate|surcharge|pay extra",
        "fr": "prix|cout|coute|combien|tarif|tarifs|frais|supplement|payant|payante|en plus",
        "es": "precio|cuesta|cuanto|costo|coste|tarifa|cargo|suplemento|aparte",
        "pt": "preco|custa|quanto|valor|tarifa|cobram|cobrado|a parte",
        "de": "preis|kostet|kosten|gebuhr|gebuhren|aufpreis|wie viel|wieviel|zuschlag",
        "it": "prezzo|costa|quanto",
    },
    "included": {
        "en": "free|complimentary|included|include|includes|including",
        "fr": "gratuit|gratuite|gratuitement|inclus|incluse|compris|comprise",
        "es": "gratis|gratuito|gratuita|incluido|incluida|incluye",
        "pt": "gratis|gratuito|gratuita|incluido|incluida|incluso|inclusa",
        "de": "kostenlos|kostenloses|kostenlose|gratis|inklusive|inbegriffen|enthalten|umsonst|inkl",
        "it": "gratuito|incluso|inclusa|compreso",
    },
    "payment": {
        "en": "pay|paying|payment|payments|card|cards|credit card|debit card|cash|amex|visa|"
        "mastercard|apple pay|american express",
        "fr": "payer|paiement|regler|reglement|carte|carte bancaire|cb|especes|liquide|cheque|"
        "cheques|cheques vacances|ancv",
        "es": "pagar|pago|tarjeta|efectivo|metalico",
        "pt": "pagar|pagamento|cartao|dinheiro|pix|especie",
        "de": "zahlen|bezahlen|zahlung*|karte|kreditkarte|ec karte|bar bezahlen|bar zahlen|bargeld|"
        "barzahlung|girocard",
        "it": "pagare|pagamento|carta|contanti",
    },
    "baby": {
        "en": "baby|babies|infant|toddler|child|children|kid|kids|year old",
        "fr": "bebe|enfant|enfants|nourrisson",
        "es": "bebe|nino|nina|ninos|hijo|hija",
        "pt": "bebe|crianca|criancas|filho|filha|nenem",
        "de": "baby|kind|kinder|kleinkind|tochter|sohn|babybett|kinderbett",
        "it": "neonato|bambino|bambina|bimbo|lettino",
    },
    "cot": {
        "en": "cot|cots|crib|cribs|travel cot|extra bed|rollaway",
        "fr": "lit bebe|lit parapluie|berceau|lit d appoint|lits bebe",
        "es": "cuna|cunas|cama supletoria|cama extra",
        "pt": "berco|bercos|cama extra",
        "de": "babybett|kinderbett|zustellbett|reisebett",
        "it": "lettino|culla",
    },
    "stay": {
        "en": "stay|remain",
        "fr": "rester",
        "es": "quedar|quedarnos|quedarme|permanecer",
        "pt": "ficar|ficarmos|permanecer",
        "de": "bleiben",
        "it": "restare|rimanere",
    },
    "room": {
        "en": "room|rooms",
        "fr": "chambre|chambres",
        "es": "habitacion|habitaciones|cuarto",
        "pt": "quarto|quartos",
        "de": "zimmer",
        "it": "camera|stanza",
    },
    "allowed": {
        "en": "allowed|allow|accept|accepted|welcome|friendly|bring",
        "fr": "accepte|acceptes|acceptez|acceptee|autorise|autorises|admis|bienvenu|bienvenus|venir",
        "es": "aceptan|acepta|aceptado|admiten|permitido|permitidos|traer|llevar",
        "pt": "aceitam|aceita|aceito|permitido|permitidos|levar|trazer",
        "de": "erlaubt|willkommen|mitbringen|mitnehmen|akzeptieren|akzeptiert|nehmen",
        "it": "ammessi|accettate|portare",
    },
    # Topics the sample hotel has no entry for. Recognising them matters: a concept that
    # no entry uses counts against every match ("is the museum open on Monday" is not
    # about the restaurant being open), and a hotel that adds such an entry gets it.
    "recommend": {
        "en": "recommend|recommendation|suggest|advice|tips",
        "fr": "recommander|recommandez|conseiller un|conseillez|suggerer",
        "es": "recomendar|recomiendan|recomienda|recomendacion|sugerir",
        "pt": "recomendar|recomendam|recomenda|indicar|indicacao|sugerir",
        "de": "empfehlen|empfehlung|empfehlungen|tipp|tipps",
        "it": "consigliare|consigliate|consiglio",
    },
    "nearby": {
        "en": "nearby|nearest|closest|around here|in the area",
        "fr": "proximite|a cote|pres d ici|le plus proche|la plus proche",
        "es": "cerca|cercano|cercana|mas cercano|mas cercana",
        "pt": "perto|proximo|proxima|mais perto",
        "de": "nahe|nahe|nachste|nachsten|in der nahe|umgebung",
        "it": "vicino|vicina|piu vicino",
    },
    "sights": {
        "*": "louvre|orsay|eiffel|montmartre|disneyland|versailles|notre dame|psg",
        "en": "museum|museums|tour|tours|sightseeing|tickets|ticket|attraction|attractions|show",
        "fr": "musee|musees|visite guidee|billets|billet|spectacle|monument",
        "es": "museo|museos|entradas|partido|espectaculo|excursion",
        "pt": "museu|museus|ingressos|ingresso|passeio|torre",
        "de": "museum|museen|tickets|eintrittskarten|sehenswurdigkeit*|fuhrung",
        "it": "museo|musei|biglietti",
    },
    "weather": {
        "en": "weather|rain|forecast",
        "fr": "meteo|pluie|temps qu il fera",
        "es": "tiempo hara|lluvia|clima",
        "pt": "previsao do tempo|chuva|clima",
        "de": "wetter|regen",
        "it": "meteo|pioggia",
    },
    "transit": {
        "en": "metro|subway|strike|strikes|bus line|tram",
        "fr": "greve|ligne de metro|rer",
        "es": "huelga|linea de metro",
        "pt": "greve|linha de metro",
        "de": "streik|u bahn|s bahn",
        "it": "sciopero|treni|metropolitana",
    },
    "holiday": {
        "pt": "feriado",
        "es": "festivo|feriado",
        "fr": "jour ferie|ferie",
        "de": "feiertag",
        "en": "bank holiday|public holiday",
    },
    "view": {
        "en": "view|views|balcony",
        "fr": "vue|balcon",
        "es": "vista|vistas|balcon",
        "pt": "vista|varanda",
        "de": "aussicht|blick|balkon",
        "it": "vista|balcone",
    },
    "shop": {
        "*": "sim card|carte sim|tarjeta sim|cartao sim|sim karte|esim",
        "en": "pharmacy|atm|cash machine|supermarket|shop|shops|drugstore|bakery",
        "fr": "pharmacie|distributeur|supermarche|magasin|boulangerie",
        "es": "farmacia|cajero|supermercado|tienda|panaderia",
        "pt": "farmacia|caixa eletronico|supermercado|loja",
        "de": "apotheke|geldautomat|supermarkt|laden",
        "it": "farmacia|bancomat|supermercato",
    },
    "smoking": {
        "en": "smoke|smoking|cigarette|vape",
        "fr": "fumer|fumeur|cigarette",
        "es": "fumar|fumador|cigarrillo",
        "pt": "fumar|fumante|cigarro",
        "de": "rauchen|raucher|zigarette",
        "it": "fumare|fumatori",
    },
    "celebration": {
        "en": "champagne|flowers|birthday|anniversary|honeymoon|surprise|celebrating|proposal",
        "fr": "champagne|fleurs|anniversaire|lune de miel|surprise",
        "es": "champan|flores|cumpleanos|aniversario|luna de miel|sorpresa",
        "pt": "champanhe|flores|aniversario|lua de mel|surpresa",
        "de": "sekt|blumen|geburtstag|jahrestag|flitterwochen|uberraschung",
        "it": "fiori|compleanno|anniversario|sorpresa",
    },
    "amenity": {
        "en": "kettle|iron|hairdryer|hair dryer|minibar|safe|bathrobe|slippers|adapter",
        "fr": "bouilloire|fer a repasser|seche cheveux|coffre fort|peignoir",
        "es": "hervidor|plancha|secador|caja fuerte|albornoz",
        "pt": "chaleira|ferro de passar|secador|cofre|roupao",
        "de": "wasserkocher|bugeleisen|fohn|safe|bademantel",
        "it": "bollitore|ferro da stiro|asciugacapelli|cassaforte",
    },
    "group": {
        "en": "group|wedding|seminar|conference|meeting room|event|discount|quote|invoice|vat|corporate rate|offsite",
        "fr": "groupe|mariage|seminaire|salle de reunion|evenement|remise|devis|facture|societe",
        "es": "grupo|boda|seminario|evento|descuento|presupuesto|factura",
        "pt": "grupo|casamento|seminario|evento|desconto|orcamento|fatura|nota fiscal",
        "de": "gruppe|hochzeit|seminar|tagung|firmenevent|veranstaltung|rabatt|angebot|rechnung",
        "it": "gruppo|matrimonio|sconto|preventivo|fattura",
    },
}

# Things a bot cannot solve by quoting the knowledge base: a breakdown or a lost item
# goes to the staff even when the message names a topic the bot knows ("the wifi does
# not work" must not get the wifi password back).
_VETO_CONCEPTS = {"_problem", "_lost"}
_CONCEPTS["_problem"] = {
    "en": "not working|doesn t work|does not work|broken|leaking|leak|dirty|no hot water|"
    "complaint|noisy|too cold|too hot|isn t working|stopped working",
    "fr": "ne marche pas|marche pas|ne fonctionne pas|fonctionne pas|en panne|casse|sale|fuite|"
    "plainte|bruyant",
    "es": "no funciona|roto|rota|sucio|sucia|gotea|queja|averiado",
    "pt": "nao funciona|nao esta funcionando|quebrado|quebrada|sujo|suja|vazando|reclamacao",
    "de": "funktioniert nicht|kaputt|defekt|schmutzig|undicht|beschwerde|laut",
    "it": "non funziona|rotto|sporco",
}
_CONCEPTS["_lost"] = {
    "en": "forgot|forgotten|lost|left behind|lost property|left my",
    "fr": "oublie|oubliee|oublies|perdu|perdue|objets trouves",
    "es": "olvide|olvidado|perdi|perdido|deje un|deje una|deje mi",
    "pt": "esqueci|esquecido|perdi|perdido|achados",
    "de": "vergessen|verloren|liegen lassen|fundsachen",
    "it": "dimenticato|ho perso|abbiamo perso",
}

# A few typos are kept as explicit forms above; the rest is fuzzy-matched (one edit,
# same first letter) against forms of at least this length: with shorter forms one edit
# too often makes another real word ("nachste", next, is one letter from "nachte").
_FUZZY_MIN_FORM = 8
_FUZZY_MAX_TOKEN = 20


_Phrases = dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]  # first token -> (phrase, concepts), longest first


def _build_lexicon() -> tuple[_Phrases, list[tuple[str, tuple[str, ...]]], dict[str, tuple[str, ...]],
                              dict[str, set[str]], dict[tuple[str, ...], set[str]]]:
    phrases: dict[tuple[str, ...], set[str]] = {}
    prefixes: dict[str, set[str]] = {}
    form_langs: dict[tuple[str, ...], set[str]] = {}
    for concept, by_lang in _CONCEPTS.items():
        for lang, forms in by_lang.items():
            for form in forms.split("|"):
                form = form.strip()
                if not form:
                    continue
                key: tuple[str, ...]
                if form.endswith("*"):
                    prefixes.setdefault(form[:-1], set()).add(concept)
                    key = (form[:-1],)
                else:
                    key = tuple(tokenize(form))
                    phrases.setdefault(key, set()).add(concept)
                if lang != "*":
                    form_langs.setdefault(key, set()).add(lang)
    by_first: _Phrases = {}
    for key, concepts in phrases.items():
        by_first.setdefault(key[0], []).append((key, tuple(sorted(concepts))))
    for options in by_first.values():
        options.sort(key=lambda item: (-len(item[0]), item[0]))  # longest phrase first
    prefix_list = sorted(((p, tuple(sorted(c))) for p, c in prefixes.items()), key=lambda pc: (-len(pc[0]), pc[0]))
    singles = {key[0]: tuple(sorted(concepts)) for key, concepts in phrases.items() if len(key) == 1}
    deletes: dict[str, set[str]] = {}
    for word in singles:
        if len(word) >= _FUZZY_MIN_FORM:
            for variant in _deletions(word) | {word}:
                deletes.setdefault(variant, set()).add(word)
    return by_first, prefix_list, singles, deletes, form_langs


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs if len(diffs) == 2 else (0, 0)
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if la > lb:
        a, b = b, a
    return any(a == b[:i] + b[i + 1 :] for i in range(len(b)))


_PHRASES, _PREFIXES, _SINGLES, _DELETES, _FORM_LANGS = _build_lexicon()


def _stem(token: str) -> str:
    """A light, language-agnostic stem for words the lexicon does not know."""
    if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _prefix_concepts(token: str) -> tuple[str, ...]:
    for prefix, concepts in _PREFIXES:
        if token.startswith(prefix):
            return concepts
    return ()


def _resolve_single(token: str) -> tuple[str, ...] | None:
    """Concepts of a single word not matched exactly: inflection, compound, typo."""
    # Plural and verb endings of the languages covered; only accepted when the
    # shortened word is itself a known form.
    for cut in ("s", "es", "e", "en", "er", "em"):
        if token.endswith(cut) and len(token) - len(cut) >= 3:
            hit = _SINGLES.get(token[: -len(cut)])
            if hit:
                return hit
    prefixed = _prefix_concepts(token)
    if prefixed:
        return prefixed
    if ("ae" in token or "oe" in token or "ue" in token) and len(token) <= _FUZZY_MAX_TOKEN:
        # German typed without umlauts: "Fruehstueck", "Gepaeck".
        plain = token.replace("ae", "a").replace("oe", "o").replace("ue", "u")
        hit = _SINGLES.get(plain) or _prefix_concepts(plain)
        if hit:
            return hit
    if len(token) >= 5 and len(token) <= _FUZZY_MAX_TOKEN and not _DIGIT_RE.search(token):
        candidates: set[str] = set(_DELETES.get(token, ()))
        for variant in _deletions(token):
            candidates |= _DELETES.get(variant, set())
        for word in sorted(candidates):
            if word[0] == token[0] and _within_one_edit(token, word):
                return _SINGLES[word]
    return None


@dataclass(frozen=True)
class Analysis:
    """What the engine reads in a text: its tokens, concepts, features and language."""

    tokens: tuple[str, ...]
    concepts: frozenset[str]
    features: frozenset[str]
    language_scores: dict[str, float]

    def language(self, hint: str | None = None, default: str = "en") -> str:
        """The most likely language; ``hint`` then ``default`` break ties and silence."""
        best = max(self.language_scores.values(), default=0.0)
        if best <= 0:
            return hint or default
        tied = [lang for lang in LANGUAGES if self.language_scores.get(lang, 0.0) == best]
        for preferred in (hint, default):
            if preferred in tied:
                return preferred
        return tied[0]


# Letters that only some of the languages use; each counts like two stop words.
_CHAR_HINTS = {
    "ñ": ("es",), "¿": ("es",), "¡": ("es",),
    "ã": ("pt",), "õ": ("pt",), "ç": ("fr", "pt"), "ê": ("fr", "pt"), "ô": ("fr", "pt"), "â": ("fr", "pt"),
    "ß": ("de",), "ä": ("de",), "ö": ("de",), "ü": ("de",),
    "è": ("fr", "it"), "ù": ("fr", "it"), "î": ("fr",), "û": ("fr",), "œ": ("fr",), "ë": ("fr",), "ï": ("fr",),
    "à": ("fr", "pt", "it"), "ì": ("it",), "ò": ("it",),
}


def analyse(text: str) -> Analysis:
    """Fold, tokenise and read ``text``: concepts, matching features and language scores."""
    folded = fold(text)
    tokens = tokenize(folded)
    scores = dict.fromkeys(LANGUAGES, 0.0)
    lowered = text.lower()
    for char, langs in _CHAR_HINTS.items():
        if char in lowered:
            for lang in langs:
                scores[lang] += 2.0 / len(langs)

    concepts: set[str] = set()
    features: set[str] = set()
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        matched = None
        for key, key_concepts in _PHRASES.get(token, ()):
            if tuple(tokens[i : i + len(key)]) == key:
                matched = (key, key_concepts)
                break
        if matched and len(matched[0]) == 1:
            # A one-word form may also start a compound ("gepackaufbewahrung").
            extra = _prefix_concepts(token)
            if extra:
                matched = (matched[0], tuple(sorted(set(matched[1]) | set(extra))))
        if matched:
            key, key_concepts = matched
            form_langs = _FORM_LANGS.get(key)
            if form_langs:
                for lang in form_langs:
                    scores[lang] += 1.0 / len(form_langs)
            concepts.update(key_concepts)
            i += len(key)
            continue
        i += 1
        stop_lang = _UNIQUE_STOP.get(token)
        if stop_lang:
            scores[stop_lang] += 1.0
        if token in _ALL_STOP or _DIGIT_RE.search(token) or len(token) < 2:
            # Numbers (times, prices, room numbers) say nothing about the topic.
            continue
        resolved = _resolve_single(token)
        if resolved:
            concepts.update(resolved)
        else:
            features.add("w:" + _stem(token))
    features.update("#" + c for c in concepts if not c.startswith("_"))
    return Analysis(tuple(tokens), frozenset(concepts), frozenset(features), scores)


def detect_language(text: str, default: str = "en") -> str:
    """The language of ``text`` among fr, en, es, pt, de, it (``default`` when unsure).

    Counts stop words that belong to one language only, lexicon words tagged with a
    language and language-specific letters (ñ, ã, ß...); deterministic, ties go to
    ``default`` and then to the order en, fr, es, pt, de, it.
    """
    return analyse(text).language(None, default)


# --------------------------------------------------------------------------------------
# Requests for a person
# --------------------------------------------------------------------------------------

_PERSON_EN = (
    r"(?:a |an |the |some |your |one of your |to )?(?:real |live |actual |human )?"
    r"(?:person|people|human|humans|agent|someone|somebody|anyone|anybody|staff|manager|"
    r"receptionist|reception|front desk|operator|representative|employee|member of staff|team|"
    r"someone from|somebody from)"
)
_HUMAN_PATTERNS: tuple[tuple[str, str], ...] = (
    # English
    ("en", rf"\b(?:speak|talk|chat|discuss|communicate)(?: it)? (?:to|with) {_PERSON_EN}\b"),
    ("en", r"\b(?:real|live|actual) (?:person|human|agent|people)\b"),
    ("en", r"\bhumans?\b"),
    ("en", r"\bcall me(?: back)?\b|\bgive me a (?:call|ring|buzz)\b|\bget a call\b|\bphone me\b|\bring me\b"),
    ("en", r"\bget back to me\b|\bcontact me\b|\breach me\b"),
    ("en", r"\b(?:put|transfer|connect) me (?:through|to|with)\b|\bpass me to\b"),
    ("en", r"\bagent please\b|\bstop (?:the |this )?bot\b|\bnot (?:a |to a |with a )?(?:bot|robot|machine)\b"),
    ("en", r"\b(?:need|want) (?:a |an |the )?(?:person|human|agent|manager|someone)\b"),
    # French (folded: "quelqu'un" -> "quelqu un", "à" -> "a")
    ("fr", r"\bparler (?:a|avec|au|aux) (?:quelqu un|une personne|une vraie|un vrai|un humain|un agent|"
     r"un conseiller|une conseillere|la reception|l accueil|le responsable|la responsable|"
     r"responsable|gerant|le gerant|la gerante|directeur|le directeur|la direction|un employe|"
     r"un etre|un operateur|un membre|quelqu)"),
    ("fr", r"\bavec quelqu un\b|\bvraie personne\b|\bhumains?\b|\bun agent\b|\bun conseiller\b"),
    ("fr", r"\brappel(?:ez|er|le|lez)? moi\b|\bm appeler\b|\bappelez moi\b|"
     r"\bme (?:re)?contacter\b|\bme recontacte\b|\bmis en relation\b|\bmettre en relation\b|"
     r"\bde vive voix\b"),
    # Spanish
    ("es", r"\bhablar con (?:una persona|alguien|un agente|recepcion|la recepcion|un humano|el gerente|"
     r"la gerente|el encargado|la encargada|un empleado|el responsable|un operador|ustedes)"),
    ("es", r"\bcon alguien\b|\bpersona real\b|\bhumanos?\b|\bllamame\b|\bllamenme\b|\bme (?:pueden |puede )?llamar\b|"
     r"\bque me llame\b|\bdevolver la llamada\b|\bpas[ae]me con\b|\bun agente\b|"
     r"\bcomunicarme con\b|\bponerme en contacto\b"),
    # Portuguese
    ("pt", r"\bfalar com (?:uma pessoa|alguem|um atendente|uma atendente|a recepcao|um humano|o gerente|"
     r"a gerente|um funcionario|o responsavel|voces)"),
    ("pt", r"\bcom alguem\b|\bpessoa real\b|\batendente\b|\batendimento humano\b|"
     r"\bligar para mim\b|\bligue para mim\b|\bme retornem\b"),
    # German (folded: "Rückruf" -> "ruckruf")
    ("de", r"\bmit (?:einem|einer|jemandem|der|dem|ihrem|ihrer)(?: echten)? (?:menschen|mensch|mitarbeiter|"
     r"mitarbeiterin|person|rezeption|agenten|manager|verantwortlichen)\b"),
    ("de", r"\bmit jemandem\b|\bruckruf\b|\brufen sie mich\b|\bruft mich\b|\bzuruckrufen\b|\bzuruck rufen\b|"
     r"\bverbinden sie mich\b|\becht(?:e|en) (?:person|menschen)\b|\bansprechpartner\b|\bmenschen? sprechen\b"),
    # Italian
    ("it", r"\bparlare con\b|\bcon qualcuno\b|\brichiamatemi\b|\bmi richiam\w*\b|\bchiamatemi\b|"
     r"\bmi chiam(?:i|ate)\b|\boperatore\b|\bpersona reale\b|\bumano\b"),
)
_HUMAN_PATTERNS += (
    # "call me" in every language, and complaints about talking to a machine.
    ("en", r"\bget me (?:a |an |the )?(?:person|human|agent|manager|someone|somebody|staff|receptionist)\b"),
    ("en", r"\b(?:call|phone|ring) you\b"),
    ("fr", r"\bme telephoner\b|\bvous (?:appeler|joindre|telephoner)\b"),
    ("es", r"\bllamarme\b|\bllameme\b|\bllamarles\b|\bllamarlos\b"),
    ("pt", r"\bligar (?:pra|para) (?:mim|voces)\b|\bme chamar\b"),
    ("de", r"\bmich(?: \w+){0,3} (?:anrufen|zuruckrufen)\b|\b(?:sie|euch) anrufen\b"),
    ("it", r"\bchiamarmi\b|\bmi richiamate\b"),
    # object pronoun + call/contact verb; not "je m'appelle" / "me llamo" (my name is)
    ("fr", r"(?<!je )\bm appel\w*\b|\bme rappel\w*\b(?! (?:l|le|la|les|votre|vos|mon|ma|mes|quel|quelle|quels|"
     r"quelles|ce|cette|ou|comment|combien|si|a quelle)\b)|\bme contact\w*\b"),
    ("es", r"\bme (?:contacte|contacten|llame|llamen|escriba|escriban|telefonee|telefoneen)\b"),
    ("pt", r"\bme (?:contate|contatem|contacte|contactem|chamem|retorne)\b"),
    ("en", r"\bhave a word with\b|\b(?:message|text|email|e mail|whatsapp|dm) me\b|\bwrite to me\b|"
     r"\b(?:forward|redirect|escalate) (?:me|this|my)\b|\bin charge\b"),
    ("fr", r"\bpassez moi\b|\bpasse moi\b|\bme (?:transferer|passer)\b"),
    ("es", r"\bme llam(?!o\b)\w*|\btransferirme\b|\bpasarme con\b"),
    ("pt", r"\bme lig\w*|\bme (?:transferir|passar para)\b"),
    ("de", r"\bleiten sie mich\b|\bleite mich\b|\bweiterleiten\b|\bweiterverbinden\b"),
    ("*", r"\b(?:speak|talk|chat|hablar|falar|parler|sprechen|reden|parlare)\b(?: \w+){0,2} "
     r"(?:con|with|to|avec|a|au|com|mit|dem) (?:el |the |l |o |le |dem |il |lo |your |su |votre |seu |ihrem )?"
     r"(?:hotel|hostel|albergo)\b"),
    ("*", r"\b(?:automated|automatic|automatique|automatiques|automatica|automaticas|automatizadas?|automatische|"
     r"automatisch|automatiche) (?:replies|reply|answers|responses|reponses|respuestas|respostas|antworten|risposte)\b|"
     r"\b(?:replies|reponses|respuestas|respostas|antworten|risposte) (?:automatiques|automaticas|automatizadas|"
     r"automatische|automatiche)\b"),
    # "not a bot", "kein Bot bitte" -- but not "no coffee machine", "no hay máquina de café".
    ("*", r"\b(?:not|no|nicht|kein|keinen|pas|nao|non|sin|ohne|stop)(?: (?!coffee|washing|vending|ice|ticket|"
     r"nespresso)\w+){0,2} (?:chat ?bot|bot|robot|machine|maquina|maschine)s?\b(?! (?:de|a|da|do|for|to|a cafe)\b)"),
    ("*", r"\bchat ?bot\b(?: \w+){0,4} (?:useless|helping|help|nul|inutil|inutile|nutzlos|hilft)\b"),
    # "someone of flesh and blood"
    ("*", r"\b(?:flesh and blood|chair et os|carne y hueso|carne e osso|fleisch und blut|carne e ossa)\b"),
    # "can I call the hotel directly?"
    ("*", r"\b(?:call|phone|ring|llamar|llamarles|ligar|appeler|telephoner|anrufen|chiamare)\b(?: \w+){0,1} "
     r"(?:al|the|l|o|para o|pro|a l|das|dem|ins|your|vuestro|su|votre|seu|ihr|il|all)? ?(?:hotel|hostel|albergo)\b"),
    # "who is in charge?", "wer ist (bei Ihnen) zuständig?", "quién es el encargado?"
    ("*", r"\b(?:who s|who is|qui est|quien es|quem e|wer ist|chi e)(?: \w+){0,2} (?:in charge|responsable|"
     r"le responsable|el responsable|el encargado|la encargada|o responsavel|a responsavel|zustandig|responsabile)\b"),
    # "I've been chatting with a bot for 10 minutes", "je parle à un robot"
    ("*", r"\b(?:chatting|talking|speaking|chatte|parle|parlons|hablando|falando|conversando|rede|spreche|chatten)"
     r" (?:with|to|avec|a|con|com|mit) (?:a |an |the |this |un |une |el |un |o |um |einem |dem |le |este |esse )?"
     r"(?:chat ?bot|bot|robot|robo|roboter|machine|maquina|maschine)s?\b"),
    # "melden Sie sich bei mir", "bei mir melden"
    ("de", r"\bmelden?(?: sie| du| ihr)?(?: sich| dich| euch)?(?: \w+)? bei mir\b|\bbei mir (?:\w+ )?melden\b"),
)
_HUMAN_RE = tuple((lang, re.compile(pattern)) for lang, pattern in _HUMAN_PATTERNS)

# Asking for a person is also said loosely, in words the patterns above cannot list.
# The word families live in ``bot.lexicon``; they combine into the rules below, which
# do not depend on the message's language.


class _Forms:
    """A family of folded forms (words, phrases, ``prefix*``, ``-suffix``) found in tokens."""

    def __init__(self, forms) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        self._prefixes: list[str] = []
        self._suffixes: list[str] = []
        for form in forms:
            if form.endswith("*"):
                self._prefixes.append(form[:-1])
                continue
            if form.startswith("-"):
                self._suffixes.append(form[1:])  # German compounds: "hotelmanager"
                continue
            key = tuple(tokenize(form))
            if key:
                self._by_first.setdefault(key[0], []).append(key)
        for options in self._by_first.values():
            options.sort(key=len, reverse=True)  # longest phrase first

    def at(self, tokens: list[str] | tuple[str, ...], i: int) -> int:
        """The length of the longest form starting at ``tokens[i]`` (0 when none)."""
        for key in self._by_first.get(tokens[i], ()):
            if tuple(tokens[i : i + len(key)]) == key:
                return len(key)
        token = tokens[i]
        if any(token.startswith(p) for p in self._prefixes) or any(token.endswith(s) for s in self._suffixes):
            return 1
        return 0

    def spans(self, tokens) -> list[tuple[int, int]]:
        """``(start, end)`` of every non-overlapping occurrence, left to right."""
        found, i = [], 0
        while i < len(tokens):
            size = self.at(tokens, i)
            if size:
                found.append((i, i + size))
                i += size
            else:
                i += 1
        return found


_PERSONS = _Forms(lexicon.words(lexicon.PERSON))
_WHO = _Forms(lexicon.WHO)
_CONTACTS = _Forms(lexicon.words(lexicon.CONTACT))
_TRANSFERS = _Forms(lexicon.words(lexicon.TRANSFER))
_CALLS = _Forms(lexicon.words(lexicon.CALL))
_CALLBACKS = _Forms(lexicon.words(lexicon.CALLBACK))
_NEEDS = _Forms(lexicon.words(lexicon.NEED))
_HELPS = _Forms(lexicon.words(lexicon.HELP))
_ROLES = _Forms(lexicon.ROLE)
_WHERE = _Forms(lexicon.WHERE)
_SUMMONS = _Forms(lexicon.words(lexicon.SUMMON))
_PLEASE = _Forms(lexicon.PLEASE)
_PRESENCE_OPENERS = _Forms(lexicon.PRESENCE_OPENERS)
_PRESENCE_PERSONS = _Forms(lexicon.PRESENCE_PERSONS)
_PRESENCE_TAIL = _Forms(lexicon.PRESENCE_TAIL)
_BOT_QUESTIONS = _Forms(lexicon.BOT_QUESTION)
_CONTACT_WINDOW = 6  # a contact verb and a person, in any order
_NEED_WINDOW = 3  # a need verb, then the person
_HELP_WINDOW = 4  # a person, then a help verb
_TRANSFER_WINDOW = 5  # "passez-moi", then the person


def _persons(tokens: list[str]) -> list[tuple[int, int]]:
    """Spans of the people named in ``tokens``, head counts left out."""
    found = []
    for start, end in _PERSONS.spans(tokens):
        before = tokens[start - 1] if start else ""
        if _DIGIT_RE.search(before) or before in lexicon.HEAD_COUNT:
            continue
        found.append((start, end))
    return found


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Tokens between two spans (0 when adjacent or overlapping)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def _calls_me(tokens: list[str]) -> str | None:
    """A call verb with "me" on either side, maybe past modal words ("me pode ligar?")."""
    for start, end in _CALLS.spans(tokens):
        verb = tokens[start]
        if verb.startswith("rappel") and end < len(tokens) and tokens[end] in lexicon.REMIND_NEXT:
            continue
        # After the verb: "call me", "appelez-moi", "liguem-me".
        j = end
        while j < len(tokens) and j - end < 3 and tokens[j] in lexicon.CALL_FILLERS:
            j += 1
        if j < len(tokens) and tokens[j] in lexicon.ME and not (j + 1 < len(tokens) and tokens[j + 1] == "s"):
            return " ".join(tokens[start : j + 1])
        # Before the verb: "m'appeler", "me pode ligar", "mich bitte anrufen".
        k = start - 1
        while k >= 0 and start - k <= 3 and tokens[k] in lexicon.CALL_FILLERS:
            k -= 1
        if k >= 0 and tokens[k] in lexicon.ME:
            if k and tokens[k - 1] in lexicon.NOT_A_CALL_BEFORE_ME:
                continue  # "je m'appelle Julie", "I'm calling about..."
            return " ".join(tokens[k:end])
    return None


def _clause_asks_for_a_person(tokens: list[str]) -> str | None:
    """Rules read on one sentence: "anyone there?", "Human please", "are you a bot?"."""
    i = 0
    while i < len(tokens) and tokens[i] in lexicon.GREETINGS:
        i += 1
    rest = tokens[i:]
    if not rest:
        return None
    # "Is anyone there?", "¿Hay alguien ahí?", "Ist da jemand?": nothing may follow but
    # "there" -- "is someone at the front desk at night?" asks about opening hours.
    j = 0
    size = _PRESENCE_OPENERS.at(rest, 0)
    if size and not _PRESENCE_PERSONS.at(rest, 0):
        j = size
    if j < len(rest):
        size = _PRESENCE_PERSONS.at(rest, j)
        if size:
            k = j + size
            while k < len(rest):
                tail = _PRESENCE_TAIL.at(rest, k) or _PLEASE.at(rest, k)
                if not tail:
                    break
                k += tail
            if k == len(rest) and len(rest) <= 8:
                return " ".join(rest)
    # A person named alone, maybe with "please": "Human please", "agent", "Un humain svp".
    kept, k, said_please = [], 0, False
    while k < len(rest):
        size = _PLEASE.at(rest, k)
        if size:
            said_please, k = True, k + size
            continue
        if rest[k] not in lexicon.ARTICLES:
            kept.append(rest[k])
        k += 1
    if kept and len(kept) <= 3:
        size = _PERSONS.at(kept, 0)
        if size == len(kept) and (said_please or _ROLES.at(kept, 0) == len(kept)):
            return " ".join(rest)
    # "Are you a bot?", "c'est un robot ?", "bin ich hier mit einem Roboter?"
    for start, end in _BOT_QUESTIONS.spans(rest):
        for k in range(end, min(end + 3, len(rest))):
            if rest[k] in lexicon.BOT or rest[k] in lexicon.HUMAN_NESS or rest[k].startswith("automat"):
                return " ".join(rest[start : k + 1])
    return None


def _callback_wanted(tokens: list[str], has_number: bool) -> str | None:
    """A call back asked for as a thing: "I'd like a callback", "Rappel svp au 06..."."""
    needs = _NEEDS.spans(tokens)
    for start, end in _CALLBACKS.spans(tokens):
        if start and tokens[start - 1] in lexicon.SERVICE_CALLS or tokens[start] in lexicon.SERVICE_CALLS:
            continue  # "a wake-up call at 7"
        wanted = any(n[1] <= start and _distance(n, (start, end)) <= _NEED_WINDOW for n in needs)
        near = tokens[max(0, start - 2) : start] + tokens[end : end + 2]
        polite = any(_PLEASE.at(near, k) for k in range(len(near)))
        if wanted or polite or has_number:
            return " ".join(tokens[start:end])
    return None


def _automatic_replies(tokens: list[str]) -> str | None:
    """Complaints about automatic answers, in any order ("keine automatische Antwort")."""
    for i, token in enumerate(tokens):
        if token.startswith(lexicon.AUTOMATIC_PREFIXES):
            for j in range(max(0, i - 2), min(len(tokens), i + 3)):
                if tokens[j] in lexicon.REPLY_WORDS:
                    return " ".join(tokens[min(i, j) : max(i, j) + 1])
    return None


def human_request(text: str) -> str | None:
    """The words by which ``text`` asks for a person (None when it does not).

    Explicit phrases first, then the rules of ``bot.lexicon`` (see its docstring).
    """
    folded = fold(text)
    tokens = tokenize(folded)
    joined = " ".join(tokens)
    for _lang, pattern in _HUMAN_RE:
        phrase = pattern.search(joined)
        if phrase:
            return phrase.group(0)
    for clause in re.split(r"[.!?;:\n¿¡…]+|,\s", folded):
        found = _clause_asks_for_a_person(tokenize(clause))
        if found:
            return found
    has_number = len(_DIGIT_RE.findall(folded)) >= 6  # a phone number to call back on
    found = _calls_me(tokens) or _callback_wanted(tokens, has_number) or _automatic_replies(tokens)
    if found:
        return found
    persons = _persons(tokens)
    people = [p for p in persons if " ".join(tokens[p[0] : p[1]]) not in lexicon.PLACES]
    for i, token in enumerate(tokens):
        if token in lexicon.WITH and not any(t in lexicon.ENTRUST for t in tokens[max(0, i - 5) : i]):
            for start, end in people:
                if i < start <= i + 4 and not any(_DIGIT_RE.search(t) for t in tokens[i + 1 : start]):
                    return " ".join(tokens[i:end])
    me = [i for i, t in enumerate(tokens) if t in lexicon.ME]
    for span in _TRANSFERS.spans(tokens):
        # "passez-moi la réception", "verbinden Sie mich mit", "put me through to".
        near = tokens[span[1] : span[1] + 3]
        if any(t in lexicon.ME for t in near) or any(t in lexicon.ME for t in tokens[max(0, span[0] - 2) : span[0]]):
            for person in persons:
                if span[1] <= person[0] and _distance(span, person) <= _TRANSFER_WINDOW:
                    return " ".join(tokens[span[0] : person[1]])
        # The verb last, as German puts it: "mich zu einem Mitarbeiter durchstellen".
        for person in persons:
            if person[1] <= span[0] and _distance(person, span) <= 2:
                if any(i < person[0] and person[0] - i <= _TRANSFER_WINDOW for i in me):
                    return " ".join(tokens[person[0] : span[1]])
    # "Do the receptionists speak Spanish?" asks about a skill, not for a person.
    contacts = [c for c in _CONTACTS.spans(tokens) if c[1] >= len(tokens) or tokens[c[1]] not in lexicon.LANGUAGE_NAMES]
    for span in contacts:
        for person in persons + _WHO.spans(tokens):
            if _distance(span, person) <= _CONTACT_WINDOW:
                lo, hi = min(span[0], person[0]), max(span[1], person[1])
                return " ".join(tokens[lo:hi])
    for span in _NEEDS.spans(tokens):
        for person in persons:
            if span[1] <= person[0] and _distance(span, person) <= _NEED_WINDOW:
                return " ".join(tokens[span[0] : person[1]])
    for span in _HELPS.spans(tokens):
        for person in people:
            if person[1] <= span[0] and _distance(person, span) <= _HELP_WINDOW:
                return " ".join(tokens[person[0] : span[1]])
        # "help from the front desk", "ayuda de recepción", "Hilfe von der Rezeption".
        for person in persons:
            between = tokens[span[1] : person[0]]
            if span[1] <= person[0] and len(between) <= 3 and between and between[0] in lexicon.FROM:
                return " ".join(tokens[span[0] : person[1]])
    for span in _SUMMONS.spans(tokens):
        # "get someone to sort out my booking", "schicken Sie jemanden".
        for person in people:
            if span[1] <= person[0] and _distance(span, person) <= 2:
                return " ".join(tokens[span[0] : person[1]])
    for span in _WHERE.spans(tokens):
        # "where is the manager?", "cadê os atendentes?" (not "where is reception?").
        for person in people:
            if span[1] <= person[0] and _distance(span, person) <= 2:
                return " ".join(tokens[span[0] : person[1]])
    return None


def mentions_a_role(text: str) -> str | None:
    """A staff role or a human named in ``text`` ("the manager", "un humain"), if any."""
    tokens = tokenize(fold(text))
    for start, end in _ROLES.spans(tokens):
        before = tokens[start - 1] if start else ""
        # "my boss booked the room", "ma collègue arrive plus tard": the guest's own people.
        if not (_DIGIT_RE.search(before) or before in lexicon.HEAD_COUNT or before in lexicon.MY):
            return " ".join(tokens[start:end])
    return None


# --------------------------------------------------------------------------------------
# Spam
# --------------------------------------------------------------------------------------

# Sites a guest links to when talking about a stay: booking and review platforms, maps,
# transport, social networks. Matched on the registered name whatever the country TLD.
_WELL_KNOWN_NAMES = (
    "booking", "expedia", "hotels", "airbnb", "tripadvisor", "google", "trivago", "kayak", "agoda",
    "hostelworld", "vrbo", "instagram", "facebook", "whatsapp", "apple", "waze", "uber", "sncf-connect",
    "thetrainline", "trainline", "airfrance", "ryanair", "easyjet", "iberia", "lufthansa", "flytap",
    "bahn", "ratp", "eurostar", "holidaycheck", "hrs", "opodo", "lastminute", "momondo", "skyscanner",
)
_WELL_KNOWN_DOMAINS = ("goo.gl", "g.page", "wa.me", "maps.app.goo.gl", "fb.com", "youtu.be", "youtube.com")
_WELL_KNOWN_RE = re.compile(
    r"(?:^|\.)(?:" + "|".join(re.escape(n) for n in _WELL_KNOWN_NAMES) + r")"
    r"\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$"
)
# Brands that phishing imitates; a domain using the name but not being the brand's own.
_BRANDS = ("booking", "expedia", "airbnb", "paypal", "tripadvisor", "google", "amazon", "apple", "visa", "mastercard")
_BRAND_OWN_RE = re.compile(
    r"(?:^|\.)(?:" + "|".join(_BRANDS) + r")\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$"
)
_SHORTENERS = (
    "bit.ly", "tinyurl.com", "t.co", "ow.ly", "is.gd", "cutt.ly", "rebrand.ly", "shorturl.at", "rb.gy", "tiny.cc",
)
# Cheap top-level domains that spam favours; only a small extra weight on an untrusted link.
_SUSPICIOUS_TLDS = (
    "xyz", "top", "click", "online", "site", "biz", "info", "loan", "win", "agency", "support", "live", "shop",
    "club", "icu", "buzz",
)
_TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gl|fr|de|es|pt|it|br|uk|eu|ch|be|nl|at|ru|cn|xyz|top|online|site|"
    "shop|club|link|click|app|page|win|loan|support|live|store|us|ca|in|agency|icu|buzz|pl|ar|mx|tv|cc|at"
)
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?:/[^\s<>\"'()\[\]]*)?"
)

# Phrase families (folded, punctuation-free). One phrase alone is 0.7, below the
# threshold: "can I pay in bitcoin?" is a question, not spam.
_SPAM_PHRASES: dict[str, tuple[str, ...]] = {
    "seo_marketing": (
        r"\bseo\b", r"\bbacklinks?\b", r"\brank your (?:website|site|hotel)\b",
        r"\b(?:first|1st) page (?:of|on) google\b", r"\bpage 1 of google\b", r"\btop of google\b",
        r"\bmarketing services?\b", r"\bdigital marketing\b", r"\bmarketing digital\b", r"\bonline marketing\b",
        r"\bmarketing dienstleistungen\b", r"\bincrease your (?:sales|revenue|bookings|traffic)\b",
        r"\bboost your (?:sales|bookings|revenue)\b", r"\bguest posts?\b", r"\blead generation\b",
        r"\bweb design (?:agency|services)\b", r"\bfree (?:audit|quote|consultation)\b",
        r"\b(?:sell|buy|get)\w* (?:\w+ )?(?:5 star |five star )?reviews\b",
        r"\bincrease your (?:online )?reviews\b", r"\bguaranteed results\b", r"\bpremiere page de google\b",
        r"\breferencement\b", r"\baugmente[rz] vos ventes\b", r"\bagence de marketing\b",
        r"\bresultats garantis\b", r"\bprimera pagina de google\b", r"\bposicionamiento\b",
        r"\baument(?:e|a|ar) sus ventas\b", r"\bservicios de marketing\b", r"\bprimeira pagina do google\b",
        r"\baumente suas vendas\b", r"\bagencia de seo\b", r"\bservico de marketing\b",
        r"\bsuchmaschinenoptimierung\b", r"\berste seite (?:bei|von|auf) google\b", r"\bumsatz steigern\b",
        r"\bsteigern sie ihren umsatz\b", r"\bbuilds? hotel websites\b", r"\bdirect bookings\b",
        r"\blink building\b", r"\bguest posting\b",
        r"\b(?:cheap|buy|more|get|gain|real)(?: \w+){0,2} (?:followers|likes)\b", r"\bfollowers and likes\b",
        r"\bseguidores\b", r"\babonnes instagram\b", r"\binstagram follower\w*", r"\bwould love to collaborate\b",
        r"\bcollaboration (?:opportunity|proposal)\b", r"\baugmentez vos reservations\b",
        r"\breputation management\b", r"\bremove (?:negative|bad) reviews\b", r"\bnegative reviews about your\b",
        r"\breservations directes\b", r"\breservas directas\b", r"\breservas diretas\b", r"\bdirektbuchungen\b",
    ),
    "crypto_investment": (
        r"\bbitcoins?\b", r"\bbtc\b", r"\bcrypto\w*", r"\bcripto\w*", r"\bkrypto\w*", r"\bforex\b", r"\busdt\b",
        r"\bairdrop\b", r"\bethereum\b", r"\binvestment (?:opportunity|expert)\b", r"\binvest (?:in|now)\b",
        r"\bpassive income\b", r"\bdouble your money\b", r"\btrading signals\b", r"\bmining\b",
        r"\bguaranteed returns?\b", r"\bmake \$?\d*\s?(?:money|per week|a week|per day)\b",
        r"\bearn (?:money|passive)\b", r"\bwork(?:ing)? from home\b", r"\bgagne[rz] de l argent\b",
        r"\bga(?:na|nar) dinero\b", r"\boportunidad de inversion\b", r"\brentabilidad garantizada\b",
        r"\bganh(?:e|ar) dinheiro\b", r"\binvestimento\b", r"\binvista agora\b", r"\binvista em\b",
        r"\bretorno garantido\b", r"\bgeld verdienen\b", r"\bverdienen sie\b", r"\bguadagna\w* soldi\b",
        r"\btrading (?:bot|platform|signals?)\b", r"\binvestition\b", r"\bgarantierte\w* rendite\b",
        r"\brendement garanti\b",
    ),
    "prize_lottery": (
        r"\byou (?:have |ve )?won\b", r"\bclaim your (?:prize|reward|gift)\b", r"\bgift card\b", r"\blottery\b",
        r"\bjackpot\b", r"\byou have been selected\b", r"\bselected to receive\b", r"\bvous avez gagne\b",
        r"\bfelicitations vous\b", r"\breclamer votre\b", r"\bha ganado\b", r"\bhas ganado\b", r"\bun premio\b",
        r"\bloteria\b", r"\bvoce ganhou\b", r"\bvale presente\b", r"\bsorteio\b", r"\bsie haben gewonnen\b",
        r"\bgewinnspiel\b", r"\bihren preis\b", r"\blotterie\b", r"\bhai vinto\b", r"\bfree iphone\b",
        r"\biphone 1\d\b",
        r"\b(?:ha|has|have|been|sido|foi|ete|wurden|wurde|stato) (?:\w+ )?"
        r"(?:seleccionado|selecionado|selected|ausgewahlt|selectionne|escolhido|selezionato)\b",
        r"\b(?:ganar|gagner|ganhar|win|gewinnen|vincere) (?:\w+ )?"
        r"(?:iphone|ipad|premio|prix|gift|cadeau|regalo|vale|gutschein|buono)\b",
        r"\bbuono amazon\b",
    ),
    "phishing": (
        r"\bverify your (?:account|identity|details)\b", r"\bconfirm your (?:details|identity|account|payment)\b",
        r"\baccount (?:has been |will be |is )?(?:suspended|blocked|locked|closed)\b", r"\bunusual activity\b",
        r"\blog ?in to (?:review|verify|confirm)\b", r"\bclick here\b", r"\bclick (?:on )?the link\b",
        r"\bcliquez ici\b", r"\bcliquez sur le lien\b", r"\bhaga clic\b", r"\bhaz clic\b", r"\bclique aqui\b",
        r"\bklicken sie hier\b", r"\bclicca qui\b", r"\bcoordonnees bancaires\b", r"\bbank details\b",
        r"\bdatos bancarios\b", r"\bdados bancarios\b", r"\bbankdaten\b", r"\bkonto wurde gesperrt\b",
        r"\bcompte sera suspendu\b", r"\bcompte suspendu\b", r"\bbestatigen sie ihre daten\b",
        r"\bverifique su cuenta\b", r"\bguest complaint\b", r"\bpayment (?:of \S+ )?is on hold\b",
        r"\bresgate aqui\b",
        r"\b(?:responda|responde|reply|repondez|antworten sie) (?:con|with|avec|mit) (?:sus|tus|your|vos|ihren) "
        r"(?:datos|details|coordonnees|daten)\b",
        r"\bsend (?:us )?your (?:details|data|bank|password|card)\b", r"\benvie seus dados\b",
        r"\benvoyez vos coordonnees\b", r"\bpassword expires\b", r"\bkeep access\b", r"\breset your password\b",
        r"\bextranet password\b",
    ),
    "adult": (
        r"\bhot singles\b", r"\bdating\b", r"\bsexy\b", r"\bxxx\b", r"\bporn\w*", r"\bescorts?\b", r"\bnudes?\b",
    ),
    "solicitation": (
        r"\bcontact us\b", r"\bcontactez nous\b", r"\bappelez nous\b", r"\bcontactenos\b", r"\bescribanos\b",
        r"\bfale conosco\b", r"\bkontaktieren sie uns\b", r"\breply (?:for|now|stop)\b", r"\bunsubscribe\b",
        r"\bare you interested in\b", r"\binterested in (?:a |our )?(?:partnership|collaboration|cheap)\b",
        r"\bpropuesta para su negocio\b", r"\btelegram\b", r"\bwe offer\b", r"\bbuy now\b", r"\bcompre ja\b",
        r"\bcompre agora\b", r"\bcompra ya\b", r"\bachetez\b", r"\bjetzt kaufen\b", r"\bnous proposons\b",
        r"\bofrecemos\b", r"\bwir bieten\b", r"\bspecial offer for hotels\b",
    ),
}

# Each phrase is searched on its own: overlapping phrases ("servicios de marketing
# digital") are two signals, not one.
_SPAM_RE = {name: tuple(re.compile(p) for p in phrases) for name, phrases in _SPAM_PHRASES.items()}
# Read on the raw lowercased text, where "%" and "$" survive: "300% in 24h" is a money
# promise, while "18 € pro Tag" (a parking price) is not.
_MONEY_PROMISE_RE = (
    re.compile(
        r"(?<!\d)\d+\s?%\s?(?:(?:in|per|a|ao|al|par|pro|em|en|au|each|every|by)\s(?:the\s)?(?:day|week|month|24\s?h|"
        r"\d+\s?h|dia|día|mes|mês|jour|mois|tag|woche|monat|semana|semaine|giorno)|mensual|monthly|mensuel)(?!\w)"
    ),
    re.compile(r"\b(?:earn|make|gagnez|gana|ganhe|verdienen sie|guadagna)\s+(?:up to\s+)?[$€£]?\s?\d"),
    re.compile(r"\${2,}|💰|🚀|💸|🤑|📈"),
)
# First phrase of a family, each further one, and the family's cap.
_PHRASE_WEIGHTS = {"solicitation": (0.3, 0.15, 0.45)}
_DEFAULT_PHRASE_WEIGHTS = (0.7, 0.35, 1.4)


def _domain_of(url: str) -> str:
    url = re.sub(r"^https?://", "", url)
    host = re.split(r"[/?#:]", url, maxsplit=1)[0]
    return host.strip(".,;!").removeprefix("www.")


def _trusted(domain: str, trusted: tuple[str, ...]) -> bool:
    for own in trusted:
        own = own.lower().removeprefix("www.")
        if domain == own or domain.endswith("." + own):
            return True
    if any(domain == d or domain.endswith("." + d) for d in _WELL_KNOWN_DOMAINS):
        return True
    return bool(_WELL_KNOWN_RE.search(domain))


@dataclass(frozen=True)
class SpamReport:
    """The spam score of a message and the named signals that make it up."""

    score: float
    reasons: tuple[str, ...]


def spam_signals(message: GuestText, trusted_domains: tuple[str, ...] = ()) -> SpamReport:
    """Score ``message`` for spam; every signal adds to the score under a named reason.

    Reasons are ``name`` or ``name:detail`` (e.g. ``untrusted_link:btc-doubler.io``).
    """
    text = message.text or ""
    lowered = text.lower()
    joined = " ".join(tokenize(fold(text)))
    score = 0.0
    reasons: list[str] = []

    # Links. One untrusted link is common enough in real messages (a company site, an
    # event page) to stay well below the threshold on its own.
    domains = []
    for url in _URL_RE.findall(lowered):
        domain = _domain_of(url)
        if domain and domain not in domains:
            domains.append(domain)
    untrusted = [d for d in domains if not _trusted(d, trusted_domains)]
    if untrusted:
        score += min(0.35 + 0.15 * (len(untrusted) - 1), 0.65)
        reasons.append("untrusted_link:" + ",".join(untrusted[:3]))
    for domain in untrusted:
        if any(domain == s or domain.endswith("." + s) for s in _SHORTENERS):
            score += 0.3
            reasons.append("shortened_link:" + domain)
            break
    for domain in untrusted:
        if any(b in domain for b in _BRANDS) and not _BRAND_OWN_RE.search(domain):
            score += 0.8
            reasons.append("lookalike_domain:" + domain)
            break
    for domain in untrusted:
        if domain.rsplit(".", 1)[-1] in _SUSPICIOUS_TLDS:
            score += 0.2
            reasons.append("suspicious_tld:" + domain)
            break

    for name, patterns in _SPAM_RE.items():
        hits = sum(1 for pattern in patterns if pattern.search(joined))
        if hits:
            first, more, cap = _PHRASE_WEIGHTS.get(name, _DEFAULT_PHRASE_WEIGHTS)
            score += min(first + more * (hits - 1), cap)
            reasons.append(name)

    promises = sum(1 for pattern in _MONEY_PROMISE_RE if pattern.search(lowered))
    if promises:
        score += min(0.7 + 0.35 * (promises - 1), 1.4)
        reasons.append("money_promise")

    letters = [c for c in text if c.isalpha()]
    if untrusted and len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        score += 0.4
        reasons.append("shouting_with_link")

    if message.sender_is_new and message.repeat_count >= 2:
        # A stranger pasting the same text again and again. Strong, but never enough on
        # its own: an impatient new guest may resend a question, and a short "hello?"
        # from someone waiting for an answer weighs even less.
        words = len(joined.split())
        score += 0.7 if words > 4 or untrusted else 0.3
        reasons.append("repeated_by_new_sender")

    return SpamReport(round(score, 3), tuple(reasons))


# --------------------------------------------------------------------------------------
# Knowledge-base matching
# --------------------------------------------------------------------------------------

_WORD_WEIGHT = 0.6  # a plain word counts less than a concept
_UNKNOWN_WORD_WEIGHT = 0.5  # a message word no entry uses
_UNKNOWN_CONCEPT_FACTOR = 1.5  # a concept no entry uses, relative to the rarest entry concept
# Concepts that qualify a topic rather than name one ("is it free", "what time", "the
# room"). A match needs at least one shared feature that is not a modifier: "can I
# smoke in the room?" shares only "room" with "when is the room available?", which is
# no reason to answer with the check-in time.
_MODIFIERS = frozenset(
    "#" + c for c in ("room", "time", "price", "included", "booking", "night", "allowed", "policy", "open", "stay")
)


@dataclass(frozen=True)
class _Index:
    """Example questions of a knowledge base, as weighted feature vectors."""

    questions: tuple[tuple[int, dict[str, float], float], ...]  # entry position, weights, norm
    weights: dict[str, float]  # feature -> weight (specificity)
    max_weight: float


def _feature_weight(feature: str, idf: float) -> float:
    return idf if feature.startswith("#") else idf * _WORD_WEIGHT


def _build_index(entries: tuple[tuple[str, str, tuple[str, ...]], ...]) -> _Index:
    per_entry: list[list[frozenset[str]]] = []
    for _id, topic, questions in entries:
        texts = [*questions, topic] if topic else list(questions)
        per_entry.append([analyse(q).features for q in texts if q])
    n = max(len(entries), 1)
    df: dict[str, int] = {}
    for features_list in per_entry:
        for feature in set().union(*features_list) if features_list else ():
            df[feature] = df.get(feature, 0) + 1
    weights = {f: _feature_weight(f, 1.0 + math.log(n / count)) for f, count in df.items()}
    vectors: list[tuple[int, dict[str, float], float]] = []
    for position, features_list in enumerate(per_entry):
        for features in features_list:
            vector = {f: weights[f] for f in features}
            norm = math.sqrt(sum(w * w for w in vector.values()))
            if norm > 0:
                vectors.append((position, vector, norm))
    return _Index(tuple(vectors), weights, 1.0 + math.log(n))


class _IndexCache:
    """A small LRU of indexed knowledge bases, keyed by their questions' content."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[tuple, _Index] = OrderedDict()

    def get(self, knowledge: KnowledgeBase) -> _Index:
        key = tuple((e.id, e.topic, tuple(e.questions)) for e in knowledge.entries)
        index = self._items.get(key)
        if index is None:
            index = _build_index(key)
            self._items[key] = index
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return index


@dataclass(frozen=True)
class Match:
    """The best entry for a message and its similarity (0..1)."""

    entry: KnowledgeEntry | None
    score: float


def _message_weight(feature: str, index: _Index) -> float:
    weight = index.weights.get(feature)
    if weight is not None:
        return weight
    # Unknown to every entry: a concept the engine understands (museum, wedding) is
    # as specific as the rarest entry concept; a plain unknown word counts little, so
    # that a long, chatty question still finds its entry.
    if feature.startswith("#"):
        return index.max_weight * _UNKNOWN_CONCEPT_FACTOR
    return _UNKNOWN_WORD_WEIGHT


def best_match(analysis: Analysis, knowledge: KnowledgeBase, index: _Index) -> Match:
    """The entry whose closest example question is most similar to the message."""
    features = analysis.features
    if not features or not index.questions:
        return Match(None, 0.0)
    m_weights = {f: _message_weight(f, index) for f in features}
    m_norm = math.sqrt(sum(w * w for w in m_weights.values()))
    best_position, best_score = -1, 0.0
    for position, vector, norm in index.questions:
        shared = [f for f in vector if f in m_weights]
        if not shared or all(f in _MODIFIERS for f in shared):
            continue
        dot = sum(m_weights[f] * vector[f] for f in shared)
        score = dot / (m_norm * norm)
        # Strictly greater: on a tie the earlier entry wins, so the result is stable.
        if score > best_score + 1e-12:
            best_position, best_score = position, score
    if best_position < 0:
        return Match(None, 0.0)
    return Match(knowledge.entries[best_position], best_score)


# --------------------------------------------------------------------------------------
# The bot
# --------------------------------------------------------------------------------------


def _language_code(hint: str | None) -> str | None:
    """"pt-BR", "de_DE" or "FR" from a channel -> "pt", "de", "fr"."""
    if not hint:
        return None
    code = re.split(r"[-_]", hint.strip().lower(), maxsplit=1)[0]
    return code or None


def _answer_language(entry: KnowledgeEntry, language: str, default: str) -> tuple[str, str]:
    """The answer text for ``language`` (with answer_in's fallbacks) and its real language."""
    text = entry.answer_in(language, default)
    for lang in (language, default, "en", *entry.answers):
        if lang in entry.answers and entry.answers[lang] == text:
            return text, lang
    return text, language


class KeywordBot:
    """The default ``Bot``: spam filter, hand-off detector and multilingual FAQ matcher.

    Stateless apart from a cache of indexed knowledge bases; safe to keep in a module
    global of a Lambda function and to share between hotels.
    """

    def __init__(self, answer_threshold: float = ANSWER_THRESHOLD, spam_threshold: float = SPAM_THRESHOLD) -> None:
        self.answer_threshold = answer_threshold
        self.spam_threshold = spam_threshold
        self._indexes = _IndexCache()

    def decide(self, message: GuestText, knowledge: KnowledgeBase) -> BotDecision:
        """Spam, hand-off or answer for ``message``, in the order described in the module."""
        text = message.text or ""
        spam = spam_signals(message, knowledge.trusted_domains)
        if spam.score >= self.spam_threshold:
            return SpamVerdict(score=spam.score, reasons=spam.reasons)

        analysis = analyse(text)
        hint = _language_code(message.language)
        language = analysis.language(hint, knowledge.default_language)
        # The guest's own language, for their profile: what the text shows, else the channel's
        # hint; never the hotel's default (that is only the language to answer in).
        guest = language if max(analysis.language_scores.values(), default=0.0) > 0 else hint

        if message.wants_human:
            return HandOff(HandoffReason.HUMAN_REQUESTED, {"language": language, "trigger": "wants_human"},
                           guest_language=guest)
        asked = human_request(text)
        if asked:
            return HandOff(HandoffReason.HUMAN_REQUESTED, {"language": language, "trigger": "text", "words": asked},
                           guest_language=guest)

        if not knowledge.enabled:
            return HandOff(HandoffReason.BOT_DISABLED, {"language": language}, guest_language=guest)

        match = best_match(analysis, knowledge, self._indexes.get(knowledge))
        score = round(match.score, 3)
        details: dict[str, object] = {"best_score": score, "best_entry": match.entry.id if match.entry else None, "language": language}
        veto = analysis.concepts & _VETO_CONCEPTS
        if veto:
            # A breakdown or a lost item: the bot can't solve it, whatever the topic.
            details["reported"] = sorted(c.lstrip("_") for c in veto)
            return HandOff(HandoffReason.BOT_UNANSWERED, details, guest_language=guest)
        if match.entry is not None and match.score >= self.answer_threshold:
            role = mentions_a_role(text)
            if role:
                # In doubt between answering and a person the guest named ("can the
                # concierge...", "my colleague and I"), the person wins: a guest who
                # asked for one must never be kept by the bot.
                return HandOff(
                    HandoffReason.HUMAN_REQUESTED,
                    {"language": language, "trigger": "person_mentioned", "words": role, **details},
                    guest_language=guest,
                )
            answer, answer_language = _answer_language(match.entry, language, knowledge.default_language)
            return Answer(text=answer, entry_id=match.entry.id, score=score, language=answer_language,
                          guest_language=guest)
        return HandOff(HandoffReason.BOT_UNANSWERED, details, guest_language=guest)
