#!/usr/bin/env python3
"""Builds labelled_cases.csv, the labelled set the screening test measures
precision and recall on, from the real list files beside this script.

How the cases are made (all reproducible: the random choices use a fixed seed):
- Positive cases start from a name as a list writes it (the "anchor"). The
  expected entries are every entry of that list that lists the anchor, as its
  name or an alias (case-insensitive), so a party listed twice counts once.
  * exact: a primary name as listed, drawn at random from entity rows.
  * alias: an alias as listed, drawn at random.
  * case_punct: a drawn name in lower case with its punctuation removed.
  * typo: a drawn name with one edit in its longest word (six letters or more):
    two adjacent inner letters swapped, one inner letter dropped, or one inner
    letter doubled, in turn.
  * reorder: a drawn individual "SURNAME, Given Names" written "Given Names
    SURNAME", or a drawn two-to-four-word entity name with its words reversed.
  * legal_form: a drawn name ending in a legal form (CO., LTD. / LLC / JSC /
    OAO / LIMITED ...) with that form replaced by another spelling of it.
  * transliteration: written by hand below: the name in Cyrillic, Chinese
    characters or Persian/Arabic script, with the listed romanisation as anchor
    (several anchors where the list holds the same name under several entries,
    e.g. a bank and its subsidiary "BANK MELLI IRAN ZAO").
- Negative cases (no entry expected): names of large Western companies and
  common Western personal names, written by hand below.

Run from anywhere:
  /usr/bin/python3 make_labelled_cases.py > labelled_cases.csv
  /usr/bin/python3 make_labelled_cases.py --holdout > labelled_cases_holdout.csv
"""
import csv
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_csl():
    entries = []
    with open(os.path.join(HERE, "csl_2023-11-30/csl.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for row in rows[1:]:
        if row == header or len(row) != len(header):
            continue
        d = dict(zip(header, row))
        aliases = [a.strip() for a in d["alt_names"].split(";") if a.strip()]
        entries.append({"id": d["_id"], "name": d["name"].strip(), "aliases": aliases,
                        "type": d["type"] or "Entity"})
    return entries


def load_ofac():
    d = os.path.join(HERE, "ofac_2021-07-07")
    entries = {}
    with open(os.path.join(d, "sdn.csv"), encoding="latin-1", newline="") as f:
        for row in csv.reader(f):
            if len(row) != 12:
                continue
            kind = row[2].strip()
            entries[row[0]] = {"id": row[0], "name": row[1].strip(), "aliases": [],
                               "type": "Entity" if kind == "-0-" else kind.capitalize()}
    with open(os.path.join(d, "alt.csv"), encoding="latin-1", newline="") as f:
        for row in csv.reader(f):
            if len(row) == 5 and row[0] in entries:
                entries[row[0]]["aliases"].append(row[3].strip())
    return list(entries.values())


LISTS = {"csl": load_csl(), "ofac": load_ofac()}


def expected(list_name, anchor):
    a = anchor.lower()
    ids = sorted({e["id"] for e in LISTS[list_name]
                  if e["name"].lower() == a or a in (x.lower() for x in e["aliases"])})
    if not ids:
        sys.exit(f"anchor {anchor!r} is not in {list_name}")
    return " ".join(ids)


cases = []


def add(list_name, category, query, anchor, country=""):
    """anchor: a listed name, or a list of names the query equally stands for."""
    anchors = [anchor] if isinstance(anchor, str) else anchor
    ids = sorted({i for a in anchors if a for i in expected(list_name, a).split()})
    cases.append([list_name, category, query, country, " ".join(ids), " | ".join(anchors)])


# The development set tuned the matcher; the hold-out set (another seed,
# other negatives, no transliteration cases) was drawn after tuning ended and
# only measured.
HOLDOUT = "--holdout" in sys.argv
rng = random.Random(7 if HOLDOUT else 20261124)


def draw(list_name, ok, n):
    pool = [e for e in LISTS[list_name] if ok(e)]
    return rng.sample(pool, n)


def words(name):
    return re.findall(r"[A-Za-z]+", name)


LEGAL = [("CO., LTD.", "Company Limited"), ("CO. LTD.", "Company Limited"), ("CO., LTD", "Limited"),
         ("LLC", "Limited Liability Company"), ("JSC", "Joint Stock Company"),
         ("OAO", "Open Joint Stock Company"), ("LIMITED", "Ltd"), ("LTD.", "Limited"),
         ("INC.", "Incorporated"), ("GMBH", "GmbH Co")]

is_entity = lambda e: e["type"] == "Entity" and len(words(e["name"])) >= 2

for list_name, n_exact, n_alias, n_case, n_typo, n_order, n_legal in (
        ("csl", 12, 9, 6, 12, 6, 6), ("ofac", 8, 6, 4, 8, 4, 4)):
    for e in draw(list_name, is_entity, n_exact):
        add(list_name, "exact", e["name"], e["name"])
    for e in draw(list_name, lambda e: any(len(words(a)) >= 2 for a in e["aliases"]), n_alias):
        alias = rng.choice([a for a in e["aliases"] if len(words(a)) >= 2])
        add(list_name, "alias", alias, alias)
    for e in draw(list_name, lambda e: is_entity(e) and re.search(r"[.,'&-]", e["name"]), n_case):
        add(list_name, "case_punct", " ".join(w.lower() for w in re.split(r"[^\w]+", e["name"]) if w),
            e["name"])
    edit = 0
    for e in draw(list_name, lambda e: is_entity(e) and max(map(len, words(e["name"]))) >= 6, n_typo):
        longest = max(words(e["name"]), key=len)
        i = 1 + rng.randrange(len(longest) - 3)
        variant = [longest[:i] + longest[i + 1] + longest[i] + longest[i + 2:],
                   longest[:i] + longest[i + 1:],
                   longest[:i] + longest[i] + longest[i:]][edit % 3]
        edit += 1
        add(list_name, "typo", e["name"].replace(longest, variant, 1), e["name"])
    people = draw(list_name, lambda e: e["type"] == "Individual" and e["name"].count(",") == 1,
                  n_order // 2)
    for e in people:
        surname, given = (p.strip() for p in e["name"].split(","))
        add(list_name, "reorder", f"{given} {surname}", e["name"])
    for e in draw(list_name, lambda e: is_entity(e) and 2 <= len(e["name"].split()) <= 4
                  and not re.search(r"[(),]", e["name"]), n_order - len(people)):
        add(list_name, "reorder", " ".join(reversed(e["name"].split())), e["name"])
    with_form = lambda e: is_entity(e) and any(e["name"].upper().endswith(" " + f) for f, _ in LEGAL)
    for e in draw(list_name, with_form, n_legal):
        form, other = next((f, o) for f, o in LEGAL if e["name"].upper().endswith(" " + f))
        add(list_name, "legal_form", e["name"][: -len(form)].rstrip(" ,") + " " + other, e["name"])

TRANSLITERATION = [
    ("csl", "Сбербанк России", "SBERBANK ROSSII"),
    ("csl", "ПАО Сбербанк", "PJSC SBERBANK"),
    ("csl", "Рособоронэкспорт", "ROSOBORONEKSPORT OAO"),
    ("csl", "ПАО Транснефть", "PJSC TRANSNEFT"),
    ("csl", "Роснефть", "ROSNEFT"),
    ("csl", "ВТБ Банк", "VTB BANK PUBLIC JOINT STOCK COMPANY"),
    ("csl", "Алмаз-Антей", ["Almaz-Antey", "Almaz-Antey Corp"]),
    ("csl", "Внешэкономбанк", "VNESHECONOMBANK"),
    ("csl", "Новатэк", "NOVATEK"),
    ("csl", "Газпром нефть", ["GAZPROM NEFT", "Public Joint Stock Company Gazprom Neft"]),
    ("csl", "Концерн Калашников", "KALASHNIKOV CONCERN"),
    ("ofac", "北京海力联合科技有限公司", "BEIJING HAILI LIANHE KEJI YOUXIAN GONGSI"),
    ("csl", "北京诺电科技有限公司", "Beijing Nuodian Keji Youxian Gongsi"),
    ("ofac", "大连正华贸易有限公司", "DALIAN ZHENGHUA MAOYI YOUXIAN GONGSI"),
    ("ofac", "上海冰智国际贸易有限公司", "SHANGHAI BINGZHI GUOJI MAOYI YOUXIAN GONGSI"),
    ("ofac", "中国精密机械进出口总公司", "ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI"),
    ("csl", "山东悦海通信科技有限公司", "Shandong Yuehaitongxin Keji Ltd."),
    ("ofac", "بانک ملی ایران", ["BANK MELLI IRAN", "BANK MELLI IRAN ZAO"]),
    ("ofac", "بانک صادرات ایران", "BANK SADERAT IRAN"),
    ("ofac", "بانک ملت", "BANK MELLAT"),
    ("ofac", "بانک سپه", "BANK SEPAH"),
    ("csl", "سپاه پاسداران", "SEPAH PASDARAN"),
]
for list_name, query, anchor in TRANSLITERATION if not HOLDOUT else []:
    add(list_name, "transliteration", query, anchor)

NEGATIVES = [
    "Apple Inc.", "Microsoft Corporation", "Alphabet Inc.", "Amazon.com, Inc.", "Meta Platforms, Inc.",
    "NVIDIA Corporation", "Bank of America Corporation", "JPMorgan Chase & Co.", "Wells Fargo & Company",
    "Citigroup Inc.", "The Goldman Sachs Group, Inc.", "Morgan Stanley", "General Electric Company",
    "General Motors Company", "Ford Motor Company", "Exxon Mobil Corporation", "Chevron Corporation",
    "Walmart Inc.", "Costco Wholesale Corporation", "The Procter & Gamble Company", "Johnson & Johnson",
    "Pfizer Inc.", "The Boeing Company", "Deutsche Bank AG", "Siemens AG", "BNP Paribas SA",
    "Toyota Motor Corporation", "Sony Group Corporation", "Nestle S.A.", "Unilever PLC",
    "HSBC Holdings plc", "Barclays PLC", "Airbus SE", "SAP SE", "Oracle Corporation",
    "International Business Machines Corporation", "Intel Corporation", "Cisco Systems, Inc.",
    "Salesforce, Inc.", "The Coca-Cola Company", "PepsiCo, Inc.", "Visa Inc.", "Mastercard Incorporated",
    "Anthropic PBC", "OpenAI OpCo, LLC", "Mistral AI SAS", "Cohere Inc.", "Stability AI Ltd",
    "John Smith", "Mary Johnson", "Robert Williams", "Jennifer Brown", "Michael Miller",
]
HOLDOUT_NEGATIVES = [
    "Berkshire Hathaway Inc.", "UnitedHealth Group Incorporated", "The Home Depot, Inc.",
    "Verizon Communications Inc.", "AT&T Inc.", "Comcast Corporation", "The Walt Disney Company",
    "Nike, Inc.", "Starbucks Corporation", "Caterpillar Inc.", "3M Company",
    "Honeywell International Inc.", "Volkswagen AG", "Bayerische Motoren Werke AG", "Allianz SE",
    "AXA SA", "TotalEnergies SE", "Novartis AG", "Roche Holding AG", "AstraZeneca PLC",
    "GSK plc", "Rio Tinto Group", "BHP Group Limited", "Commonwealth Bank of Australia",
    "Royal Bank of Canada", "The Toronto-Dominion Bank", "Hitachi, Ltd.",
    "Panasonic Holdings Corporation", "Canon Inc.", "Telefonaktiebolaget LM Ericsson",
    "Nokia Oyj", "Koninklijke Philips N.V.", "ASML Holding N.V.", "Infineon Technologies AG",
    "Accenture plc", "David Wilson", "Sarah Thompson", "James Anderson", "Emily Clark",
    "Thomas Wright",
]
for query in HOLDOUT_NEGATIVES if HOLDOUT else NEGATIVES:
    for list_name in ("csl", "ofac"):
        add(list_name, "negative", query, "")

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["list", "category", "query", "country", "expected", "anchor"])
out.writerows(cases)
