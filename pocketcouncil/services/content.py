# ruff: noqa: E501 - prose and data read better unwrapped
"""Hand-written plain-English content for the services residents use most.

This is national default content, reviewed like code: a council rewords or hides a service in
its own ``CouncilService`` row, never by editing this file. Each entry overrides what the LGSL
import guessed for that code (name, topic, tier). ``synonyms`` are everyday words and phrasings
residents use (one string, ``|`` between phrasings); they are what search matches first.

To add a service: append an ``entry(...)`` below with its LGSL code (look it up in
data/lgsl/esd_services_lgsl.csv), then run ``manage.py services_import_lgsl`` (or load_demo).
"""

from __future__ import annotations

from pocketcouncil.councils.models import ServiceTier
from pocketcouncil.services.models import Topic

COUNTY, DISTRICT = ServiceTier.COUNTY, ServiceTier.DISTRICT

DANGER = "If anyone is in danger or it is a danger to traffic right now, call 999."
GAS = (
    "If you smell gas, leave the building and call the National Gas Emergency number 0800 111 999."
)


def _choices(*names: str) -> list[dict]:
    return [
        {"key": name.lower().replace(" ", "_").replace(",", ""), "name": name} for name in names
    ]


def _where(order: int = 1) -> dict:
    return {
        "code": "where",
        "label": "Where is it?",
        "help_text": "The street and the nearest house number or landmark.",
        "datatype": "string",
        "required": True,
        "order": order,
    }


def _details(order: int = 9, label: str = "Tell us more", required: bool = False) -> dict:
    return {
        "code": "details",
        "label": label,
        "help_text": "Anything that helps us find it or fix it. Do not include personal details.",
        "datatype": "text",
        "required": required,
        "order": order,
    }


def _single(code: str, label: str, *names: str, order: int = 2, required: bool = True) -> dict:
    return {
        "code": code,
        "label": label,
        "help_text": "",
        "datatype": "singlevaluelist",
        "required": required,
        "order": order,
        "values": _choices(*names),
    }


def _multi(code: str, label: str, *names: str, order: int = 3) -> dict:
    return {
        "code": code,
        "label": label,
        "help_text": "Choose all that apply.",
        "datatype": "multivaluelist",
        "required": False,
        "order": order,
        "values": _choices(*names),
    }


def _when(order: int = 4, label: str = "When did you notice it?") -> dict:
    return {
        "code": "when",
        "label": label,
        "help_text": "For example, 21/11/2026 08:30",
        "datatype": "datetime",
        "required": False,
        "order": order,
    }


def _number(code: str, label: str, order: int, help_text: str = "") -> dict:
    return {
        "code": code,
        "label": label,
        "help_text": help_text,
        "datatype": "number",
        "required": True,
        "order": order,
    }


def entry(
    lgsl: int,
    name: str,
    topic: str,
    tier: str,
    team: str,
    summary: str,
    synonyms: str,
    *,
    faqs: tuple = (),
    form: tuple = (),
    how_to: str = "",
    eligibility: str = "",
    location_based: bool = False,
    assurance: int = 0,
    anonymous: bool = False,
    sla: int | None = None,
    urgent: str = "",
) -> dict:
    return {
        "lgsl": lgsl,
        "name": name,
        "topic": str(topic),
        "tier": str(tier),
        "team_name": team,
        "summary": summary,
        "synonyms": "\n".join(s.strip() for s in synonyms.split("|") if s.strip()),
        "faqs": [{"question": q, "answer": a} for q, a in faqs],
        "attributes": list(form),
        "how_to": how_to,
        "eligibility": eligibility,
        "location_based": location_based,
        "minimum_assurance_level": assurance,
        "anonymous_allowed": anonymous,
        "sla_working_days": sla,
        "urgent_notice": urgent,
    }


B, S, P, T, H = Topic.BINS, Topic.STREETS, Topic.PARKING, Topic.COUNCIL_TAX, Topic.HOUSING
E, PL, L, LE = Topic.ENVIRONMENT, Topic.PLANNING, Topic.LICENCES, Topic.LEISURE
ED, C, R, CO, BU = Topic.EDUCATION, Topic.CARE, Topic.REGISTRATION, Topic.COMMUNITY, Topic.BUSINESS

WASTE, SCENE, HIGHWAYS, LIGHTS = (
    "Waste and recycling",
    "Street scene",
    "Highways",
    "Street lighting",
)
ENV, HOUSING, PARKING, TAX = (
    "Environmental health",
    "Housing",
    "Parking",
    "Council tax and benefits",
)
PLANNING, LICENSING, CUSTOMER = "Planning", "Licensing", "Customer services"
ASC, CHILDREN, LIBRARIES, ADMISSIONS = (
    "Adult social care",
    "Children's services",
    "Libraries",
    "School admissions",
)
REGISTRATION = "Registration service"

BIN_TYPES = ("Rubbish (general waste)", "Recycling", "Food waste", "Garden waste")

SERVICES: list[dict] = [
    # --- Bins, rubbish and recycling -------------------------------------------------------
    entry(
        524,
        "Bin collections and missed bins",
        B,
        DISTRICT,
        WASTE,
        "Find out about your rubbish collection and report a bin that was not emptied on your collection day.",
        "missed bin|bin not emptied|bins not collected|rubbish collection|refuse collection|"
        "bin day|black bin|general waste|wheelie bin|dustbin|binmen did not come|"
        "bin men missed my street|when are my bins collected|collection day|household waste",
        faqs=(
            (
                "When will my missed bin be collected?",
                "If you report it within 2 working days of your collection day, we aim to collect it "
                "within 2 working days of your report. Leave the bin out until then.",
            ),
            (
                "Why was my bin not emptied?",
                "Bins are left if they are too heavy, the lid does not close, the wrong things are "
                "inside, or the crew could not reach them. The crew usually leaves a tag on the bin to say why.",
            ),
            (
                "What day are my bins collected?",
                "Collections are weekly or fortnightly depending on the bin. Your collection day is "
                "shown when you enter your postcode on your council's bin collection page.",
            ),
        ),
        form=(
            _where(),
            _single("bin_type", "Which bin was missed?", *BIN_TYPES),
            _when(3, "Which collection day was missed?"),
            _details(),
        ),
        how_to="1. Check it is after 5pm on your collection day.\n2. Report it below.\n"
        "3. Leave the bin out at the kerb until it is collected.",
        location_based=True,
        sla=2,
    ),
    entry(
        1130,
        "Recycling collections",
        B,
        DISTRICT,
        WASTE,
        "Your recycling bin or box is collected every two weeks. Report a missed recycling collection.",
        "recycling bin|blue bin|green box|recycling not collected|recycle|plastic bottles|"
        "glass|paper and cardboard|cans and tins|recycling missed",
        faqs=(
            (
                "What can I put in my recycling bin?",
                "Paper, cardboard, plastic bottles, pots, tubs and trays, food and drink cans, "
                "glass bottles and jars. Rinse them and keep them loose, not in bags.",
            ),
            (
                "Can I recycle plastic bags?",
                "No. Plastic bags and film jam the sorting machines. Many supermarkets take them back.",
            ),
        ),
        form=(_where(), _when(3, "Which collection day was missed?"), _details()),
        location_based=True,
        sla=2,
    ),
    entry(
        530,
        "Garden waste collection",
        B,
        DISTRICT,
        WASTE,
        "A paid fortnightly collection of grass, leaves, hedge cuttings and small branches.",
        "garden waste|brown bin|green waste|grass cuttings|hedge trimmings|garden bin subscription|"
        "leaves and branches|garden waste permit",
        faqs=(
            (
                "How much does garden waste collection cost?",
                "It is a yearly subscription per bin, paid in advance. The price is on the sign-up page; "
                "you can join at any time and the price is reduced for part years.",
            ),
            (
                "What can go in the garden waste bin?",
                "Grass, leaves, flowers, weeds, hedge cuttings and small branches. Not soil, rubble, "
                "food, animal waste or plastic.",
            ),
        ),
        form=(_where(), _when(3, "Which collection day was missed?"), _details()),
        location_based=True,
        assurance=1,
        sla=3,
    ),
    entry(
        528,
        "Bulky waste collection",
        B,
        DISTRICT,
        WASTE,
        "Book a collection of large items such as sofas, mattresses, fridges and washing machines.",
        "bulky waste|large items|sofa collection|mattress|fridge freezer|old furniture|"
        "get rid of a settee|washing machine|white goods|collect big items|couch",
        faqs=(
            (
                "How much does a bulky waste collection cost?",
                "There is a charge for up to 3 items, with a reduced price if you get certain benefits. "
                "You pay when you book.",
            ),
            (
                "What can't you collect as bulky waste?",
                "Building rubble, car parts, gas bottles, asbestos and anything over 2 metres long.",
            ),
        ),
        form=(
            _where(),
            _multi(
                "items",
                "What do you need collected?",
                "Sofa or chair",
                "Mattress or bed",
                "Fridge or freezer",
                "Washing machine or cooker",
                "Table or wardrobe",
                "Other",
                order=2,
            ),
            _number("item_count", "How many items in total?", 3, "Up to 3 items per booking."),
            _details(),
        ),
        location_based=True,
        assurance=2,
        sla=10,
    ),
    entry(
        526,
        "New or replacement bin",
        B,
        DISTRICT,
        WASTE,
        "Order a new bin if yours is lost, stolen or broken, or you have just moved in.",
        "new bin|replacement bin|broken bin|stolen bin|lost bin|bin lid broken|extra bin|"
        "bigger bin|order a bin|recycling box|food caddy|damaged wheelie bin",
        faqs=(
            (
                "Do I have to pay for a new bin?",
                "Replacing a bin damaged by our crews is free. There may be a delivery charge for new "
                "homes, lost or extra bins.",
            ),
        ),
        form=(
            _where(),
            _single("bin_type", "Which bin do you need?", *BIN_TYPES),
            _single(
                "reason",
                "Why do you need it?",
                "Broken",
                "Lost or stolen",
                "New home",
                "Need a bigger one",
                order=3,
            ),
            _details(),
        ),
        location_based=True,
        assurance=1,
        sla=10,
    ),
    entry(
        1423,
        "Food waste collection",
        B,
        DISTRICT,
        WASTE,
        "Your food waste caddy is collected every week. Food waste is turned into energy and fertiliser.",
        "food waste|food caddy|kitchen caddy|leftovers|peelings|food bin not emptied|compost caddy",
        faqs=(
            (
                "Can I use plastic bags in my food caddy?",
                "Use compostable liners or newspaper. Ordinary plastic bags are not accepted.",
            ),
        ),
        form=(_where(), _when(3, "Which collection day was missed?"), _details()),
        location_based=True,
        sla=2,
    ),
    entry(
        854,
        "Help putting your bins out (assisted collection)",
        B,
        DISTRICT,
        WASTE,
        "If you cannot move your bin to the kerb because of age, illness or disability, the crew "
        "can collect it from your property.",
        "assisted collection|cannot put my bin out|disabled bin collection|help with bins|"
        "too old to move the bin|pull out service|bin collected from my door",
        eligibility="Anyone who cannot move their bins because of age, illness or disability and "
        "has nobody in the household who can do it.",
        form=(_where(), _details(label="Why do you need help?", required=True)),
        location_based=True,
        assurance=1,
        sla=10,
    ),
    entry(
        531,
        "Household waste recycling centres (the tip)",
        B,
        COUNTY,
        CUSTOMER,
        "Take rubbish and recycling you cannot put in your bins to a recycling centre, free for residents.",
        "tip|dump|recycling centre|HWRC|household waste recycling centre|take rubbish to the tip|"
        "tip opening times|skip site|where can I dump",
        faqs=(
            (
                "What are the tip opening times?",
                "Recycling centres are open every day except Christmas Day, Boxing Day and New Year's "
                "Day, 8am to 5pm (4pm in winter).",
            ),
            (
                "Do I need to book a slot at the tip?",
                "You do not need to book for a car. Vans and trailers need a free permit.",
            ),
        ),
    ),
    entry(
        859,
        "Clinical waste collection",
        B,
        DISTRICT,
        WASTE,
        "A free collection of clinical waste such as used needles and dressings from people treated at home.",
        "clinical waste|sharps|needles|syringes|medical waste|dressings|sharps box collection",
        form=(_where(), _details(label="What kind of clinical waste is it?", required=True)),
        location_based=True,
        assurance=1,
        sla=5,
    ),
    entry(
        587,
        "Report fly-tipping",
        B,
        DISTRICT,
        SCENE,
        "Report rubbish dumped illegally on public land, such as bags, furniture or building waste.",
        "fly tipping|flytipping|fly-tipping|rubbish dumped|dumped rubbish|illegal dumping|"
        "someone dumped a mattress|dumped in the alley|rubbish left in the street|"
        "black bags dumped|tipping|dumped sofa|waste dumped on the pavement",
        faqs=(
            (
                "Who clears fly-tipping on private land?",
                "The landowner must clear it. We can advise, and we investigate who dumped it.",
            ),
        ),
        form=(
            _where(),
            _multi(
                "what",
                "What has been dumped?",
                "Black bags",
                "Furniture",
                "Mattress",
                "Building rubble",
                "Electrical items",
                "Tyres",
                "Asbestos or chemicals",
                "Other",
                order=2,
            ),
            _single(
                "size",
                "How much is there?",
                "A single item",
                "A car boot load",
                "A small van load",
                "A lorry load or more",
                order=3,
            ),
            _when(4),
            _details(),
        ),
        how_to="Do not touch it: it may contain sharp or dangerous items. If you saw who dumped it, "
        "tell us the vehicle and time, but do not approach them.",
        location_based=True,
        anonymous=True,
        sla=5,
    ),
    entry(
        582,
        "Street cleaning and litter",
        B,
        DISTRICT,
        SCENE,
        "Report litter, broken glass, leaves or a dirty street that needs sweeping.",
        "litter|street cleaning|dirty street|broken glass|needs sweeping|rubbish on the street|"
        "road sweeper|leaves on the pavement|messy alley",
        form=(
            _where(),
            _single(
                "what",
                "What needs cleaning?",
                "Litter",
                "Broken glass",
                "Leaves",
                "Spilt liquid or oil",
                "Other",
            ),
            _details(),
        ),
        location_based=True,
        anonymous=True,
        sla=5,
    ),
    entry(
        584,
        "Report graffiti",
        B,
        DISTRICT,
        SCENE,
        "Report graffiti on public property. We remove offensive graffiti within 1 working day.",
        "graffiti|spray paint|tagging|vandalism on a wall|writing on walls|offensive graffiti",
        form=(
            _where(),
            _single("offensive", "Is it offensive or racist?", "Yes", "No"),
            _details(),
        ),
        location_based=True,
        anonymous=True,
        sla=5,
    ),
    entry(
        577,
        "Report dog fouling",
        B,
        DISTRICT,
        SCENE,
        "Report dog mess on pavements, paths and parks.",
        "dog fouling|dog poo|dog mess|dog poop|dog muck|owner not picking up after dog",
        form=(_where(), _when(), _details()),
        location_based=True,
        anonymous=True,
        sla=5,
    ),
    entry(
        576,
        "Dead animal removal",
        B,
        DISTRICT,
        SCENE,
        "Report a dead animal on a road or public land, such as a fox, badger, cat or bird.",
        "dead animal|dead fox|dead cat|dead badger|roadkill|dead bird|dead dog on the road",
        faqs=(
            (
                "Will you tell me if it was a pet?",
                "We scan dead cats and dogs for a microchip and tell the owner if we can.",
            ),
        ),
        form=(
            _where(),
            _single(
                "animal",
                "What animal is it?",
                "Cat",
                "Dog",
                "Fox",
                "Badger",
                "Deer",
                "Bird",
                "Other",
            ),
            _details(),
        ),
        location_based=True,
        anonymous=True,
        sla=2,
    ),
    entry(
        372,
        "Report an abandoned vehicle",
        B,
        DISTRICT,
        SCENE,
        "Report a car or van that seems abandoned: untaxed, damaged and not moved for weeks.",
        "abandoned car|abandoned vehicle|car dumped|burnt out car|untaxed car|car not moved for weeks|"
        "scrap car left in street",
        faqs=(
            (
                "Is an untaxed car abandoned?",
                "Not always. Report untaxed vehicles to the DVLA. We deal with vehicles that are also "
                "damaged, burnt out or left for a long time.",
            ),
        ),
        form=(
            _where(),
            {
                "code": "registration",
                "label": "Registration number (if it has one)",
                "help_text": "For example, AB12 CDE",
                "datatype": "string",
                "required": False,
                "order": 2,
            },
            _details(),
        ),
        location_based=True,
        anonymous=True,
        sla=10,
    ),
    entry(
        581,
        "Full or damaged litter bin",
        B,
        DISTRICT,
        SCENE,
        "Report a street litter bin that is overflowing, damaged or missing.",
        "litter bin full|overflowing bin in the park|street bin|public bin|bin on the street overflowing",
        form=(
            _where(),
            _single("problem", "What is wrong?", "Full or overflowing", "Damaged", "Missing"),
            _details(),
        ),
        location_based=True,
        anonymous=True,
        sla=3,
    ),
    # --- Roads, pavements and street lights --------------------------------------------------
    entry(
        557,
        "Report a pothole or road problem",
        S,
        COUNTY,
        HIGHWAYS,
        "Report potholes, damaged road surfaces, cracks and sunken manhole covers.",
        "pothole|potholes|hole in the road|road damage|crater|road surface|broken road|"
        "sunken manhole cover|road repairs|uneven road|damaged my tyre",
        faqs=(
            (
                "How quickly are potholes fixed?",
                "Dangerous potholes are made safe within 24 hours. Others are repaired within 28 days "
                "or added to planned road works.",
            ),
            (
                "Can I claim for damage to my car from a pothole?",
                "You can make a claim to the county council's highways team. Keep photos, receipts "
                "and the exact location.",
            ),
        ),
        form=(
            _where(),
            _single(
                "size",
                "How big is it?",
                "Smaller than a dinner plate",
                "Bigger than a dinner plate",
                "Deeper than 5cm",
            ),
            _single(
                "in_road", "Where is it?", "In the road", "On a cycle lane", "By the kerb", order=3
            ),
            _details(),
        ),
        urgent=DANGER,
        location_based=True,
        anonymous=True,
        sla=20,
    ),
    entry(
        537,
        "Report a damaged pavement",
        S,
        COUNTY,
        HIGHWAYS,
        "Report broken, uneven or loose paving slabs and trip hazards on pavements and footpaths.",
        "pavement|broken pavement|uneven paving|loose slab|trip hazard|footpath damaged|"
        "cracked paving stone|tripped over|sidewalk",
        form=(
            _where(),
            _single(
                "problem",
                "What is wrong?",
                "Loose or rocking slab",
                "Cracked or broken",
                "Raised edge or trip hazard",
                "Other",
            ),
            _details(),
        ),
        urgent=DANGER,
        location_based=True,
        anonymous=True,
        sla=20,
    ),
    entry(
        564,
        "Report a street light fault",
        S,
        COUNTY,
        LIGHTS,
        "Report a street light that is out, flickering, on during the day or damaged.",
        "street light|streetlight|lamp post|street lamp|light out|light not working|"
        "light flickering|lamppost|dark road|light on all day|light out on my road",
        faqs=(
            (
                "How long does it take to fix a street light?",
                "Most faults are fixed within 7 working days. If the power supply is the problem, the "
                "electricity company can take up to 25 days.",
            ),
        ),
        form=(
            _where(),
            {
                "code": "column_number",
                "label": "Number on the lamp post (if you can see it)",
                "help_text": "Usually on a small plate on the post.",
                "datatype": "string",
                "required": False,
                "order": 2,
            },
            _single(
                "problem",
                "What is wrong?",
                "Not working",
                "Flickering",
                "On during the day",
                "Damaged or leaning",
                "Exposed wires",
                order=3,
            ),
            _details(),
        ),
        urgent="If wires are exposed or a lamp post is about to fall, call us now on the "
        "emergency number. If anyone is in danger, call 999.",
        location_based=True,
        anonymous=True,
        sla=7,
    ),
    entry(
        555,
        "Blocked drain or flooded road",
        S,
        COUNTY,
        HIGHWAYS,
        "Report a blocked road drain (gully) or water flooding a road or pavement.",
        "blocked drain|gully|drain blocked|flooded road|flooding|water on the road|puddle|"
        "surface water|road flooding|grid blocked",
        faqs=(
            (
                "Who deals with a blocked drain at my house?",
                "Drains and sewers serving houses are the water company's job. We clear road gullies.",
            ),
        ),
        form=(_where(), _details()),
        urgent="If flood water is entering homes or anyone is in danger, call 999.",
        location_based=True,
        anonymous=True,
        sla=10,
    ),
    entry(
        561,
        "Gritting and icy roads",
        S,
        COUNTY,
        HIGHWAYS,
        "Find out which roads are gritted in winter and ask for a grit bin to be refilled.",
        "gritting|grit|icy road|ice|snow|salt bin|grit bin empty|slippery road|winter roads|"
        "when do you grit",
        faqs=(
            (
                "Which roads are gritted?",
                "Main roads, bus routes and roads to hospitals and schools are gritted when ice or "
                "snow is forecast. Quieter residential roads are usually not gritted.",
            ),
        ),
        form=(_where(), _details()),
        location_based=True,
        anonymous=True,
        sla=5,
    ),
    entry(
        540,
        "Damaged or missing road sign",
        S,
        COUNTY,
        HIGHWAYS,
        "Report a road sign, street name plate or bollard that is damaged, dirty or missing.",
        "road sign|sign knocked down|missing sign|bollard|street sign damaged|traffic sign|"
        "signpost|street name sign",
        form=(_where(), _details()),
        location_based=True,
        anonymous=True,
        sla=20,
    ),
    entry(
        477,
        "Apply for a dropped kerb",
        S,
        COUNTY,
        HIGHWAYS,
        "Apply for a dropped kerb (vehicle crossover) so you can drive on to your property.",
        "dropped kerb|crossover|vehicle crossing|drive access|lower the kerb|driveway kerb",
        faqs=(
            (
                "How much does a dropped kerb cost?",
                "There is an application fee, then you pay an approved contractor to build it. Most "
                "cost between £1,000 and £3,000.",
            ),
        ),
        location_based=True,
        assurance=1,
    ),
    entry(
        569,
        "Roadworks and road closures",
        S,
        COUNTY,
        HIGHWAYS,
        "Find planned roadworks and road closures, and report problems with works on the road.",
        "roadworks|road works|road closed|road closure|diversion|temporary traffic lights|"
        "utility works|digging up the road",
        form=(_where(), _details()),
        location_based=True,
        anonymous=True,
        sla=10,
    ),
    entry(
        505,
        "Trees on council land",
        S,
        DISTRICT,
        SCENE,
        "Report a council tree that is dangerous, damaged or blocking light or paths.",
        "tree|fallen tree|tree branch|overhanging tree|dangerous tree|tree roots|tree blocking light|"
        "tree cutting|leaning tree",
        faqs=(
            (
                "Will the council cut back a tree that blocks my light?",
                "We do not prune healthy trees just for light or leaves. We act if a tree is dangerous, "
                "diseased or blocking a road, path or sign.",
            ),
        ),
        form=(_where(), _details(required=True)),
        urgent=DANGER,
        location_based=True,
        anonymous=True,
        sla=20,
    ),
    entry(
        589,
        "Grass cutting on verges",
        S,
        COUNTY,
        HIGHWAYS,
        "Report overgrown grass verges or grass blocking the view at a junction.",
        "grass cutting|overgrown verge|long grass|verge|mowing|weeds on the pavement|overgrown",
        form=(_where(), _details()),
        location_based=True,
        anonymous=True,
        sla=20,
    ),
    entry(
        521,
        "Skip permit",
        S,
        COUNTY,
        HIGHWAYS,
        "Apply for a permit to put a skip on the road or pavement.",
        "skip permit|skip on the road|skip licence|put a skip outside",
        location_based=True,
        assurance=1,
    ),
    # --- Parking and travel -------------------------------------------------------------------
    entry(
        474,
        "Residents' parking permits",
        P,
        DISTRICT,
        PARKING,
        "Apply for or renew a residents' or visitors' parking permit for your street.",
        "parking permit|residents parking|visitor permit|resident permit|permit zone|"
        "visitors parking|renew my parking permit|parking zone",
        faqs=(
            (
                "How much is a residents' parking permit?",
                "The yearly price depends on your zone and your car's emissions. Blue Badge holders "
                "pay nothing.",
            ),
        ),
        eligibility="You must live in a controlled parking zone and your car must be registered at your address.",
        assurance=2,
    ),
    entry(
        471,
        "Parking fines and illegal parking",
        P,
        DISTRICT,
        PARKING,
        "Pay or challenge a parking fine (penalty charge notice), or report illegal or dangerous parking.",
        "parking ticket|parking fine|penalty charge notice|PCN|appeal a parking ticket|"
        "challenge a fine|illegal parking|parked on double yellow lines|parked across my drive|"
        "blocking my driveway|car blocking the dropped kerb|parked on the pavement|pavement parking|"
        "inconsiderate parking|yellow lines",
        faqs=(
            (
                "How do I pay a parking fine?",
                "Pay online with the PCN number and your vehicle registration. If you pay within 14 "
                "days the fine is halved.",
            ),
            (
                "How do I appeal a parking ticket?",
                "Challenge it in writing within 28 days and say why. We hold the reduced rate while "
                "we look at your challenge.",
            ),
            (
                "Someone has parked across my driveway. What can I do?",
                "Tell us where and when: a civil enforcement officer can give a ticket. If the car is "
                "causing danger or an obstruction of the road, call the police on 101.",
            ),
        ),
        form=(
            _where(),
            _single(
                "problem",
                "What is the problem?",
                "Parked across a driveway or dropped kerb",
                "On yellow lines",
                "On the pavement",
                "In a permit bay without a permit",
                "Other",
            ),
            {
                "code": "registration",
                "label": "Registration number",
                "help_text": "If you know it",
                "datatype": "string",
                "required": False,
                "order": 3,
            },
            _details(),
        ),
        location_based=True,
        anonymous=True,
        sla=2,
    ),
    entry(
        478,
        "Council car parks",
        P,
        DISTRICT,
        PARKING,
        "Find council car parks, prices and season tickets.",
        "car park|car parks|multi storey|parking charges|season ticket|where can I park|pay and display",
    ),
    entry(
        279,
        "Blue Badge (disabled parking)",
        P,
        COUNTY,
        CUSTOMER,
        "Apply for or renew a Blue Badge so you can park closer to where you are going.",
        "blue badge|disabled parking|disabled badge|disability parking permit|renew blue badge|"
        "lost blue badge",
        faqs=(
            (
                "How long does a Blue Badge application take?",
                "Most decisions take up to 12 weeks. A badge costs up to £10 and lasts 3 years.",
            ),
        ),
        eligibility="People who get certain disability benefits, or have a condition that makes walking very difficult.",
        assurance=3,
    ),
    entry(
        273,
        "Bus pass for older people",
        P,
        COUNTY,
        CUSTOMER,
        "Apply for a free bus pass when you reach State Pension age.",
        "bus pass|older persons bus pass|free bus travel|concessionary travel|pensioner bus pass|"
        "senior bus pass|oap bus pass",
        eligibility="You live in the area and have reached State Pension age.",
        assurance=2,
    ),
    entry(
        280,
        "Disabled person's bus pass",
        P,
        COUNTY,
        CUSTOMER,
        "Apply for a free bus pass if you have a disability.",
        "disabled bus pass|disability bus pass|companion bus pass|free travel disabled",
        assurance=2,
    ),
    # --- Council tax and benefits ---------------------------------------------------------------
    entry(
        58,
        "Council tax: pay, move or change details",
        T,
        DISTRICT,
        TAX,
        "Pay your council tax, set up a Direct Debit, tell us you are moving, or check your bill.",
        "council tax|pay council tax|council tax bill|moving house council tax|direct debit|"
        "council tax payment|change of address council tax|council tax arrears|ctax|counciltax",
        faqs=(
            (
                "How do I pay my council tax?",
                "By Direct Debit (the easiest way), online by card, by phone, or at a Post Office "
                "with the barcode on your bill.",
            ),
            (
                "What do I do about council tax when I move house?",
                "Tell us your moving date and new address at least 7 days before you move. We send a "
                "final bill for your old home.",
            ),
            (
                "Can I pay council tax over 12 months?",
                "Yes. Ask us to spread payments over 12 monthly instalments instead of 10.",
            ),
        ),
        assurance=1,
    ),
    entry(
        59,
        "Council tax discounts (single person discount)",
        T,
        DISTRICT,
        TAX,
        "Apply for a council tax discount, such as the 25% single person discount if you live alone.",
        "single person discount|council tax discount|live alone|25 percent off council tax|"
        "student discount council tax|council tax reduction for living alone|disregard",
        faqs=(
            (
                "How much is the single person discount?",
                "25% off your council tax bill if you are the only adult (18 or over) living in your home.",
            ),
        ),
        assurance=1,
    ),
    entry(
        60,
        "Council tax exemptions",
        T,
        DISTRICT,
        TAX,
        "Some homes pay no council tax, for example homes where only students live, or empty homes "
        "after someone has died.",
        "council tax exemption|exempt from council tax|students council tax|empty property council tax|"
        "no council tax",
        assurance=1,
    ),
    entry(
        63,
        "Council Tax Reduction (help to pay council tax)",
        T,
        DISTRICT,
        TAX,
        "Apply for help to pay your council tax if you are on a low income or get benefits.",
        "council tax reduction|council tax support|council tax benefit|help paying council tax|"
        "cant afford council tax|low income council tax",
        faqs=(
            (
                "Can I get help with my council tax if I am on Universal Credit?",
                "Yes, you may get Council Tax Reduction. Apply to us: it is not included in Universal Credit.",
            ),
        ),
        assurance=3,
    ),
    entry(
        69,
        "Apply for Housing Benefit",
        T,
        DISTRICT,
        TAX,
        "Apply for Housing Benefit to help pay your rent if you are of State Pension age or live in "
        "supported or temporary housing.",
        "housing benefit|help with rent|rent help|benefit claim|apply for benefits|"
        "housing benefit claim|change in circumstances benefit",
        faqs=(
            (
                "Can I still claim Housing Benefit?",
                "Most people of working age now claim Universal Credit instead. You can claim Housing "
                "Benefit if you have reached State Pension age or live in supported or temporary housing.",
            ),
        ),
        assurance=3,
    ),
    entry(
        1148,
        "Discretionary Housing Payment",
        T,
        DISTRICT,
        TAX,
        "Extra short-term help with rent if your Housing Benefit or Universal Credit does not cover it.",
        "discretionary housing payment|DHP|extra help with rent|rent shortfall|bedroom tax help",
        assurance=3,
    ),
    entry(
        1652,
        "Universal Credit help",
        T,
        DISTRICT,
        TAX,
        "Get help to apply for Universal Credit and manage your claim online.",
        "universal credit|UC|help with universal credit claim|benefits advice|money advice|"
        "cost of living help|hardship",
    ),
    entry(
        56,
        "Business rates",
        BU,
        DISTRICT,
        TAX,
        "Pay your business rates and apply for reliefs such as small business rate relief.",
        "business rates|non domestic rates|small business rate relief|business rates bill|NNDR",
        assurance=1,
    ),
    # --- Housing --------------------------------------------------------------------------------
    entry(
        141,
        "Council home repairs",
        H,
        DISTRICT,
        HOUSING,
        "Report a repair in your council home, such as a leak, broken boiler, damp or a faulty door.",
        "housing repair|council house repair|repairs|leak|leaking roof|broken boiler|no heating|"
        "no hot water|damp and mould|mould|broken window|tenant repair|landlord repair council",
        faqs=(
            (
                "How quickly will my repair be done?",
                "Emergencies (no heating in winter, flooding, unsafe electrics) within 24 hours; urgent "
                "repairs within 5 working days; routine repairs within 20 working days.",
            ),
        ),
        form=(
            _single(
                "room",
                "Which room?",
                "Kitchen",
                "Bathroom",
                "Bedroom",
                "Living room",
                "Outside",
                "Whole home",
                order=1,
            ),
            _single(
                "problem",
                "What is the problem?",
                "Leak or water",
                "Heating or hot water",
                "Damp or mould",
                "Electrics",
                "Doors or windows",
                "Other",
                order=2,
            ),
            _details(label="Describe the problem", required=True),
        ),
        urgent=GAS,
        assurance=1,
        sla=20,
    ),
    entry(
        112,
        "Homeless or at risk of losing your home",
        H,
        DISTRICT,
        HOUSING,
        "Get help if you are homeless, sleeping rough or might lose your home in the next 8 weeks.",
        "homeless|homelessness|nowhere to live|evicted|eviction|sleeping rough|rough sleeper|"
        "kicked out|section 21|being made homeless|emergency accommodation",
        faqs=(
            (
                "I have nowhere to sleep tonight. What do I do?",
                "Call the council now, or the out-of-hours emergency number in the evening and at "
                "weekends. If you are in danger, call 999.",
            ),
        ),
        urgent="If you have nowhere to sleep tonight, call the council's emergency number now. "
        "If you are in danger, call 999.",
    ),
    entry(
        84,
        "Apply for council or housing association housing",
        H,
        DISTRICT,
        HOUSING,
        "Join the housing register to apply for a council or housing association home.",
        "housing register|council house|social housing|council flat|housing list|"
        "apply for a council house|housing application|bidding for homes|move to a bigger house",
        faqs=(
            (
                "How long is the waiting list for a council home?",
                "It depends on your priority band and the size of home you need. Many people wait years.",
            ),
        ),
        assurance=2,
    ),
    entry(
        652,
        "Problems with a private landlord",
        H,
        DISTRICT,
        ENV,
        "Get help if your privately rented home is unsafe or your landlord will not do repairs.",
        "private landlord|landlord wont fix|landlord will not repair|private rented|unsafe house|"
        "rented house damp|tenant rights|illegal eviction|letting agent",
        form=(_details(label="Describe the problem", required=True),),
        assurance=1,
        sla=10,
    ),
    entry(
        137,
        "Disabled Facilities Grant (home adaptations)",
        H,
        DISTRICT,
        HOUSING,
        "A grant to adapt your home if you are disabled, such as a stairlift, ramp or level shower.",
        "disabled facilities grant|DFG|home adaptations|stairlift|wet room|ramp|adapt my house|"
        "walk in shower",
        assurance=2,
    ),
    entry(
        898,
        "HMO licence (shared houses)",
        L,
        DISTRICT,
        HOUSING,
        "Landlords: apply for a licence for a house in multiple occupation (HMO).",
        "HMO|house in multiple occupation|HMO licence|shared house licence|landlord licence",
        assurance=2,
    ),
    # --- Noise, pests and pollution ---------------------------------------------------------------
    entry(
        412,
        "Report noise",
        E,
        DISTRICT,
        ENV,
        "Report noise from neighbours, parties, barking dogs, alarms, building sites or businesses.",
        "noise|noisy neighbours|loud music|barking dog|party|house alarm|car alarm|"
        "construction noise|shouting|noise complaint|loud neighbours",
        faqs=(
            (
                "What happens when I report noise?",
                "We write to the person causing it and may ask you to keep a diary for 2 weeks. "
                "If the noise is a statutory nuisance, we can serve a notice.",
            ),
        ),
        form=(
            _single(
                "source",
                "What is making the noise?",
                "Music or TV",
                "Dog barking",
                "Alarm",
                "Building work",
                "Business or pub",
                "Other",
                order=1,
            ),
            _where(2),
            _when(3, "When does it happen?"),
            _details(),
        ),
        location_based=True,
        sla=10,
    ),
    entry(
        431,
        "Pest control",
        E,
        DISTRICT,
        ENV,
        "Book pest control for rats, mice, wasps, bedbugs or cockroaches in your home.",
        "pest control|rats|rat|mice|mouse|wasps nest|wasps|bed bugs|bedbugs|cockroaches|fleas|"
        "vermin|infestation|rodents|squirrels in loft",
        faqs=(
            (
                "How much does pest control cost?",
                "Rats are treated free for residents. There is a charge for wasps, mice, bedbugs and "
                "other pests, reduced if you get certain benefits.",
            ),
        ),
        form=(
            _where(),
            _single(
                "pest",
                "Which pest?",
                "Rats",
                "Mice",
                "Wasps",
                "Bedbugs",
                "Cockroaches",
                "Fleas",
                "Other",
            ),
            _details(),
        ),
        location_based=True,
        assurance=1,
        sla=5,
    ),
    entry(
        416,
        "Smoke, bonfires and smells",
        E,
        DISTRICT,
        ENV,
        "Report smoke from bonfires, bad smells, or other nuisances from a neighbour or business.",
        "bonfire|smoke|burning rubbish|smell|bad smell|odour|fumes|neighbour burning",
        form=(_where(), _when(), _details()),
        location_based=True,
        sla=10,
    ),
    entry(
        413,
        "Air quality",
        E,
        DISTRICT,
        ENV,
        "Find out about air pollution where you live and what the council is doing.",
        "air quality|air pollution|pollution levels|dirty air|exhaust fumes|idling engines",
    ),
    entry(
        432,
        "Stray dogs and dog wardens",
        E,
        DISTRICT,
        ENV,
        "Report a stray dog, or a lost dog, and contact the dog warden.",
        "stray dog|lost dog|dog warden|loose dog|found a dog|dangerous dog",
        form=(_where(), _details()),
        urgent="If a dog is attacking someone, call 999.",
        location_based=True,
        anonymous=True,
        sla=1,
    ),
    entry(
        408,
        "Food poisoning or unhygienic food business",
        E,
        DISTRICT,
        ENV,
        "Report food poisoning or a food business that looks dirty or unsafe.",
        "food poisoning|food hygiene|dirty restaurant|takeaway made me ill|unhygienic kitchen|"
        "food complaint|out of date food",
        form=(_details(label="What happened and where?", required=True),),
        sla=5,
    ),
    entry(
        1485,
        "Report anti-social behaviour",
        CO,
        DISTRICT,
        CUSTOMER,
        "Report anti-social behaviour such as harassment, intimidation or nuisance neighbours.",
        "anti social behaviour|antisocial|ASB|nuisance neighbours|harassment|intimidation|"
        "youths causing trouble|drug dealing|gangs|neighbour from hell",
        form=(_where(), _when(), _details(required=True)),
        urgent="If a crime is happening now or anyone is in danger, call 999. For other crimes call 101.",
        location_based=True,
        sla=5,
    ),
    # --- Planning and building ------------------------------------------------------------------
    entry(
        487,
        "Apply for planning permission",
        PL,
        DISTRICT,
        PLANNING,
        "Find out if you need planning permission and apply, for example for an extension.",
        "planning permission|planning application|extension|loft conversion|build an extension|"
        "do I need planning permission|conservatory|permitted development|outbuilding",
        faqs=(
            (
                "Do I need planning permission for an extension?",
                "Many small single-storey rear extensions are 'permitted development' and do not. "
                "Check the rules on the Planning Portal or ask us for pre-application advice.",
            ),
            (
                "How long does a planning decision take?",
                "Most household applications are decided within 8 weeks.",
            ),
        ),
    ),
    entry(
        855,
        "Comment on a planning application",
        PL,
        DISTRICT,
        PLANNING,
        "Search planning applications and comment on or object to one near you.",
        "object to planning|planning objection|comment on planning|planning applications near me|"
        "neighbour building extension|search planning applications|view plans",
        faqs=(
            (
                "How long do I have to comment on a planning application?",
                "Usually 21 days from the date of the letter or site notice.",
            ),
        ),
    ),
    entry(
        499,
        "Building regulations (building control)",
        PL,
        DISTRICT,
        PLANNING,
        "Get building regulations approval and inspections, or report a dangerous building.",
        "building regulations|building control|building regs|dangerous building|completion certificate|"
        "structure unsafe",
        urgent="If a building or wall is about to collapse, call 999.",
    ),
    entry(
        508,
        "Tree preservation orders",
        PL,
        DISTRICT,
        PLANNING,
        "Check if a tree is protected and apply to do work to a protected tree.",
        "tree preservation order|TPO|protected tree|cut down a tree in my garden|conservation area tree",
    ),
    entry(
        1122,
        "High hedges",
        PL,
        DISTRICT,
        PLANNING,
        "Complain about a neighbour's high evergreen hedge that blocks light.",
        "high hedge|neighbours hedge|leylandii|hedge blocking light|conifers too tall",
    ),
    # --- Licences ----------------------------------------------------------------------------------
    entry(
        860,
        "Premises licence (alcohol and entertainment)",
        L,
        DISTRICT,
        LICENSING,
        "Apply for a licence to sell alcohol, serve late-night food or put on entertainment.",
        "premises licence|alcohol licence|pub licence|late night licence|licence to sell alcohol|"
        "temporary event notice|TEN",
        assurance=2,
    ),
    entry(
        635,
        "Taxi and private hire licences",
        L,
        DISTRICT,
        LICENSING,
        "Apply for or renew a taxi or private hire driver, vehicle or operator licence.",
        "taxi licence|taxi driver|private hire|minicab|hackney carriage|uber licence|cab licence|"
        "complain about a taxi",
        assurance=2,
    ),
    entry(
        1580,
        "Street party",
        L,
        DISTRICT,
        LICENSING,
        "Apply to close your road for a street party.",
        "street party|close road for party|road closure for party|jubilee party|block party",
    ),
    entry(
        390,
        "Register a food business",
        BU,
        DISTRICT,
        ENV,
        "Register a food business at least 28 days before you start trading, including from home.",
        "food business registration|start a food business|sell food from home|food hygiene rating|"
        "cake business|register a cafe",
    ),
    # --- Libraries, parks and leisure -----------------------------------------------------------------
    entry(
        1141,
        "Join the library and borrow books",
        LE,
        COUNTY,
        LIBRARIES,
        "Join the library for free and borrow books, ebooks and audiobooks.",
        "library|join the library|library card|borrow books|ebooks|audiobooks|library opening times|"
        "libary",
        faqs=(
            (
                "Is it free to join the library?",
                "Yes. Anyone who lives, works or studies in the county can join for free.",
            ),
        ),
    ),
    entry(
        440,
        "Renew library books",
        LE,
        COUNTY,
        LIBRARIES,
        "Renew your library loans online, by phone or in any library.",
        "renew library books|library renewal|overdue books|library fines|extend my loan",
        faqs=(
            (
                "How many times can I renew a library book?",
                "Up to 3 times, unless someone else has reserved it.",
            ),
        ),
        assurance=1,
    ),
    entry(
        510,
        "Allotments",
        LE,
        DISTRICT,
        SCENE,
        "Apply to rent an allotment plot.",
        "allotment|allotment waiting list|grow vegetables|garden plot",
        assurance=1,
    ),
    entry(
        461,
        "Parks and open spaces",
        LE,
        DISTRICT,
        SCENE,
        "Find parks and playgrounds and report a problem in a park.",
        "park|parks|playground|play area broken|open space|park bench|swings broken",
        form=(_where(), _details(required=True)),
        location_based=True,
        anonymous=True,
        sla=10,
    ),
    # --- Schools and children ---------------------------------------------------------------------
    entry(
        13,
        "Apply for a primary school place",
        ED,
        COUNTY,
        ADMISSIONS,
        "Apply for a reception or primary school place for your child.",
        "primary school place|reception place|school admission|apply for school|starting school|"
        "infant school|junior school|school application|school places",
        faqs=(
            (
                "When is the deadline for primary school applications?",
                "Apply by 15 January for a reception place starting in September. Offers are made on 16 April.",
            ),
        ),
        assurance=1,
    ),
    entry(
        14,
        "Apply for a secondary school place",
        ED,
        COUNTY,
        ADMISSIONS,
        "Apply for a secondary school place for your child, or to move school during the year.",
        "secondary school place|high school|year 7 place|secondary school admission|change schools|"
        "in year transfer|comprehensive",
        faqs=(
            (
                "When is the deadline for secondary school applications?",
                "Apply by 31 October for a place starting the following September. Offers are made on 1 March.",
            ),
        ),
        assurance=1,
    ),
    entry(
        705,
        "School admission appeals",
        ED,
        COUNTY,
        ADMISSIONS,
        "Appeal if your child was not offered a place at a school you applied for.",
        "school appeal|admission appeal|didnt get school place|appeal school decision",
        assurance=1,
    ),
    entry(
        4,
        "Free school meals",
        ED,
        COUNTY,
        ADMISSIONS,
        "Apply for free school meals if you get certain benefits.",
        "free school meals|school dinners|school lunch free|FSM|school meals",
        faqs=(
            (
                "Who can get free school meals?",
                "All children in reception, year 1 and year 2 in state schools. Older children if "
                "you get benefits such as Universal Credit with low earnings.",
            ),
        ),
        assurance=2,
    ),
    entry(
        891,
        "School transport",
        ED,
        COUNTY,
        ADMISSIONS,
        "Apply for free or help with transport to school.",
        "school transport|school bus|school taxi|travel to school|free school bus",
        assurance=1,
    ),
    entry(
        9,
        "Special educational needs (EHC needs assessment)",
        ED,
        COUNTY,
        CHILDREN,
        "Ask for an assessment of your child's special educational needs and disabilities (SEND).",
        "SEN|SEND|special educational needs|EHCP|education health and care plan|autism support school|"
        "dyslexia support",
        assurance=2,
    ),
    entry(
        36,
        "School term dates",
        ED,
        COUNTY,
        ADMISSIONS,
        "School term and holiday dates for community schools.",
        "term dates|school holidays|half term|inset days|when do schools go back",
        faqs=(
            (
                "When is half term?",
                "Term dates are published two years ahead. Academies may set their own dates: check "
                "with your child's school.",
            ),
        ),
    ),
    entry(
        310,
        "Worried about a child",
        ED,
        COUNTY,
        CHILDREN,
        "Tell us if you are worried a child is being harmed or neglected.",
        "child abuse|child neglect|worried about a child|child at risk|safeguarding children|"
        "report child abuse|social services children",
        urgent="If a child is in immediate danger, call 999.",
    ),
    # --- Social care and health ----------------------------------------------------------------
    entry(
        209,
        "Ask for help from adult social care",
        C,
        COUNTY,
        ASC,
        "Ask for a care needs assessment for yourself or someone you care for.",
        "adult social care|care needs assessment|social services|carer at home|help at home|"
        "home care|care for elderly mum|can't cope at home|care assessment|social worker",
        faqs=(
            (
                "Do I have to pay for social care?",
                "It depends on your income and savings. We do a financial assessment after the care "
                "needs assessment.",
            ),
        ),
        assurance=1,
    ),
    entry(
        731,
        "Worried about an adult at risk",
        C,
        COUNTY,
        ASC,
        "Tell us if you think an adult is being abused, neglected or exploited.",
        "safeguarding adults|elder abuse|vulnerable adult|adult abuse|someone being exploited|"
        "neglect of an old person|financial abuse",
        urgent="If someone is in immediate danger, call 999.",
    ),
    entry(
        225,
        "Support for carers",
        C,
        COUNTY,
        ASC,
        "Get a carer's assessment and support if you look after someone.",
        "carer|carers assessment|unpaid carer|looking after my mum|carer support|respite",
    ),
    entry(
        313,
        "Community alarms (Telecare)",
        C,
        COUNTY,
        ASC,
        "A personal alarm you wear so you can call for help at home.",
        "community alarm|careline|telecare|pendant alarm|falls alarm|lifeline|personal alarm",
        assurance=1,
    ),
    entry(
        205,
        "Equipment and adaptations for disabled people",
        C,
        COUNTY,
        ASC,
        "Get equipment to help you at home, such as grab rails, bath seats or walking frames.",
        "mobility equipment|grab rails|bath seat|occupational therapist|disability aids|"
        "walking frame|raised toilet seat",
        assurance=1,
    ),
    # --- Births, deaths, marriages and voting -----------------------------------------------------
    entry(
        319,
        "Register a birth",
        R,
        COUNTY,
        REGISTRATION,
        "Book an appointment to register a baby's birth within 42 days.",
        "register a birth|birth registration|new baby|birth certificate|registering baby",
        faqs=(
            (
                "How long do I have to register a birth?",
                "42 days from the birth. Book an appointment with the register office.",
            ),
        ),
        assurance=1,
    ),
    entry(
        321,
        "Register a death",
        R,
        COUNTY,
        REGISTRATION,
        "Book an appointment to register a death, usually within 5 days.",
        "register a death|death registration|someone died|death certificate|bereavement|"
        "my dad has died|tell us once",
        faqs=(
            (
                "How long do I have to register a death?",
                "Within 5 days, unless the coroner is involved. You need the medical certificate of "
                "cause of death.",
            ),
        ),
        assurance=1,
    ),
    entry(
        876,
        "Give notice of marriage or civil partnership",
        R,
        COUNTY,
        REGISTRATION,
        "Give notice at the register office before you marry or form a civil partnership.",
        "notice of marriage|getting married|wedding|civil partnership|marriage ceremony|"
        "book a registrar|register office wedding",
        faqs=(
            (
                "How far ahead must we give notice of marriage?",
                "At least 29 days before the ceremony, and no more than a year before.",
            ),
        ),
        assurance=1,
    ),
    entry(
        663,
        "Copy of a birth, death or marriage certificate",
        R,
        COUNTY,
        REGISTRATION,
        "Order a copy of a birth, death, marriage or civil partnership certificate.",
        "copy certificate|replacement birth certificate|lost marriage certificate|certificate copy|"
        "order a certificate",
        assurance=1,
    ),
    entry(
        852,
        "Citizenship ceremonies",
        R,
        COUNTY,
        REGISTRATION,
        "Book your British citizenship ceremony.",
        "citizenship ceremony|becoming british|naturalisation ceremony",
        assurance=1,
    ),
    entry(
        364,
        "Register to vote",
        R,
        DISTRICT,
        CUSTOMER,
        "Register to vote, check you are on the electoral register, or apply for a postal vote.",
        "register to vote|electoral register|voting|postal vote|polling station|elections|"
        "proxy vote|voter id",
        faqs=(
            (
                "Where is my polling station?",
                "It is on your poll card. You can also ask the elections office.",
            ),
        ),
    ),
    entry(
        353,
        "Complain about the council",
        CO,
        DISTRICT,
        CUSTOMER,
        "Make a complaint about a council service, or give a compliment.",
        "complaint|complain|make a complaint|unhappy with the council|compliment|feedback",
        form=(_details(label="What is your complaint about?", required=True),),
        assurance=1,
        sla=10,
    ),
]
