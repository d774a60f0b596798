"""Held-out figure cases for benchmarks/extract_bench.py.

These sentences were written after the extractor's rules were settled and were not used to tune
them (the development table lives in tests/test_extract_figures.py).  They are scored as they are;
failures here are reported, not fixed by special cases.
"""

from __future__ import annotations

# (sentence, figure text, kind, value, unit)
HeldOutCase = tuple[str, str, str, float, str]

HELDOUT_FIGURES: list[HeldOutCase] = [
    ("Meta will pay $725 million to settle a privacy lawsuit.", "$725 million", "money", 725e6, "USD"),
    ("The EU hit Apple with a €1.8bn fine over music streaming.", "€1.8bn", "money", 1.8e9, "EUR"),
    ("Britain's deficit widened to £17.8bn in December.", "£17.8bn", "money", 17.8e9, "GBP"),
    ("The ride-hailing firm lost 1.2 billion yuan in the quarter.", "1.2 billion yuan", "money", 1.2e9, "CNY"),
    ("Reliance Jio added 3.5 million subscribers in November.", "3.5 million", "count", 3.5e6, "subscriber"),
    ("Unemployment in the euro area stood at 6.3%.", "6.3%", "percent", 6.3, "%"),
    ("The index has gained 23 per cent this year.", "23 per cent", "percent", 23, "%"),
    ("The offshore wind farm will have a capacity of 1.4 GW.", "1.4 GW", "quantity", 1.4, "GW"),
    ("A 50 MW battery park opened near Leipzig.", "50 MW", "quantity", 50, "MW"),
    ("The drought has affected 2.3 million hectares of cropland.", "2.3 million hectares", "quantity", 2.3e6,
     "ha"),
    ("The company shipped 4,500 tonnes of copper.", "4,500 tonnes", "quantity", 4_500, "t"),
    ("The airline carried 140 million passengers last year.", "140 million", "count", 140e6, "passenger"),
    ("The bank will cut about 3,500 jobs.", "3,500", "count", 3_500, "job"),
    ("Toyota sold 10.8 million vehicles worldwide.", "10.8 million", "count", 10.8e6, "vehicle"),
    ("The government will spend Rs 2.4 lakh crore on railways.", "Rs 2.4 lakh crore", "money", 2.4e12, "INR"),
    ("Tata Motors reported a net profit of ₹3,343 crore.", "₹3,343 crore", "money", 3.343e10, "INR"),
    ("The central bank raised rates by 50 basis points to 6.5%.", "50 basis points", "percent", 50, "bp"),
    ("The central bank raised rates by 50 basis points to 6.5%.", "6.5%", "percent", 6.5, "%"),
    ("Shares of the chipmaker jumped 8.2% in Tokyo.", "8.2%", "percent", 8.2, "%"),
    ("The Swiss National Bank reported a profit of CHF 80.7 billion.", "CHF 80.7 billion", "money", 80.7e9,
     "CHF"),
    ("The heatwave pushed temperatures to 46.8°C in Delhi.", "46.8°C", "quantity", 46.8, "°C"),
    ("The tunnel is 57 km long.", "57 km", "quantity", 57, "km"),
    ("The rocket lifted a 6,000-kilogram satellite.", "6,000-kilogram", "quantity", 6_000, "kg"),
    ("Officials said at least 1,100 homes were destroyed.", "1,100", "count", 1_100, "home"),
    ("The programme will benefit 80 crore people.", "80 crore", "count", 8e8, "person"),
    ("Ticket sales reached $2.1bn at the global box office.", "$2.1bn", "money", 2.1e9, "USD"),
    ("The fine amounts to 4% of annual turnover.", "4%", "percent", 4, "%"),
    ("The startup raised US$25 million in a Series B round.", "US$25 million", "money", 25e6, "USD"),
    ("The merger creates a group with 45,000 employees.", "45,000", "count", 45_000, "employee"),
    ("Spain's economy grew 3.2 percent in 2024.", "3.2 percent", "percent", 3.2, "%"),
    ("Nvidia's market value topped $3.4 trillion.", "$3.4 trillion", "money", 3.4e12, "USD"),
    ("The storm dumped 30 cm of snow.", "30 cm", "quantity", 30, "cm"),
    ("The pipeline carries 55 bcm of gas a year.", "55 bcm", "quantity", 55, "bcm"),
    ("The ministry received 12 000 applications.", "12 000", "count", 12_000, "application"),
    ("The building has 1.2 million square feet of office space.", "1.2 million square feet", "quantity",
     1.2e6, "ft2"),
    ("The flight covered 15,000 km in 18 hours.", "15,000 km", "quantity", 15_000, "km"),
    ("The flight covered 15,000 km in 18 hours.", "18 hours", "quantity", 18, "h"),
    ("Over 60,000 fans attended the final.", "60,000", "count", 60_000, "fan"),
    ("The lottery jackpot is worth €250 million.", "€250 million", "money", 250e6, "EUR"),
    ("Mortgage rates fell to 6.85 per cent.", "6.85 per cent", "percent", 6.85, "%"),
    ("The project will cost 4.5 billion euros.", "4.5 billion euros", "money", 4.5e9, "EUR"),
    ("India's forex reserves fell by $8.7 billion to $625.9 billion.", "$8.7 billion", "money", 8.7e9, "USD"),
    ("India's forex reserves fell by $8.7 billion to $625.9 billion.", "$625.9 billion", "money", 625.9e9,
     "USD"),
    ("Nearly 9,000 people have been displaced.", "9,000", "count", 9_000, "person"),
    ("The company has a 25% stake in the venture.", "25%", "percent", 25, "%"),
    ("The farm spans 300 acres.", "300 acres", "quantity", 300, "acre"),
    ("Average wages rose 5.6% to £37,430 a year.", "£37,430", "money", 37_430, "GBP"),
    ("The platform reported 2.1 billion daily active users.", "2.1 billion", "count", 2.1e9, "user"),
]

# Sentences in which no figure should be found.
HELDOUT_NEGATIVES: list[str] = [
    "The EU's AI Act entered into force on 1 August 2024.",
    "Flight MH17 was shot down in 2014.",
    "The meeting begins at 9:30 a.m. on Monday.",
    "Apple unveiled the iPhone 16 and iOS 18 in September.",
    "Article 6 of the Paris Agreement covers carbon markets.",
    "The Boeing 737 MAX returned to service in 2020.",
    "Call +1 (202) 555-0143 for more information.",
    "He was appointed on 3 March 2023 and resigned in 2024.",
    "Covid-19 restrictions were lifted in 2022.",
    "Section 702 of FISA expires in April.",
    "The G7 summit took place in Apulia.",
    "The report is dated 12.04.2025.",
]
