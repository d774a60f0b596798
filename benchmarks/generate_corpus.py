"""Generate a realistic synthetic news corpus with labeled errors, for benchmarks and story grouping.

N stories x k sources (k from 2 to 7). Each story is a set of facts (an event date, a main money
figure, counts, percentages, MW/MWh or km quantities, a month-year date, an acronym); each source
paraphrases them with its own templates, order, outlet style and figure/date formats. Errors are
injected at a configurable rate and labeled in a gold file in the format of ../shared/gold/seeds.json
(one cluster per story, source ids relative to the story folder: score with ``--qualify``).

Usage (from the repository root)::

    python benchmarks/generate_corpus.py --stories 2200 --out /tmp/corpus10k --seed 1
    python benchmarks/generate_corpus.py --stories 200 --out /tmp/flat1k --seed 1 --flat

Outputs: ``OUT/story_00001/src_a.txt`` ... (or, with ``--flat``, ``OUT/art_000001.txt`` ...), the
gold file ``OUT.gold.json`` and, with ``--flat``, ``OUT.stories.json`` (article id -> true story).
Metadata sits beside the folder so that auditing the folder reads articles only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------- vocabularies

ORG_STEMS = """Kestrel Norvale Brightwater Halden Corvia Elmstead Ravensholt Tidewell Ashgrove Brenmoor Calderon
Dunmere Everlund Fairhaven Glenrock Harrowgate Ironbridge Juniper Kingsmere Larkspur Marlowe Northgate Oakhurst
Pembrook Quillon Redfern Stonebury Thornfield Umbria Valecrest Westmarch Yarrow Zephyra Alderic Bexley Cresswell
Drayton Eastwick Foxley Granmoor Hollins Islay Jessop Kilbride Lockwood Merriton Newholm Orwell Penhallow Quarry
Rookwood Sefton Tamsin Ulverston Verity Wexford Arden Belmont Carrick Denholm Elgin Fenwick Greystone Hartwell
Inverly Jarrow Keswick Lindell Moreton Nairn Oldcastle Prescott Rathmore Selwyn Trelawny Upton Vantage Whitcombe
Aubrey Blackmore Chalfont Dorrance Ellery Farrowdale Goldcrest Hexham Ingleby Kinross Lowther Maddox Norland
Ockley Pardoe Ravenna Sturgis Tolland Uxbridge Vireo Wyndham Astley Brampton Colwyn Derwent Evesham Falkirk
Gresham Holloway Ilkley Kirkham Langdale Melrose Northcott Ormond Padstow Radley Saltash Tenbury Wareham""".split()
FIRST_NAMES = """James Maria Daniel Sofia Thomas Aisha Michael Elena David Priya Robert Chen Laura Omar Sarah Lucas
Hannah Mateo Olivia Yusuf Emma Rahul Grace Felix Nadia Samuel Chloe Ivan Leila Oscar Amara Jonas Ingrid Marco Zara
Victor Helen Tomas Keiko Andre Fatima Peter Julia Hugo Mei Carlos Anna Liam Rosa Noah Eva Karim Ruth Diego""".split()
LAST_NAMES = """Whitaker Okafor Lindqvist Moreau Castellanos Brennan Takahashi Novak Ferreira Kowalski Haddad Mercer
Ashworth Delgado Fitzgerald Gallagher Hoffmann Iverson Jablonski Kaur Lombardi Mwangi Nakamura Oyelaran Petrov
Quinlan Rasmussen Sandoval Thornton Ueda Valente Wojcik Yilmaz Zimmerman Abernathy Bianchi Carvalho Dunleavy
Eriksen Fontaine Grimaldi Halvorsen Ibrahim Jensen Kaminski Larsen Maddox Nieminen Ortega Pellegrini Rourke
Schreiber Tanaka Underwood Vasquez Webber Xu Yates Zielinski""".split()
PLACES = [("San Jose", "the United States"), ("Austin", "the United States"), ("Denver", "the United States"),
          ("Leeds", "Britain"), ("Bristol", "Britain"), ("Glasgow", "Britain"), ("Lyon", "France"),
          ("Toulouse", "France"), ("Hamburg", "Germany"), ("Leipzig", "Germany"), ("Utrecht", "the Netherlands"),
          ("Porto", "Portugal"), ("Valencia", "Spain"), ("Turin", "Italy"), ("Gothenburg", "Sweden"),
          ("Aarhus", "Denmark"), ("Krakow", "Poland"), ("Dublin", "Ireland"), ("Pune", "India"),
          ("Chennai", "India"), ("Osaka", "Japan"), ("Zurich", "Switzerland"), ("Geneva", "Switzerland"),
          ("Toronto", "Canada"), ("Calgary", "Canada"), ("Perth", "Australia"), ("Auckland", "New Zealand"),
          ("Phoenix", "the United States"), ("Cardiff", "Britain"), ("Bilbao", "Spain"), ("Bergen", "Norway"),
          ("Graz", "Austria"), ("Ghent", "Belgium"), ("Tampere", "Finland"), ("Brno", "the Czech Republic")]
OUTLETS = [("The Daily Ledger", "ledger"), ("Northwind Times", "nwtimes"), ("Metro Wire", "metrowire"),
           ("Harbor Post", "harborpost"), ("Capital Observer", "capobserver"), ("The Evening Courier", "courier"),
           ("Global Business Review", "gbreview"), ("Signal Dispatch", "signal"), ("The Civic Herald", "herald"),
           ("Riverside Chronicle", "chronicle"), ("Market Pulse", "marketpulse"), ("The Open Record", "openrec"),
           ("Continental Report", "contreport"), ("Eastern Gazette", "gazette"), ("Tech Brief", "techbrief"),
           ("The Morning Sentinel", "sentinel"), ("Coastline News", "coastline"), ("Summit Journal", "summitj"),
           ("The Plain Dealer Review", "plainreview"), ("Westbrook Times", "westbrook"), ("Newsroom One", "nr1"),
           ("The Independent Digest", "indigest"), ("Lantern Media", "lantern"), ("Crossroads Weekly", "xroads"),
           ("The National Mirror", "natmirror"), ("Frontline Daily", "frontline"), ("Meridian Press", "meridian"),
           ("Beacon Online", "beacon"), ("The Urban Standard", "urbanstd"), ("Keystone Wire", "keystone")]
PARTNER_SUFFIXES = ["Group", "Partners", "Consulting", "Engineering", "Associates", "Advisers"]
LOCAL_CURRENCY = {"the United States": "USD", "Britain": "GBP", "India": "INR", "Japan": "JPY", "Switzerland": "CHF",
                  "France": "EUR", "Germany": "EUR", "the Netherlands": "EUR", "Portugal": "EUR", "Spain": "EUR",
                  "Italy": "EUR", "Ireland": "EUR", "Austria": "EUR", "Belgium": "EUR", "Finland": "EUR"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_ABBR = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ABBREVIATION_WORDS = {"est", "art", "sec", "para", "rev", "gen", "col", "rep", "sen", "gov", "dept", "approx", "fig",
                      "etc", "inc", "corp", "ltd", "plc", "hon", "capt", "mt", "ft", "vs", "no", "nos", "st"}

GENERIC_FILLERS = [
    "{short} did not immediately respond to a request for comment.",
    "A spokesperson for {short} declined to comment further.",
    "The news was first reported by local media in {place}.",
    "Analysts said the outcome would be closely watched across the industry.",
    "Critics said the move raised fresh questions about oversight and accountability.",
    "Officials in {place} welcomed the announcement but said more details were needed.",
    "The details were set out in documents seen by reporters.",
    "It was not immediately clear how the decision would affect ordinary customers.",
    "Industry groups said they were still studying the details of the plan.",
    "The announcement follows months of speculation about the company's next steps.",
    "Observers expect further developments before the end of the year.",
    "{person}, {role} of {short}, has previously defended the strategy in interviews.",
    "Local residents gave the news a mixed reception, according to people in {place}.",
    "The company said it would publish more information in due course.",
]
SYNONYMS = {"said": ["said", "stated"], "company": ["company", "firm", "group"], "details": ["details", "specifics"],
            "closely": ["closely", "carefully"], "announcement": ["announcement", "decision"],
            "fresh": ["fresh", "new"], "months": ["months", "weeks"], "ordinary": ["ordinary", "everyday"]}

# negative fillers: text a check must not flag (kind, template, evidence template)
NEGATIVE_FILLERS = [
    ("garbled_text", "{short} has promoted the plan on LinkedIn and YouTube in recent days.", "LinkedIn and YouTube"),
    ("garbled_text", "U.S. officials have not commented on the matter so far.", "U.S. officials"),
    ("garbled_text", "Some rivals, e.g. smaller regional firms, may follow the same path.", "e.g. smaller"),
    ("repeated_word", "{person} said that that approach had worked well in the past.", "that that"),
    ("repeated_word", "{person} said the company had had talks with regulators before the decision.", "had had"),
    ("unbalanced_punctuation", "\"We are not done yet. There is more work to do,\" {last} said.",
     "\"We are not done yet."),
    ("unbalanced_punctuation", "The company’s shares were little changed after the news.", "company’s"),
    ("boilerplate", "{person} said the email from {short} about the plan had arrived late.", "the email from"),
]


@dataclass(frozen=True)
class Acronym:
    """A story's acronym, its expansion, a look-alike it gets swapped with and its slot noun."""

    expansion: str
    acr: str
    lookalike: str
    slot: str


@dataclass
class Topic:
    """Templates and vocabulary of one news topic."""

    name: str
    section: str
    org_suffixes: list[str]
    roles: list[str]
    currencies: list[str]
    words: dict[str, list[str]]
    headlines: list[str]
    leads: list[str]
    facts: dict[str, list[str]]
    details: list[str]
    fillers: list[str]
    acronyms: list[Acronym]
    count_nouns: list[str]
    count_range: tuple[float, float]
    money_range: tuple[float, float, int]  # mantissa low, high, power of ten
    money2_range: tuple[float, float, int]
    qty_units: tuple[str, ...] = ()


ACR_DEFS = ["At the centre of the story is the {AX} ({A}) {S}.",
            "Much of the debate has focused on the {AX} ({A}) {S}.",
            "{short} has said little about the {AX} ({A}) {S} so far."]
ACR_USES = ["Observers said the {A} {S} would shape what happens next.",
            "{short} said it was reviewing the {A} {S} closely.",
            "Details of the {A} {S} were not made public.",
            "The {A} {S} has drawn criticism from campaigners."]

TOPICS: list[Topic] = [
    Topic(
        name="courts", section="Legal",
        org_suffixes=["Holdings", "Foods", "Logistics", "Motors", "Telecom", "Insurance", "Bank", "Pharmaceuticals"],
        roles=["chief executive", "general counsel", "chairman"], currencies=["USD", "USD", "GBP"],
        words={"issue": ["hidden fees", "a data breach", "misleading advertising", "unpaid overtime", "faulty brakes",
                         "price fixing", "junk insurance policies", "unfair loan charges"],
               "court": ["federal court", "district court", "state court"]},
        headlines=["{org} to pay {M} to settle lawsuit over {issue}", "{org} settles class action over {issue}",
                   "Judge asked to approve {short} settlement over {issue}",
                   "{short} agrees to pay {M} over claims of {issue}"],
        leads=["{org} has agreed to pay {M} to settle a class action over {issue}, according to a filing made on {D} "
               "in a {court} in {place}.",
               "A {court} judge in {place} was asked on {D} to approve a {M} settlement between {org} and {CN} "
               "who accused the company of {issue}.",
               "{CN_cap} who sued {org} over {issue} will share a {M} settlement under a deal filed in a {court} in "
               "{place} on {D}.",
               "{org} will pay {M} to end a class action over {issue}, lawyers for the plaintiffs said in a filing "
               "in {place} on {D}."],
        facts={"money2": ["It is not the first time {short} has paid to resolve such claims: in {Y2} it agreed to a "
                          "{M2} settlement in a separate case.",
                          "{short} previously paid {M2} in {Y2} to settle a separate case.",
                          "In {Y2}, the company settled an earlier dispute for {M2}."],
               "count": ["The settlement covers {C} in {country}.",
                         "Lawyers estimate that {C} are eligible for payments under the settlement.",
                         "The class includes {C}, according to the plaintiffs' lawyers."],
               "pct": ["Lawyers for the plaintiffs will receive {P} of the settlement fund in fees.",
                       "Legal fees will take {P} of the settlement fund, the filing shows.",
                       "The plaintiffs' lawyers have asked for {P} of the settlement fund as fees."],
               "sec": ["The lawsuit was first filed in {SD}.", "The case dates back to {SD}, when the first complaint "
                       "was lodged.", "Plaintiffs first went to court over the matter in {SD}."],
               "quote": ["\"We are pleased to put this matter behind us,\" {short} said in a statement.",
                         "\"This settlement holds {short} accountable,\" said {person}, a lawyer for the plaintiffs.",
                         "{person}, who represents the plaintiffs, called the deal \"a fair outcome for consumers.\""]},
        details=["The lawsuit accused {short} of {issue} over several years.",
                 "{person2}, a lawyer for the plaintiffs, said {short} had ignored repeated warnings.",
                 "Court papers filed in {place} describe internal emails at {short} discussing the practice.",
                 "{short} said the claims against it were without merit but that it wanted to move on.",
                 "Judge {judge} will consider the proposed settlement at a hearing in {place}.",
                 "The plaintiffs were represented by {partner}, which has brought similar cases before.",
                 "{person}, {role} of {short}, told staff the company had learned from the case."],
        fillers=["{short} denied any wrongdoing and said it settled to avoid the cost and distraction of a trial.",
                 "The settlement still needs the approval of the judge overseeing the case.",
                 "A hearing on the proposed settlement is expected in the coming weeks.",
                 "Class members will be able to file claims online once the settlement is approved.",
                 "Consumer advocates said the case showed the limits of existing regulation.",
                 "The company said it had already changed the practices at the heart of the complaint.",
                 "Legal experts said the size of the settlement reflected the strength of the evidence.",
                 "Neither side admitted liability as part of the agreement."],
        acronyms=[Acronym("Federal Trade Commission", "FTC", "FCC", "complaint"),
                  Acronym("Consumer Financial Protection Bureau", "CFPB", "CPFB", "investigation"),
                  Acronym("Securities and Exchange Commission", "SEC", "FEC", "inquiry"),
                  Acronym("Competition and Markets Authority", "CMA", "CAM", "review")],
        count_nouns=["customers", "policyholders", "account holders", "drivers"], count_range=(1.0e5, 9.0e6),
        money_range=(1.5, 95.0, 6), money2_range=(0.5, 9.0, 6)),
    Topic(
        name="energy", section="Energy",
        org_suffixes=["Energy", "Power", "Renewables", "Utilities", "Grid", "Solar"],
        roles=["chief executive", "managing director", "head of projects"], currencies=["EUR", "GBP", "USD"],
        words={"ptype": ["battery storage plant", "solar farm", "wind farm", "hybrid solar and storage site"]},
        headlines=["{org} to build {ptype} near {place}", "{short} commits {M} to new {ptype}",
                   "{place} gets {ptype} as {short} approves investment", "{org} unveils {Qa} {ptype} plan"],
        leads=["{org} said on {D} it would invest {M} in a {Qa} {ptype} near {place}.",
               "{org} has approved a {M} plan to build a {Qa} {ptype} outside {place}, the company announced on {D}.",
               "Construction of a {Qa} {ptype} near {place} will go ahead after {org} committed {M} to the project "
               "on {D}.",
               "{org} on {D} unveiled plans for a {ptype} near {place} with a capacity of {Qn}, backed by {M} of "
               "investment."],
        facts={"qty2": ["The plant will be able to store {Q2} of electricity.",
                        "Its batteries will hold {Q2} of electricity, according to the company.",
                        "Storage capacity at the site is put at {Q2} of electricity."],
               "money2": ["{short} spent {M2} on a smaller project in {Y2}.",
                          "In {Y2}, the company invested {M2} in a smaller project.",
                          "The company's previous project, completed in {Y2}, cost {M2}."],
               "count": ["The project is expected to supply {C} once it is running.",
                         "Once running, the project will supply power to {C}, the company said.",
                         "According to {short}, the site will be able to supply {C}."],
               "pct": ["The project will cover {P} of the region's electricity demand.",
                       "It is expected to meet {P} of the region's electricity demand.",
                       "{short} said the site would supply {P} of the region's electricity demand."],
               "sec": ["Regulators granted planning permission in {SD}.",
                       "The site received planning permission from regulators in {SD}.",
                       "Planning permission for the project was granted in {SD}."],
               "quote": ["\"This is a milestone for the grid,\" said {person}, {role} of {short}.",
                         "\"Projects like this keep the lights on,\" {person} told reporters.",
                         "{person} described the project as \"a turning point for the region.\""]},
        details=["The {ptype} will be built on former farmland east of {place}.",
                 "{short} said it had signed a grid connection agreement for the {ptype}.",
                 "{person2}, an energy analyst, said the {ptype} was one of the largest of its kind in {country}.",
                 "{short} chose {partner} as the main contractor for the {ptype}.",
                 "Residents near {place} will be offered a community benefit fund by {short}.",
                 "{person}, {role} of {short}, said the {ptype} would start operating within three years."],
        fillers=["Grid operators have warned that new capacity is needed to balance intermittent renewables.",
                 "Environmental groups broadly welcomed the project but raised concerns about local wildlife.",
                 "The company expects construction to begin once final permits are issued.",
                 "Energy prices in the region have been volatile over the past two years.",
                 "Local councillors said the project would bring much-needed investment to the area.",
                 "The government has set ambitious targets for clean power.",
                 "Critics questioned whether the grid connection would be ready in time.",
                 "The project will be connected to the regional transmission network."],
        acronyms=[Acronym("battery energy storage system", "BESS", "BMS", "project"),
                  Acronym("power purchase agreement", "PPA", "PPI", "contract"),
                  Acronym("International Energy Agency", "IEA", "EIA", "forecast"),
                  Acronym("liquefied natural gas", "LNG", "LPG", "terminal")],
        count_nouns=["homes", "households"], count_range=(2.0e4, 9.0e5),
        money_range=(40.0, 900.0, 6), money2_range=(5.0, 60.0, 6), qty_units=("MW", "MWh")),
    Topic(
        name="tech", section="Tech",
        org_suffixes=["Labs", "Systems", "Networks", "Software", "Digital", "Cloud"],
        roles=["chief executive", "chief technology officer", "founder"], currencies=["EUR", "USD", "GBP"],
        words={"issue": ["sharing private messages", "tracking location data", "scraping user posts",
                         "retaining voice recordings", "profiling children"],
               "regulator": ["data protection regulator", "privacy watchdog", "consumer regulator"]},
        headlines=["{org} fined {M} over {issue}", "Regulator fines {short} for {issue}",
                   "{short} hit with {M} penalty over {issue}", "{org} punished over {issue}"],
        leads=["{org} has been fined {M} by the {regulator} over {issue}, the regulator said on {D}.",
               "The {regulator} on {D} fined {org} {M} for {issue} without proper consent.",
               "{org} must pay a {M} penalty for {issue}, the {regulator} in {place} ruled on {D}.",
               "A {M} fine was imposed on {org} on {D} after the {regulator} found it guilty of {issue}."],
        facts={"money2": ["{short} was fined {M2} in {Y2} in a separate case.",
                          "In {Y2}, the same regulator fined the company {M2} in a separate case.",
                          "It is the second penalty for the company after a {M2} fine in {Y2}."],
               "count": ["The practice affected {C} of the service, the regulator said.",
                         "According to the regulator, {C} of the service were affected.",
                         "Some of the data belonged to {C} of the service in {country}."],
               "pct": ["Premium subscribers make up {P} of its users, according to the company.",
                       "The company says paying subscribers account for {P} of its users.",
                       "About a third of revenue comes from subscribers, who make up {P} of its users."],
               "sec": ["The investigation was opened in {SD}.", "The regulator began its inquiry in {SD}.",
                       "Complaints first reached the regulator in {SD}."],
               "quote": ["\"We disagree with the decision and will appeal,\" {short} said in a statement.",
                         "\"Users were never told,\" said {person}, who led the inquiry.",
                         "{person} said the practice was \"a serious breach of trust.\""]},
        details=["The {regulator} said {short} had failed to explain clearly how it used personal data.",
                 "{person2}, a privacy lawyer, said regulators were losing patience with {short}.",
                 "{short} said the feature at the heart of the case had been designed to improve its service.",
                 "The inquiry found that {issue} continued at {short} even after users complained.",
                 "{short} runs its European operations from an office in {place}.",
                 "{partner}, a rival of {short}, faced a similar inquiry last year.",
                 "{person}, {role} of {short}, said the company took privacy seriously."],
        fillers=["The company said it would appeal the decision and had already changed its settings.",
                 "Privacy campaigners said the penalty was too small to change behaviour.",
                 "The case is being closely watched by other technology companies.",
                 "Users can now switch off the feature in their account settings.",
                 "The regulator said it had received hundreds of complaints before acting.",
                 "Lawmakers have called for stricter rules on how platforms handle personal data.",
                 "The company said no passwords or payment details had been exposed.",
                 "Experts said the ruling could set a precedent for similar cases."],
        acronyms=[Acronym("artificial intelligence", "AI", "IoT", "models"),
                  Acronym("large language model", "LLM", "LMM", "products"),
                  Acronym("application programming interface", "API", "APU", "access"),
                  Acronym("General Data Protection Regulation", "GDPR", "HIPAA", "rules")],
        count_nouns=["users", "members", "subscribers"], count_range=(2.0e5, 9.0e7),
        money_range=(1.5, 450.0, 6), money2_range=(0.5, 30.0, 6)),
    Topic(
        name="health", section="Health",
        org_suffixes=["Health", "Medical", "Hospitals", "Therapeutics", "Biosciences", "Care"],
        roles=["chief executive", "medical director", "chief nurse"], currencies=["USD", "GBP", "EUR"],
        words={"program": ["new cancer unit", "digital records programme", "maternity wing", "mental health service",
                           "rural clinics network"]},
        headlines=["{org} secures {M} for {program}", "{short} announces funding for {program}",
                   "{program} gets go-ahead at {short}", "{org} to expand care with {M} {program}"],
        leads=["{org} has secured {M} to build a {program} in {place}, the hospital group said on {D}.",
               "A {M} investment in a {program} at {org} was confirmed on {D}, officials in {place} said.",
               "{org} announced on {D} that it will spend {M} on a {program} serving {place}.",
               "Patients in {place} will benefit from a {program} after {org} committed {M} on {D}."],
        facts={"money2": ["The group spent {M2} on a smaller expansion in {Y2}.",
                          "In {Y2}, {short} invested {M2} in an earlier expansion.",
                          "An earlier expansion in {Y2} cost the group {M2}."],
               "count": ["The programme is expected to treat {C} a year.",
                         "{short} said the service would treat {C} a year.",
                         "Officials expect the service to treat {C} a year once it opens."],
               "pct": ["Waiting times are expected to fall by {P} of current levels.",
                       "The group expects waiting times to fall by {P} of current levels.",
                       "Officials said waiting times could drop by {P} of current levels."],
               "sec": ["The plan was first proposed in {SD}.", "The proposal was first put to the board in {SD}.",
                       "Work on the plan started in {SD}."],
               "quote": ["\"Patients deserve better facilities,\" said {person}, {role} of {short}.",
                         "\"This will transform care in the region,\" {person} told staff.",
                         "{person} called the investment \"long overdue.\""]},
        details=["The {program} will be run by {short} in partnership with {partner}.",
                 "{person2}, a consultant at {short}, said staff had campaigned for the {program} for years.",
                 "Construction work on the {program} in {place} is due to start next spring.",
                 "{short} said the {program} would spare patients long journeys to other cities.",
                 "Local health officials said demand in {place} had outgrown the services {short} offers.",
                 "{person}, {role} of {short}, said recruitment for the {program} would begin soon."],
        fillers=["Health unions welcomed the investment but warned of staff shortages.",
                 "The group has faced criticism over long waiting lists in recent years.",
                 "Patient groups said they hoped the money would reach front-line services.",
                 "The hospital said recruitment for the new service would start soon.",
                 "Doctors have long called for more capacity in the region.",
                 "The programme forms part of a wider plan to modernise local health services.",
                 "Officials said the service would be staffed by specialist teams.",
                 "Some campaigners questioned whether the funding would be enough."],
        acronyms=[Acronym("electronic health record", "EHR", "HER", "system"),
                  Acronym("Food and Drug Administration", "FDA", "FAA", "approval"),
                  Acronym("National Health Service", "NHS", "NHC", "trusts"),
                  Acronym("World Health Organization", "WHO", "WTO", "guidance")],
        count_nouns=["patients"], count_range=(5.0e3, 4.0e5),
        money_range=(5.0, 400.0, 6), money2_range=(1.0, 40.0, 6)),
    Topic(
        name="finance", section="Business",
        org_suffixes=["Bank", "Capital", "Financial", "Partners", "Insurance", "Investments"],
        roles=["chief executive", "chief financial officer", "chairwoman"],
        currencies=["USD", "EUR", "JPY", "CHF", "INR", "GBP"],
        words={"driver": ["higher interest income", "strong trading revenue", "cost cuts", "growth in lending"]},
        headlines=["{org} profit rises on {driver}", "{short} reports {M} profit", "{org} beats forecasts",
                   "{short} posts higher earnings on {driver}"],
        leads=["{org} reported a net profit of {M} for the quarter on {D}, helped by {driver}.",
               "{org} said on {D} that quarterly net profit reached {M}, driven by {driver}.",
               "Helped by {driver}, {org} earned a net profit of {M} in the quarter, the {place}-based lender said "
               "on {D}.",
               "Quarterly net profit at {org} came in at {M}, the company said on {D}, citing {driver}."],
        facts={"money2": ["A year earlier, in {Y2}, the bank posted a net loss of {M2}.",
                          "In {Y2}, the bank had reported a net loss of {M2}.",
                          "That compares with a net loss of {M2} in {Y2}."],
               "count": ["The bank also plans to cut {C} over the next two years.",
                         "{short} said it would cut {C} as part of a cost programme.",
                         "As part of its cost programme, the bank intends to cut {C}."],
               "pct": ["Revenue rose {P} from a year earlier.", "Revenue was up {P} on the year.",
                       "{short} said revenue grew {P} compared with a year earlier."],
               "sec": ["The cost programme was launched in {SD}.", "{short} launched its cost programme in {SD}.",
                       "The bank first announced the cost programme in {SD}."],
               "quote": ["\"We delivered a strong quarter,\" said {person}, {role} of {short}.",
                         "\"Our strategy is working,\" {person} told analysts on a call.",
                         "{person} described the outlook as \"cautiously optimistic.\""]},
        details=["{short} is one of the largest lenders in {country}.",
                 "{person2}, an analyst at {partner}, said the {short} results were better than expected.",
                 "Shares of {short} have gained this year as investors bet on {driver}.",
                 "{short} said its capital position remained strong after the quarter.",
                 "{person}, {role} of {short}, has been pushing to simplify the bank.",
                 "The {place}-based bank employs staff across {country}."],
        fillers=["Shares of the bank rose in early trading after the results.",
                 "Analysts had expected a smaller profit, according to a poll compiled by the company.",
                 "The bank kept its outlook for the full year unchanged.",
                 "Investors have been watching the lender's cost discipline closely.",
                 "Higher interest rates have lifted earnings across the sector.",
                 "The bank said credit quality remained solid despite economic uncertainty.",
                 "Management said it would update investors on its strategy later in the year.",
                 "Rival lenders are due to report their own results in the coming days."],
        acronyms=[Acronym("initial public offering", "IPO", "ICO", "plans"),
                  Acronym("European Central Bank", "ECB", "EBC", "decision"),
                  Acronym("International Monetary Fund", "IMF", "IMO", "forecast"),
                  Acronym("gross domestic product", "GDP", "GNP", "figures")],
        count_nouns=["jobs", "positions"], count_range=(5.0e2, 3.0e4),
        money_range=(0.2, 9.5, 9), money2_range=(50.0, 900.0, 6)),
    Topic(
        name="politics", section="Politics",
        org_suffixes=["County Council", "Regional Assembly", "City Council", "Provincial Parliament"],
        roles=["finance minister", "opposition leader", "speaker"], currencies=["EUR", "GBP", "USD", "INR"],
        words={"bill": ["housing bill", "budget", "transport plan", "climate package", "schools bill"]},
        headlines=["{org} passes {bill}", "{bill} approved by {org}", "Lawmakers back {M} {bill}",
                   "{org} votes through {bill} after long debate"],
        leads=["The {org} approved a {M} {bill} on {D} after a heated debate in {place}.",
               "Lawmakers in {place} passed a {M} {bill} on {D}, the {org} said.",
               "A {bill} worth {M} cleared the {org} in {place} on {D}.",
               "On {D}, the {org} voted through a {bill} worth {M}, officials in {place} said."],
        facts={"money2": ["A similar plan in {Y2} was worth {M2}.", "In {Y2}, lawmakers approved a smaller plan "
                          "worth {M2}.", "The previous plan, adopted in {Y2}, was worth {M2}."],
               "count": ["The measure passed with {C} in favour.", "It was approved with {C} in favour.",
                         "The bill won {C} in favour, official records show."],
               "pct": ["Polls suggest the measure is backed by {P} of voters.",
                       "Recent surveys show {P} of voters support the measure.",
                       "The measure has the support of {P} of voters, according to polls."],
               "sec": ["The bill was first introduced in {SD}.", "The proposal was tabled in {SD}.",
                       "Debate on the measure began in {SD}."],
               "quote": ["\"This is a good day for the country,\" said {person}, the {role}.",
                         "\"The bill fails those who need help most,\" {person} said.",
                         "{person} called the vote \"a historic step.\""]},
        details=["The {bill} was championed by {person}, the {role}.",
                 "{person2}, an opposition member, said the {bill} would do little for families in {place}.",
                 "The {org} meets in {place}, where the vote on the {bill} was held.",
                 "Supporters of the {bill} said it would be funded without new borrowing.",
                 "{partner}, a local business group, lobbied against parts of the {bill}.",
                 "The {bill} had been delayed twice by disputes within the {org}."],
        fillers=["Opposition members said the measure did not go far enough.",
                 "The debate ran late into the night before the final vote.",
                 "Several amendments were rejected during the session.",
                 "The measure now goes to the upper chamber for review.",
                 "Business groups cautiously welcomed the decision.",
                 "Protesters gathered outside the building during the debate.",
                 "The government said the money would be spread over several years.",
                 "Critics warned that the plan could strain public finances."],
        acronyms=[Acronym("value added tax", "VAT", "VTA", "increase"),
                  Acronym("World Trade Organization", "WTO", "WHO", "rules"),
                  Acronym("Organisation for Economic Co-operation and Development", "OECD", "OPEC", "report"),
                  Acronym("European Investment Bank", "EIB", "EBI", "loan")],
        count_nouns=["votes"], count_range=(1.2e2, 4.5e2),
        money_range=(0.3, 45.0, 9), money2_range=(0.1, 9.0, 9)),
    Topic(
        name="sport", section="Sport",
        org_suffixes=["FC", "United", "Athletic", "Rovers", "City"],
        roles=["manager", "sporting director", "chairman"], currencies=["EUR", "GBP"],
        words={"deal": ["stadium redevelopment", "training ground upgrade", "record transfer", "shirt sponsorship"]},
        headlines=["{org} confirms {M} {deal}", "{short} agrees {deal}", "{org} announces {deal}",
                   "{deal} confirmed by {short}"],
        leads=["{org} confirmed a {M} {deal} on {D}, the club said in a statement from {place}.",
               "The {deal} worth {M} was announced by {org} on {D}.",
               "{org} said on {D} it had agreed a {deal} worth {M}, a major boost for the club in {place}.",
               "Fans in {place} celebrated on {D} as {org} unveiled a {M} {deal}."],
        facts={"money2": ["The club spent {M2} on a similar deal in {Y2}.", "In {Y2}, the club agreed a smaller "
                          "deal worth {M2}.", "Its previous deal, signed in {Y2}, was worth {M2}."],
               "count": ["The stadium holds {C} on match days.", "Match days draw {C} to the stadium.",
                         "The club says the ground holds {C}."],
               "pct": ["Season ticket prices will rise by {P} of current levels.",
                       "The club will raise season ticket prices by {P} of current levels.",
                       "Supporters face a rise in season ticket prices of {P} of current levels."],
               "sec": ["Talks began in {SD}.", "Negotiations started in {SD}.",
                       "The two sides first held talks in {SD}."],
               "quote": ["\"This is a great day for the club,\" said {person}, the {role}.",
                         "\"We have big ambitions,\" {person} told supporters.",
                         "{person} called it \"the biggest moment in our history.\""]},
        details=["{org} finished in mid-table last season.",
                 "{person2}, a club historian, said the {deal} was unlike anything {short} had seen.",
                 "The {deal} was negotiated with {partner}.",
                 "{short} supporters in {place} have waited years for such news.",
                 "The owners of {org} said the {deal} showed their commitment to {place}.",
                 "{person}, the {role}, said the {deal} would help {short} compete."],
        fillers=["Supporters' groups said they wanted more details before giving their backing.",
                 "The club has struggled for consistency on the pitch this season.",
                 "Rival clubs are expected to respond with moves of their own.",
                 "The announcement came shortly before the transfer window closes.",
                 "The league must still approve parts of the arrangement.",
                 "Former players welcomed the news on social media.",
                 "The club said the deal fitted its long-term plans.",
                 "Season ticket holders will be consulted over the coming months."],
        acronyms=[Acronym("video assistant referee", "VAR", "VAT", "review"),
                  Acronym("International Olympic Committee", "IOC", "ICO", "decision"),
                  Acronym("Court of Arbitration for Sport", "CAS", "CAC", "ruling"),
                  Acronym("World Anti-Doping Agency", "WADA", "WADC", "investigation")],
        count_nouns=["fans", "spectators"], count_range=(1.2e4, 9.0e4),
        money_range=(12.0, 250.0, 6), money2_range=(2.0, 40.0, 6)),
    Topic(
        name="transport", section="Transport",
        org_suffixes=["Rail", "Transit", "Railways", "Metro"],
        roles=["chief executive", "transport secretary", "project director"], currencies=["EUR", "GBP", "USD", "INR"],
        words={"line": ["high speed line", "tram network", "commuter rail link", "metro extension"]},
        headlines=["{org} signs off {M} {line}", "{line} to link {place} with the coast",
                   "{short} approves {line}", "{org} backs new {line} for {place}"],
        leads=["{org} approved a {M} {line} on {D}, with {Qn} of new track around {place}.",
               "A {Qa} {line} around {place} costing {M} was approved by {org} on {D}.",
               "{org} said on {D} it would build a {Qa} {line} around {place} at a cost of {M}.",
               "Plans for a {M} {line} covering {Qn} around {place} were approved by {org} on {D}."],
        facts={"money2": ["An earlier line, opened in {Y2}, cost {M2}.", "The operator spent {M2} on an earlier line "
                          "in {Y2}.", "In {Y2}, an earlier line was completed for {M2}."],
               "count": ["The line is expected to carry {C} a year.", "Planners expect {C} a year to use the line.",
                         "{short} forecasts that the line will carry {C} a year."],
               "pct": ["Journey times will fall by {P} of current levels.",
                       "The line will cut journey times by {P} of current levels.",
                       "Travellers will see journey times fall by {P} of current levels."],
               "sec": ["The route was first proposed in {SD}.", "Planners unveiled the route in {SD}.",
                       "The route was put out to consultation in {SD}."],
               "quote": ["\"This line will change how people travel,\" said {person}, {role} of {short}.",
                         "\"It is a once-in-a-generation project,\" {person} said.",
                         "{person} called the decision \"a vote of confidence in the region.\""]},
        details=["The {line} will connect {place} with towns along the route.",
                 "{person2}, a transport planner, said the {line} was long overdue.",
                 "{partner} has been chosen to design the {line}.",
                 "Trains on the {line} will run every few minutes at peak times, {short} said.",
                 "Residents of {place} have long complained about congested roads.",
                 "{person}, {role} of {short}, said the {line} would be built in phases."],
        fillers=["Construction is expected to begin next year if final approvals are granted.",
                 "Commuter groups welcomed the plan but asked for guarantees on fares.",
                 "Some residents along the route have objected to the noise.",
                 "The operator said the line would run on renewable electricity.",
                 "Engineers will have to tunnel under parts of the old town.",
                 "The plan forms part of a wider push to cut traffic congestion.",
                 "Business leaders said the link would boost the regional economy.",
                 "Opponents said the money would be better spent on existing services."],
        acronyms=[Acronym("high speed rail", "HSR", "HRS", "line"),
                  Acronym("environmental impact assessment", "EIA", "IEA", "report"),
                  Acronym("public private partnership", "PPP", "PPA", "contract"),
                  Acronym("European Investment Bank", "EIB", "EBI", "loan")],
        count_nouns=["passengers", "commuters"], count_range=(1.5e5, 4.0e7),
        money_range=(0.4, 9.5, 9), money2_range=(40.0, 900.0, 6), qty_units=("km",)),
]

# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Amount:
    """A figure as digits: `units` at `decimals` places, times 10**power (6.625 million: 6625, 3, 6)."""

    units: int
    decimals: int
    power: int

    @property
    def mantissa(self) -> str:
        text = f"{self.units / 10 ** self.decimals:.{self.decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    @property
    def value(self) -> int | float:
        whole, rest = divmod(self.units * 10 ** self.power, 10 ** self.decimals)
        return whole if rest == 0 else self.units * 10 ** self.power / 10 ** self.decimals


SCALE_WORD = {3: "thousand", 6: "million", 9: "billion", 12: "trillion"}
SCALE_ABBR = {3: "k", 6: "m", 9: "bn", 12: "tn"}
CURRENCY = {"USD": ("$", "USD", "dollars"), "EUR": ("€", "EUR", "euros"), "GBP": ("£", "GBP", "pounds"),
            "JPY": ("¥", "JPY", "yen"), "CHF": ("", "CHF", "Swiss francs"), "INR": ("₹", "INR", "rupees")}
N_SCALED_STYLES = 5  # money_styles()[:5] carry a scale word: the only ones a precision deviation may use


def group_digits(n: int, sep: str) -> str:
    """1234567 -> '1,234,567' (or with spaces)."""
    return f"{n:,}".replace(",", sep)


def money_styles(currency: str, amount: Amount) -> list[str]:
    """The ways outlets write a money amount, all equal in value; the first five carry a scale word."""
    sym, code, word = CURRENCY[currency]
    m, scale = amount.mantissa, SCALE_WORD[amount.power]
    if currency == "INR":
        crore = group_digits(amount.value // 10 ** 7, ",")
        return [f"₹{crore} crore", f"Rs {crore} crore", f"INR {m} {scale}", f"₹{crore} crore", f"INR {m} {scale}"]
    lead = sym or f"{code} "
    styles = [f"{lead}{m} {scale}", f"{code} {m} {scale}", f"{m} {scale} {word}", f"{lead}{m} {scale}",
              f"{lead}{m}{SCALE_ABBR[amount.power]}" if sym else f"{code} {m} {scale}"]
    if currency == "USD":
        styles.append(f"US${m} {scale}")
    if amount.value < 10 ** 9:
        styles.append(f"{code} {group_digits(amount.value, ' ')}")
        if sym:
            styles.append(f"{sym}{group_digits(amount.value, ',')}")
    return styles


def count_styles(amount: Amount) -> list[str]:
    """Ways to write a count (the noun is added by the caller); scaled ones first."""
    full = [group_digits(amount.value, ","), group_digits(amount.value, " ")]
    if amount.power >= 6:
        return [f"{amount.mantissa} {SCALE_WORD[amount.power]}"] * 2 + full
    return full[:1] * 2 + full


def percent_styles(amount: Amount) -> list[str]:
    m = amount.mantissa
    return [f"{m}%", f"{m}%", f"{m} percent", f"{m} per cent"]


def quantity_styles(amount: Amount, unit: str, adjective: bool) -> list[str]:
    """MW, MWh or km in symbol, glued, spelled and hyphenated forms."""
    n = group_digits(amount.value, ",")
    spelled = {"MW": "megawatt", "MWh": "megawatt-hour", "km": "kilometre"}[unit]
    if adjective:
        return [f"{n} {unit}", f"{n}{unit}", f"{n}-{spelled}"]
    return [f"{n} {unit}", f"{n} {unit}", f"{n} {spelled}s"]


def random_amount(rng: random.Random, low: float, high: float, power: int, decimals: int | None = None) -> Amount:
    """An amount between low and high (in units of 10**power) with 0-2 decimals, or as asked."""
    if decimals is None:
        decimals = rng.choice([0, 1, 1, 2]) if high < 100 else rng.choice([0, 0, 1])
    units = int(rng.uniform(low, high) * 10 ** decimals)
    if decimals and units % 10 == 0:
        units += rng.randint(1, 9)
    return Amount(max(units, 1), decimals, power)


def count_amount(rng: random.Random, low: float, high: float) -> Amount:
    """A count: '2.3 million' above a million, else a round number that is never year-like."""
    value = rng.uniform(low, high)
    if value >= 1e6:
        return Amount(int(value / 1e5), 1, 6)
    step = 100 if value >= 1e4 else (10 if value >= 1e3 else 1)
    units = max(1, int(value / step)) * step
    if 1800 <= units <= 2099:
        units += 300
    return Amount(units, 0, 0)


def make_precise(amount: Amount, fact: str) -> Amount:
    """The consensus figure of a precision conflict: 6.625 million (or 38.6%), never round."""
    if fact == "pct":
        return Amount(amount.units * 10 ** (1 - amount.decimals) + 4, 1, 0) if amount.decimals == 0 else amount
    units = amount.units * 10 ** (3 - amount.decimals) + 125
    return Amount(units + 25 if units % 100 == 0 else units, 3, amount.power)


def deviate(amount: Amount, how: str, rng: random.Random) -> Amount:
    """The conflicting figure a deviating source writes: another value, magnitude or precision."""
    if how == "magnitude":
        return Amount(amount.units, amount.decimals, amount.power + 3 if amount.power < 9 else amount.power - 3)
    if how == "precision":
        keep = amount.decimals - 2 if amount.decimals >= 3 else 0
        return Amount(round(amount.units / 10 ** (amount.decimals - keep)), keep, amount.power)
    factor = rng.choice([rng.uniform(1.3, 1.9), rng.uniform(0.45, 0.72)])
    for extra in range(3):  # "1 billion" x 1.5 needs a decimal: "1.5 billion"
        units = max(1, int(amount.units * 10 ** extra * factor))
        if amount.power == 0 and amount.units >= 100:
            units = max(100, units // 10 * 10)
        other = Amount(units, amount.decimals + extra, amount.power)
        if abs(other.value - amount.value) >= 0.25 * amount.value:
            return other
    return Amount(amount.units * 2, amount.decimals, amount.power)


# --------------------------------------------------------------------------- dates


def fmt_date(d: dt.date, style: str) -> str:
    """A day-precise date in one of several styles ('us', 'uk', 'abbr', 'md_uk', 'weekday', ...)."""
    month, abbr, wd = MONTHS[d.month - 1], MONTH_ABBR[d.month - 1], WEEKDAYS[d.weekday()]
    return {"us": f"{month} {d.day}, {d.year}", "uk": f"{d.day} {month} {d.year}", "abbr": f"{abbr} {d.day}, {d.year}",
            "md_uk": f"{d.day} {month}", "md_us": f"{month} {d.day}", "weekday": wd, "weekday_night": f"{wd} night",
            "weekday_full": f"{wd}, {month} {d.day}, {d.year}"}[style]


def fmt_month(year: int, month: int, abbr: bool) -> str:
    return f"{(MONTH_ABBR if abbr else MONTHS)[month - 1]} {year}"


def fmt_dateline(d: dt.date, style: int, rng: random.Random, reporter: str) -> str:
    """A dateline line: one of five styles (all with a year)."""
    hh, mm = rng.randint(6, 22), rng.choice([0, 5, 12, 20, 34, 41, 58])
    short = MONTHS[d.month - 1][:3]
    return [f"{MONTHS[d.month - 1]} {d.day}, {d.year}", f"{d.day} {MONTHS[d.month - 1]} {d.year} {hh:02d}:{mm:02d}",
            f"Published: {short} {d.day}, {d.year}", f"Updated {d.day} {short} {d.year}, {hh:02d}:{mm:02d} GMT",
            f"By {reporter} | {short} {d.day}, {d.year}"][style]


# --------------------------------------------------------------------------- articles


@dataclass
class Para:
    """One paragraph (one line of the article) with the tags that labels point to."""

    text: str
    role: str = "body"  # title | dateline | bullet | lead | body | chrome
    tags: set[str] = field(default_factory=set)


@dataclass
class Label:
    """A gold finding or negative, located by a paragraph tag (resolved to lines at the end)."""

    kind: str
    source: str
    tag: str
    evidence: str
    note: str
    subkind: str | None = None
    negative: bool = False
    related_tag: str | None = None  # conflicts: the same fact's tag in the other sources


@dataclass(frozen=True)
class Outlet:
    """How one outlet writes: separator, dateline style, summary bullets, sentences per paragraph."""

    name: str
    handle: str
    sep: str
    dateline: int | None
    bullets: bool
    per_para: int


@dataclass
class Story:
    """The facts of one story, shared by its sources, and the errors planned for each source."""

    sid: str
    topic: Topic
    words: dict[str, str]
    event: dt.date
    published: list[dt.date]
    sec_date: tuple[int, int]
    currency: str
    figs: dict[str, Amount]
    count_noun: str
    acronym: Acronym
    outlets: list[Outlet]
    plan: list[dict[str, str]] = field(default_factory=list)  # per source: kind -> subkind
    deviations: dict[int, dict[str, str]] = field(default_factory=dict)  # source -> fact -> how
    glued: set[str] = field(default_factory=set)  # run-together tokens already injected in the story


@dataclass
class Article:
    """One generated source: paragraphs joined by the outlet's separator."""

    source: str
    paras: list[Para]
    sep: str
    facts: dict[str, str] = field(default_factory=dict)  # fact -> how this source writes it

    @property
    def text(self) -> str:
        return self.sep.join(p.text for p in self.paras) + "\n"

    def lines_of(self, tag: str) -> list[int]:
        step = self.sep.count("\n")
        return [1 + i * step for i, p in enumerate(self.paras) if tag in p.tags]


FIGURE_FACTS = ("money", "count", "pct", "qty", "qty2", "money2")
FIG_KEYS = {"money": "M", "money2": "M2", "count": "C", "pct": "P", "qty": "Qn", "qty2": "Q2"}
ERROR_WEIGHTS = {"duplicate_paragraph": 3, "repeated_word": 3, "garbled_text": 3, "unbalanced_punctuation": 2,
                 "boilerplate": 2, "figure_conflict": 4, "date_conflict": 3, "term_confusion": 2}
PROTECTED = {"dup", "negfill", "neg:acrdef", "swap", "acr:use", "injected", "bullet"}


class Generator:
    """Builds stories, their articles and the gold labels, deterministically from one seed."""

    def __init__(self, seed: int, error_rate: float = 0.45, negative_rate: float = 0.35,
                 follow_rate: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.error_rate = error_rate
        self.negative_rate = negative_rate
        self.follow_rate = follow_rate
        self.earlier: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.seen: set[str] = set()
        self.used_orgs: set[str] = set()
        r = self.rng
        self.outlets = [Outlet(name, handle, sep=r.choice(["\n", "\n", "\n\n"]),
                               dateline=r.choice([0, 1, 2, 3, 4, None]), bullets=r.random() < 0.2,
                               per_para=r.choice([1, 1, 2, 3])) for name, handle in OUTLETS]
        self.counter = 0

    # ---- the facts of a story

    def _org(self, topic: Topic) -> str:
        org = ""
        for _ in range(50):
            org = f"{self.rng.choice(ORG_STEMS)} {self.rng.choice(topic.org_suffixes)}"
            if org not in self.used_orgs:
                break
        self.used_orgs.add(org)
        return org

    def _words(self, topic: Topic) -> dict[str, str]:
        r = self.rng
        place, country = r.choice(PLACES)
        org = self._org(topic)
        words = {key: r.choice(vals) for key, vals in topic.words.items()}
        words |= {"org": org, "short": org if topic.name == "politics" else org.split()[0], "place": place,
                  "country": country, "person": f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}",
                  "role": r.choice(topic.roles)}
        words["last"] = words["person"].split()[1]
        words["person2"] = f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"
        words["judge"] = r.choice(LAST_NAMES)
        words["partner"] = f"{r.choice(ORG_STEMS)} {r.choice(PARTNER_SUFFIXES)}"
        return words

    def _figures(self, topic: Topic, currency: str) -> dict[str, Amount]:
        r = self.rng
        figs = {"money": random_amount(r, *topic.money_range), "money2": random_amount(r, *topic.money2_range),
                "count": count_amount(r, *topic.count_range), "pct": random_amount(r, 3, 60, 0, r.choice([0, 0, 1]))}
        if currency == "INR":
            figs["money"] = Amount(r.randint(10, 90) * 10, 2, 9)
            figs["money2"] = Amount(r.randint(10, 90) * 10, 2, 9)
        if topic.qty_units:
            figs["qty"] = Amount(r.randint(2, 60) * 10, 0, 0)
        if "MWh" in topic.qty_units:
            figs["qty2"] = Amount(r.randint(4, 80) * 50, 0, 0)
        return figs

    def story(self, index: int, k: int) -> Story:
        """The facts and error plan of story `index` with k sources."""
        r = self.rng
        topic = r.choice(TOPICS)
        event = dt.date(2019, 1, 1) + dt.timedelta(days=r.randint(0, 7 * 365))
        back = event - dt.timedelta(days=r.randint(90, 420))
        words = self._words(topic)
        if self.earlier[topic.name] and r.random() < self.follow_rate:
            # another story about the same organisation, people and place: different event and figures
            same = r.choice(self.earlier[topic.name])
            words |= {key: same[key] for key in ("org", "short", "place", "country", "person", "role", "last")}
        self.earlier[topic.name].append(words)
        local = LOCAL_CURRENCY.get(words["country"])
        currency = local if local and r.random() < 0.7 else r.choice(topic.currencies)
        words["Y2"] = str(event.year - r.randint(2, 6))
        story = Story(sid=f"story_{index:05d}", topic=topic, words=words, event=event,
                      published=[event + dt.timedelta(days=r.choice([0, 0, 1, 1, 2, 3])) for _ in range(k)],
                      sec_date=(back.year, back.month), currency=currency, figs=self._figures(topic, currency),
                      count_noun=r.choice(topic.count_nouns), acronym=r.choice(topic.acronyms),
                      outlets=r.sample(self.outlets, k))
        taken: set[str] = set()
        story.plan = [self._plan_source(story, k, i, taken) for i in range(k)]
        return story

    def _plan_source(self, story: Story, k: int, i: int, taken: set[str]) -> dict[str, str]:
        """The errors of source i; cross-source ones only where a consensus can exist."""
        r = self.rng
        plan: dict[str, str] = {}
        if r.random() >= self.error_rate:
            return plan
        n = 1 + (r.random() < 0.35) + (r.random() < 0.1)
        kinds = list(ERROR_WEIGHTS)
        for _ in range(12):
            if len(plan) >= n:
                break
            kind = r.choices(kinds, [ERROR_WEIGHTS[x] for x in kinds])[0]
            sub = None if kind in plan else self._feasible(story, k, i, kind, taken)
            if sub is not None:
                plan[kind] = sub
        return plan

    def _feasible(self, story: Story, k: int, i: int, kind: str, taken: set[str]) -> str | None:
        """The subkind to inject, or None when this kind cannot be injected here."""
        if kind == "figure_conflict":
            return self._figure_deviation(story, k, i, taken)
        if kind == "date_conflict":
            if self.rng.random() < 0.4:
                return "weekday"
            if k < 3 or "date" in taken:
                return None
            taken.add("date")
            story.deviations.setdefault(i, {})["date"] = "date"
            return "date"
        if kind == "term_confusion":
            if "term" in taken:
                return None
            taken.add("term")
            return "story"
        return kind

    def _figure_deviation(self, story: Story, k: int, i: int, taken: set[str]) -> str | None:
        """Plan a value, magnitude or precision deviation of one figure fact in source i."""
        r = self.rng
        facts = [f for f in FIGURE_FACTS if f in story.figs and f"fig:{f}" not in taken]
        if k < 3 or not facts:
            return None
        fact = r.choice(facts)
        amount = story.figs[fact]
        how = r.choice(["value", "value", "magnitude", "precision"])
        if fact in ("qty", "qty2") or story.currency == "INR" and fact.startswith("money"):
            how = "value"
        elif fact == "pct" and how == "magnitude":
            how = "precision"
        elif fact == "count" and amount.power < 6 and how != "value":
            how = "value"
        if how == "precision":
            story.figs[fact] = make_precise(amount, fact)
        taken.add(f"fig:{fact}")
        story.deviations.setdefault(i, {})[fact] = how
        return f"{fact}:{how}"

    # ---- the text of one source

    def fill(self, template: str, values: dict[str, str]) -> str:
        return template.format_map(values)

    def _values(self, story: Story, i: int) -> dict[str, str]:
        """Placeholder values for source i: its figure and date formats, with its deviations."""
        r = self.rng
        dev = story.deviations.get(i, {})
        figs = {f: deviate(a, dev[f], r) if f in dev else a for f, a in story.figs.items()}
        v = dict(story.words) | {"CN": story.count_noun, "CN_cap": story.count_noun.capitalize()}
        for fact, key, styles in (("money", "M", money_styles(story.currency, figs["money"])),
                                  ("money2", "M2", money_styles(story.currency, figs["money2"])),
                                  ("count", "C", count_styles(figs["count"])),
                                  ("pct", "P", percent_styles(figs["pct"]))):
            scaled = N_SCALED_STYLES if fact.startswith("money") else 2
            v[key] = r.choice(styles[:scaled] if dev.get(fact) == "precision" else styles)
        v["C_num"] = v["C"]
        v["C"] = f"{v['C']} {story.count_noun}"
        if "qty" in figs:
            unit = story.topic.qty_units[0]
            v["Qa"] = r.choice(quantity_styles(figs["qty"], unit, True))
            v["Qn"] = r.choice(quantity_styles(figs["qty"], unit, False))
            v["Q_num"] = group_digits(figs["qty"].value, ",")
        if "qty2" in figs:
            v["Q2"] = r.choice(quantity_styles(figs["qty2"], "MWh", False))
        v["D"] = self._event_date(story, i)
        v["SD"] = fmt_month(*story.sec_date, abbr=r.random() < 0.2)
        a = story.acronym
        return v | {"A": a.acr, "AX": a.expansion, "S": a.slot}

    def _event_date(self, story: Story, i: int) -> str:
        r = self.rng
        if story.deviations.get(i, {}).get("date"):
            shift = r.choice([-3, -2, -1, 1, 2, 3, 7, 30, -30])
            if story.event + dt.timedelta(days=shift) > story.published[i]:
                shift = -shift  # a wrong date, but not one after the article's own dateline
            return fmt_date(story.event + dt.timedelta(days=shift), r.choice(["us", "uk", "abbr"]))
        if story.plan[i].get("date_conflict") == "weekday":
            wrong = story.event + dt.timedelta(days=r.randint(1, 6))
            return f"{WEEKDAYS[wrong.weekday()]}, {fmt_date(story.event, 'us')}"
        styles = ["us", "us", "uk", "abbr", "weekday_full"]
        if story.outlets[i].dateline is not None:
            styles += ["md_uk", "md_us", "weekday", "weekday_night"]
        return fmt_date(story.event, r.choice(styles))

    def article(self, story: Story, i: int) -> tuple[Article, list[Label]]:
        """Source i of a story, with its gold labels and negatives (never a text seen before)."""
        for _ in range(20):
            art, labels = self._article_once(story, i)
            digest = hashlib.sha1(art.text.encode()).hexdigest()
            if digest not in self.seen:
                self.seen.add(digest)
                return art, labels
        raise RuntimeError(f"could not make a unique article for {story.sid}")

    def _article_once(self, story: Story, i: int) -> tuple[Article, list[Label]]:
        outlet = story.outlets[i]
        sid = f"src_{chr(ord('a') + i)}"
        v = self._values(story, i)
        plan = story.plan[i]
        paras = self._head(story, i, v, outlet) + self._pack(self._body(story, i, v, plan), outlet.per_para)
        facts = {f: v[key] for f, key in FIG_KEYS.items() if key in v} | {"date": v["D"], "count": v["C_num"]}
        if "Q_num" in v:
            facts["qty"] = v["Q_num"]
        art = Article(sid, paras, outlet.sep, facts)
        labels = self._fact_labels(story, i, v, sid)
        labels += self._negatives(story, i, art, v, sid)
        return art, labels + self._inject(story, art, plan, v)

    def _head(self, story: Story, i: int, v: dict[str, str], outlet: Outlet) -> list[Para]:
        """Title, dateline and (for some outlets) summary bullets that paraphrase the lead."""
        r = self.rng
        heads = r.sample(story.topic.headlines, len(story.topic.headlines))
        title = self.fill(heads[0], v)
        title = title[0].upper() + title[1:]
        paras = [Para(title, "title", _fact_tags(title, v))]
        if outlet.dateline is not None:
            reporter = f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"
            paras.append(Para(fmt_dateline(story.published[i], outlet.dateline, r, reporter), "dateline"))
        if outlet.bullets:
            for h in heads[1:3]:
                text = "- " + self.fill(h, v)
                paras.append(Para(text, "bullet", {"bullet"} | _fact_tags(text, v)))
        return paras

    def _body(self, story: Story, i: int, v: dict[str, str], plan: dict[str, str]) -> list[Para]:
        """Sentences (one Para each, packed later): the lead first, then facts and fillers shuffled."""
        r = self.rng
        t = story.topic
        lead_tags = {"fact:money", "fact:date", "lead"} | ({"fact:qty"} if "qty" in story.figs else set())
        lead = Para(self.fill(t.leads[(i + r.randrange(2)) % len(t.leads)], v), "lead", lead_tags)
        forced = {f for devs in story.deviations.values() for f in devs}
        rest: list[Para] = []
        for fact in ("money2", "count", "pct", "qty2", "sec", "quote"):
            if fact == "qty2" and "qty2" not in story.figs:
                continue
            if fact in forced or r.random() < 0.6:
                tpl = t.facts[fact][(i + r.randrange(3)) % len(t.facts[fact])]
                rest.append(Para(self.fill(tpl, v), "body", {f"fact:{fact}"}))
        generic = r.sample(t.fillers, 5) + r.sample(GENERIC_FILLERS, 6)
        r.shuffle(generic)
        pool = r.sample(t.details, r.randint(3, len(t.details))) + [self._synonyms(f) for f in generic]
        target = r.randint(1300, 2400)
        size = len(lead.text) + sum(len(p.text) for p in rest)
        for tpl in pool:
            if size >= target:
                break
            rest.append(Para(self.fill(tpl, v), "body"))
            size += len(rest[-1].text) + 1
        r.shuffle(rest)
        return [lead] + _definition_first(rest + self._acronym_units(story, i, v, plan), r)

    def _acronym_units(self, story: Story, i: int, v: dict[str, str], plan: dict[str, str]) -> list[Para]:
        """The acronym's definition and uses; the swapping source writes the look-alike in its uses."""
        r = self.rng
        a = story.acronym
        swapper = next((j for j, p in enumerate(story.plan) if p.get("term_confusion")), None)
        swaps = "term_confusion" in plan
        must_use = swapper is not None and i == (swapper + 1) % len(story.plan)
        units = []
        if swaps or r.random() < 0.5:
            units.append(Para(self.fill(r.choice(ACR_DEFS), v), "body", {"acr:def", "neg:acrdef"}))
        if swaps or must_use or r.random() < 0.75:
            for tpl in r.sample(ACR_USES, r.choice([1, 2])):
                text = self.fill(tpl, v)
                if swaps:
                    text = text.replace(f"{a.acr} {a.slot}", f"{a.lookalike} {a.slot}")
                units.append(Para(text, "body", {"acr:use"} | ({"swap"} if swaps else set())))
        return units

    def _synonyms(self, text: str) -> str:
        r = self.rng
        return re.sub(r"\b(" + "|".join(SYNONYMS) + r")\b", lambda m: r.choice(SYNONYMS[m.group(1)]), text)

    def _pack(self, units: list[Para], per_para: int) -> list[Para]:
        """Join sentences into paragraphs of up to per_para sentences (tags are merged)."""
        out: list[Para] = []
        room = 0
        for u in units:
            if out and room > 0 and u.role == "body":
                out[-1].text += " " + u.text
                out[-1].tags |= u.tags
                room -= 1
            else:
                out.append(Para(u.text, u.role, set(u.tags)))
                room = self.rng.randint(1, per_para) - 1
        return out

    # ---- labels

    def _fact_labels(self, story: Story, i: int, v: dict[str, str], sid: str) -> list[Label]:
        """Gold findings of the facts source i gets wrong (figures, dates, the swapped acronym)."""
        out = []
        for fact, how in story.deviations.get(i, {}).items():
            if fact == "date":
                out.append(Label("date_conflict", sid, "fact:date", v["D"], "event date differs from the other "
                                 "sources", "date", related_tag="fact:date"))
                continue
            evidence = {"count": v["C_num"], "qty": v.get("Q_num", "")}.get(fact, v[FIG_KEYS[fact]])
            out.append(Label("figure_conflict", sid, f"fact:{fact}", evidence,
                             f"{fact} written as {v[FIG_KEYS[fact]]}: {how} conflict with the other sources", how,
                             related_tag=f"fact:{fact}"))
        plan = story.plan[i]
        if plan.get("date_conflict") == "weekday":
            out.append(Label("date_conflict", sid, "fact:date", v["D"], "the weekday does not match the date",
                             "weekday"))
        if plan.get("term_confusion"):
            a = story.acronym
            out.append(Label("term_confusion", sid, "swap", a.lookalike,
                             f"'{a.lookalike}' where the story and the source's own definition say '{a.acr}'"))
        return out

    def _negatives(self, story: Story, i: int, art: Article, v: dict[str, str], sid: str) -> list[Label]:
        """Text that must not be flagged: equal figures in other formats, resolvable dates, definitions."""
        out: list[Label] = []
        devs = {f for d in story.deviations.values() for f in d}
        plan = story.plan[i]
        if "money" not in devs and not re.fullmatch(r"[$€£¥]\d[\d.]* (million|billion)", v["M"]):
            out.append(Label("figure_conflict", sid, "fact:money", v["M"], f"{v['M']} equals the other sources' "
                             "figure written another way", negative=True))
        if "date" not in devs and "date_conflict" not in plan and not re.fullmatch(r"[A-Z][a-z]+ \d+, \d{4}", v["D"]):
            out.append(Label("date_conflict", sid, "fact:date", v["D"], f"'{v['D']}' is {story.event.isoformat()}, "
                             "as in the other sources", negative=True))
        if "term_confusion" not in plan and any("acr:def" in p.tags for p in art.paras):
            out.append(Label("term_confusion", sid, "neg:acrdef", f"({story.acronym.acr})",
                             "an acronym defined and used correctly", negative=True))
        bullets = [p for p in art.paras if p.role == "bullet"]
        if bullets:
            out.append(Label("duplicate_paragraph", sid, "bullet", bullets[0].text[2:40],
                             "summary bullets paraphrase the lead: not a duplicate", negative=True))
        if self.rng.random() < self.negative_rate:
            out.append(self._negative_filler(art, v, sid))
        return out

    def _negative_filler(self, art: Article, v: dict[str, str], sid: str) -> Label:
        """Insert a sentence of a shape a check must tolerate (camel-case names, 'that that', ...)."""
        kind, tpl, evidence = self.rng.choice(NEGATIVE_FILLERS)
        tag = self._tag("neg")
        body = [k for k, p in enumerate(art.paras) if p.role == "body"] or [len(art.paras) - 1]
        art.paras.insert(self.rng.choice(body) + 1, Para(self.fill(tpl, v), "body", {tag, "negfill"}))
        return Label(kind, sid, tag, self.fill(evidence, v), "legitimate text of this shape", negative=True)

    # ---- injected text errors

    def _inject(self, story: Story, art: Article, plan: dict[str, str], v: dict[str, str]) -> list[Label]:
        """Apply the planned text errors in a fixed order (copies first, so they copy clean text)."""
        labels: list[Label] = []
        for kind in ("duplicate_paragraph", "repeated_word", "garbled_text", "unbalanced_punctuation", "boilerplate"):
            if kind in plan:
                labels += getattr(self, f"_inject_{kind}")(story, art, v)
        return labels

    def _tag(self, prefix: str = "err") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def _free_paras(self, art: Article, min_len: int = 60) -> list[int]:
        """Body paragraphs an injection may touch: no copies, negatives or acronyms; facts only if needed."""
        ok = [k for k, p in enumerate(art.paras)
              if p.role in ("body", "lead") and len(p.text) >= min_len and not p.tags & PROTECTED]
        plain = [k for k in ok if not any(t.startswith("fact:") for t in art.paras[k].tags)]
        return plain or ok

    def _inject_duplicate_paragraph(self, story: Story, art: Article, v: dict[str, str]) -> list[Label]:
        """Repeat a run of 1-3 paragraphs, right after it or at the end of the body (sometimes edited)."""
        r = self.rng
        body = [k for k, p in enumerate(art.paras) if p.role in ("body", "lead") and len(p.text) >= 60
                and "negfill" not in p.tags]
        if not body:
            return []
        start = r.choice(body)
        block = [start]
        while len(block) < r.choice([1, 1, 2, 3]) and block[-1] + 1 in body:
            block.append(block[-1] + 1)
        tag = self._tag()
        copies = [Para(art.paras[k].text, "body", (art.paras[k].tags - {"lead"}) | {tag, "dup"}) for k in block]
        for k in block:
            art.paras[k].tags.add("dup")
        near = r.random() < 0.3 and len(copies[-1].text) >= 100
        if near:
            copies[-1].text = _drop_one_word(copies[-1].text, r)
        last_body = max(k for k, p in enumerate(art.paras) if p.role in ("body", "lead"))
        at = block[-1] + 1 if r.random() < 0.4 else last_body + 1
        art.paras[at:at] = copies
        return [Label("duplicate_paragraph", art.source, tag, copies[0].text[:40].strip(),
                      f"{len(copies)} paragraph(s) repeated", "near" if near else "exact")]

    def _inject_repeated_word(self, story: Story, art: Article, v: dict[str, str]) -> list[Label]:
        """Double a common word: 'the the'."""
        r = self.rng
        free = self._free_paras(art)
        for k in r.sample(free, len(free)):
            p = art.paras[k]
            spots = list(re.finditer(r"(?<= )(the|to|of|and|in|for|a|on|with|by|from|its) ", p.text))
            if spots:
                m = r.choice(spots)
                p.text = p.text[:m.end()] + m.group(1) + " " + p.text[m.end():]
                return [self._text_label(p, art, "repeated_word", f"{m.group(1)} {m.group(1)}", "word doubled",
                                         "word")]
        return []

    def _inject_garbled_text(self, story: Story, art: Article, v: dict[str, str]) -> list[Label]:
        """Machine-translation debris: stray stops, capitalized function words, words run together."""
        r = self.rng
        how = r.choice(["stray_stop", "stray_stop_repeat", "capitalized_function_word", "run_together",
                        "run_together_via"])
        if how.startswith("run_together"):
            return self._glue(story, art, how == "run_together_via")
        free = self._free_paras(art)
        for k in r.sample(free, len(free)):
            p = art.paras[k]
            pairs = [m for m in re.finditer(r"(?<=[a-z] )([a-z]{4,}) ([a-z]{3,})\b", p.text)
                     if m.group(1) not in ABBREVIATION_WORDS]
            if not pairs:
                continue
            m = r.choice(pairs)
            w1, w2 = m.group(1), m.group(2)
            fw = r.choice([w for w in ("They", "The", "It", "This", "Their") if w.lower() not in (w1, w2)])
            new, evidence = {"stray_stop": (f"{w1}. {w2}", f"{w1}. {w2}"),
                             "stray_stop_repeat": (f"{w1}. {w1} {w2}", f"{w1}. {w1}"),
                             "capitalized_function_word": (f"{w1} {fw} {w2}", f"{w1} {fw}")}[how]
            p.text = p.text[:m.start()] + new + p.text[m.end():]
            return [self._text_label(p, art, "garbled_text", evidence, f"machine-translation debris ({how})", how)]
        return []

    def _glue(self, story: Story, art: Article, via: bool) -> list[Label]:
        """Glue a paragraph to the next one: 'approvalThe ...' or 'approval (Via ledgerThe ...'.

        A glued token is new to the story: one that several sources share is taken for a name."""
        r = self.rng
        free = set(self._free_paras(art, 40))
        handle = r.choice([h for _, h in OUTLETS if h.isalpha()])
        spots = []
        for k in sorted(free):
            last = re.search(r"\b([a-z]{2,})\.$", art.paras[k].text)
            first = re.match(r"[A-Z][a-z]{2,}\b", art.paras[k + 1].text) if k + 1 in free else None
            token = f"{handle if via else last.group(1) if last else ''}{first.group() if first else ''}"
            if last and first and token not in story.glued:
                spots.append((k, token))
        if not spots:
            return []
        k, token = r.choice(spots)
        story.glued.add(token)
        a, b = art.paras[k], art.paras[k + 1]
        a.text = a.text[:-1] + (f" (Via {handle}" if via else "") + b.text
        a.tags |= b.tags
        del art.paras[k + 1]
        labels = [self._text_label(a, art, "garbled_text", token, "words run together", "run_together")]
        if via:
            labels.append(self._text_label(a, art, "unbalanced_punctuation", f"(Via {token}",
                                           "parenthesis opened and never closed", "bracket"))
        return labels

    def _inject_unbalanced_punctuation(self, story: Story, art: Article, v: dict[str, str]) -> list[Label]:
        """Open a bracket or a quotation mark and never close it."""
        r = self.rng
        free = self._free_paras(art)
        for k in r.sample(free, len(free)):
            p = art.paras[k]
            nxt = art.paras[k + 1].text if k + 1 < len(art.paras) else ""
            if nxt.startswith(('"', "“")) or re.search(r"[\"“”()]", p.text):
                continue
            if r.random() < 0.5 and p.text.endswith("."):
                aside = r.choice(["the date has not been confirmed", "according to people familiar with the matter",
                                  "a claim the company disputes", "details were not disclosed"])
                p.text = p.text[:-1] + f" ({aside}."
                return [self._text_label(p, art, "unbalanced_punctuation", f"({aside}", "bracket never closed",
                                         "bracket")]
            words = list(re.finditer(r"(?<= )[a-z]{3,}\b", p.text))
            if len(words) < 4:
                continue
            m = words[r.randrange(1, len(words) - 2)]
            p.text = p.text[:m.start()] + '"' + p.text[m.start():]
            return [self._text_label(p, art, "unbalanced_punctuation", '"' + m.group(), "quotation never closed",
                                     "quote")]
        return []

    def _inject_boilerplate(self, story: Story, art: Article, v: dict[str, str]) -> list[Label]:
        """Append newsletter, aggregator or page chrome: one contiguous block."""
        r = self.rng
        section = story.topic.section
        pub = story.published[0]
        stamp = f"{MONTHS[pub.month - 1][:3]} {pub.day}, {pub.year}"
        others = [name for name, _ in r.sample(OUTLETS, 3)]
        blocks = [
            [f"Summary based on {r.randint(3, 40)} sources", f"Get a daily email with more {section} stories"],
            [f"Sign up for our {section} newsletter to get the latest updates"],
            ["Sources"] + [f"{o} • {stamp}" for o in others[:r.randint(2, 3)]],
            [f"Image credit: {r.choice(['Pexels', 'Getty Images', 'Reuters', 'Unsplash'])}"],
            [f"© {pub.year} {r.choice(OUTLETS)[0]}. All rights reserved."],
            ["Share this article", "Follow us on social media for more updates"],
            [f"Read more: {self.fill(r.choice(story.topic.headlines), v)}"],
        ]
        lines = r.choice(blocks)
        if lines[0].startswith("Summary") and r.random() < 0.4:
            lines += ["Sources"] + [f"{o} • {stamp}" for o in others[:2]]
        tag = self._tag()
        art.paras += [Para(text, "chrome", {tag}) for text in lines]
        return [Label("boilerplate", art.source, tag, lines[0], "page chrome, not part of the story")]

    def _text_label(self, p: Para, art: Article, kind: str, evidence: str, note: str, subkind: str) -> Label:
        tag = self._tag()
        p.tags |= {tag, "injected"}
        return Label(kind, art.source, tag, evidence, note, subkind)


def _fact_tags(text: str, v: dict[str, str]) -> set[str]:
    """Fact tags of a headline or bullet: the figures it repeats from the body."""
    keys = {"money": ("M",), "qty": ("Qa", "Qn")}
    return {f"fact:{fact}" for fact, ks in keys.items() if any(k in v and v[k] in text for k in ks)}


def _definition_first(units: list[Para], rng: random.Random) -> list[Para]:
    """Shuffle the acronym paragraphs into the body, its definition before its first use."""
    acr = [u for u in units if u.tags & {"acr:def", "acr:use"}]
    out = [u for u in units if u not in acr]
    acr.sort(key=lambda u: "acr:def" not in u.tags)
    at = sorted(rng.randint(0, len(out)) for _ in acr)
    for n, (pos, unit) in enumerate(zip(at, acr, strict=True)):
        out.insert(pos + n, unit)
    return out


def _drop_one_word(text: str, rng: random.Random) -> str:
    """A near copy: one word dropped, as an editor's touch-up would."""
    words = list(re.finditer(r" [a-z]{4,}\b", text))
    if not words:
        return text
    m = rng.choice(words)
    return text[:m.start()] + text[m.end():]


# --------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    """Generated stories: articles per story and the gold document."""

    stories: dict[str, list[Article]]
    gold: dict
    seconds: float

    @property
    def n_articles(self) -> int:
        return sum(len(a) for a in self.stories.values())

    @property
    def n_bytes(self) -> int:
        return sum(len(a.text.encode()) for arts in self.stories.values() for a in arts)


def _resolve(labels: list[Label], articles: list[Article], story: str, ids: dict[str, str]) -> dict:
    """Labels of a story -> a gold cluster, lines resolved from tags."""
    by_source = {a.source: a for a in articles}
    findings, negatives = [], []
    for label in labels:
        art = by_source[label.source]
        lines = art.lines_of(label.tag)
        if not lines:
            continue
        entry: dict = {"kind": label.kind}
        if label.subkind and not label.negative:
            entry["subkind"] = label.subkind
        entry |= {"source": ids[label.source], "lines": lines, "evidence": label.evidence}
        if label.related_tag:
            fact = label.related_tag.removeprefix("fact:")
            entry["related"] = [{"source": ids[a.source], "lines": a.lines_of(label.related_tag),
                                 "evidence": a.facts.get(fact, "")} for a in articles
                                if a.source != label.source and a.lines_of(label.related_tag)]
        if label.negative:
            negatives.append(entry | {"note": label.note})
        else:
            findings.append({"id": f"{story}-{len(findings) + 1}"} | entry | {"must": True, "note": label.note})
    finding_keys = {(f["kind"], f["source"], ln) for f in findings for ln in f["lines"]}
    negatives = [n for n in negatives if not any((n["kind"], n["source"], ln) in finding_keys for ln in n["lines"])]
    return {"sources": [ids[a.source] for a in articles], "findings": findings, "negatives": negatives,
            "ranking": []}


def generate(stories: int, seed: int = 1, error_rate: float = 0.45, flat: bool = False,
             min_sources: int = 2, max_sources: int = 7, follow_rate: float = 0.05) -> Corpus:
    """Build the corpus in memory (deterministic for a seed; `flat` only changes the article ids)."""
    started = time.perf_counter()
    gen = Generator(seed, error_rate, follow_rate=follow_rate)
    out: dict[str, list[Article]] = {}
    clusters: dict[str, dict] = {}
    order = list(range(stories * max_sources))
    random.Random(seed + 7).shuffle(order)
    flat_ids = iter(order)
    for n in range(1, stories + 1):
        k = gen.rng.randint(min_sources, max_sources)
        story = gen.story(n, k)
        articles, labels = [], []
        for i in range(k):
            art, lab = gen.article(story, i)
            articles.append(art)
            labels += lab
        ids = {a.source: (f"art_{next(flat_ids):06d}" if flat else a.source) for a in articles}
        cluster = _resolve(labels, articles, story.sid, ids)
        clusters[story.sid] = cluster
        out[story.sid] = articles
        if flat:
            for a in articles:
                a.source = ids[a.source]
    gold = {"corpus": f"generated-seed{seed}-{stories}", "clusters": clusters}
    return Corpus(out, gold, time.perf_counter() - started)


def write_corpus(corpus: Corpus, out: Path, flat: bool) -> dict[str, Path]:
    """Write articles under `out` and the gold (and story map) beside it."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    labels: dict[str, str] = {}
    for story, articles in corpus.stories.items():
        folder = out if flat else out / story
        folder.mkdir(exist_ok=True)
        for a in articles:
            (folder / f"{a.source}.txt").write_text(a.text, encoding="utf-8")
            labels[a.source] = story
    paths = {"gold": out.parent / f"{out.name}.gold.json"}
    paths["gold"].write_text(json.dumps(corpus.gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if flat:
        paths["stories"] = out.parent / f"{out.name}.stories.json"
        paths["stories"].write_text(json.dumps(dict(sorted(labels.items())), indent=0) + "\n", encoding="utf-8")
    return paths


def summary(corpus: Corpus) -> dict:
    """Counts of articles, bytes and labels per kind."""
    kinds: dict[str, int] = {}
    negs: dict[str, int] = {}
    for c in corpus.gold["clusters"].values():
        for f in c["findings"]:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        for n in c["negatives"]:
            negs[n["kind"]] = negs.get(n["kind"], 0) + 1
    return {"stories": len(corpus.stories), "articles": corpus.n_articles, "bytes": corpus.n_bytes,
            "avg_bytes": round(corpus.n_bytes / max(corpus.n_articles, 1)), "findings": dict(sorted(kinds.items())),
            "negatives": dict(sorted(negs.items())), "seconds": round(corpus.seconds, 2)}


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, required=True, help="number of stories (about 4.5 articles each)")
    ap.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--error-rate", type=float, default=0.45, help="share of articles with injected errors")
    ap.add_argument("--flat", action="store_true", help="all articles in one folder, plus OUT.stories.json")
    ap.add_argument("--min-sources", type=int, default=2)
    ap.add_argument("--max-sources", type=int, default=7)
    ap.add_argument("--follow-rate", type=float, default=0.05,
                    help="share of stories about an organisation an earlier story covered (harder grouping)")
    args = ap.parse_args(list(argv) if argv is not None else None)
    corpus = generate(args.stories, args.seed, args.error_rate, args.flat, args.min_sources, args.max_sources,
                      args.follow_rate)
    paths = write_corpus(corpus, args.out, args.flat)
    info = summary(corpus) | {k: str(v) for k, v in paths.items()}
    print(json.dumps(info, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
