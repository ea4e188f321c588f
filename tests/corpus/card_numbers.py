"""A labelled corpus of guest and team texts: card numbers as people type them, and numbers that only look like one.

Each sample says which card numbers it holds (as typed, with the format's name) and which look-alikes
(reservation and itinerary numbers, phone numbers, IBANs, dates, prices, postcodes, order ids, ...).
``masked`` names the look-alikes Lobby masks all the same: they pass the Luhn check by chance or by design
(a SIRET and an IMEI carry a Luhn check digit) and have a card's length, so no rule on digits alone can tell
them from a card. They are the false positives the integration test measures (``test_card_corpus``).

The cards are the networks' published test numbers, and numbers made to pass the check for a length.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    lang: str
    text: str
    cards: tuple[tuple[str, str], ...] = ()  # (format, the number as typed in the text)
    lookalikes: tuple[tuple[str, str], ...] = ()  # (kind, as typed): numbers that are not card numbers
    masked: tuple[str, ...] = ()  # the look-alikes (as typed) that pass the Luhn check with a card's length


SAMPLES: tuple[Sample, ...] = (
    # --- card numbers, in the formats people use, in several languages ------------------------------
    Sample("fr", "Bonjour, voici ma carte pour la caution : 4111111111111111",
           cards=(("plain_16", "4111111111111111"),)),
    Sample("fr", "Ma carte Visa est la 4012 8888 8888 1881, elle expire en 09/28. Merci !",
           cards=(("spaced_4_4_4_4", "4012 8888 8888 1881"),)),
    Sample("fr", "Pouvez-vous débiter la carte 5555-5555-5555-4444 ?",
           cards=(("dashed_4_4_4_4", "5555-5555-5555-4444"),)),
    Sample("fr", "Numéro de carte\u00a0: 5105\u00a01051\u00a00510\u00a05100 (Mastercard).",
           cards=(("nbsp_4_4_4_4", "5105\u00a01051\u00a00510\u00a05100"),)),
    Sample("en", "Here is my Amex for the deposit: 3782 822463 10005.",
           cards=(("amex_4_6_5", "3782 822463 10005"),)),
    Sample("en", "Please charge 371449635398431 for the extra night",
           cards=(("amex_plain_15", "371449635398431"),)),
    Sample("en", "My old card is 4000000000006, is a 13 digit card fine?",
           cards=(("plain_13", "4000000000006"),)),
    Sample("en", "Card: 4111 1111 1111 1111 003 (19 digits, my bank's debit card)",
           cards=(("spaced_19", "4111 1111 1111 1111 003"),)),
    Sample("en", "Use 6011000990139424009 please",
           cards=(("plain_19", "6011000990139424009"),)),
    Sample("en", "Card 4111 1111 1111 1111 exp 12 28 cvv 123",
           cards=(("spaced_with_expiry", "4111 1111 1111 1111"),)),
    Sample("en", "number 6011 1111 1111 1117 12 28 737 thanks",
           cards=(("spaced_then_expiry_and_code", "6011 1111 1111 1117"),)),
    Sample("de", "Meine Kreditkarte: 4000 0566 5566 5556, gültig bis 03/27.",
           cards=(("spaced_4_4_4_4", "4000 0566 5566 5556"),)),
    Sample("de", "Bitte buchen Sie die Anzahlung von der Karte 2223-0031-2200-3222 ab.",
           cards=(("dashed_4_4_4_4", "2223-0031-2200-3222"),)),
    Sample("de", "Diners Club 3056 930902 5904 – geht das?",
           cards=(("diners_4_6_4", "3056 930902 5904"),)),
    Sample("es", "Hola, mi tarjeta es 3530111333300000 y caduca en 2027.",
           cards=(("plain_16", "3530111333300000"),)),
    Sample("es", "¿Pueden cobrar en la tarjeta 6759 6498 2643 8453?",
           cards=(("spaced_4_4_4_4", "6759 6498 2643 8453"),)),
    Sample("es", "Tarjeta:6200000000000005.",
           cards=(("after_colon_plain_16", "6200000000000005"),)),
    Sample("it", "Buongiorno, la mia carta è 4111-1111-1111-1111, scadenza 11/29.",
           cards=(("dashed_4_4_4_4", "4111-1111-1111-1111"),)),
    Sample("it", "Carta di credito 5555 5555 5555 4444!",
           cards=(("spaced_end_of_sentence", "5555 5555 5555 4444"),)),
    Sample("it", "Ecco: 36227206271667 (Diners).",
           cards=(("plain_14", "36227206271667"),)),
    Sample("nl", "Mijn creditcard is 4012888888881881, vervaldatum 04/28.",
           cards=(("plain_16", "4012888888881881"),)),
    Sample("pt", "O meu cartão é 6250 9410 0652 8599 e o código é 321.",
           cards=(("spaced_4_4_4_4", "6250 9410 0652 8599"),)),
    Sample("en", "Two cards, in case one fails: 4111111111111111 5555555555554444",
           cards=(("two_in_a_row", "4111111111111111"), ("two_in_a_row", "5555555555554444"))),
    Sample("fr", "Chambre 12 4111 1111 1111 1111 svp",
           cards=(("after_a_room_number", "4111 1111 1111 1111"),)),
    # --- cards and look-alikes in one text -------------------------------------------------------------
    Sample("fr", "Réservation 8472-1934-5521, carte 4111 1111 1111 1111, tél. +33 6 12 34 56 78.",
           cards=(("spaced_4_4_4_4", "4111 1111 1111 1111"),),
           lookalikes=(("reservation_number", "8472-1934-5521"), ("phone", "+33 6 12 34 56 78"))),
    Sample("de", "IBAN DE89 3704 0044 0532 0130 00 oder Karte 5105 1051 0510 5100, Summe 1.234,56 €",
           cards=(("spaced_4_4_4_4", "5105 1051 0510 5100"),),
           lookalikes=(("iban", "DE89 3704 0044 0532 0130 00"), ("price", "1.234,56 €"))),
    Sample("en", "Itinerary 7301234567892 was paid with 378282246310005 on 2026-11-24",
           cards=(("amex_plain_15", "378282246310005"),),
           lookalikes=(("expedia_itinerary", "7301234567892"), ("date", "2026-11-24"))),
    # --- look-alikes only ------------------------------------------------------------------------------
    Sample("fr", "Bonjour, ma réservation n° 4839 2715 est confirmée pour le 24/11/2026.",
           lookalikes=(("reservation_number", "4839 2715"), ("date", "24/11/2026"))),
    Sample("fr", "Vous pouvez me joindre au +33 6 12 34 56 78 ou au 01 42 68 53 00.",
           lookalikes=(("phone", "+33 6 12 34 56 78"), ("phone", "01 42 68 53 00"))),
    Sample("fr", "Pour le remboursement, mon IBAN : FR76 3000 6000 0112 3456 7890 189",
           lookalikes=(("iban", "FR76 3000 6000 0112 3456 7890 189"),)),
    Sample("fr", "IBAN sans espaces : FR7630006000011234567890189, BIC AGRIFRPP",
           lookalikes=(("iban", "FR7630006000011234567890189"),)),
    Sample("fr", "Facture de 1 234,56 € pour la société SIRET 732 829 320 00074, 75008 Paris.",
           lookalikes=(("price", "1 234,56 €"), ("siret", "732 829 320 00074"), ("postcode", "75008")),
           masked=("732 829 320 00074",)),
    Sample("en", "Call me on +44 20 7946 0958 or 0044 20 7946 0958, I land on 2026-12-01 at 14:30.",
           lookalikes=(("phone", "+44 20 7946 0958"), ("phone", "0044 20 7946 0958"), ("date", "2026-12-01"))),
    Sample("en", "My Expedia itinerary number is 7301234567890, booked on 12-12-2026.",
           lookalikes=(("expedia_itinerary", "7301234567890"), ("date", "12-12-2026"))),
    Sample("en", "Expedia itinerary # 72049938517314 — booking reference 1122334455.",
           lookalikes=(("expedia_itinerary", "72049938517314"), ("reservation_number", "1122334455"))),
    Sample("en", "Order id 1000234567891234 from your shop, tracking 1Z999AA10123456784.",
           lookalikes=(("order_id", "1000234567891234"), ("tracking_number", "1Z999AA10123456784"))),
    Sample("en", "The total was $1,234.56 for 3 nights, postcode SW1A 1AA, phone +1 415 555 0132.",
           lookalikes=(("price", "$1,234.56"), ("phone", "+1 415 555 0132"))),
    Sample("en", "I left my phone, IMEI 490154203237518, in room 214.",
           lookalikes=(("imei", "490154203237518"), ("room", "214")), masked=("490154203237518",)),
    Sample("de", "Rufen Sie mich an: +49 30 12345678. Meine Buchung 2026-1124-0042 für 10115 Berlin.",
           lookalikes=(("phone", "+49 30 12345678"), ("reservation_number", "2026-1124-0042"),
                       ("postcode", "10115"))),
    Sample("de", "Überweisung von DE44 5001 0517 5407 3249 31 über 12 345 678 Cent",
           lookalikes=(("iban", "DE44 5001 0517 5407 3249 31"), ("price", "12 345 678"))),
    Sample("es", "Mi teléfono es +34 612 34 56 78 y mi IBAN ES91 2100 0418 4502 0005 1332.",
           lookalikes=(("phone", "+34 612 34 56 78"), ("iban", "ES91 2100 0418 4502 0005 1332"))),
    Sample("es", "Llegamos el 15-03-2027 y salimos el 18-03-2027, pedido 20270315-88421.",
           lookalikes=(("date", "15-03-2027"), ("date", "18-03-2027"), ("order_id", "20270315-88421"))),
    Sample("it", "Il mio numero è +39 06 6982 1234, IBAN IT60 X054 2811 1010 0000 0123 456.",
           lookalikes=(("phone", "+39 06 6982 1234"), ("iban", "IT60 X054 2811 1010 0000 0123 456"))),
    Sample("it", "Prenotazione 5521 8890 0123 del 03/04/2027, totale 2.450,00 euro, CAP 00187.",
           lookalikes=(("reservation_number", "5521 8890 0123"), ("date", "03/04/2027"), ("price", "2.450,00"),
                       ("postcode", "00187"))),
    Sample("nl", "Mijn IBAN is NL91 ABNA 0417 1643 00, telefoon +31 20 123 4567.",
           lookalikes=(("iban", "NL91 ABNA 0417 1643 00"), ("phone", "+31 20 123 4567"))),
    Sample("no", "Kontonummer NO93 8601 1117 947, takk.",
           lookalikes=(("iban", "NO93 8601 1117 947"),)),
    Sample("pt", "Encomenda 2026112400000017 paga, NIF 123456789.",
           lookalikes=(("order_id", "2026112400000017"), ("tax_id", "123456789"))),
)


def card_samples() -> list[Sample]:
    return [s for s in SAMPLES if s.cards]


def all_cards() -> list[tuple[str, str]]:
    """Every card number of the corpus: (format, as typed)."""
    return [card for s in SAMPLES for card in s.cards]


def all_lookalikes() -> list[tuple[str, str]]:
    return [lookalike for s in SAMPLES for lookalike in s.lookalikes]


def expected_false_positives() -> list[str]:
    return [masked for s in SAMPLES for masked in s.masked]
