"""The made-up people, places and habits that ``seed_demo`` draws from.

Plain data, no logic: names from many cultures, companies, how people met, and
the mix of channels, directions and kinds per circle of closeness.
"""

from interactions.models import Channel, Direction, Kind

# --- Users ------------------------------------------------------------------------
# name, time zone, phone prefix of that country
DEMO_PROFILES = [
    ("Sam Rivera", "Europe/Berlin", "+49 151"),
    ("Priya Natarajan", "Asia/Kolkata", "+91 98"),
    ("Tomás Oliveira", "America/Sao_Paulo", "+55 11 9"),
    ("Hannah Kim", "America/New_York", "+1 917"),
    ("Kwame Mensah", "Africa/Accra", "+233 24"),
    ("Mei Lin", "Asia/Shanghai", "+86 139"),
    ("Jonas Berg", "Europe/Stockholm", "+46 70"),
    ("Aroha Ngata", "Pacific/Auckland", "+64 21"),
]

# --- People -----------------------------------------------------------------------
GIVEN_NAMES = [
    "Aarav", "Ada", "Ahmed", "Aisha", "Akira", "Alejandro", "Alexandra", "Amara", "Amir", "Ana",
    "Anders", "Anjali", "Arjun", "Aroha", "Astrid", "Ayumi", "Beatriz", "Benjamin", "Bianca",
    "Bogdan", "Bongani", "Camille", "Carlos", "Chen", "Chidi", "Chinwe", "Chloé", "Christopher",
    "Clara", "Dai", "Daniel", "Dara", "Deepa", "Diego", "Dmitri", "Efua", "Elena", "Elif",
    "Elizabeth", "Emeka", "Emil", "Emma", "Esra", "Fatima", "Felix", "Femi", "Finn", "Francesca",
    "Freya", "Gabriel", "Giulia", "Grace", "Hamid", "Hana", "Hannah", "Hiroshi", "Ibrahim",
    "Ikaika",
    "Ines", "Ingrid", "Isaac", "Isabel", "Ivan", "Jamal", "Jana", "Javier", "Jin", "João",
    "Jonathan", "Julia", "Kai", "Kaito", "Karim", "Katarzyna", "Kemal", "Kenji", "Kofi", "Laila",
    "Lakshmi", "Lars", "Layla", "Lea", "Leilani", "Lena", "Leon", "Liam", "Lucas", "Lucía",
    "Luisa", "Maja", "Malik", "Mara", "Marek", "Margaret", "Maria", "Mariam", "Mateo", "Matías",
    "Maya", "Mehmet", "Mei", "Mia", "Miguel", "Mina", "Mohammed", "Nadia", "Naledi", "Ngozi",
    "Nia", "Nikolai", "Nina", "Noah", "Noor", "Nour", "Oksana", "Olga", "Oliver", "Olu", "Omar",
    "Oscar", "Patricia", "Paula", "Pedro", "Pilar", "Priya", "Rafael", "Rahul", "Rania", "Ravi",
    "Rosa", "Ruth", "Sakura", "Samuel", "Sara", "Sebastian", "Seo-yeon", "Shira", "Siddharth",
    "Simone", "Sofia", "Søren", "Sunita", "Tane", "Tariq", "Thandiwe", "Theo", "Thomas", "Tomás",
    "Tuan", "Valentina", "Valeria", "Viktor", "Wei", "William", "Xiomara", "Yara", "Yasmin",
    "Yusuf", "Zainab", "Zoë",
]
FAMILY_NAMES = [
    "Abara", "Adeyemi", "Agarwal", "Alvarez", "Andersson", "Asante", "Bakker", "Banerjee",
    "Becker", "Bianchi", "Brown", "Castro", "Chen", "Choi", "Costa", "Da Silva", "Dubois",
    "Dvořák", "Eriksen", "Evans", "Fernández", "Fischer", "Fujita", "García", "Gomes", "Gupta",
    "Haddad", "Hansen", "Hernández", "Hoffmann", "Horvat", "Hughes", "Ibrahim", "Ivanova",
    "Jansen", "Jensen", "Johnson", "Kahananui", "Kaur", "Khan", "Kim", "Kowalski", "Kruger",
    "Kumar", "Lambert", "Larsen", "Laurent", "Lee", "Lindqvist", "Lopes", "López", "Mahlangu",
    "Martin", "Mendes", "Meyer", "Molina", "Moreau", "Müller", "Murphy", "Nakamura", "Ndlovu",
    "Nguyễn", "Nielsen", "Novak", "Nowak", "O'Brien", "O'Connor", "Obi", "Okafor", "Okonkwo",
    "Olsen", "Ortiz", "Osei", "Özdemir", "Park", "Patel", "Pereira", "Petrov", "Popescu", "Quispe",
    "Rahman", "Ramírez", "Reddy", "Rossi", "Rousseau", "Ruiz", "Saito", "Sánchez", "Santos",
    "Schmidt", "Schneider", "Shah", "Silva", "Singh", "Smith", "Sokolov", "Suzuki", "Svensson",
    "Takahashi", "Tanaka", "Te Rangi", "Thompson", "Tran", "Van der Berg", "Vargas", "Vasquez",
    "Wagner", "Walker", "Wang", "Weber", "Williams", "Wong", "Yamamoto", "Yılmaz", "Yusuf",
    "Zhang", "Zhou", "Zielińska",
]
NICKNAMES = {
    "Alejandro": ["Alex", "Ale"], "Alexandra": ["Sasha", "Alex", "Lexi"],
    "Benjamin": ["Ben", "Benji"],
    "Christopher": ["Chris", "Topher"], "Daniel": ["Dan", "Dani"], "Dmitri": ["Dima"],
    "Elizabeth": ["Liz", "Beth", "Lizzie"], "Francesca": ["Fran", "Frankie"], "Gabriel": ["Gabe"],
    "Isabel": ["Izzy", "Isa"], "Javier": ["Javi"], "Jonathan": ["Jon", "Jonny"],
    "Katarzyna": ["Kasia"], "Margaret": ["Maggie", "Meg"], "Mohammed": ["Mo"], "Nikolai": ["Kolya"],
    "Oliver": ["Ollie"], "Patricia": ["Pat", "Trish"], "Samuel": ["Sam", "Sammy"],
    "Sebastian": ["Seb", "Basti"], "Thomas": ["Tom", "Tommy"], "Valentina": ["Vale", "Tina"],
    "William": ["Will", "Billy"], "Siddharth": ["Sid"], "Oksana": ["Ksyusha"], "Matías": ["Mati"],
}
COMPANIES = [
    "Northwind Traders", "Lumen Labs", "Bergmann & Söhne", "Tidewater Health", "Kestrel Robotics",
    "Blue Heron Books", "Solstice Energy", "Copperleaf Design", "Halvorsen Architects",
    "Marigold Foods", "Quarry Analytics", "Riverbend Clinic", "Saffron Studio", "Tessellate Games",
    "Umbra Security", "Vantage Logistics", "Willow & Pine", "Yellowfin Media", "Zephyr Air",
    "Atlas Insurance", "Birchwood School", "St. Agnes Hospital", "Fernhill University",
    "Goldcrest Bank", "Ironbark Consulting", "Juniper Legal", "Kaleido", "Lighthouse Foundation",
    "Meridian Transit", "Nimbus Cloud", "Orchard Coffee Roasters", "Pebble Finance",
    "Harbour Brewing", "Greenline Bikes", "City Library", "Freelance",
]
TITLES = [
    "Software engineer", "Product manager", "Nurse", "Teacher", "Architect", "Data analyst",
    "Designer", "GP", "Physiotherapist", "Lawyer", "Accountant", "Journalist", "Researcher",
    "Chef", "Founder", "Head of sales", "Recruiter", "Project manager", "Pharmacist",
    "UX researcher", "Site reliability engineer", "Marketing lead", "Editor", "Translator",
    "Photographer", "Civil engineer", "Postdoc", "Professor of linguistics", "Barista",
    "Paramedic", "Operations director", "Community manager", "CTO", "Veterinarian",
    "Social worker", "Librarian", "Bike mechanic", "Sound engineer",
]
COMPANY_SHARE = [0.5, 0.6, 0.65, 0.9, 0.35]
MAIL_DOMAINS = ["example.com", "example.org", "example.net", "mailbox.example", "inbox.example"]
SOCIAL_PLATFORMS = [
    ("Mastodon", "@{h}@mastodon.social"),
    ("Instagram", "@{h}"),
    ("LinkedIn", "linkedin.com/in/{h}"),
    ("Bluesky", "@{h}.bsky.social"),
    ("GitHub", "github.com/{h}"),
]
PHONE_SHARE = [1.0, 0.9, 0.45, 0.15, 0.1]
SOCIAL_SHARE = [0.1, 0.2, 0.25, 0.3, 0.15]
TAG_NAMES = [
    "family", "college", "school", "work", "ex-colleagues", "climbing", "book club", "neighbours",
    "football", "choir",
]
# Per circle (inner .. acquaintance): how likely a contact carries the tag.
TAG_SHARES = {
    "college": [0.2, 0.3, 0.25, 0.05, 0.0],
    "school": [0.1, 0.15, 0.1, 0.02, 0.0],
    "work": [0.0, 0.05, 0.1, 0.3, 0.1],
    "ex-colleagues": [0.0, 0.05, 0.08, 0.15, 0.05],
    "climbing": [0.1, 0.1, 0.15, 0.05, 0.05],
    "book club": [0.0, 0.1, 0.1, 0.03, 0.0],
    "neighbours": [0.0, 0.05, 0.08, 0.08, 0.25],
    "football": [0.0, 0.05, 0.08, 0.04, 0.05],
    "choir": [0.0, 0.03, 0.05, 0.03, 0.05],
}
FAMILY_SHARE = [0.6, 0.15, 0.02, 0.0, 0.0]
HOW_WE_MET = [
    "Flatmates for four years in Leipzig.", "Same climbing gym; we became belay partners.",
    "Book club at the local library.", "Worked together on the payments team.",
    "Met at a conference in Lisbon.", "Friend of a friend, at a birthday party.",
    "Neighbours on the third floor.", "Sat next to each other on a very long train ride.",
    "University, first-year physics.", "Volunteering at the food bank.",
    "Our kids are in the same class.", "Choir — sings alto.", "Five-a-side football on Tuesdays.",
    "Language exchange: my Spanish for their German.", "Online, in a thread about sourdough.",
    "Hostel in Porto, backpacking.", "At a wedding (bride's side).", "Same coworking space.",
    "Introduced at a dinner party.", "Team offsite in Amsterdam.", "Evening pottery class.",
    "Running club.", "A recruiter call that turned into a friendship.", "School, from year 5.",
]
CONTACT_NOTES = [
    "Vegetarian.", "Allergic to cats.", "Has two kids, Mila and Jonas.",
    "Training for a marathon in the spring.", "Prefers voice notes to texts.",
    "Loves Ethiopian food.", "Doesn't drink; suggest coffee rather than beers.",
    "Moved to Lisbon last spring.", "Always up for a board-game night.", "Learning Japanese.",
    "Still has my copy of The Dispossessed.", "Great at giving CV feedback.",
    "Recently changed jobs; ask how it's going.", "Has a dog called Pepper.",
    "Night owl: don't call before 10.", "Gluten-free.", "Into bouldering and sourdough.",
    "Their mum has been unwell; check in gently.", "Birthday tradition: dumplings.",
    "Knows everyone in the local design scene.", "Plays cello in an amateur orchestra.",
    "Collects vinyl, mostly jazz.", "Lives two streets away.", "Studying for a master's part-time.",
]
IMPORTANT_DATE_LABELS = [
    "Wedding anniversary", "Name day", "Anniversary of their father's death", "Moved to Berlin",
    "Sobriety anniversary", "Graduation day", "Adoption day", "Started their company",
]
IMPORTANT_DATE_SHARE = [0.4, 0.2, 0.04, 0.005, 0.0]

# --- Interactions -----------------------------------------------------------------
CH = Channel
CIRCLE_CHANNELS = [
    {CH.IN_PERSON: 40, CH.CALL: 20, CH.MESSAGE: 30, CH.VIDEO: 10},
    {CH.IN_PERSON: 25, CH.CALL: 18, CH.MESSAGE: 35, CH.VIDEO: 15, CH.EMAIL: 3, CH.LETTER: 2,
     CH.OTHER: 2},
    {CH.IN_PERSON: 20, CH.CALL: 10, CH.MESSAGE: 33, CH.VIDEO: 8, CH.EMAIL: 10, CH.SOCIAL: 15,
     CH.LETTER: 1, CH.OTHER: 3},
    {CH.EMAIL: 35, CH.SOCIAL: 20, CH.MESSAGE: 20, CH.IN_PERSON: 10, CH.CALL: 8, CH.VIDEO: 5,
     CH.OTHER: 2},
    {CH.SOCIAL: 30, CH.MESSAGE: 25, CH.EMAIL: 20, CH.IN_PERSON: 20, CH.OTHER: 5},
]
GROUP_CHANNELS = {CH.IN_PERSON: 65, CH.VIDEO: 15, CH.MESSAGE: 12, CH.CALL: 8}
FACE_TO_FACE = {CH.IN_PERSON}
DIRECTIONS_IN_PERSON = {Direction.MUTUAL: 60, Direction.OUTGOING: 25, Direction.INCOMING: 15}
DIRECTIONS_REMOTE = {Direction.OUTGOING: 48, Direction.INCOMING: 40, Direction.MUTUAL: 12}
DIRECTIONS_GROUP = {Direction.MUTUAL: 70, Direction.OUTGOING: 20, Direction.INCOMING: 10}
K = Kind
CIRCLE_KINDS = [
    {K.CATCH_UP: 68, K.FAVOUR_ASKED: 5, K.FAVOUR_GIVEN: 6, K.CELEBRATION: 7, K.SUPPORT: 9,
     K.OTHER: 5},
    {K.CATCH_UP: 70, K.FAVOUR_ASKED: 5, K.FAVOUR_GIVEN: 5, K.INTRODUCTION: 1, K.CELEBRATION: 7,
     K.SUPPORT: 7, K.WORK: 2, K.OTHER: 3},
    {K.CATCH_UP: 72, K.FAVOUR_ASKED: 4, K.FAVOUR_GIVEN: 4, K.INTRODUCTION: 2, K.CELEBRATION: 6,
     K.SUPPORT: 4, K.WORK: 5, K.OTHER: 3},
    {K.CATCH_UP: 50, K.FAVOUR_ASKED: 5, K.FAVOUR_GIVEN: 5, K.INTRODUCTION: 5, K.CELEBRATION: 2,
     K.SUPPORT: 1, K.WORK: 29, K.OTHER: 3},
    {K.CATCH_UP: 70, K.FAVOUR_ASKED: 3, K.FAVOUR_GIVEN: 4, K.INTRODUCTION: 3, K.CELEBRATION: 3,
     K.WORK: 10, K.OTHER: 7},
]
GROUP_KINDS = {K.CATCH_UP: 62, K.CELEBRATION: 25, K.SUPPORT: 4, K.WORK: 5, K.OTHER: 4}
NOTE_SHARE = 0.4
QUALITY_SHARE = 0.45
QUALITIES = {1: 3, 2: 8, 3: 30, 4: 40, 5: 19}
# Local hours at which each channel tends to happen.
HOURS = {
    CH.IN_PERSON: [8, 12, 13, 17, 18, 19, 19, 20, 20, 21],
    CH.CALL: [9, 12, 13, 17, 18, 19, 20, 21],
    CH.VIDEO: [10, 12, 18, 19, 20, 21],
    CH.MESSAGE: list(range(7, 24)),
    CH.SOCIAL: list(range(7, 24)),
    CH.EMAIL: list(range(8, 23)),
    CH.LETTER: list(range(9, 20)),
    CH.OTHER: list(range(9, 21)),
}
NOTES = {
    K.CATCH_UP: [
        "Coffee with {name}; caught up on the new job.",
        "Long walk in the park. {name} is thinking about moving.",
        "Quick chat, mostly about the kids.", "{name} sent photos from the trip to Japan.",
        "Talked about books; {name} recommended Piranesi.",
        "Dinner at the Vietnamese place. Lovely evening.",
        "{name} is doing better after a rough month.", "Brief, but promised to meet properly soon.",
        "Swapped podcast recommendations.", "Laughed a lot. Should do this more often.",
        "Caught up over ramen.", "{name} got a promotion!", "Heard about the renovation saga.",
        "Voice notes back and forth all evening.", "{name} asked about my parents; nice of them.",
    ],
    K.FAVOUR_ASKED: [
        "Asked {name} to look over my CV.", "{name} lent me their drill.",
        "Asked {name} for a good physio.", "Asked {name} to water the plants while we're away.",
        "Asked for advice on negotiating salary.",
    ],
    K.FAVOUR_GIVEN: [
        "Helped {name} move flats.", "Reviewed {name}'s grant proposal.",
        "Dropped off soup when {name} was ill.", "Put {name} in touch with a recruiter I know.",
        "Picked {name} up from the airport.",
    ],
    K.INTRODUCTION: [
        "{name} introduced me to a colleague in Lisbon.",
        "Introduced {name} to Maya; both into ceramics.",
        "Met through a friend at a dinner party.",
        "Connected {name} with a founder looking for a designer.",
    ],
    K.CELEBRATION: [
        "{name}'s birthday drinks.", "Celebrated {name}'s new job.",
        "Housewarming at {name}'s new place.",
        "Engagement party!", "Toasted {name}'s finished thesis.",
    ],
    K.SUPPORT: [
        "{name} had a hard week; mostly listened.", "Checked in after the surgery.",
        "Long talk about the breakup.", "{name}'s dad is in hospital; offered to help.",
        "Talked through the burnout. Follow up next week.",
    ],
    K.WORK: [
        "Sync about the partnership.", "{name} wants feedback on their product.",
        "Talked about the open role on their team.", "Quarterly check-in.",
        "Shared notes on the conference talk.",
    ],
    K.OTHER: [
        "Quick hello, nothing planned.", "Swapped photos from the weekend.",
        "Sorted out the shared holiday costs.", "Short one; {name} was in a rush.",
    ],
}
GROUP_NOTES = [
    "Dinner with the gang.", "Board-game night.", "Birthday picnic in the park.",
    "Group call to plan the summer trip.", "Climbing session, then pizza.", "Pub quiz; came third.",
    "Brunch, far too long, very good.", "Watched the match together.",
]
