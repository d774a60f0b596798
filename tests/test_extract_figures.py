"""Figure extraction on news-style sentences (tables shared with benchmarks/extract_bench.py)."""

from __future__ import annotations

import random

import pytest

from auditor.extract.figures import Figure, extract_figures

# (sentence, figure text, kind, value, unit, qualifier, precision)
FigureCase = tuple[str, str, str, float, str, str, float]

FIGURE_CASES: list[FigureCase] = [
    # --- money: US / wire style
    ("LinkedIn agreed to a $6.6 million settlement over inflated ad metrics.",
     "$6.6 million", "money", 6_600_000, "USD", "", 100_000),
    ("In 2024, LinkedIn settled a class action for $6.625 million after advertisers complained.",
     "$6.625 million", "money", 6_625_000, "USD", "", 1_000),
    ("The lawsuit asks for $1,000 per user, among other fees.",
     "$1,000", "money", 1_000, "USD", "", 1),
    ("Former President Donald Trump announced plans for a $500 billion investment in AI infrastructure.",
     "$500 billion", "money", 500e9, "USD", "", 1e9),
    ("A $1.25 million settlement for a data breach was reached in 2012.",
     "$1.25 million", "money", 1_250_000, "USD", "", 10_000),
    ("LinkedIn generates approximately $1.7 billion annually from Premium subscriptions.",
     "$1.7 billion", "money", 1.7e9, "USD", "approximately", 1e8),
    ("The chipmaker posted a net loss of US$3.4 billion for the quarter.",
     "US$3.4 billion", "money", 3.4e9, "USD", "", 1e8),
    ("The start-up raised $54K from angel investors before its seed round.",
     "$54K", "money", 54_000, "USD", "", 1_000),
    ("Analysts expect the bond sale to raise more than $10bn, Bloomberg reported.",
     "$10bn", "money", 10e9, "USD", "more than", 1e9),
    ("The streaming service lost $1.2B in the first quarter.",
     "$1.2B", "money", 1.2e9, "USD", "", 1e8),
    ("The city council approved a $5-million grant for the shelter.",
     "$5-million", "money", 5e6, "USD", "", 1e6),
    ("He was paid 6.6 million dollars last year, according to filings.",
     "6.6 million dollars", "money", 6.6e6, "USD", "", 1e5),
    ("Up to $5,000 in grants is available per household.",
     "$5,000", "money", 5_000, "USD", "up to", 1),
    ("Brent crude rose 85 cents to $74.30 a barrel.",
     "$74.30", "money", 74.3, "USD", "", 0.01),
    ("Brent crude rose 85 cents to $74.30 a barrel.",
     "85 cents", "money", 0.85, "USD", "", 0.01),
    ("The deal is valued at about A$2.1 billion, the miner said.",
     "A$2.1 billion", "money", 2.1e9, "AUD", "about", 1e8),
    ("The property group borrowed HK$8 billion from a syndicate of banks.",
     "HK$8 billion", "money", 8e9, "HKD", "", 1e9),
    ("Plaintiffs seek statutory damages of USD 1 000 per person under the SCA.",
     "USD 1 000", "money", 1_000, "USD", "", 1),
    # --- money: European style
    ("Ireland's Data Protection Commission imposed a €310 million fine on the platform.",
     "€310 million", "money", 310e6, "EUR", "", 1e6),
    ("The group reported revenue of €1.2bn for the quarter.",
     "€1.2bn", "money", 1.2e9, "EUR", "", 1e8),
    ("Sales grew 7.5% to €12.3 billion ($13.4 billion) last year.",
     "$13.4 billion", "money", 13.4e9, "USD", "", 1e8),
    ("The company has 3 000 employees and a turnover of 1,5 Mio. euros.",
     "1,5 Mio. euros", "money", 1.5e6, "EUR", "", 1e5),
    ("The stake was sold for 1.2 billion euros, Reuters reported.",
     "1.2 billion euros", "money", 1.2e9, "EUR", "", 1e8),
    ("Net profit rose to €61.4M in the first half of the year.",
     "€61.4M", "money", 61.4e6, "EUR", "", 1e5),
    ("The European Commission fined Google EUR 2.42 billion in 2017.",
     "EUR 2.42 billion", "money", 2.42e9, "EUR", "", 1e7),
    ("The insurer paid a fine of EUR 1.250.000 to the regulator.",
     "EUR 1.250.000", "money", 1_250_000, "EUR", "", 1),
    ("Premium tickets cost 1.234,50 € in the front rows.",
     "1.234,50 €", "money", 1234.5, "EUR", "", 0.01),
    ("The lender booked a loss of EUR61.4m on the portfolio.",
     "EUR61.4m", "money", 61.4e6, "EUR", "", 1e5),
    ("Nestlé said organic sales reached CHF 93 billion.",
     "CHF 93 billion", "money", 93e9, "CHF", "", 1e9),
    ("Voters approved spending of 5 billion Swiss francs on the army.",
     "5 billion Swiss francs", "money", 5e9, "CHF", "", 1e9),
    # --- money: UK style
    ("The club was fined £2.5m by the Premier League.",
     "£2.5m", "money", 2.5e6, "GBP", "", 1e5),
    ("The Treasury will spend £800m on the programme over five years.",
     "£800m", "money", 800e6, "GBP", "", 1e6),
    ("The deal is worth nearly £1bn to the supplier.",
     "£1bn", "money", 1e9, "GBP", "nearly", 1e9),
    ("Shares in the retailer rose 12p to 345p in early trading.",
     "345p", "money", 3.45, "GBP", "", 0.01),
    ("The charity raised 40,000 pounds at the auction.",
     "40,000 pounds", "money", 40_000, "GBP", "", 1),
    # --- money: Asia
    ("The ministry allocated Rs 500 crore for the scheme.",
     "Rs 500 crore", "money", 5e9, "INR", "", 1e7),
    ("The platform's sales crossed ₹1,200 crore in the last fiscal year.",
     "₹1,200 crore", "money", 1.2e10, "INR", "", 1e7),
    ("Farmers will receive Rs. 6,000 a year under the programme.",
     "Rs. 6,000", "money", 6_000, "INR", "", 1),
    ("The central bank fined the cooperative lender ₹2.5 lakh.",
     "₹2.5 lakh", "money", 250_000, "INR", "", 10_000),
    ("The Rs 1,200-crore project was cleared by the cabinet.",
     "Rs 1,200-crore", "money", 1.2e10, "INR", "", 1e7),
    ("The Centre has approved Rs 1.07 lakh crore for the scheme.",
     "Rs 1.07 lakh crore", "money", 1.07e12, "INR", "", 1e10),
    ("Toyota expects operating profit of ¥4.3 trillion this year.",
     "¥4.3 trillion", "money", 4.3e12, "JPY", "", 1e11),
    ("Beijing pledged 100 billion yuan in new loans to small firms.",
     "100 billion yuan", "money", 100e9, "CNY", "", 1e9),
    ("Samsung set aside 3 trillion won for chip plants.",
     "3 trillion won", "money", 3e12, "KRW", "", 1e12),
    # --- percentages
    ("Premium subscribers make up about 39% of the user base.",
     "39%", "percent", 39, "%", "about", 1),
    ("Premium subscribers are estimated to be around 39% of LinkedIn's user base.",
     "39%", "percent", 39, "%", "around", 1),
    ("Inflation eased to 2.6 per cent in March, the ONS said.",
     "2.6 per cent", "percent", 2.6, "%", "", 0.1),
    ("Unemployment fell to 4.1 percent, the Labor Department said.",
     "4.1 percent", "percent", 4.1, "%", "", 0.1),
    ("The Bank of England cut rates by 0.25 percentage points.",
     "0.25 percentage points", "percent", 0.25, "pp", "", 0.01),
    ("Support for the party dropped by more than 10 percentage points.",
     "10 percentage points", "percent", 10, "pp", "more than", 1),
    ("The Fed raised its benchmark rate by 25 basis points.",
     "25 basis points", "percent", 25, "bp", "", 1),
    ("Turnout was 61,2 % according to the electoral commission.",
     "61,2 %", "percent", 61.2, "%", "", 0.1),
    ("Sales rose 12pc year on year, the retailer said.",
     "12pc", "percent", 12, "%", "", 1),
    ("Shares fell 3.5 pct in Tokyo trading.",
     "3.5 pct", "percent", 3.5, "%", "", 0.1),
    ("GDP contracted 0.5% in the third quarter.",
     "0.5%", "percent", 0.5, "%", "", 0.1),
    ("Almost 40% of voters said they were undecided.",
     "40%", "percent", 40, "%", "almost", 1),
    ("The yield on 10-year Treasuries rose to 4.25% on Friday.",
     "4.25%", "percent", 4.25, "%", "", 0.01),
    ("Analysts expect growth of 5-7% this year.",
     "5", "percent", 5, "%", "", 1),
    ("Analysts expect growth of 5-7% this year.",
     "7%", "percent", 7, "%", "", 1),
    ("Output changed by −0.3% in the fourth quarter.",
     "−0.3%", "percent", -0.3, "%", "", 0.1),
    ("Nearly 70 per cent of respondents backed the plan.",
     "70 per cent", "percent", 70, "%", "nearly", 1),
    ("The coupon on the bond is 3.125%.",
     "3.125%", "percent", 3.125, "%", "", 0.001),
    # --- counts
    ("As of January 2025, LinkedIn boasts over 175 million Premium users.",
     "175 million", "count", 175e6, "user", "over", 1e6),
    ("Founded in 2002, LinkedIn claims it has over a billion members.",
     "a billion", "count", 1e9, "member", "over", 1e9),
    ("The US is its biggest market with 230 million users, followed by India.",
     "230 million", "count", 230e6, "user", "", 1e6),
    ("The utility connected 5.000 households to the grid last year.",
     "5.000", "count", 5_000, "household", "", 1),
    ("8 newspapers including the New York Times have sued OpenAI.",
     "8", "count", 8, "newspaper", "", 1),
    ("Summary based on 21 sources",
     "21", "count", 21, "source", "", 1),
    ("Police said some 2,500 protesters gathered outside parliament.",
     "2,500", "count", 2_500, "protester", "some", 1),
    ("An estimated 1.5 million people attended the rally.",
     "1.5 million", "count", 1.5e6, "person", "an estimated", 1e5),
    ("The airline will cut 2,000 jobs by the end of the year.",
     "2,000", "count", 2_000, "job", "", 1),
    ("Nearly 10 000 employees signed the open letter.",
     "10 000", "count", 10_000, "employee", "nearly", 1),
    ("The survey polled 1\u202f000 adults in March.",
     "1\u202f000", "count", 1_000, "adult", "", 1),
    ("Organisers counted 25\u00a0000 visitors over the weekend.",
     "25\u00a0000", "count", 25_000, "visitor", "", 1),
    ("The harvest came to 1.234,5 tonnes, the cooperative said.",
     "1.234,5 tonnes", "quantity", 1234.5, "t", "", 0.1),
    ("At least 42 people were killed in the floods, officials said.",
     "42", "count", 42, "person", "at least", 1),
    ("The app has 500m monthly active users worldwide.",
     "500m", "count", 500e6, "user", "", 1e6),
    ("The creator now has 54k followers on the platform.",
     "54k", "count", 54_000, "follower", "", 1_000),
    ("The scheme will benefit 10 lakh farmers in the state.",
     "10 lakh", "count", 1e6, "farmer", "", 1e5),
    ("Organisers expect two million visitors this summer.",
     "two million", "count", 2e6, "visitor", "", 1e6),
    ("The city has half a million residents.",
     "half a million", "count", 5e5, "resident", "", 1e5),
    ("Roughly 1,200 companies have signed up to the pledge.",
     "1,200", "count", 1_200, "company", "roughly", 1),
    ("The ruling affects 3.2 million children across the country.",
     "3.2 million", "count", 3.2e6, "child", "", 1e5),
    ("More than 100 countries signed the declaration.",
     "100", "count", 100, "country", "more than", 1),
    ("A 12-member jury found the defendant guilty.",
     "12", "count", 12, "member", "", 1),
    ("The marketplace onboarded 1,00,000 sellers in a single year.",
     "1,00,000", "count", 100_000, "seller", "", 1),
    ("Total enrolment reached 12,34,567 students this session.",
     "12,34,567", "count", 1_234_567, "student", "", 1),
    ("The bill passed by 218 votes to 214 in the House.",
     "218", "count", 218, "vote", "", 1),
    ("Up to 1,500 workers could lose their jobs.",
     "1,500", "count", 1_500, "worker", "up to", 1),
    ("Fewer than 300 species remain in the wild, scientists warn.",
     "300", "count", 300, "species", "fewer than", 1),
    ("The plant will create 5,000-odd jobs in the region.",
     "5,000", "count", 5_000, "job", "about", 1),
    ("The fund targets 10,000+ startups across the country.",
     "10,000", "count", 10_000, "startup", "more than", 1),
    ("Police said 30 or more were arrested overnight.",
     "30", "count", 30, "", "at least", 1),
    ("The firm will hire 1,000 more engineers in Bengaluru.",
     "1,000", "count", 1_000, "engineer", "", 1),
    ("About 2,000-3,000 people gathered outside the court.",
     "2,000", "count", 2_000, "person", "about", 1),
    ("About 2,000-3,000 people gathered outside the court.",
     "3,000", "count", 3_000, "person", "", 1),
    # --- physical quantities
    ("The solar park will have a capacity of 38 MW when complete.",
     "38 MW", "quantity", 38, "MW", "", 1),
    ("A 38-MW solar farm is planned near the village.",
     "38-MW", "quantity", 38, "MW", "", 1),
    ("The plant produces 1.2 GW of power at full load.",
     "1.2 GW", "quantity", 1.2, "GW", "", 0.1),
    ("The battery can store 250MWh of electricity.",
     "250MWh", "quantity", 250, "MWh", "", 1),
    ("The wind farm will generate 500,000 kWh a year.",
     "500,000 kWh", "quantity", 500_000, "kWh", "", 1),
    ("The project covers 1,500 hectares of farmland.",
     "1,500 hectares", "quantity", 1_500, "ha", "", 1),
    ("The wildfire has burned more than 12,000 acres.",
     "12,000 acres", "quantity", 12_000, "acre", "more than", 1),
    ("The pipeline stretches 1,200 kilometres across the steppe.",
     "1,200 kilometres", "quantity", 1_200, "km", "", 1),
    ("Traffic was halted on a 5km stretch of the motorway.",
     "5km", "quantity", 5, "km", "", 1),
    ("The storm was packing winds of 150 km/h.",
     "150 km/h", "quantity", 150, "km/h", "", 1),
    ("The country emitted 2.1 billion tonnes of CO2 last year.",
     "2.1 billion tonnes", "quantity", 2.1e9, "t", "", 1e8),
    ("The truck was carrying 20 tons of grain.",
     "20 tons", "quantity", 20, "t", "", 1),
    ("She won the 100m sprint in record time.",
     "100m", "quantity", 100, "m", "", 1),
    ("The tower is 330 metres tall.",
     "330 metres", "quantity", 330, "m", "", 1),
    ("The drone flew 15 miles before it was intercepted.",
     "15 miles", "quantity", 15, "mi", "", 1),
    ("The lake covers 250 sq km in the dry season.",
     "250 sq km", "quantity", 250, "km2", "", 1),
    ("Temperatures hit 41°C in Seville on Sunday.",
     "41°C", "quantity", 41, "°C", "", 1),
    ("The parcel weighs 2.5 kg, the courier said.",
     "2.5 kg", "quantity", 2.5, "kg", "", 0.1),
    ("OPEC+ will cut output by 2 million barrels per day.",
     "2 million barrels per day", "quantity", 2e6, "bbl/d", "", 1e6),
    ("He was sentenced to 10 years in prison.",
     "10 years", "quantity", 10, "year", "", 1),
    ("The hearing lasted almost 3 hours.",
     "3 hours", "quantity", 3, "h", "almost", 1),
    ("The new reactor adds 1,100 megawatts to the grid.",
     "1,100 megawatts", "quantity", 1_100, "MW", "", 1),
]

# Sentences in which no figure at all may be found.
NEGATIVE_CASES: list[str] = [
    "LinkedIn was acquired by Microsoft in 2016.",
    "The proposed class action was filed on January 21, 2025, in San Jose.",
    "The lawsuit, filed on 21 January, names LinkedIn as the sole defendant.",
    "BBC News • Jan 23, 2025",
    "Updated 04.03.2026 – 22:15",
    "January 28, 2025 14:08",
    "The vote is scheduled for 10 p.m. on Tuesday.",
    "The match kicks off at 7pm local time.",
    "She finished 21st in the downhill race, her 3rd World Cup start.",
    "OpenAI products are integrated into Windows 11 and Microsoft 365.",
    "The iPhone 15 went on sale in September.",
    "The COVID-19 pandemic disrupted supply chains.",
    "Section 230 shields platforms from liability for user posts.",
    "The bill was listed as No. 5 on the agenda.",
    "Call the newsroom on +44 20 7946 0958 for details.",
    "Readers can reach the hotline at (555) 123-4567.",
    "1. Background of the case",
    "2) The plaintiffs' claims",
    "India's Digital Personal Data Protection Act 2023 gives users more control.",
    "The lawsuit covers messages sent between January 2015 and May 2023.",
    "Eight US newspapers have also sued OpenAI and Microsoft.",
    "The retailer filed for Chapter 11 protection.",
    "The S&P 500 closed higher on Friday.",
    "The 5G rollout recalled the mobile boom of the 1990s.",
    "Article 17 of the GDPR sets out the right to erasure.",
    "Published: Thu 23 Jan 2025",
    "The survey was conducted in 2023-24.",
    "See footnote [3] for the methodology.",
    "Version 2.1 of the app fixes the bug.",
    "The F-35 fleet was grounded after the incident.",
    "For tickets call 555-0123.",
    "The A380 made its last flight for the airline.",
    "He won 3-1 in the final after extra time.",
    "The Supreme Court ruled 6-3 in the case.",
    "Chapter 7 of the report, pages 112-130, sets out the details.",
    "The S&P/ASX 200 closed flat.",
    "Talks are set for 5 and 6 March in Geneva.",
    "The iOS 18.2 update arrives at 10:00 GMT.",
]


def _find(figures: list[Figure], text: str) -> Figure:
    for fig in figures:
        if fig.text == text:
            return fig
    raise AssertionError(f"{text!r} not among {[f.text for f in figures]}")


@pytest.mark.parametrize(
    ("sentence", "text", "kind", "value", "unit", "qualifier", "precision"), FIGURE_CASES
)
def test_figure_case(sentence: str, text: str, kind: str, value: float, unit: str, qualifier: str,
                     precision: float) -> None:
    fig = _find(extract_figures(sentence), text)
    assert (fig.kind, fig.unit, fig.qualifier) == (kind, unit, qualifier)
    assert fig.value == pytest.approx(value, rel=1e-12)
    assert fig.precision == pytest.approx(precision, rel=1e-12)


@pytest.mark.parametrize("sentence", NEGATIVE_CASES)
def test_no_figure(sentence: str) -> None:
    assert [f.text for f in extract_figures(sentence)] == []


def test_spans_match_text() -> None:
    blob = "\n".join([c[0] for c in FIGURE_CASES] + NEGATIVE_CASES)
    figures = extract_figures(blob)
    assert len(figures) >= len({c[0] for c in FIGURE_CASES})
    last_end = 0
    for fig in figures:
        assert blob[fig.start:fig.end] == fig.text
        assert fig.start >= last_end
        last_end = fig.end


def test_significant_digits_and_scale() -> None:
    figs = extract_figures("It paid $6.6 million, then $1,000, then 0.05% and 1.20 billion euros.")
    assert [(f.sig_digits, f.scale) for f in figs] == [(2, "million"), (4, ""), (1, ""), (3, "billion")]


def test_noun_context() -> None:
    figs = extract_figures("It boasts over 175 million Premium users, and a €310 million fine followed.")
    assert [f.noun for f in figs] == ["Premium users", "fine"]


def test_empty_and_plain_text() -> None:
    assert extract_figures("") == []
    assert extract_figures("No numbers in this sentence at all.") == []


FUZZ_TOKENS = ["$", "€", "£", "USD", "Rs.", "1", "12", "2025", "1,000", "5.000", "6.6", "0.5", "-", "–", "%",
               "per cent", "million", "bn", "m", "k", "a", "billion", "over", "about", " ", "\n", ",", ".", ":",
               "/", "Jan", "Tuesday", "21st", "(", ")", "+", "MW", "km", "people", "No.", "Section", "COVID",
               "-19", "p.m.", "14:08", "+44", "020", "lakh", "crore", "1 000", "\u00a0", "°C", "or more"]


def test_random_token_soup_invariants() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(FUZZ_TOKENS) + rng.choice(["", " "]) for _ in range(rng.randint(1, 20)))
        last_end = 0
        for fig in extract_figures(text):
            assert text[fig.start:fig.end] == fig.text
            assert fig.start >= last_end
            assert fig.kind in ("money", "percent", "count", "quantity")
            assert fig.precision > 0 and fig.sig_digits >= 1
            last_end = fig.end


def test_a_figure_at_the_very_end_of_the_text_is_kept():
    assert [f.text for f in extract_figures("Sales rose 39%")] == ["39%"]
    assert [f.text for f in extract_figures("Kestrel Labs fined €4.2m")] == ["€4.2m"]
