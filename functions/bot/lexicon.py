"""Word lists of the engine's hand-off detector: how guests ask for a person.

Every form is *folded* (lowercase, no accents: ``fold`` in ``bot.normalise``) and
tokenised the same way as the messages (apostrophes and hyphens split words, so
"quelqu'un" is ``quelqu un`` and "Passez-moi" is ``passez moi``). A form may be a
phrase of several words; a form ending in ``*`` is a prefix ("zuruckruf*" also matches
"zuruckrufen"). Lists are grouped by language for readability only: matching never
depends on the detected language, a French word is recognised in a Spanish message.

The families combine into rules (see ``human_request`` in ``bot.person_requests``):

* a PERSON near a CONTACT verb ("talk ... manager", "mit der Rezeption sprechen");
* a NEED verb right before a PERSON ("I need a human", "quiero una persona real");
* a PERSON right before a HELP verb ("alguien que me pueda ayudar");
* a TRANSFER verb with a first-person pronoun, before a PERSON ("passez-moi la réception");
* a CALL verb next to a first-person pronoun ("me pode ligar?", "appelez-moi");
* a clause asking whether anybody is there ("¿hay alguien ahí?", "ist da jemand?");
* a short clause naming a person, alone or with "please" ("Human please", "agent");
* a question whether the guest talks to a bot ("are you a robot?"), or a complaint
  about automatic answers or a bot ("kein Bot bitte").
"""

from __future__ import annotations


def words(by_language: dict[str, str]) -> tuple[str, ...]:
    """All forms of a ``{language: "form|form|..."}`` table, in a stable order."""
    seen: dict[str, None] = {}
    for forms in by_language.values():
        for form in forms.split("|"):
            form = " ".join(form.split())
            if form:
                seen.setdefault(form)
    return tuple(seen)


# --------------------------------------------------------------------------------------
# People a guest may ask for
# --------------------------------------------------------------------------------------

#: Somebody working at the hotel, or any human rather than the bot.
PERSON: dict[str, str] = {
    "en": """person|human|humans|human being|someone|somebody|anyone|anybody|agent|agents|live agent|
        staff|staff member|member of staff|members of staff|employee|employees|receptionist|receptionists|
        reception|front desk|desk|concierge|manager|managers|duty manager|general manager|boss|supervisor|
        colleague|colleagues|coworker|operator|representative|rep|team member|member of your team|
        your team|whoever|owner|director|management|customer service|guest relations|real person|live person|
        actual person|real human|live chat|flesh and blood""",
    "fr": """personne|vraie personne|personne reelle|humain|humaine|etre humain|quelqu un|quelquun|qqn|qq1|
        quelqu|agent|conseiller|conseillere|conseillers|responsable|responsables|gerant|gerante|employe|
        employee|personnel|membre du personnel|membre de l equipe|receptionniste|reception|accueil|
        concierge|directeur|directrice|la direction|collegue|collegues|patron|patronne|chef|
        interlocuteur|interlocutrice|operateur|operatrice|standardiste|service client|en chair et os""",
    "es": """persona|persona real|alguien|humano|humana|ser humano|agente|gerente|encargado|encargada|
        empleado|empleada|personal|recepcionista|recepcion|conserje|director|directora|jefe|jefa|
        responsable|operador|operadora|companero|companera|colega|supervisor|supervisora|asesor|asesora|
        gerencia|atencion al cliente|de carne y hueso""",
    "pt": """pessoa|pessoa real|alguem|humano|humana|ser humano|atendente|atendentes|funcionario|funcionaria|
        funcionarios|equipe|equipa|recepcao|rececao|recepcionista|rececionista|responsavel|gerente|
        concierge|chefe|diretor|diretora|colega|colegas|supervisor|operador|agente|encarregado|encarregada|
        gerencia|diretoria|atendimento|de carne e osso""",
    "de": """mensch|menschen|jemand|jemanden|jemandem|mitarbeiter|mitarbeiterin|mitarbeitende|mitarbeitenden|
        rezeption|rezeptionist|rezeptionistin|empfang|ansprechpartner|ansprechpartnerin|ansprechperson|
        concierge|manager|managerin|chef|chefin|vorgesetzte|vorgesetzten|vorgesetzter|geschaftsleitung|
        geschaftsfuhrung|geschaftsfuhrer|geschaftsfuhrerin|hotelleitung|direktor|direktorin|
        kollege|kollegin|kollegen|personal|person|verantwortliche|verantwortlichen|zustandige|zustandigen|
        echte person|echten person|echten menschen|kundenservice|zustandig|aus fleisch und blut|
        -manager|-mitarbeiter|-mitarbeiterin|-rezeption|-personal""",
    "it": """qualcuno|umano|operatore|operatrice|addetto|addetta|responsabile|persona|direttore|collega|
        receptionist""",
}

#: Places rather than people: "leave my bags with reception" is a luggage question,
#: "sort it out with someone" is a request for a person.
PLACES: frozenset[str] = frozenset(
    words(
        {
            "en": "reception|front desk|desk|customer service|guest relations|live chat",
            "fr": "reception|accueil|la direction|service client",
            "es": "recepcion|atencion al cliente",
            "pt": "recepcao|rececao|atendimento",
            "de": "rezeption|empfang|kundenservice",
        }
    )
)

#: The hotel's people that only a person answering can be ("the manager", "a human"):
#: a message naming one is handed to the agents rather than answered, in case of doubt.
#: Indefinite pronouns and "staff" are left out: "will someone (or staff) be at the
#: front desk at 2am?" asks about the reception's hours.
ROLE: frozenset[str] = frozenset(
    words(
        {
            "en": """human|humans|human being|agent|agents|live agent|employee|employees|receptionist|concierge|
                manager|managers|duty manager|general manager|boss|supervisor|colleague|colleagues|operator|
                representative|real person|live person|actual person|real human""",
            "fr": """vraie personne|personne reelle|humain|humaine|etre humain|agent|un conseiller|le conseiller|
                votre conseiller|conseillere|
                responsable|gerant|gerante|employe|receptionniste|concierge|directeur|directrice|collegue|
                patron|interlocuteur|operateur|standardiste""",
            "es": """persona real|humano|ser humano|agente|gerente|encargado|encargada|empleado|empleada|
                recepcionista|conserje|jefe|jefa|responsable|operador|colega|supervisor|asesor""",
            "pt": """pessoa real|humano|ser humano|atendente|funcionario|funcionaria|recepcionista|rececionista|
                responsavel|gerente|concierge|chefe|colega|supervisor|operador|agente|encarregado""",
            "de": """mensch|menschen|mitarbeiter|mitarbeiterin|rezeptionist|rezeptionistin|ansprechpartner|
                ansprechpartnerin|concierge|manager|managerin|vorgesetzte|vorgesetzten|vorgesetzter|
                geschaftsleitung|geschaftsfuhrer|hotelleitung|kollege|kollegin|echte person|echten menschen""",
            "it": "umano|operatore|addetto|responsabile|collega",
        }
    )
)

# --------------------------------------------------------------------------------------
# Verbs and small words
# --------------------------------------------------------------------------------------

#: Talking to, calling or contacting somebody (any form; prefixes cover conjugations).
CONTACT: dict[str, str] = {
    "en": """speak|speaking|talk|talking|chat|chatting|call|calling|phone|ring|contact|contacted|reach|
        discuss|get in touch|in touch|reach out|have a word|deal with|sort this out|sort it out|
        message me|text me|email me|write to me|hear from|complain|complaint|on the phone|on the line|by phone|
        over the phone|forward|pass on|pass this on|pass it on|put me in touch|escalate|escalated""",
    "fr": """parler|parle|discuter|echanger|appel*|rappel*|contact*|recontact*|joindre|telephon*|
        mettre en relation|mis en relation|mise en relation|entrer en contact|prendre contact|adresser|
        au telephone|par telephone|plainte|plaindre|reclamation|contacte|contactee|en contact|transmettre|
        transmettez|faire suivre|faites suivre""",
    "es": """hablar|hable|hablen|llamar|llame|llamen|llamarme|llamame|llameme|atender|atienda|atiendan|
        contactar|contacte|contacten|contactarme|comunicar|comunicarme|conversar|chatear|telefone*|
        ponerse en contacto|ponerme en contacto|escribir|escriba|escriban|comunic*|atendido|atendida|
        por telefono|al telefono|queja|quejarme|reclamar|reclamacion|contactado|contactada|en contacto|
        reenviar|reenvie|transmitir|transmita""",
    "pt": """falar|fale|ligar|ligue|liguem|liga|ligasse|ligarem|atender|atenda|atendam|conversar|contatar|
        contate|contatem|contactar|contacte|contactem|chamar|telefonar|telefone|entrar em contato|
        entre em contato|entrarem em contato|retornar|retorne|retornem|comunicar|atendido|atendida|
        por telefone|ao telefone|reclamar|reclamacao|queixa|contatado|contatada|contactado|contactada|
        em contato|em contacto|encaminhar|encaminhe|repassar|repasse|transmitir""",
    "de": """sprechen|spreche|reden|anrufen|anruft|ruf mich|rufen sie mich|kontaktier*|erreichen|verbinden|
        zuruckruf*|ruckruf*|telefonier*|telefonisch|in verbindung|chatten|am telefon|beschweren|beschwerde|
        kontaktiert|in kontakt|weiterleiten|weitergeben|ausrichten""",
    "it": "parlare|chiamare|chiami|chiamatemi|contattare|contatti|richiamare",
}

#: Being put through to somebody ("passez-moi", "verbinden Sie mich mit").
TRANSFER: dict[str, str] = {
    "en": "put|transfer|connect|pass|forward|redirect|escalate|get",
    "fr": "passez|passer|passe|transferez|transferer|transfere|mettez|mettre|redirigez",
    "es": "pasame|paseme|pasenme|pasar|pase|pasen|transfiera|transfieran|transferir|transferirme|comunica|"
    "comunique|comuniquen|ponga|pongame|ponme|poner",
    "pt": "passar|passe|passa|passem|transferir|transfira|transfiram|transfere|encaminhar|encaminhe|ponha",
    "de": "verbinden|verbinde|weiterleiten|weiterverbinden|leiten|leite|durchstellen|stellen sie mich|"
    "weiterstellen",
    "it": "passare|passami|passatemi|trasferire|collegare",
}

#: Calling back (with a first-person pronoun next to it: "me pode ligar?").
CALL: dict[str, str] = {
    "en": "call|ring|phone|buzz|callback|call back|ring back|answer|reply|respond|get back to",
    "fr": "appeler|appelez|appelle|appeller|rappeler|rappelez|rappelle|rappel|telephoner|telephonez|joindre|"
    "recontacter|contacter|contactez|repondre|repondez|reponde|ecrire|ecrivez|envoyer un message",
    "es": "llamar|llame|llamen|llama|llamarme|llamame|llameme|telefonear|telefonee|contactar|contacte|contacten|"
    "contactarme|devolver la llamada|responder|responda|respondan|conteste|contesten|contestar|atiende|"
    "atienda|atiendan|escribir|escriba|escriban|escribirme|escribame|mandar un mensaje|mande un mensaje",
    "pt": "ligar|ligue|liguem|liga|ligasse|ligarem|telefonar|telefone|telefonem|contatar|contate|contatem|"
    "contactar|contacte|contactem|retornar|retorne|retornem|chamar|chamem|chama|responder|responda|respondam|"
    "atende|atenda|atendam|atender|escrever|escreva|escrevam|mandar mensagem|mandar uma mensagem|mande mensagem|"
    "mande uma mensagem|mandar msg",
    "de": "anrufen|anruf|zuruckrufen|zuruckruf|ruckruf|kontaktieren|kontaktiert|telefonisch|antworten|"
    "antwortet|schreiben",
    "it": "chiamare|chiamarmi|chiamatemi|richiamare|richiamatemi|contattare|contattarmi",
}

#: A call back asked for as a thing: "I'd like a callback", "Rappel svp", "um retorno
#: por telefone". It counts after a NEED verb, next to "please" or with a phone number.
CALLBACK: dict[str, str] = {
    "en": "callback|call back|phone call|a call|a ring|a buzz",
    "fr": "rappel|un appel|appel telephonique|coup de fil|coup de telephone",
    "es": "una llamada|llamada telefonica|devolucion de llamada",
    "pt": "retorno|uma ligacao|ligacao|telefonema",
    "de": "ruckruf|anruf|einen anruf",
    "it": "una chiamata|richiamata",
}
#: Calls that are a service, not a person: "a wake-up call at 7".
SERVICE_CALLS: frozenset[str] = frozenset("wake wakeup reveil despertador weckruf weckanruf sveglia".split())

#: Languages: "do the receptionists speak Spanish?" asks about a skill, not for a person.
LANGUAGE_NAMES: frozenset[str] = frozenset(
    """english spanish french german portuguese italian chinese russian arabic japanese dutch
    anglais espagnol francais allemand portugais italien chinois russe arabe
    ingles espanol frances aleman portugues italiano chino ruso castellano
    espanhol alemao italiano chines
    englisch spanisch franzosisch deutsch portugiesisch italienisch chinesisch russisch
    inglese spagnolo francese tedesco portoghese""".split()
)

#: The guest's own people ("my boss booked", "ma collègue arrive"): not the hotel's.
MY: frozenset[str] = frozenset(
    "my our mon ma mes notre nos mi mis nuestro nuestra meu minha meus minhas nosso nossa mein meine meinem "
    "meiner meinen unser unsere unserem unserer".split()
)

#: "me" in the object position of each language (after folding and splitting).
ME: frozenset[str] = frozenset("me m moi mim mich mir".split())

#: Words that may stand between a pronoun and its call verb: "me pode ligar?",
#: "pouvez-vous m'appeler", "können Sie mich bitte kurz anrufen".
CALL_FILLERS: frozenset[str] = frozenset(
    """pode podem poderia poderiam podiam consegue conseguem puede pueden podria podrian podrias pueda puedan
    pouvez pourriez pourrait peux peut pourrais vous tu you pls please plz bitte doch mal kurz nochmal
    heute morgen bald schnell asap por favor sie du ihr euch back again voces vcs ustedes usted bei sich
    urgent urgently urgente dringend vite rapidement""".split()
)

#: Asking for, needing or preferring something, right before the person asked for.
NEED: dict[str, str] = {
    "en": "need|want|prefer|rather|would like|d like|demand|request|insist on|get me|give me|ask for|looking for",
    "fr": "besoin|veux|voudrais|voulons|souhaite|souhaiterais|aimerais|prefere|prefererais|exige|demande|"
    "cherche",
    "es": "necesito|necesitamos|quiero|queremos|quisiera|deseo|prefiero|exijo|pido|solicito|busco",
    "pt": "preciso|precisamos|quero|queremos|gostaria|prefiro|exijo|peco|solicito",
    "de": "brauche|brauchen|mochte|mochten|ich will|wir wollen|hatte gern|hatte gerne|verlange|bevorzuge|lieber|suche",
    "it": "voglio|vorrei|bisogno|preferisco",
}

#: Having somebody do something: "get someone to sort out my booking" (people only,
#: not places: "how do I get to reception?" is a way, not a person).
SUMMON: dict[str, str] = {
    "en": "get|send|find",
    "fr": "envoyer|envoyez|trouver",
    "es": "enviar|envien|mandar|manden|buscar",
    "pt": "mandar|mandem|enviar|chamar|arranjar",
    "de": "schicken|schicken sie",
}

#: Leaving something *with* somebody is entrusting, not talking: "can I leave my bags
#: with the staff?", "dejar el equipaje con el personal de recepción".
ENTRUST: frozenset[str] = frozenset(
    """leave drop store keep hold laisser laisse deposer garder dejar dejo guardar deixar deixo guardar lassen
    abgeben aufbewahren lasciare""".split()
)

#: Help verbs: "someone who can help", "alguna persona que me pueda ayudar".
HELP: dict[str, str] = {
    "en": "help|assist",
    "fr": "aider|aide|assister",
    "es": "ayudar|ayude|ayuden|ayudarme|asistir|ayuda",
    "pt": "ajudar|ajude|ajudem|ajudar me|auxiliar|ajuda",
    "de": "helfen|hilft|weiterhelfen|unterstutzen|hilfe",
    "it": "aiutare|aiutarmi",
}

#: "help from the front desk", "ayuda de recepción": the help comes from a person.
FROM: frozenset[str] = frozenset("from by de du des del da do dos von vom der".split())

#: Where are they? ("cadê os atendentes?", "where is the manager?", "wo sind die Mitarbeiter?")
WHERE: tuple[str, ...] = words(
    {
        "en": "where is|where are|where s|wheres",
        "fr": "ou est|ou sont|ou etes vous",
        "es": "donde esta|donde estan|donde hay",
        "pt": "cade|onde esta|onde estao|onde ta|onde tao",
        "de": "wo ist|wo sind|wo seid|wo bleibt|wo bleiben",
        "it": "dove e|dove sono",
    }
)

#: "please" and its friends, that may follow a bare request ("Human please").
PLEASE: frozenset[str] = frozenset(
    words(
        {
            "en": "please|pls|plz|pleeease|now|asap|thanks|thank you|thx",
            "fr": "svp|stp|s il vous plait|s il te plait|merci|vite",
            "es": "por favor|porfa|porfavor|gracias|ya",
            "pt": "por favor|pfv|pf|obrigado|obrigada|ja",
            "de": "bitte|danke|sofort|jetzt",
            "it": "per favore|grazie",
        }
    )
)

#: Small words that may surround a person in a bare request ("a human please").
ARTICLES: frozenset[str] = frozenset(
    """a an the some real un une le la l el los las uno una o os um uma ein eine einen einem einer der die den
    dem echte echten echter vraie vrai real de verdad verdade""".split()
)

#: Is anybody there? (the opening words, then a person pronoun, then nothing or "there").
PRESENCE_OPENERS: tuple[str, ...] = words(
    {
        "en": "is there|are there|is|are|anyone|anybody|someone|somebody|hello|hi|hey",
        "fr": "y a t il|y a t il pas|il y a|est ce qu il y a|y a|ya|allo|bonjour|ohe|hello",
        "es": "hay|esta|alguien|hola|oiga|oye",
        "pt": "tem|ha|esta|alguem|ola|oi|alo",
        "de": "ist da|ist hier|ist|sind|hallo|gibt es|jemand",
        "it": "c e|ce|ci sono|pronto|ciao",
    }
)
#: The people such a question asks about.
PRESENCE_PERSONS: frozenset[str] = frozenset(
    words(
        {
            "en": "anyone|anybody|someone|somebody|a person|a human|any human|a real person|people",
            "fr": "quelqu un|quelquun|qqn|qq1|une personne|un humain|du monde",
            "es": "alguien|una persona|alguna persona|un humano",
            "pt": "alguem|uma pessoa|um humano|gente",
            "de": "jemand|ein mensch|eine person|wer",
            "it": "qualcuno|una persona",
        }
    )
)
#: What may follow the person in that question ("anyone there?", "¿hay alguien ahí?").
PRESENCE_TAIL: frozenset[str] = frozenset(
    words(
        {
            "en": "there|here|around|online|awake|available|at all|out there|on the other side|in there|home|"
            "reading this|real",
            "fr": "la|ici|en ligne|disponible|au bout|de l autre cote",
            "es": "ahi|alli|aqui|ahi dentro|en linea|disponible|del otro lado",
            "pt": "ai|ali|aqui|online|disponivel|do outro lado",
            "de": "da|hier|online|erreichbar|dran|am anderen ende",
            "it": "li|qui|online",
        }
    )
)

#: A bot, robot or machine answering.
BOT: frozenset[str] = frozenset(
    "bot bots chatbot chatbots robot robots robo robos roboter machine maschine maquina ia ai ki".split()
)
#: What a guest wonders he is talking to: "is this a person?", "are you human?".
HUMAN_NESS: frozenset[str] = frozenset(
    "person personne persona pessoa mensch human humain humaine humano humana umano real".split()
)
#: "Are you / is this a bot?" openings.
BOT_QUESTION: tuple[str, ...] = words(
    {
        "en": "are you|is this|am i talking to|am i chatting with|am i speaking to|is it",
        "fr": "vous etes|etes vous|es tu|c est|je parle a|je parle avec|est ce",
        "es": "eres|es usted|es un|es una|estoy hablando con",
        "pt": "voce e|vc e|e um|e uma|isto e|isso e|estou falando com",
        "de": "bist du|sind sie|ist das|bin ich hier mit|rede ich mit|spreche ich mit",
        "it": "sei|e un",
    }
)
#: Answers or replies, to recognise "automatic answers" in any order.
REPLY_WORDS: frozenset[str] = frozenset(
    """reply replies answer answers response responses message messages reponse reponses message messages
    respuesta respuestas mensaje mensajes resposta respostas mensagem mensagens antwort antworten nachricht
    nachrichten risposta risposte""".split()
)
AUTOMATIC_PREFIXES: tuple[str, ...] = ("automat", "automa", "robot", "generic", "generi")

#: Numbers that make a following "persons" a head count ("a room for two persons").
NUMBER_WORDS: frozenset[str] = frozenset(
    """one two three four five six seven eight nine ten un une deux trois quatre cinq six sept huit dix
    uno una dos tres cuatro cinco seis siete ocho diez um uma dois duas tres quatro cinco seis sete oito dez
    ein eine zwei drei vier funf sechs sieben acht zehn due tre quattro cinque""".split()
)

#: Greetings that may open a short request ("Hello? anyone there?").
GREETINGS: frozenset[str] = frozenset(
    "hello hi hey hallo hola ola oi bonjour bonsoir salut allo alo ciao oiga oye buenas".split()
)
#: "Who can I talk to?" ("¿con quién puedo hablar?", "wen kann ich anrufen?").
WHO: tuple[str, ...] = tuple("who whom whoever qui quien quem wen wem chi".split())
#: "with" + a person ("sort this out with a member of your team", "com um funcionario").
WITH: frozenset[str] = frozenset("with avec con com mit".split())
#: A person after these is a head count: "a room for 2 persons", "price per person".
HEAD_COUNT: frozenset[str] = (NUMBER_WORDS - {"un", "une", "uno", "una", "um", "uma", "ein", "eine", "one"}) | {
    "per", "por", "par", "pro", "each", "chaque", "cada", "je",
}
#: After "me rappeler", these make it "remind me of": "pouvez-vous me rappeler l'heure ?".
REMIND_NEXT: frozenset[str] = frozenset(
    """l le la les votre vos ton ta tes mon ma mes son sa ses quel quelle quels quelles ce cette ou comment
    combien si a""".split()
)
#: Before "me"/"m'", these make it a name or the guest's own action: "je m'appelle",
#: "I'm calling", "se llama".
NOT_A_CALL_BEFORE_ME: frozenset[str] = frozenset("je i se".split())
