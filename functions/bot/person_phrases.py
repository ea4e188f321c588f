"""Word lists of the hand-off detector: the explicit phrases asking for a person.

Regular expressions, searched in order on the folded, tokenised message joined by single
spaces (``bot.normalise``: "quelqu'un" is ``quelqu un``, "à" is ``a``). The first that
matches is the request. What guests say more loosely is in the word families of
``bot.lexicon``, which ``bot.person_requests`` combines into rules.
"""

from __future__ import annotations

# Somebody at the hotel, as English names them after "speak to", "talk with"...
_PERSON_EN = (
    r"(?:a |an |the |some |your |one of your |to )?(?:real |live |actual |human )?"
    r"(?:person|people|human|humans|agent|someone|somebody|anyone|anybody|staff|manager|"
    r"receptionist|reception|front desk|operator|representative|employee|member of staff|team|"
    r"someone from|somebody from)"
)
HUMAN_PATTERNS: tuple[tuple[str, str], ...] = (
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
HUMAN_PATTERNS += (
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
