"""Word lists of the spam filter: the sites guests link to, and the pitches of spam.

Phrases are regular expressions searched on the folded, tokenised message joined by
single spaces (``bot.normalise``); the money promises are read on the raw lowercased
text. ``bot.spam`` weighs what they find.
"""

from __future__ import annotations

# Sites a guest links to when talking about a stay: booking and review platforms, maps,
# transport, social networks. Matched on the registered name whatever the country TLD.
WELL_KNOWN_NAMES = (
    "booking", "expedia", "hotels", "airbnb", "tripadvisor", "google", "trivago", "kayak", "agoda",
    "hostelworld", "vrbo", "instagram", "facebook", "whatsapp", "apple", "waze", "uber", "sncf-connect",
    "thetrainline", "trainline", "airfrance", "ryanair", "easyjet", "iberia", "lufthansa", "flytap",
    "bahn", "ratp", "eurostar", "holidaycheck", "hrs", "opodo", "lastminute", "momondo", "skyscanner",
)
WELL_KNOWN_DOMAINS = ("goo.gl", "g.page", "wa.me", "maps.app.goo.gl", "fb.com", "youtu.be", "youtube.com")
# Brands that phishing imitates; a domain using the name but not being the brand's own.
BRANDS = ("booking", "expedia", "airbnb", "paypal", "tripadvisor", "google", "amazon", "apple", "visa", "mastercard")
SHORTENERS = (
    "bit.ly", "tinyurl.com", "t.co", "ow.ly", "is.gd", "cutt.ly", "rebrand.ly", "shorturl.at", "rb.gy", "tiny.cc",
)
# Cheap top-level domains that spam favours; only a small extra weight on an untrusted link.
SUSPICIOUS_TLDS = (
    "xyz", "top", "click", "online", "site", "biz", "info", "loan", "win", "agency", "support", "live", "shop",
    "club", "icu", "buzz",
)
TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gl|fr|de|es|pt|it|br|uk|eu|ch|be|nl|at|ru|cn|xyz|top|online|site|"
    "shop|club|link|click|app|page|win|loan|support|live|store|us|ca|in|agency|icu|buzz|pl|ar|mx|tv|cc|at"
)

# Phrase families (folded, punctuation-free). One phrase alone weighs 0.7 in ``bot.spam``, below the
# threshold: "can I pay in bitcoin?" is a question, not spam.
SPAM_PHRASES: dict[str, tuple[str, ...]] = {
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
# Read on the raw lowercased text, where "%" and "$" survive: "300% in 24h" is a money
# promise, while "18 € pro Tag" (a parking price) is not.
MONEY_PROMISES = (
    r"(?<!\d)\d+\s?%\s?(?:(?:in|per|a|ao|al|par|pro|em|en|au|each|every|by)\s(?:the\s)?(?:day|week|month|24\s?h|"
    r"\d+\s?h|dia|día|mes|mês|jour|mois|tag|woche|monat|semana|semaine|giorno)|mensual|monthly|mensuel)(?!\w)",
    r"\b(?:earn|make|gagnez|gana|ganhe|verdienen sie|guadagna)\s+(?:up to\s+)?[$€£]?\s?\d",
    r"\${2,}|💰|🚀|💸|🤑|📈",
)
