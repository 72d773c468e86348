"""The words rows are made of: names, places, and the sentences members and prospects write.

Surnames are chosen so that none is part of another word here: searching the leads for one
finds about 1 % of them (each surname is drawn with equal odds), and only those.
"""

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
    "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
    "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Sharon",
    "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Kathleen", "Jacob", "Amy", "Gary", "Angela",
    "Nicholas", "Shirley", "Eric", "Anna", "Jonathan", "Brenda", "Stephen", "Pamela", "Larry",
    "Emma", "Justin", "Nicole", "Scott", "Helen", "Brandon", "Samantha", "Benjamin", "Katherine",
    "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Frank", "Carolyn",
    "Patrick", "Janet", "Raymond", "Catherine", "Jack", "Maria", "Dennis", "Heather", "Jerry",
    "Diane", "Tyler", "Ruth", "Aaron", "Julie", "Jose", "Olivia", "Adam", "Joyce", "Nathan",
    "Virginia", "Henry", "Victoria", "Douglas", "Kelly", "Zachary", "Lauren", "Peter", "Christina",
]

SURNAMES = [
    "Abernathy", "Barrowcliff", "Castellano", "Delacroix", "Eastwick", "Fairbanks", "Galloway",
    "Hargrove", "Ingersoll", "Jablonski", "Kowalczyk", "Lindqvist", "Montgomery", "Nakamura",
    "Okonkwo", "Pemberton", "Quintanilla", "Rosenthal", "Szymanski", "Thornbury", "Underhill",
    "Vasquez", "Whitaker", "Xiong", "Yamamoto", "Zimmerman", "Ashcroft", "Blackwood", "Crawford",
    "Donnelly", "Esposito", "Fitzgerald", "Gutierrez", "Holloway", "Iglesias", "Jorgensen",
    "Kingsley", "Lombardi", "Marchetti", "Novak", "Oyelaran", "Petrovic", "Quigley", "Rutherford",
    "Sandoval", "Tanaka", "Umberto", "Valentini", "Wainwright", "Yardley", "Zielinski",
    "Alvarado", "Bergstrom", "Chandrasekar", "Dubois", "Ellington", "Ferreira", "Grimaldi",
    "Hawthorne", "Ishikawa", "Jankowski", "Kaczmarek", "Lockhart", "McAllister", "Nyberg",
    "Oduya", "Pacheco", "Quarles", "Rasmussen", "Salazar", "Tremblay", "Uchenna", "Villanueva",
    "Westbrook", "Yilmaz", "Zapata", "Archibald", "Brannigan", "Cardenas", "Dunleavy",
    "Eberhardt", "Fontaine", "Gallagher", "Halvorsen", "Ibarra", "Jaramillo", "Kavanagh",
    "Larkspur", "Mendelsohn", "Nakashima", "Ostrowski", "Prendergast", "Quiroga", "Rockwell",
    "Sorensen", "Trevino", "Vanderbilt", "Wexford", "Youngblood", "Zamora",
]

# (city, state) pairs: a member's city and the areas they serve.
CITIES = [
    ("Austin", "TX"), ("Round Rock", "TX"), ("Cedar Park", "TX"), ("Georgetown", "TX"),
    ("Pflugerville", "TX"), ("Leander", "TX"), ("Kyle", "TX"), ("Buda", "TX"),
    ("San Marcos", "TX"), ("Dripping Springs", "TX"), ("Lakeway", "TX"), ("Bastrop", "TX"),
    ("Hutto", "TX"), ("Manor", "TX"), ("Taylor", "TX"), ("Wimberley", "TX"),
]

AREA_CODES = ["512", "737", "254", "210", "830", "979"]

COMPANY_SUFFIXES = [
    "Realty", "Home Loans", "Properties", "Title Co.", "Mortgage Group", "Real Estate",
    "Inspections", "Law Firm",
]

AGENT_SPECIALIZATIONS = [
    "first-time buyers and relocation", "luxury homes and acreage", "investment properties",
    "new construction", "downsizing and retirement moves", "condos and urban living",
]

CONTACT_MESSAGES = [
    "We are hoping to buy in the next few months and would like to talk about neighborhoods.",
    "Could you tell me what my house might sell for this spring?",
    "We are relocating for work and need a place near good schools.",
    "I would like to understand what I can afford before I start looking.",
    "Is now a good time to refinance? Our rate is a little over seven percent.",
]

NOTES = [
    "Left a short voicemail introducing myself.",
    "Talked about their timeline and budget.",
    "Sent the neighborhood guide they asked for.",
    "No answer; will try again next week.",
    "They are comparing two lenders, follow up after the weekend.",
]
