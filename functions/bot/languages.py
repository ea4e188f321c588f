"""Word lists that tell the language of a message: stop words and letters.

Six languages (``LANGUAGES``). Every word is *folded* (lowercase, no accents: ``fold`` in
``bot.normalise``). Stop words serve twice: a word that only one language lists is
evidence of that language (``detect_language``), and every stop word, whatever its
language, is dropped before knowledge-base matching, with ``UNIVERSAL_STOP`` (the word
"hotel" says nothing about what a guest asks).
"""

from __future__ import annotations

#: The languages the engine reads, in the order that breaks a tie between them.
LANGUAGES = ("en", "fr", "es", "pt", "de", "it")

# Folded forms. A word listed for several languages tells nothing about the language
# (it is ignored by detect_language) but is still dropped before matching.
STOP_WORDS: dict[str, str] = {
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
UNIVERSAL_STOP = {"hotel", "hotels", "hoteis", "hoteles", "albergo"}

# Letters that only some of the languages use; each counts like two stop words.
CHAR_HINTS = {
    "ñ": ("es",), "¿": ("es",), "¡": ("es",),
    "ã": ("pt",), "õ": ("pt",), "ç": ("fr", "pt"), "ê": ("fr", "pt"), "ô": ("fr", "pt"), "â": ("fr", "pt"),
    "ß": ("de",), "ä": ("de",), "ö": ("de",), "ü": ("de",),
    "è": ("fr", "it"), "ù": ("fr", "it"), "î": ("fr",), "û": ("fr",), "œ": ("fr",), "ë": ("fr",), "ï": ("fr",),
    "à": ("fr", "pt", "it"), "ì": ("it",), "ò": ("it",),
}
