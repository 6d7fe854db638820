"""Palaio Faliro's consultation on climate neutrality (from its mission timeline), in Greek and
English, with about 200 generated responses so the results page has something to show.

Idempotent: the consultation and its questions are found by their natural keys, and responses
are generated only while the consultation has none.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from missions.demo import DemoReport, upsert
from missions.models import Municipality

from .models import Answer, Consultation, Option, Question, Response
from .services import participant_key_for_token

UTC = datetime.UTC

CONSULTATION = {
    "slug": "palaio-faliro-climate-neutrality",
    "title_en": "Consultation on climate neutrality in Palaio Faliro",
    "title_el": "Διαβούλευση για την κλιματική ουδετερότητα στον Δήμο Παλαιού Φαλήρου",
    "title_pl": "Konsultacje w sprawie neutralności klimatycznej w Palaio Faliro",
    "description_en": (
        "Palaio Faliro is starting a consultation on climate neutrality with this online "
        "questionnaire. It gathers the views of local bodies, residents and visitors, so that "
        "the municipality understands citizens' priorities and needs better and designs more "
        "targeted and sustainable actions towards its climate goals."
    ),
    "description_el": (
        "Ο Δήμος Παλαιού Φαλήρου ξεκινά τη διαδικασία διαβούλευσης για θέματα κλιματικής "
        "ουδετερότητας, με τη βοήθεια ενός διαδικτυακού ερωτηματολογίου. Στόχος είναι η συλλογή "
        "απόψεων από τοπικούς φορείς, κατοίκους και επισκέπτες, ώστε ο Δήμος να κατανοήσει "
        "καλύτερα τις προτεραιότητες και τις ανάγκες των πολιτών και να σχεδιάσει πιο "
        "στοχευμένες και βιώσιμες δράσεις για την επίτευξη των κλιματικών στόχων."
    ),
    "audience_en": "Local bodies, residents and visitors",
    "audience_el": "Τοπικοί φορείς, κάτοικοι και επισκέπτες",
    "audience_pl": "Lokalne instytucje, mieszkańcy i odwiedzający",
    "topics_en": "Waste management\nSustainable transport\nEnergy efficiency\n"
    "Adaptation to climate change",
    "topics_el": "Διαχείριση αποβλήτων\nΒιώσιμες μεταφορές\nΕνεργειακή αποδοτικότητα\n"
    "Προσαρμογή στις κλιματικές αλλαγές",
    "topics_pl": "Gospodarka odpadami\nZrównoważony transport\nEfektywność energetyczna\n"
    "Adaptacja do zmian klimatu",
    "opens_at": datetime.datetime(2024, 11, 1, 0, 0, tzinfo=UTC),
    "closes_at": datetime.datetime(2027, 6, 30, 21, 0, tzinfo=UTC),
    "mode": Consultation.Mode.ANONYMOUS,
    "results_visibility": Consultation.ResultsVisibility.LIVE,
    "is_published": True,
}

# (order, kind, required, topic en/el, text en/el, options [(en, el)], extra fields)
QUESTIONS = [
    (
        1,
        Question.Kind.SINGLE,
        True,
        ("", ""),
        ("How are you connected to Palaio Faliro?", "Ποια είναι η σχέση σας με τον Δήμο;"),
        [
            ("I live here", "Είμαι κάτοικος"),
            ("I represent a local body", "Εκπροσωπώ τοπικό φορέα"),
            ("I am a visitor", "Είμαι επισκέπτης/επισκέπτρια"),
        ],
        {},
    ),
    (
        2,
        Question.Kind.SCALE,
        True,
        ("Waste management", "Διαχείριση αποβλήτων"),
        (
            "How satisfied are you with recycling in your neighbourhood?",
            "Πόσο ικανοποιημένοι είστε από την ανακύκλωση στη γειτονιά σας;",
        ),
        [],
        {
            "scale_min": 1,
            "scale_max": 5,
            "scale_min_label_en": "not at all",
            "scale_min_label_el": "καθόλου",
            "scale_max_label_en": "very",
            "scale_max_label_el": "πολύ",
        },
    ),
    (
        3,
        Question.Kind.MULTIPLE,
        False,
        ("Sustainable transport", "Βιώσιμες μεταφορές"),
        (
            "What would help you leave the car at home? (up to two)",
            "Τι θα σας βοηθούσε να αφήνετε το αυτοκίνητο στο σπίτι; (έως δύο)",
        ),
        [
            ("More frequent buses", "Συχνότερα λεωφορεία"),
            ("Safe cycle lanes", "Ασφαλείς ποδηλατόδρομοι"),
            ("Wider pavements", "Φαρδύτερα πεζοδρόμια"),
            ("Charging points for electric vehicles", "Σημεία φόρτισης ηλεκτρικών οχημάτων"),
        ],
        {"max_choices": 2},
    ),
    (
        4,
        Question.Kind.SINGLE,
        True,
        ("Energy efficiency", "Ενεργειακή αποδοτικότητα"),
        (
            "Would you join a local energy community?",
            "Θα συμμετείχατε σε μια τοπική ενεργειακή κοινότητα;",
        ),
        [
            ("Yes", "Ναι"),
            ("Maybe, I would like to know more", "Ίσως, θα ήθελα να μάθω περισσότερα"),
            ("No", "Όχι"),
        ],
        {},
    ),
    (
        5,
        Question.Kind.MULTIPLE,
        False,
        ("Adaptation to climate change", "Προσαρμογή στις κλιματικές αλλαγές"),
        (
            "Which climate risks worry you most?",
            "Ποιοι κλιματικοί κίνδυνοι σας ανησυχούν περισσότερο;",
        ),
        [
            ("Heatwaves", "Καύσωνες"),
            ("Flooding", "Πλημμύρες"),
            ("Sea-level rise", "Άνοδος της στάθμης της θάλασσας"),
            ("Wildfires", "Πυρκαγιές"),
        ],
        {},
    ),
    (
        6,
        Question.Kind.NUMBER,
        False,
        ("Sustainable transport", "Βιώσιμες μεταφορές"),
        (
            "About how many kilometres do you drive a week?",
            "Περίπου πόσα χιλιόμετρα οδηγείτε την εβδομάδα;",
        ),
        [],
        {"number_min": Decimal("0"), "number_max": Decimal("3000")},
    ),
    (
        7,
        Question.Kind.LONG_TEXT,
        False,
        ("", ""),
        (
            "Your proposals or concerns for a climate-neutral Palaio Faliro",
            "Οι προτάσεις ή οι ανησυχίες σας για ένα κλιματικά ουδέτερο Παλαιό Φάληρο",
        ),
        [],
        {},
    ),
]

PROPOSALS = [
    "Περισσότερο πράσινο και σκιά στις πλατείες.",
    "Κάδοι κομποστοποίησης σε κάθε γειτονιά.",
    "Ποδηλατόδρομος κατά μήκος της παραλίας.",
    "Φωτοβολταϊκά στα σχολεία.",
    "More shade trees along the seafront, please.",
]


def _generate_responses(consultation: Consultation, count: int = 200) -> int:
    rng = random.Random(2024)  # noqa: S311 - demo data, reproducible on purpose
    questions = {q.order: q for q in consultation.questions.prefetch_related("options")}
    options = {order: list(q.options.all()) for order, q in questions.items()}
    responses = [
        Response(
            consultation=consultation,
            participant_key=participant_key_for_token(f"demo-participant-{i}", consultation),
            submitted_at=consultation.opens_at
            + datetime.timedelta(days=int(rng.triangular(0, 60, 3)), minutes=rng.randint(0, 1439)),
        )
        for i in range(count)
    ]
    Response.objects.bulk_create(responses)
    answers = []
    for response in responses:
        answers.append(
            Answer(
                response=response,
                question=questions[1],
                option=rng.choices(options[1], weights=[70, 10, 20])[0],
            )
        )
        answers.append(
            Answer(
                response=response,
                question=questions[2],
                number=Decimal(rng.choices([1, 2, 3, 4, 5], weights=[15, 25, 30, 20, 10])[0]),
            )
        )
        if rng.random() < 0.85:
            for option in rng.sample(options[3], k=rng.choice([1, 2])):
                answers.append(Answer(response=response, question=questions[3], option=option))
        answers.append(
            Answer(
                response=response,
                question=questions[4],
                option=rng.choices(options[4], weights=[45, 40, 15])[0],
            )
        )
        if rng.random() < 0.9:
            for option in rng.sample(options[5], k=rng.choice([1, 2, 3])):
                answers.append(Answer(response=response, question=questions[5], option=option))
        if rng.random() < 0.6:
            answers.append(
                Answer(
                    response=response,
                    question=questions[6],
                    number=Decimal(rng.randrange(0, 400, 10)),
                )
            )
        if rng.random() < 0.15:
            answers.append(
                Answer(response=response, question=questions[7], text=rng.choice(PROPOSALS))
            )
    Answer.objects.bulk_create(answers)
    return len(responses)


@transaction.atomic
def load_demo(report: DemoReport | None = None) -> DemoReport:
    report = report or DemoReport()
    city = Municipality.objects.get(slug="palaio-faliro")
    consultation = upsert(
        Consultation,
        {"slug": CONSULTATION["slug"]},
        {**{k: v for k, v in CONSULTATION.items() if k != "slug"}, "municipality": city},
        report,
    )
    for order, kind, required, topic, text, choices, extra in QUESTIONS:
        question = upsert(
            Question,
            {"consultation": consultation, "order": order},
            {
                "kind": kind,
                "required": required,
                "topic_en": topic[0],
                "topic_el": topic[1],
                "text_en": text[0],
                "text_el": text[1],
                **extra,
            },
            report,
        )
        for position, (option_en, option_el) in enumerate(choices, start=1):
            upsert(
                Option,
                {"question": question, "order": position},
                {"text_en": option_en, "text_el": option_el},
                report,
            )
    if not consultation.responses.exists():
        created = _generate_responses(consultation)
        report.created.append(f"{created} demo responses")
    return report
