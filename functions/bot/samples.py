"""A realistic sample knowledge base, as a hotel would fill it in the console.

Used to seed demo hotels and by the bot tests. The example questions are written the
way a front-desk team would type them (one or two per language), not to fit any
particular test message; the answers exist at least in French and English, and in
Spanish, Portuguese and German where a city hotel would naturally have them.
"""

from __future__ import annotations

from inbox.bot import KnowledgeBase, KnowledgeEntry

#: Domains of the sample hotel itself: links to them are never a spam signal.
SAMPLE_TRUSTED_DOMAINS = ("hotel-lumiere.fr",)


def _entry(id: str, topic: str, questions: list[str], answers: dict[str, str]) -> KnowledgeEntry:
    return KnowledgeEntry(id=id, topic=topic, questions=tuple(questions), answers=dict(answers))


def sample_entries(hotel_name: str = "Hôtel Lumière") -> tuple[KnowledgeEntry, ...]:
    """The sample hotel's knowledge-base entries (17 of them), in a stable order."""
    h = hotel_name
    return (
        _entry(
            "checkin_time",
            "Check-in time",
            [
                "What time is check-in?",
                "When can I check in?",
                "À quelle heure est le check-in ?",
                "À partir de quelle heure peut-on arriver ?",
                "¿A qué hora es el check-in?",
                "¿Cuándo está disponible la habitación?",
                "Qual é o horário do check-in?",
                "A que horas posso entrar no quarto?",
                "Ab wann ist der Check-in?",
                "Wann können wir einchecken?",
                "A che ora è il check-in?",
            ],
            {
                "fr": f"Le check-in à {h} se fait à partir de 15h. La réception est ouverte 24h/24.",
                "en": f"Check-in at {h} is from 3 pm. The front desk is open 24/7.",
                "es": f"El check-in en {h} es a partir de las 15:00. La recepción está abierta 24 horas.",
                "pt": f"O check-in no {h} é a partir das 15h. A recepção funciona 24 horas.",
                "de": f"Der Check-in im {h} ist ab 15 Uhr möglich. Die Rezeption ist rund um die Uhr "
                "besetzt.",
                "it": f"Il check-in al {h} è dalle 15:00. La reception è aperta 24 ore su 24.",
            },
        ),
        _entry(
            "checkout_time",
            "Check-out time",
            [
                "What time is check-out?",
                "When do we have to leave the room?",
                "À quelle heure faut-il libérer la chambre ?",
                "Quelle est l'heure du check-out ?",
                "¿A qué hora es la salida?",
                "¿Hasta qué hora tenemos la habitación el último día?",
                "Qual o horário do check-out?",
                "Bis wann müssen wir auschecken?",
                "Wann ist der Check-out?",
            ],
            {
                "fr": "Le check-out se fait avant 11h. Vous pouvez déposer vos bagages à la réception "
                "ensuite.",
                "en": "Check-out is by 11 am. You are welcome to leave your luggage at the front desk "
                "afterwards.",
                "es": "El check-out es antes de las 11:00. Después puede dejar su equipaje en recepción.",
                "pt": "O check-out é até às 11h. Depois pode deixar a bagagem na recepção.",
                "de": "Der Check-out ist bis 11 Uhr. Danach können Sie Ihr Gepäck gerne an der Rezeption "
                "lassen.",
                "it": "Il check-out è entro le 11:00. Potete lasciare i bagagli alla reception.",
            },
        ),
        _entry(
            "late_checkout",
            "Late check-out",
            [
                "Is late check-out possible?",
                "Can we keep the room until 2 pm?",
                "Peut-on faire un départ tardif ?",
                "Est-il possible de rester dans la chambre plus tard le dernier jour ?",
                "¿Es posible hacer el check-out más tarde?",
                "É possível fazer check-out mais tarde?",
                "Ist ein später Check-out möglich?",
                "Können wir das Zimmer länger behalten?",
            ],
            {
                "fr": "Un départ tardif jusqu'à 14h est possible selon disponibilité, pour 20 € par heure. "
                "Demandez-le à la réception la veille.",
                "en": "Late check-out until 2 pm is possible subject to availability, for €20 per extra "
                "hour. Please ask the front desk the day before.",
                "es": "Es posible un check-out tardío hasta las 14:00 según disponibilidad, por 20 € la "
                "hora. Pídalo en recepción el día anterior.",
                "pt": "O check-out tardio até às 14h é possível conforme disponibilidade, por 20 € por hora. "
                "Peça na recepção na véspera.",
                "de": "Ein später Check-out bis 14 Uhr ist je nach Verfügbarkeit möglich (20 € pro Stunde). "
                "Bitte fragen Sie am Vortag an der Rezeption.",
            },
        ),
        _entry(
            "early_checkin",
            "Early check-in",
            [
                "Can we check in early?",
                "Our flight lands at 8 am, can we have the room before 3 pm?",
                "Est-ce possible de faire le check-in en avance ?",
                "¿Podemos hacer el check-in antes de hora?",
                "Posso fazer o check-in mais cedo?",
                "Ist ein früher Check-in möglich?",
            ],
            {
                "fr": "Nous faisons notre possible pour préparer les chambres plus tôt. Une arrivée garantie "
                "dès 10h coûte 30 €. Sinon, vous pouvez déposer vos bagages dès votre arrivée.",
                "en": "We do our best to have rooms ready early. A guaranteed early check-in from 10 am "
                "costs €30; otherwise you can leave your luggage with us as soon as you arrive.",
                "es": "Hacemos lo posible por tener la habitación lista antes. El check-in anticipado "
                "garantizado desde las 10:00 cuesta 30 €; si no, puede dejar su equipaje al llegar.",
                "pt": "Fazemos o possível para ter o quarto pronto mais cedo. O check-in antecipado "
                "garantido a partir das 10h custa 30 €; caso contrário pode deixar a bagagem ao chegar.",
                "de": "Wir bemühen uns, die Zimmer früher fertig zu haben. Ein garantierter früher Check-in "
                "ab 10 Uhr kostet 30 €; sonst können Sie Ihr Gepäck bei Ankunft abgeben.",
            },
        ),
        _entry(
            "parking",
            "Parking",
            [
                "Do you have parking?",
                "How much is parking per night?",
                "Avez-vous un parking ?",
                "Où peut-on garer la voiture ?",
                "¿Tienen aparcamiento?",
                "O hotel tem estacionamento?",
                "Gibt es einen Parkplatz?",
            ],
            {
                "fr": "Nous avons un parking souterrain sécurisé de 20 places, à 18 € par nuit, sans "
                "réservation.",
                "en": "We have a secure underground car park with 20 spaces, €18 per night, no booking "
                "needed.",
                "es": "Disponemos de un aparcamiento subterráneo vigilado de 20 plazas, a 18 € por noche, "
                "sin reserva.",
                "pt": "Temos estacionamento subterrâneo seguro com 20 vagas, a 18 € por noite, sem reserva.",
                "de": "Wir haben eine gesicherte Tiefgarage mit 20 Plätzen, 18 € pro Nacht, ohne "
                "Reservierung.",
                "it": "Abbiamo un parcheggio sotterraneo custodito di 20 posti, a 18 € a notte.",
            },
        ),
        _entry(
            "breakfast",
            "Breakfast",
            [
                "What time is breakfast?",
                "Is breakfast included?",
                "Le petit-déjeuner est-il inclus ?",
                "À quelle heure est servi le petit-déjeuner ?",
                "¿El desayuno está incluido?",
                "O café da manhã está incluído?",
                "Ab wann gibt es Frühstück?",
            ],
            {
                "fr": "Le petit-déjeuner buffet est servi de 7h à 10h30 (11h le week-end), 16 € par "
                "personne, gratuit pour les moins de 6 ans. Il est inclus si votre tarif le mentionne.",
                "en": "The breakfast buffet is served 7–10:30 am (11 am at weekends), €16 per person, free "
                "under 6. It is included if your rate says so.",
                "es": "El desayuno buffet se sirve de 7:00 a 10:30 (11:00 el fin de semana), 16 € por "
                "persona, gratis para menores de 6 años. Está incluido si su tarifa lo indica.",
                "pt": "O café da manhã buffet é servido das 7h às 10h30 (11h ao fim de semana), 16 € por "
                "pessoa, grátis até 6 anos. Está incluído se a sua tarifa o indicar.",
                "de": "Das Frühstücksbuffet gibt es von 7 bis 10:30 Uhr (am Wochenende bis 11 Uhr), 16 € pro "
                "Person, Kinder unter 6 frei. Es ist inklusive, wenn Ihre Rate es angibt.",
                "it": "La colazione a buffet è servita dalle 7 alle 10:30, 16 € a persona.",
            },
        ),
        _entry(
            "wifi",
            "Wi-Fi",
            [
                "What is the wifi password?",
                "Is there free wifi?",
                "Quel est le code du wifi ?",
                "¿Cuál es la contraseña del wifi?",
                "Qual é a senha do wi-fi?",
                "Wie lautet das WLAN-Passwort?",
            ],
            {
                "fr": "Le wifi est gratuit dans tout l'hôtel : réseau « Lumiere-Guests », mot de passe « "
                "soleil2024 ».",
                "en": "Wi-Fi is free throughout the hotel: network \"Lumiere-Guests\", password "
                "\"soleil2024\".",
                "es": "El wifi es gratuito en todo el hotel: red «Lumiere-Guests», contraseña «soleil2024».",
                "pt": "O wi-fi é grátis em todo o hotel: rede \"Lumiere-Guests\", senha \"soleil2024\".",
                "de": "WLAN ist im ganzen Hotel kostenlos: Netzwerk „Lumiere-Guests“, Passwort „soleil2024“.",
                "it": "Il wifi è gratuito: rete \"Lumiere-Guests\", password \"soleil2024\".",
            },
        ),
        _entry(
            "pets",
            "Pets",
            [
                "Are pets allowed?",
                "Can I bring my dog?",
                "Acceptez-vous les animaux ?",
                "¿Se admiten mascotas?",
                "Aceitam animais de estimação?",
                "Sind Haustiere erlaubt?",
            ],
            {
                "fr": "Les chiens et chats de moins de 10 kg sont les bienvenus, pour 15 € par nuit. Ils ne "
                "sont pas admis au restaurant.",
                "en": "Dogs and cats under 10 kg are welcome for €15 per night. They are not allowed in the "
                "restaurant.",
                "es": "Se admiten perros y gatos de menos de 10 kg por 15 € la noche. No pueden entrar al "
                "restaurante.",
                "pt": "Cães e gatos com menos de 10 kg são bem-vindos, por 15 € por noite. Não podem entrar "
                "no restaurante.",
                "de": "Hunde und Katzen unter 10 kg sind für 15 € pro Nacht willkommen, jedoch nicht im "
                "Restaurant.",
            },
        ),
        _entry(
            "cancellation",
            "Cancellation",
            [
                "What is your cancellation policy?",
                "Can I cancel my booking for free?",
                "Quelles sont les conditions d'annulation ?",
                "¿Cuál es la política de cancelación?",
                "Posso cancelar a minha reserva?",
                "Wie sind die Stornierungsbedingungen?",
            ],
            {
                "fr": "Les réservations flexibles s'annulent sans frais jusqu'à 48h avant l'arrivée ; les "
                "tarifs non remboursables ne sont pas annulables. Pour une réservation faite chez une "
                "agence, annulez auprès d'elle.",
                "en": "Flexible bookings can be cancelled free of charge up to 48 hours before arrival; "
                "non-refundable rates cannot be cancelled. If you booked through an agency, please cancel "
                "with them.",
                "es": "Las reservas flexibles se cancelan sin gastos hasta 48 horas antes de la llegada; las "
                "tarifas no reembolsables no se pueden cancelar. Si reservó por una agencia, cancele con "
                "ella.",
                "pt": "As reservas flexíveis podem ser canceladas sem custos até 48 horas antes da chegada; "
                "as tarifas não reembolsáveis não podem ser canceladas. Se reservou por uma agência, cancele "
                "com ela.",
                "de": "Flexible Buchungen sind bis 48 Stunden vor Anreise kostenlos stornierbar; nicht "
                "erstattbare Raten nicht. Bei Buchung über ein Portal stornieren Sie bitte dort.",
            },
        ),
        _entry(
            "airport_shuttle",
            "Airport transfer",
            [
                "Do you have an airport shuttle?",
                "How do I get from the airport to the hotel?",
                "Avez-vous une navette pour l'aéroport ?",
                "¿Tienen traslado al aeropuerto?",
                "Vocês têm transfer do aeroporto?",
                "Gibt es einen Shuttle zum Flughafen?",
            ],
            {
                "fr": "Nous n'avons pas de navette, mais nous réservons un taxi à prix fixe : 55 € depuis "
                "Roissy-CDG, 40 € depuis Orly. Le RER B (CDG) ou l'Orlyval vous déposent à 10 minutes à "
                "pied.",
                "en": "We have no shuttle of our own, but we book fixed-price taxis: €55 from CDG, €40 from "
                "Orly. The RER B train (CDG) or Orlyval leave you a 10-minute walk away.",
                "es": "No tenemos lanzadera propia, pero reservamos taxis a precio fijo: 55 € desde CDG, 40 "
                "€ desde Orly. El RER B (CDG) o el Orlyval le dejan a 10 minutos a pie.",
                "pt": "Não temos transfer próprio, mas reservamos táxis a preço fixo: 55 € de CDG, 40 € de "
                "Orly. O RER B (CDG) ou o Orlyval deixam-no a 10 minutos a pé.",
                "de": "Wir haben keinen eigenen Shuttle, buchen aber Taxis zum Festpreis: 55 € ab CDG, 40 € "
                "ab Orly. Mit RER B (CDG) oder Orlyval sind Sie 10 Gehminuten entfernt.",
            },
        ),
        _entry(
            "luggage_storage",
            "Luggage storage",
            [
                "Can I leave my luggage before check-in?",
                "Can you keep our bags after check-out?",
                "Puis-je déposer mes bagages ?",
                "¿Puedo dejar las maletas en el hotel?",
                "Posso deixar as malas no hotel?",
                "Kann ich mein Gepäck bei Ihnen lassen?",
            ],
            {
                "fr": "Oui, notre bagagerie surveillée est gratuite, avant votre arrivée comme après votre "
                "départ.",
                "en": "Yes, our attended luggage room is free, both before check-in and after check-out.",
                "es": "Sí, nuestra consigna vigilada es gratuita, antes de su llegada y después de su "
                "salida.",
                "pt": "Sim, o nosso guarda-volumes vigiado é gratuito, antes do check-in e depois do "
                "check-out.",
                "de": "Ja, unsere bewachte Gepäckaufbewahrung ist kostenlos, vor dem Check-in wie nach dem "
                "Check-out.",
            },
        ),
        _entry(
            "pool_gym",
            "Pool and gym",
            [
                "Do you have a swimming pool?",
                "Is there a gym?",
                "Y a-t-il une piscine ?",
                "¿Tienen gimnasio?",
                "O hotel tem piscina?",
                "Gibt es einen Pool oder ein Fitnessstudio?",
            ],
            {
                "fr": "Notre piscine intérieure chauffée et la salle de fitness sont ouvertes de 7h à 22h, "
                "gratuitement pour les clients. Le sauna est en supplément (10 €).",
                "en": "Our heated indoor pool and the gym are open 7 am–10 pm, free for guests. The sauna "
                "costs €10 extra.",
                "es": "La piscina cubierta climatizada y el gimnasio abren de 7:00 a 22:00, gratis para los "
                "clientes. La sauna cuesta 10 € aparte.",
                "pt": "A piscina interior aquecida e a academia abrem das 7h às 22h, grátis para hóspedes. A "
                "sauna custa 10 € à parte.",
                "de": "Unser beheiztes Hallenbad und der Fitnessraum sind von 7 bis 22 Uhr geöffnet, für "
                "Gäste kostenlos. Die Sauna kostet 10 € extra.",
            },
        ),
        _entry(
            "restaurant",
            "Restaurant",
            [
                "Does the hotel have a restaurant?",
                "What time is dinner served?",
                "Le restaurant est ouvert à quelle heure ?",
                "¿El hotel tiene restaurante?",
                "O hotel tem restaurante?",
                "Hat das Hotel ein Restaurant?",
            ],
            {
                "fr": "Notre restaurant « La Verrière » est ouvert du mardi au samedi, de 12h à 14h et de "
                "19h à 22h. Réservation conseillée à la réception.",
                "en": "Our restaurant \"La Verrière\" is open Tuesday to Saturday, 12–2 pm and 7–10 pm. "
                "Booking at the front desk is recommended.",
                "es": "Nuestro restaurante «La Verrière» abre de martes a sábado, de 12:00 a 14:00 y de "
                "19:00 a 22:00. Se recomienda reservar en recepción.",
                "pt": "O nosso restaurante \"La Verrière\" abre de terça a sábado, das 12h às 14h e das 19h "
                "às 22h. Recomendamos reservar na recepção.",
                "de": "Unser Restaurant „La Verrière“ ist dienstags bis samstags von 12 bis 14 und von 19 "
                "bis 22 Uhr geöffnet. Reservierung an der Rezeption empfohlen.",
                "it": "Il nostro ristorante \"La Verrière\" è aperto dal martedì al sabato, 12–14 e 19–22.",
            },
        ),
        _entry(
            "city_tax",
            "City tax",
            [
                "Is the city tax included?",
                "How much is the tourist tax?",
                "La taxe de séjour est-elle incluse ?",
                "¿La tasa turística está incluida?",
                "A taxa turística está incluída?",
                "Ist die Kurtaxe im Preis enthalten?",
            ],
            {
                "fr": "La taxe de séjour de la ville est de 3,25 € par adulte et par nuit. Elle n'est pas "
                "incluse dans les tarifs et se règle à l'hôtel.",
                "en": "The city tax is €3.25 per adult per night. It is not included in our rates and is "
                "paid at the hotel.",
                "es": "La tasa turística es de 3,25 € por adulto y noche. No está incluida en la tarifa y se "
                "paga en el hotel.",
                "pt": "A taxa turística é de 3,25 € por adulto por noite. Não está incluída na tarifa e "
                "paga-se no hotel.",
                "de": "Die City Tax beträgt 3,25 € pro Erwachsenem und Nacht. Sie ist nicht im Preis "
                "enthalten und wird im Hotel bezahlt.",
            },
        ),
        _entry(
            "payment",
            "Payment methods",
            [
                "Which payment methods do you accept?",
                "Can I pay in cash?",
                "Quels moyens de paiement acceptez-vous ?",
                "¿Aceptan tarjeta de crédito?",
                "Aceitam cartão de crédito?",
                "Kann ich bar bezahlen?",
            ],
            {
                "fr": "Nous acceptons Visa, Mastercard, American Express, les espèces (jusqu'à 1 000 €) et "
                "les chèques-vacances ANCV.",
                "en": "We accept Visa, Mastercard, American Express, and cash (up to €1,000).",
                "es": "Aceptamos Visa, Mastercard, American Express y efectivo (hasta 1.000 €).",
                "pt": "Aceitamos Visa, Mastercard, American Express e dinheiro (até 1.000 €).",
                "de": "Wir akzeptieren Visa, Mastercard, American Express, girocard und Bargeld (bis 1.000 "
                "€).",
            },
        ),
        _entry(
            "reception_hours",
            "Reception hours and late arrival",
            [
                "Is the reception open 24 hours?",
                "We arrive very late at night, is that a problem?",
                "La réception est-elle ouverte la nuit ?",
                "¿La recepción está abierta 24 horas?",
                "A recepção funciona 24 horas?",
                "Ist die Rezeption rund um die Uhr besetzt?",
            ],
            {
                "fr": "La réception est ouverte 24h/24 : vous pouvez arriver à n'importe quelle heure de la "
                "nuit, votre chambre vous attend.",
                "en": "The front desk is staffed 24/7, so you can arrive at any time of night; your room "
                "will be waiting.",
                "es": "La recepción está abierta las 24 horas: puede llegar a cualquier hora de la noche.",
                "pt": "A recepção funciona 24 horas: pode chegar a qualquer hora da noite.",
                "de": "Die Rezeption ist rund um die Uhr besetzt: Sie können zu jeder Nachtzeit anreisen.",
                "it": "La reception è aperta 24 ore su 24: potete arrivare a qualsiasi ora.",
            },
        ),
        _entry(
            "baby_cot",
            "Baby cot and extra bed",
            [
                "Do you have a baby cot?",
                "Can we get an extra bed for our child?",
                "Avez-vous un lit bébé ?",
                "¿Tienen cuna para bebé?",
                "Vocês têm berço?",
                "Haben Sie ein Babybett?",
            ],
            {
                "fr": "Un lit bébé est fourni gratuitement sur demande (à préciser avant l'arrivée). Un lit "
                "d'appoint pour enfant coûte 25 € par nuit, dans les chambres Supérieures uniquement.",
                "en": "A baby cot is provided free on request (please tell us before arrival). An extra bed "
                "for a child costs €25 per night, in Superior rooms only.",
                "es": "Ofrecemos cuna gratis bajo petición (avísenos antes de llegar). Una cama supletoria "
                "para niños cuesta 25 € por noche, solo en habitaciones Superiores.",
                "pt": "O berço é gratuito mediante pedido (avise antes da chegada). Uma cama extra para "
                "criança custa 25 € por noite, apenas nos quartos Superiores.",
                "de": "Ein Babybett stellen wir auf Anfrage kostenlos bereit (bitte vor Anreise melden). Ein "
                "Zustellbett für Kinder kostet 25 € pro Nacht, nur in Superior-Zimmern.",
            },
        ),
    )


def sample_knowledge_base(hotel_name: str = "Hôtel Lumière", *, enabled: bool = True) -> KnowledgeBase:
    """A complete sample knowledge base for ``hotel_name`` (French by default, 17 entries)."""
    return KnowledgeBase(
        enabled=enabled,
        entries=sample_entries(hotel_name),
        default_language="fr",
        trusted_domains=SAMPLE_TRUSTED_DOMAINS,
    )
