"""Demo data built from the source pages (Palaio Faliro, Ilektron, Kozani, the EU Mission,
Warsaw's Partnership for Climate), with English translations written for the portal.

``load_demo()`` is idempotent: it finds every object by its natural key and saves only what
differs, so running it twice leaves the database (and the milestone history) unchanged.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models, transaction

from core.permissions import system_actor
from core.services import writer_for

from . import demo_content as el
from .models import (
    Membership,
    Milestone,
    Mission,
    MissionParticipation,
    Municipality,
    MunicipalityRole,
    Network,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)

D = datetime.date

EU_MISSION = {
    "slug": "eu-cities-mission",
    "name_en": "EU Mission: Climate-Neutral and Smart Cities",
    "name_el": "Ευρωπαϊκή Αποστολή για Κλιματικά Ουδέτερες και Έξυπνες Πόλεις",
    "name_pl": "Misja na rzecz miast neutralnych dla klimatu i inteligentnych",
    "short_name_en": "EU Cities Mission",
    "short_name_el": "Ευρωπαϊκή Αποστολή των Πόλεων",
    "short_name_pl": "Misja Miast",
    "goal_en": "100 climate-neutral and smart European cities by 2030, acting as hubs of "
    "innovation so that all European cities can follow by 2050.",
    "goal_el": "100 κλιματικά ουδέτερες και έξυπνες ευρωπαϊκές πόλεις έως το 2030, κόμβοι "
    "καινοτομίας ώστε όλες οι ευρωπαϊκές πόλεις να ακολουθήσουν έως το 2050.",
    "goal_pl": "100 neutralnych dla klimatu i inteligentnych miast europejskich do 2030 r., "
    "które staną się hubami innowacji ekologicznych, torując drogę pozostałym miastom "
    "europejskim do osiągnięcia neutralności klimatycznej do 2050 r.",
    "description_en": (
        "One of the European Commission's strategic initiatives. Its demand-led approach brings "
        "together every key stakeholder in a city, the national and regional authorities and "
        "the Commission to work towards the same goal. Cities cover only 4% of the EU's land but "
        "are home to 75% of its citizens; they use over 65% of the world's energy and account "
        "for more than 70% of global CO2 emissions.\n\n"
        "The foundation of change are Climate City Contracts, which involve the whole local "
        "ecosystem — local authorities, the private sector, academia and civil society — working "
        "towards the same ambitious goal through a shared strategy. Citizens are at the centre "
        "of the Mission: a fair transition, better health and well-being, cleaner air, new jobs "
        "and healthier lifestyles are among its aims. NEEST is an important project carried out "
        "under the Mission."
    ),
    "description_pl": (
        "Misja na rzecz miast neutralnych dla klimatu i inteligentnych (Misja Miast) jest jedną "
        "ze strategicznych inicjatyw Komisji Europejskiej. Podejście oparte na koncepcji wzrostu "
        "napędzanego popytem skupia wszystkich kluczowych interesariuszy w mieście, a także "
        "odpowiednie władze krajowe/regionalne i Komisję Europejską, aby pracować na rzecz tego "
        "samego celu.\n\n"
        "Fundament zmian mają stanowić Kontrakty Klimatyczne, które wymagają udziału całego "
        "lokalnego ekosystemu i wsparcia ze wszystkich poziomów zarządzania: władze lokalne, "
        "sektor prywatny, środowisko akademickie, społeczeństwo obywatelskie. Ważnym projektem "
        "realizowanym w ramach misji jest NEEST."
    ),
    "description_el": (
        "Μία από τις στρατηγικές πρωτοβουλίες της Ευρωπαϊκής Επιτροπής: 100 κλιματικά ουδέτερες "
        "και έξυπνες πόλεις έως το 2030, με Συμβάσεις Κλιματικά Ουδέτερων Πόλεων (Climate City "
        "Contracts) που συνδέουν τις τοπικές αρχές, τον ιδιωτικό τομέα, την ακαδημαϊκή κοινότητα "
        "και την κοινωνία των πολιτών."
    ),
    "goal_year": 2030,
    "website": "https://research-and-innovation.ec.europa.eu/funding/funding-opportunities/"
    "funding-programmes-and-open-calls/horizon-europe/eu-missions-horizon-europe/"
    "climate-neutral-and-smart-cities_en",
}

GREEK_MISSION = {
    "slug": "greek-cities-mission",
    "name_en": "Greek Mission of Climate-Neutral and Smart Cities",
    "name_el": "Ελληνική Αποστολή των Κλιματικά Ουδέτερων και Έξυπνων Πόλεων",
    "name_pl": "Grecka Misja miast neutralnych dla klimatu i inteligentnych",
    "short_name_en": "Greek Cities Mission",
    "short_name_el": "Ελληνική Αποστολή των Πόλεων",
    "short_name_pl": "Grecka Misja Miast",
    "goal_en": "Greek municipalities on the path to climate neutrality by 2030.",
    "goal_el": "Ελληνικοί δήμοι στον δρόμο για την κλιματική ουδετερότητα έως το 2030.",
    "goal_pl": "Greckie gminy na drodze do neutralności klimatycznej do 2030 r.",
    "description_en": "The national mission that brings Greek municipalities into the EU Mission's "
    "approach: climate neutrality, the Sustainable Development Goals, biodiversity, circular "
    "economy, sustainable mobility and investment in sustainable projects.",
    "description_el": "Η εθνική αποστολή που εντάσσει τους ελληνικούς δήμους στην προσέγγιση της "
    "Ευρωπαϊκής Αποστολής για την κλιματική ουδετερότητα.",
    "goal_year": 2030,
}

NETZEROCITIES = {
    "slug": "netzerocities-twinning",
    "name_en": "NetZeroCities Twinning Programme",
    "name_el": "Πρόγραμμα Δίδυμων Πόλεων NetZeroCities",
    "name_pl": "Program partnerski NetZeroCities (Twinning)",
    "description_en": (
        "Forty cities from across Europe take part in the first cohort. Each twin city is paired "
        "with a pilot city, or a cluster of pilot cities, that already innovates and pilots "
        "decarbonisation activities as part of the EU Mission. The two-year programme is built on "
        "hands-on exchange between staff of pilot and twin cities; pilots learn from their twins "
        "too, and at the end of the learning cycle the twins scale the pilot activities up across "
        "the city."
    ),
    "description_el": (
        "Σαράντα πόλεις από όλη την Ευρώπη συμμετέχουν στην πρώτη ομάδα του NetZeroCities "
        "Twinning Programme. Οι πόλεις που έχουν επιλεγεί γίνονται «δίδυμες» με μια πιλοτική πόλη "
        "ή ένα σύμπλεγμα πόλεων που ήδη καινοτομούν και εφαρμόζουν πιλοτικά δραστηριότητες "
        "απαλλαγής από τις ανθρακούχες εκπομπές ως μέρος της ευρωπαϊκής αποστολής. Το πρόγραμμα "
        "είναι διετούς διάρκειας."
    ),
    "organiser": "NetZeroCities",
    "starts_on": D(2023, 9, 1),
    "ends_on": D(2025, 8, 31),
}

MUNICIPALITIES = [
    {
        "slug": "palaio-faliro",
        "name_en": "Palaio Faliro",
        "name_el": "Παλαιό Φάληρο",
        "name_pl": "Palaio Faliro",
        "native_name": "Δήμος Παλαιού Φαλήρου",
        "country": "GR",
        "region": "Attica",
        "phone": "213 2020200",
        "email": "aitimata.dpf@palaiofaliro.gr",
        "address_en": "Terpsichoris 51 & Artemidos, 175 62 Palaio Faliro",
        "address_el": "Τερψιχόρης 51 & Αρτέμιδος 175 62",
        "address_pl": "Terpsichoris 51 & Artemidos, 175 62 Palaio Faliro",
        "website": "https://www.palaiofaliro.gr",
        "latitude": Decimal("37.928300"),
        "longitude": Decimal("23.700800"),
        "target_year": 2030,
        "summary_en": "Mission timeline: the plan and phases of our Mission.",
        "summary_el": "Χρονοδιάγραμμα Αποστολής: Το πλάνο και οι φάσεις της Αποστολής μας.",
        "summary_pl": "Harmonogram misji: plan i etapy naszej misji.",
    },
    {
        "slug": "kozani",
        "name_en": "Kozani",
        "name_el": "Κοζάνη",
        "name_pl": "Kozani",
        "native_name": "Δήμος Κοζάνης",
        "country": "GR",
        "region": "Western Macedonia",
        "website": "https://www.kozanh.gr",
        "latitude": Decimal("40.300600"),
        "longitude": Decimal("21.789000"),
        "target_year": 2030,
        "summary_en": "The only Greek city selected in the first phase of the NetZeroCities Pilot "
        "Cities Programme.",
        "summary_el": "Η μοναδική ελληνική πόλη που επιλέχθηκε στην 1η φάση του προγράμματος "
        "πιλοτικών πόλεων (Net Zero Cities/Pilot Cities Programme).",
    },
    {
        "slug": "alba-iulia",
        "name_en": "Alba Iulia",
        "name_el": "Άλμπα Ιούλια",
        "name_pl": "Alba Iulia",
        "native_name": "Alba Iulia",
        "country": "RO",
        "region": "Alba",
        "latitude": Decimal("46.066700"),
        "longitude": Decimal("23.583300"),
    },
    {
        "slug": "nantes",
        "name_en": "Nantes",
        "name_el": "Νάντη",
        "name_pl": "Nantes",
        "native_name": "Nantes",
        "country": "FR",
        "region": "Pays de la Loire",
        "latitude": Decimal("47.218400"),
        "longitude": Decimal("-1.553600"),
    },
    {
        "slug": "warsaw",
        "name_en": "Warsaw",
        "name_el": "Βαρσοβία",
        "name_pl": "Warszawa",
        "native_name": "Miasto Stołeczne Warszawa",
        "country": "PL",
        "region": "Masovian Voivodeship",
        "website": "https://um.warszawa.pl",
        "latitude": Decimal("52.229700"),
        "longitude": Decimal("21.012200"),
        "target_year": 2050,
        "summary_en": "Warsaw takes part in many international ecological initiatives: with C40 "
        "Cities and EUROCITIES it promotes climate action, supports advocacy towards "
        "governments and international organisations for suitable legislation, and runs "
        "concrete programmes against climate change.",
        "summary_pl": "Warszawa uczestniczy w wielu międzynarodowych inicjatywach ekologicznych. W "
        "ramach współpracy z organizacjami miast C40 Cities oraz EUROCITIES Warszawa propaguje "
        "działania na rzecz ochrony klimatu, wspiera oddziaływanie na rządy i organizacje "
        "międzynarodowe w zakresie odpowiedniej legislacji, a także realizuje konkretne programy "
        "zmierzające do przeciwdziałania zmianom klimatycznym.",
    },
]

# Palaio Faliro's five milestones in page order: date, status, kind, English title and text.
# The Greek titles and descriptions are exactly those of the municipality's page; the
# September 2024 item repeats the September 2023 text there, and so it does here.
PALAIO_FALIRO_MILESTONES = [
    (
        D(2023, 10, 1),
        Milestone.Status.COMPLETED,
        Milestone.Kind.MISSION,
        "The municipality joins the Greek Cities Mission",
        "Joining the Greek Mission of Climate-Neutral and Smart Cities in 2023 brings Palaio "
        "Faliro significant benefits and opportunities, including:\n"
        "1. Environmental and sustainable policies aligned with the European Green Deal, "
        "promoting climate neutrality and green growth.\n"
        "2. Local policies for the Sustainable Development Goals (SDGs): more humane, inclusive, "
        "resilient and safe cities.\n"
        "3. Protecting biodiversity: actions to protect and restore local biodiversity and the "
        "area's natural heritage.\n"
        "4. Sustainable public procurement and the circular economy: less waste and more "
        "efficient use of resources.\n"
        "5. Sustainable urban mobility and sustainable food: choices that promote health, "
        "sustainability and efficiency in travel and eating habits.\n"
        "6. Investment in and funding of sustainable projects with European funds, contributing "
        "to the transition to a climate-neutral economy.",
    ),
    (
        D(2023, 9, 1),
        Milestone.Status.COMPLETED,
        Milestone.Kind.TWINNING,
        "The municipality joins the EU Cities Mission's Twin Cities programme",
        "In September 2023 Palaio Faliro joined the European Twin Cities programme together "
        "with three other Greek municipalities. The programme speeds up climate neutrality "
        "through cooperation between cities that have already developed pioneering actions and "
        "cities that seek to adopt these practices.\n\n"
        "Palaio Faliro was paired with Nantes, France, under the Together Towards Climate "
        "Neutrality initiative, from which it will draw knowledge and practices for reaching "
        "climate neutrality.\n\n"
        "This gives the municipality the chance to apply innovative solutions and strategies "
        "against climate change, strengthening the environmental and urban regeneration of the "
        "city. The projects delivered through the programme will improve citizens' quality of "
        "life, create new jobs and promote economic growth and sustainability.",
    ),
    (
        D(2024, 9, 1),
        Milestone.Status.COMPLETED,
        Milestone.Kind.GOVERNANCE,
        "A Climate Neutrality Office is set up",
        "In September 2023 Palaio Faliro joined the European Twin Cities programme together "
        "with three other Greek municipalities. The programme speeds up climate neutrality "
        "through cooperation between cities that have already developed pioneering actions and "
        "cities that seek to adopt these practices.\n\n"
        "Palaio Faliro was paired with Nantes, France, under the Together Towards Climate "
        "Neutrality initiative, from which it will draw knowledge and practices for reaching "
        "climate neutrality.\n\n"
        "This gives the municipality the chance to apply innovative solutions and strategies "
        "against climate change, strengthening the environmental and urban regeneration of the "
        "city. The projects delivered through the programme will improve citizens' quality of "
        "life, create new jobs and promote economic growth and sustainability.",
    ),
    (
        D(2024, 11, 1),
        Milestone.Status.IN_PROGRESS,
        Milestone.Kind.CONSULTATION,
        "A consultation questionnaire on climate neutrality opens in Palaio Faliro",
        "In November 2024 Palaio Faliro starts a consultation on climate neutrality with an "
        "online questionnaire. From 1 November the questionnaire is available on the "
        "municipality's website and gathers the views of local bodies, residents and visitors.\n\n"
        "The consultation strengthens the local community's part in shaping the strategies for "
        "climate neutrality, so that the municipality understands citizens' priorities and needs "
        "better and designs more targeted and sustainable actions.\n\n"
        "The questionnaire covers waste management, sustainable transport, energy efficiency and "
        "adaptation to climate change, and invites participants to share their proposals and "
        "concerns.",
    ),
    (
        D(2025, 1, 1),
        Milestone.Status.UPCOMING,
        Milestone.Kind.ACTION_PLAN,
        "Work starts on the Action Plan, the Investment Plan and the Commitment Plan for "
        "climate neutrality",
        "In January 2025 Palaio Faliro starts drawing up three key plans under the European Green "
        "Deal and the Twin Cities programme: the Action Plan, the Investment Plan and the "
        "Commitment Plan for reaching climate neutrality.\n"
        "1. Climate Neutrality Action Plan to 2030: concrete actions and strategies to cut "
        "greenhouse gas emissions, with measurable and monitored indicators, in transport, "
        "energy and the circular economy.\n"
        "2. Climate Neutrality Investment Plan: securing the resources to fund the projects of "
        "the Action Plan, with an analysis of the cost of the investments and funding from "
        "European programmes and private investment.\n"
        "3. Commitment Plan: bringing citizens and local bodies into the transition, with "
        "information and awareness actions that encourage everyone concerned to take part.\n\n"
        "The plans will rest on broad participation of local bodies and citizens and will help "
        "build a resilient and sustainable urban environment in Palaio Faliro, aiming at climate "
        "neutrality by 2030.",
    ),
]

ILEKTRON_OBJECTIVES_EN = [
    "Following international developments, experience and good practice, and informing members "
    "about possible actions and their sources of funding.",
    "Securing and coordinating cooperation and joint action among its members and with outside "
    "bodies taking part in its actions.",
    "Providing services, mainly of a scientific nature.",
    "Organising events, talks, workshops, conferences and lectures that inform about and "
    "showcase the cooperating cities, towards the network's actions.",
    "Actions promoting every clean form of energy, including renewable energy sources combined "
    "with energy storage.",
    "Actions promoting energy saving at local and national level.",
    "Services for setting up and running energy communities.",
    "Studies and tools to reduce the carbon footprint of the energy sector.",
    "Services for integrated energy planning of municipalities.",
    "Actions promoting clean transport, including alternative fuels, electric and hydrogen "
    "mobility, and more energy-efficient vehicles.",
    "Services for hydrogen and electric mobility plans at local and national level.",
    "Services for planning and building hydrogen refuelling and electric charging "
    "infrastructure, and bringing such vehicles into municipal and private fleets.",
    "Studies and tools to reduce the carbon footprint of clean transport.",
    "Actions to protect the environment.",
    "Actions developing the social economy.",
    "Initiatives to inform society as widely as possible about the new facts and risks of "
    "climate change.",
    "Initiatives to inform about the possibilities of the circular economy.",
    "Improving life and daily routine with technological systems, for natural and legal persons.",
    "Creating suitable tools and studies for the network's members within its purposes.",
    "Improving life and daily routine with technological systems, for natural and legal "
    "persons (repeated on the source page).",
    "Promoting green technologies (e.g. green roofs) in the urban fabric to save energy and "
    "improve environmental conditions.",
    "Informing and raising public awareness on matters of the network's purposes.",
    "Lifelong learning on pedestrian and vehicle traffic as technology keeps evolving.",
    "Research, and cooperation with scientific bodies of every relevant field.",
    "Seeking effective measures and action by the competent authorities and everyone involved "
    "in road safety, to prevent road accidents and improve urban mobility and accessibility.",
]

ILEKTRON_MEANS_EN = [
    "Cooperation with European bodies to reach its objectives through European programmes.",
    "Scientific and technical support for its members and other local government bodies.",
    "Taking part in, and representing the network at, related international and national "
    "organisations, services and events.",
    "Proposing and running programmes in fields related to its purposes, funded by national or "
    "European resources, donations or sponsorship, including as a partner in consortia.",
    "Designing, organising, running, managing and evaluating co-funded national and European "
    "programmes and projects in its field.",
    "Transnational cooperation towards the network's main objectives.",
    "International cooperation with reliable bodies (NGOs, development agencies, university "
    "networks, cooperatives, private initiatives, etc.).",
    "Concluding programme contracts under the legislation in force.",
]

ILEKTRON = {
    "slug": "ilektron",
    "name_en": "Ilektron — Network of Cities for Sustainable Clean Transport and Safe Mobility",
    "name_el": el.ILEKTRON_NAME_EL + " — " + el.ILEKTRON_FULL_NAME_EL,
    "name_pl": "Ilektron — Sieć miast na rzecz zrównoważonego czystego transportu i "
    "bezpiecznej mobilności",
    "short_name": "Ilektron",
    "kind": Network.Kind.CITY_NETWORK,
    "status": Network.Status.BEING_FOUNDED,
    "non_profit": True,
    "description_en": (
        "Ilektron, the Network of Cities for the Promotion of Sustainable Clean Transport and "
        "Safe Mobility, being founded, is a non-profit organisation whose primary purpose is to "
        "take initiatives on the challenges that the Green Deal sets in the environment, energy, "
        "clean transport, and safe accessibility and mobility.\n\n"
        "It follows international developments and good practice, and informs its members about "
        "possible actions and how to use their sources of funding. Local authorities "
        "(municipalities, regions and other bodies) and social or scientific bodies may become "
        "members."
    ),
    "description_el": el.ILEKTRON_DESCRIPTION_EL,
    "objectives_en": "\n".join(ILEKTRON_OBJECTIVES_EN),
    "objectives_el": "\n".join(el.ILEKTRON_OBJECTIVES_EL),
    "means_en": "\n".join(ILEKTRON_MEANS_EN),
    "means_el": "\n".join(el.ILEKTRON_MEANS_EL),
    "thematic_areas_en": "Clean transport\nSafe mobility\nEnergy\nEnvironment",
    "thematic_areas_el": "Καθαρές μεταφορές\nΑσφαλής κινητικότητα\nΕνέργεια\nΠεριβάλλον",
    "thematic_areas_pl": "Czysty transport\nBezpieczna mobilność\nEnergia\nŚrodowisko",
    "member_kinds_en": "Local authorities (municipalities, regions and other bodies)\n"
    "Social or scientific bodies",
    "member_kinds_el": "Οργανισμοί Τοπικής Αυτοδιοίκησης (Δήμοι, Περιφέρειες και λοιποί φορείς)\n"
    "Κοινωνικοί ή Επιστημονικοί Φορείς",
}

PARTNERSHIP = {
    "slug": "partnership-for-climate",
    "name_en": "Partnership for Climate",
    "name_el": "Συνεργασία για το Κλίμα",
    "name_pl": "Partnerstwo dla Klimatu",
    "kind": Network.Kind.PARTNERSHIP,
    "status": Network.Status.ACTIVE,
    "contact_email": "partnerstwo@um.warszawa.pl",
    "description_en": (
        "The Partnership for Climate platform runs, together with its partners, comprehensive "
        "and innovative education and promotion on climate change: conferences, debates, "
        "happenings and exhibitions that raise public awareness of climate protection.\n\n"
        "Its partners represent very different communities: government and local administration, "
        "embassies, non-governmental organisations and institutions for which protecting the "
        "climate is a priority."
    ),
    "description_pl": (
        "Celem Platformy „Partnerstwo dla Klimatu” jest prowadzenie wspólnie z Partnerami "
        "kompleksowych, innowacyjnych działań edukacyjnych i promocyjnych związanych z "
        "problematyką zmian klimatu. W ramach Platformy organizowane są różnego rodzaju "
        "wydarzenia o zróżnicowanym charakterze, m.in. konferencje, debaty, happeningi, wystawy, "
        "które mają na celu zwiększanie świadomości społecznej z zakresu ochrony klimatu.\n\n"
        "Partnerami „Partnerstwa dla Klimatu” są organizacje i instytucje reprezentujące bardzo "
        "różnorodne środowiska, m.in. jednostki administracji rządowej i samorządowej, ambasady, "
        "organizacje pozarządowe oraz instytucje, dla których ochrona klimatu stanowi priorytet."
    ),
    "thematic_areas_en": "Energy efficiency\nRenewable energy sources\n"
    "Environmentally friendly transport\nPromoting an ecological lifestyle",
    "thematic_areas_pl": "Efektywność energetyczna\nOdnawialne źródła energii\n"
    "Transport przyjazny środowisku\nPromocja ekologicznego stylu życia",
    "thematic_areas_el": "Ενεργειακή αποδοτικότητα\nΑνανεώσιμες πηγές ενέργειας\n"
    "Φιλικές προς το περιβάλλον μεταφορές\nΠροώθηση οικολογικού τρόπου ζωής",
    "means_en": "Sharing experience, knowledge, ideas, actions and resources for the common goal "
    "of protecting the environment and the climate\n"
    "Mutual support of all partners in working towards that goal\n"
    "Carrying out concrete projects together",
    "means_pl": "dzielenie się doświadczeniem, wiedzą, pomysłami, działaniami, zasobami różnych "
    "podmiotów na rzecz wspólnego celu - ochrony środowiska i klimatu\n"
    "wzajemne wsparcie wszystkich partnerów w działaniach na rzecz wyznaczonego celu\n"
    "wspólna realizacja konkretnych projektów",
    "member_kinds_en": "Government and local administration\nEmbassies\n"
    "Non-governmental organisations\nInstitutions for which climate protection is a priority",
    "member_kinds_pl": "Jednostki administracji rządowej i samorządowej\nAmbasady\n"
    "Organizacje pozarządowe\nInstytucje, dla których ochrona klimatu stanowi priorytet",
}

C40 = {
    "slug": "c40-cities",
    "name_en": "C40 Cities",
    "short_name": "C40",
    "kind": Network.Kind.CITY_NETWORK,
    "status": Network.Status.ACTIVE,
    "website": "https://www.c40.org",
    "description_en": "A global network of mayors of the world's leading cities united in action "
    "to confront the climate crisis.",
    "description_pl": "Globalna sieć burmistrzów wiodących miast świata, działających wspólnie na "
    "rzecz przeciwdziałania kryzysowi klimatycznemu.",
}

EUROCITIES = {
    "slug": "eurocities",
    "name_en": "EUROCITIES",
    "kind": Network.Kind.CITY_NETWORK,
    "status": Network.Status.ACTIVE,
    "website": "https://eurocities.eu",
    "description_en": "The network of major European cities, working together to make cities "
    "places where everyone can enjoy a good quality of life.",
    "description_pl": "Sieć dużych miast europejskich, które współpracują, aby miasta były "
    "miejscami dobrej jakości życia dla wszystkich.",
}

ORGANISATIONS = [
    {
        "slug": "warsaw",
        "name_en": "City of Warsaw",
        "name_pl": "Miasto Stołeczne Warszawa",
        "name_el": "Δήμος Βαρσοβίας",
        "kind": Organisation.Kind.MUNICIPALITY,
        "country": "PL",
        "municipality": "warsaw",
    },
    {
        "slug": "bopipk",
        "name_en": "Air Protection and Climate Policy Office (BOPiPK)",
        "name_pl": "Biuro Ochrony Powietrza i Polityki Klimatycznej (BOPiPK)",
        "kind": Organisation.Kind.GOVERNMENT,
        "country": "PL",
    },
    {
        "slug": "palaio-faliro",
        "name_en": "Municipality of Palaio Faliro",
        "name_el": "Δήμος Παλαιού Φαλήρου",
        "kind": Organisation.Kind.MUNICIPALITY,
        "country": "GR",
        "municipality": "palaio-faliro",
    },
    {
        "slug": "kozani",
        "name_en": "Municipality of Kozani",
        "name_el": "Δήμος Κοζάνης",
        "kind": Organisation.Kind.MUNICIPALITY,
        "country": "GR",
        "municipality": "kozani",
    },
]

MEMBERSHIPS = [
    ("partnership-for-climate", "warsaw", Membership.Role.MEMBER),
    ("partnership-for-climate", "bopipk", Membership.Role.COORDINATOR),
    ("c40-cities", "warsaw", Membership.Role.MEMBER),
    ("eurocities", "warsaw", Membership.Role.MEMBER),
]


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)


def upsert(model: type[models.Model], lookup: dict, values: dict, report: DemoReport):
    """Find ``model`` by ``lookup`` and save it with ``values`` through its services, as the
    system actor; only what differs is written."""
    save = writer_for(model).save
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        save(acting_user=system_actor(), instance=instance)
        report.created.append(f"{model._meta.verbose_name}: {instance}")
        return instance
    for name, value in values.items():
        setattr(instance, name, value)
    if instance.changed_fields():
        save(acting_user=system_actor(), instance=instance)
    return instance


def _split(data: dict, *keys: str) -> tuple[dict, dict]:
    lookup = {key: data[key] for key in keys}
    return lookup, {key: value for key, value in data.items() if key not in keys}


def _user(email: str, *, superuser: bool, report: DemoReport):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        username = email.split("@")[0]
        if superuser:
            user = User.objects.create_superuser(username=username, email=email, password=password)
        else:
            user = User.objects.create_user(
                username=username, email=email, password=password, is_staff=True
            )
        report.passwords[email] = password
        report.created.append(f"user: {email}")
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load_all() -> DemoReport:
    from consultations.demo import load_demo as load_consultations

    report = DemoReport()
    with transaction.atomic():
        load_demo(report)
        load_consultations(report)
    return report


@transaction.atomic
def load_demo(report: DemoReport | None = None) -> DemoReport:
    report = report or DemoReport()
    eu = upsert(Mission, *_split(EU_MISSION, "slug"), report)
    greek = upsert(Mission, *_split(GREEK_MISSION, "slug"), report)
    programme = upsert(TwinningProgramme, *_split({**NETZEROCITIES, "mission": eu}, "slug"), report)

    cities = {
        data["slug"]: upsert(Municipality, *_split(data, "slug"), report) for data in MUNICIPALITIES
    }

    palaio_faliro = cities["palaio-faliro"]
    for position, ((date, status, kind, title_en, text_en), (title_el, text_el)) in enumerate(
        zip(PALAIO_FALIRO_MILESTONES, el.PALAIO_FALIRO_MILESTONES_EL, strict=True)
    ):
        upsert(
            Milestone,
            {"municipality": palaio_faliro, "title_en": title_en},
            {
                "date": date,
                "date_precision": Milestone.Precision.MONTH,
                "status": status,
                "kind": kind,
                "title_el": title_el,
                "description_en": text_en,
                "description_el": text_el,
                "position": position,
            },
            report,
        )

    participations = [
        (palaio_faliro, greek, MissionParticipation.Role.MISSION_CITY, D(2023, 10, 1)),
        (palaio_faliro, eu, MissionParticipation.Role.PARTICIPANT, D(2023, 9, 1)),
        (cities["kozani"], eu, MissionParticipation.Role.PILOT_CITY, None),
        (cities["nantes"], eu, MissionParticipation.Role.PILOT_CITY, None),
        (cities["alba-iulia"], eu, MissionParticipation.Role.PARTICIPANT, None),
        (cities["warsaw"], eu, MissionParticipation.Role.MISSION_CITY, None),
    ]
    for municipality, mission, role, joined_on in participations:
        upsert(
            MissionParticipation,
            {"municipality": municipality, "mission": mission},
            {"role": role, "joined_on": joined_on},
            report,
        )

    twinnings = [
        (
            cities["palaio-faliro"],
            [cities["nantes"]],
            D(2023, 9, 1),
            {
                "title_en": "Together Towards Climate Neutrality",
                "title_el": "Together Towards Climate Neutrality",
                "title_pl": "Together Towards Climate Neutrality",
                "description_en": "Palaio Faliro draws knowledge and practices for reaching "
                "climate neutrality from Nantes.",
                "description_el": "Το Παλαιό Φάληρο αντλεί γνώσεις και πρακτικές για την επίτευξη "
                "κλιματικής ουδετερότητας από τη Νάντη.",
            },
        ),
        (
            cities["alba-iulia"],
            [cities["kozani"]],
            D(2023, 10, 19),
            {
                "description_en": "Kozani, the only Greek pilot city of the first phase, is "
                "twinned with Alba Iulia to exchange knowledge and transfer good practice.",
                "description_el": "Η Κοζάνη γίνεται «δίδυμη» με τη ρουμανική πόλη Alba Iulia, με "
                "στόχο την ανταλλαγή γνώσεων και τη μεταφορά καλών πρακτικών.",
            },
        ),
    ]
    for twin, pilots, started_on, texts in twinnings:
        twinning = Twinning.objects.filter(
            programme=programme,
            participants__municipality=twin,
            participants__role=TwinningParticipant.Role.TWIN,
        ).first()
        values = {"cohort": 1, "started_on": started_on, **texts}
        if twinning is None:
            twinning = upsert(Twinning, {"programme": programme, **values}, {}, report)
        else:
            upsert(Twinning, {"pk": twinning.pk}, values, report)
        upsert(
            TwinningParticipant,
            {"twinning": twinning, "municipality": twin},
            {"role": TwinningParticipant.Role.TWIN},
            report,
        )
        for pilot in pilots:
            upsert(
                TwinningParticipant,
                {"twinning": twinning, "municipality": pilot},
                {"role": TwinningParticipant.Role.PILOT},
                report,
            )

    organisations = {}
    for data in ORGANISATIONS:
        data = dict(data)
        municipality = data.pop("municipality", None)
        data["municipality"] = cities[municipality] if municipality else None
        organisations[data["slug"]] = upsert(Organisation, *_split(data, "slug"), report)

    networks = {
        "ilektron": upsert(Network, *_split(ILEKTRON, "slug"), report),
        "partnership-for-climate": upsert(
            Network,
            *_split({**PARTNERSHIP, "coordinator": organisations["bopipk"]}, "slug"),
            report,
        ),
        "c40-cities": upsert(Network, *_split(C40, "slug"), report),
        "eurocities": upsert(Network, *_split(EUROCITIES, "slug"), report),
    }
    for network, organisation, role in MEMBERSHIPS:
        upsert(
            Membership,
            {"network": networks[network], "organisation": organisations[organisation]},
            {"role": role},
            report,
        )

    _user("admin@example.org", superuser=True, report=report)
    for slug in ("palaio-faliro", "kozani", "warsaw"):
        editor = _user(f"editor-{slug}@example.org", superuser=False, report=report)
        upsert(
            MunicipalityRole,
            {"user": editor, "municipality": cities[slug], "role": MunicipalityRole.Role.EDITOR},
            {},
            report,
        )
    return report
