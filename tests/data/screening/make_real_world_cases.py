#!/usr/bin/env python3
"""Builds real_world_cases.csv: restricted parties as people actually write
them, outside the list files, labelled against the list files beside this
script.

Every positive is a name copied from a public page (a press release, an
enforcement notice, a law firm's client alert, a news report), with the
page's address; its expected entries are every entry of the list that lists
the anchor (the listed name or alias the page refers to) as its name or an
alias, case-insensitively. Lists: "ofac" is the SDN file of 2024-05-03 with
the alias file of 2025-02-27 (the mixed set of ofac_sdn_2024-05-03 and
ofac_add_alt_2025-02-27), "csl" the Consolidated Screening List of
2023-11-30.

Every negative is a real organisation, written as it writes itself (source:
its own site, or a report of its removal from the list), that shares words
with listed parties and is on neither list; "both" screens it against both.
A negative whose anchor column is not empty names what it was removed from.

Run from anywhere:
  /usr/bin/python3 make_real_world_cases.py > real_world_cases.csv
"""
import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read(path, encoding):
    with open(os.path.join(HERE, path), encoding=encoding, newline="") as f:
        return f.read().replace("\x1a", "")


def load_ofac():
    entries = {}
    for row in csv.reader(io.StringIO(read("ofac_sdn_2024-05-03/sdn.csv", "latin-1"))):
        if len(row) == 12:
            entries[row[0]] = [row[1].strip()]
    for row in csv.reader(io.StringIO(read("ofac_add_alt_2025-02-27/alt.csv", "latin-1"))):
        if len(row) == 5 and row[0] in entries:
            entries[row[0]].append(row[3].strip())
    return entries


def load_csl():
    rows = list(csv.reader(io.StringIO(read("csl_2023-11-30/csl.csv", "utf-8"))))
    header = rows[0]
    entries = {}
    for row in rows[1:]:
        if row == header or len(row) != len(header):
            continue
        d = dict(zip(header, row))
        names = [d["name"].strip()] + [a.strip() for a in d["alt_names"].split(";") if a.strip()]
        entries.setdefault(d["_id"], []).extend(names)
    return entries


LISTS = {"ofac": load_ofac(), "csl": load_csl()}


def expected(list_name, anchor):
    a = anchor.lower()
    ids = sorted(i for i, names in LISTS[list_name].items() if a in (n.lower() for n in names))
    if not ids:
        sys.exit(f"anchor {anchor!r} is not in {list_name}")
    return " ".join(ids)


def listed_anywhere(query):
    q = query.lower()
    return any(q in (n.lower() for n in names) for entries in LISTS.values()
               for names in entries.values())


# (list, kind, query as the source writes it, anchor as the list writes it, source)
# kind: as_listed (the source uses the listed name or alias), generic_word (a
# generic word or legal form differs, is added or is left out), abbreviation,
# spelling (another romanisation or a misspelling), partial (a distinctive
# part of the listed name).
POSITIVES = [
    # Iran: airlines and their agents, the IRGC-QF and its militias
    ("ofac", "as_listed", "Mahan Air", "MAHAN AIR",
     "http://zeenews.india.com/news/world/us-treasury-imposes-sanctions-on-irans-airline_736335.html"),
    ("ofac", "generic_word", "Mahan Airlines", "MAHAN AIR",
     "https://theiranproject.com/blog/2018/07/10/us-sanctions-irans-mahan-tourism-company/"),
    ("ofac", "generic_word", "Mahan Travel and Tourism Company", "MAHAN TRAVEL AND TOURISM SDN BHD",
     "https://theiranproject.com/blog/2018/07/10/us-sanctions-irans-mahan-tourism-company/"),
    ("ofac", "as_listed", "Mahan Travel and Tourism Sdn Bhd", "MAHAN TRAVEL AND TOURISM SDN BHD",
     "https://www.fdd.org/analysis/2018/07/23/treasury-rightly-clips-wings-of-irans-mahan-air/"),
    ("ofac", "as_listed", "Caspian Air", "CASPIAN AIR",
     "https://theiranproject.com/blog/2018/07/10/us-sanctions-irans-mahan-tourism-company/"),
    ("ofac", "as_listed", "Meraj Air", "MERAJ AIR",
     "https://www.bloombergquint.com/politics/2018/05/24/u-s-imposes-sanctions-on-companies-aiding-iranian-airlines?utm_source=bloomberg-menu"),
    ("ofac", "as_listed", "Pouya Air", "POUYA AIR",
     "https://english.shabtabnews.com/2018/05/25/us-treasury-imposes-new-sanctions-against-iranian-airlines/"),
    ("ofac", "as_listed", "Dena Airways", "DENA AIRWAYS",
     "https://theiranproject.com/blog/2018/07/10/us-sanctions-irans-mahan-tourism-company/"),
    ("ofac", "as_listed", "Qeshm Fars Air", "QESHM FARS AIR",
     "https://english.aawsat.com/home/article/1561406/fresh-us-sanctions-hit-iran%E2%80%99s-quds-force-mahan-air"),
    ("ofac", "as_listed", "Flight Travel LLC", "FLIGHT TRAVEL LLC",
     "https://kayhanlife.com/?p=119730"),
    ("ofac", "as_listed", "My Aviation Company Limited", "MY AVIATION COMPANY LIMITED",
     "https://home.treasury.gov/news/press-releases/sm484"),
    ("ofac", "generic_word", "My Aviation", "MY AVIATION COMPANY LIMITED",
     "https://home.treasury.gov/news/press-releases/sm484"),
    ("ofac", "spelling", "Quds Force", "QODS FORCE",
     "http://zeenews.india.com/news/world/us-treasury-imposes-sanctions-on-irans-airline_736335.html"),
    ("ofac", "spelling", "Islamic Revolutionary Guard Corps-Quds Force",
     "ISLAMIC REVOLUTIONARY GUARD CORPS-QODS FORCE", "https://kayhanlife.com/?p=119730"),
    ("ofac", "as_listed", "Fatemiyoun Division", "FATEMIYOUN DIVISION",
     "https://kayhanlife.com/?p=119730"),
    ("ofac", "as_listed", "Zaynabiyoun Brigade", "ZAYNABIYOUN BRIGADE",
     "https://kayhanlife.com/?p=119730"),
    # Iran: shipping, tankers and banks
    ("ofac", "abbreviation", "Islamic Republic of Iran Shipping Lines (IRISL)",
     "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES",
     "https://www.rferl.org/a/US_Slaps_Sanctions_On_Iranian_Shipping_Company/1197953.html"),
    ("ofac", "generic_word", "Kerman Shipping Company", "KERMAN SHIPPING COMPANY LIMITED",
     "https://www.iranwatch.org/our-publications/article-oped-report/treasury-hmmers-iranian-shipper"),
    ("ofac", "as_listed", "E-Sail Shipping Company Ltd", "E-SAIL SHIPPING COMPANY LTD",
     "https://www.thompsonhinesmartrade.com/2020/06/state-department-and-ofac-issue-further-sanctions-on-iranian-shipping-entities/"),
    ("ofac", "abbreviation", "National Iranian Tanker Company (NITC)", "NATIONAL IRANIAN TANKER COMPANY",
     "https://psabdp.com/news/us-sanctions-on-iran-shipping-resume"),
    ("ofac", "as_listed", "Bank Melli Iran Investment Company", "BANK MELLI IRAN INVESTMENT COMPANY",
     "https://www.jpost.com/iranian-threat/news/us-sanctions-11-firms-tied-to-iran-bank"),
    ("ofac", "as_listed", "Khavarmianeh Bank", "KHAVARMIANEH BANK",
     "https://sanctionsnews.bakermckenzie.com/u-s-government-sanctions-over-30-parties-linked-to-iran"),
    ("ofac", "as_listed", "Ghavamin Bank", "GHAVAMIN BANK",
     "https://sanctionsnews.bakermckenzie.com/u-s-government-sanctions-over-30-parties-linked-to-iran"),
    ("ofac", "as_listed", "Gharzolhasaneh Resalat Bank", "GHARZOLHASANEH RESALAT BANK",
     "https://sanctionsnews.bakermckenzie.com/u-s-government-sanctions-over-30-parties-linked-to-iran"),
    ("ofac", "as_listed", "Kish International Bank", "KISH INTERNATIONAL BANK",
     "https://sanctionsnews.bakermckenzie.com/u-s-government-sanctions-over-30-parties-linked-to-iran"),
    ("ofac", "as_listed", "Kafolatbank", "KAFOLATBANK",
     "https://sanctionsnews.bakermckenzie.com/u-s-government-sanctions-over-30-parties-linked-to-iran"),
    # North Korea: banks, trading companies, weapons programmes
    ("ofac", "spelling", "Korean Kwangson Banking Corp.", "KOREA KWANGSON BANKING CORP",
     "https://sanctionlaw.com/?p=5479"),
    ("ofac", "abbreviation", "Korea Kwangson Banking Corp. (KKBC)", "KOREA KWANGSON BANKING CORP",
     "https://home.treasury.gov/news/press-releases/tg260"),
    ("ofac", "as_listed", "Tanchon Commercial Bank", "TANCHON COMMERCIAL BANK",
     "https://home.treasury.gov/news/press-releases/tg260"),
    ("ofac", "as_listed", "Korea Hyoksin Trading Corporation", "KOREA HYOKSIN TRADING CORPORATION",
     "https://home.treasury.gov/news/press-releases/tg260"),
    ("ofac", "spelling", "Korean Ryonbong General Corporation", "KOREA RYONBONG GENERAL CORPORATION",
     "https://sanctionlaw.com/?p=5479"),
    ("ofac", "abbreviation", "Korea Mining Development Trading Corporation (KOMID)",
     "KOREA MINING DEVELOPMENT TRADING CORPORATION",
     "https://home.treasury.gov/news/press-releases/tg260"),
    ("ofac", "spelling", "Korea Mining Developing Trading Corp",
     "KOREA MINING DEVELOPMENT TRADING CORPORATION",
     "https://townhall.com/news/world/2013/06/27/us-sanctions-north-korea-bank-as-it-targets-weapons-program-n1629135"),
    ("ofac", "generic_word", "Korea Mining Development Corporation",
     "KOREA MINING DEVELOPMENT TRADING CORPORATION",
     "https://strategic-risk-global.com/esg-risks/us-sanctions-north-korean-bank/1381005.article"),
    ("ofac", "as_listed", "Amroggang Development Bank", "AMROGGANG DEVELOPMENT BANK",
     "https://strategic-risk-global.com/esg-risks/us-sanctions-north-korean-bank/1381005.article"),
    ("ofac", "as_listed", "Daedong Credit Bank", "DAEDONG CREDIT BANK",
     "https://townhall.com/news/world/2013/06/27/us-sanctions-north-korea-bank-as-it-targets-weapons-program-n1629135"),
    ("ofac", "generic_word", "DCB Financial Limited", "DCB FINANCE LIMITED",
     "https://townhall.com/news/world/2013/06/27/us-sanctions-north-korea-bank-as-it-targets-weapons-program-n1629135"),
    ("ofac", "as_listed", "Agricultural Development Bank", "AGRICULTURAL DEVELOPMENT BANK",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Cheil Credit Bank", "CHEIL CREDIT BANK",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Hana Banking Corporation Ltd", "HANA BANKING CORPORATION LTD",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "International Industrial Development Bank",
     "INTERNATIONAL INDUSTRIAL DEVELOPMENT BANK",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Jinmyong Joint Bank", "JINMYONG JOINT BANK",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Jinsong Joint Bank", "JINSONG JOINT BANK",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Koryo Commercial Bank Ltd.", "KORYO COMMERCIAL BANK LTD.",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Ryugyong Commercial Bank", "RYUGYONG COMMERCIAL BANK",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Foreign Trade Bank of the Democratic People's Republic of Korea",
     "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "generic_word", "Central Bank of Democratic People's Republic of Korea",
     "CENTRAL BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA",
     "https://www.thompsonhinesmartrade.com/2017/09/ofac-issues-sanctions-north-korea/"),
    ("ofac", "as_listed", "Munitions Industry Department", "MUNITIONS INDUSTRY DEPARTMENT",
     "https://www.hstoday.us/subject-matter-areas/wmd/treasury-sanctions-individual-banks-and-trading-company-for-supporting-north-koreas-wmd-and-ballistic-missile-programs/"),
    ("ofac", "as_listed", "Second Academy of Natural Sciences", "SECOND ACADEMY OF NATURAL SCIENCES",
     "https://www.hstoday.us/subject-matter-areas/wmd/treasury-sanctions-individual-banks-and-trading-company-for-supporting-north-koreas-wmd-and-ballistic-missile-programs/"),
    # Russia: banks
    ("ofac", "as_listed", "Public Joint Stock Company Sberbank of Russia",
     "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA",
     "https://newsmax.com/amp/headline/treasury-sanctions-banks-janet-yellen/2022/02/24/id/1058380"),
    ("ofac", "partial", "Sberbank", ["PJSC SBERBANK", "JOINT STOCK COMPANY SBERBANK"],
     "https://bankingjournal.aba.com/2022/02/biden-administration-announces-unprecedented-sanctions-against-russia/"),
    ("ofac", "as_listed", "VTB Bank Public Joint Stock Company", "VTB BANK PUBLIC JOINT STOCK COMPANY",
     "https://newsmax.com/amp/headline/treasury-sanctions-banks-janet-yellen/2022/02/24/id/1058380"),
    ("ofac", "generic_word", "VTB Bank", "JSC VTB BANK",
     "https://bankingjournal.aba.com/2022/02/biden-administration-announces-unprecedented-sanctions-against-russia/"),
    ("ofac", "spelling", "Alfa Bank", "ALFA-BANK",
     "https://blog.volkovlaw.com/2022/04/united-states-and-europe-ramp-up-sanctions-against-russia-and-target-sberbank-alfa-bank-and-new-investments/"),
    # Russia: defence industry
    ("ofac", "spelling", "Rosoboroneksport", "ROSOBORONEKSPORT OAO",
     "https://staging.rferl.org/a/russia-china-us-sanctions-for-missile-technology-transfers/27223260.html"),
    ("ofac", "generic_word", "Rosoboronexport", "ROSOBORONEXPORT JSC",
     "https://chelorg.com/2017/11/13/in-rostec-said-that-it-is-not-afraid-of-us-sanctions/"),
    ("ofac", "as_listed", "state Corporation rostec", "STATE CORPORATION ROSTEC",
     "https://chelorg.com/2017/11/13/in-rostec-said-that-it-is-not-afraid-of-us-sanctions/"),
    ("ofac", "generic_word", "Rostec", "STATE CORPORATION ROSTEC",
     "https://chelorg.com/2017/11/13/in-rostec-said-that-it-is-not-afraid-of-us-sanctions/"),
    ("ofac", "generic_word", "Irkut Corporation", "IRKUT CORPORATION JOINT STOCK COMPANY",
     "https://testingma--for--zephr.rp.pl/biznes/art358601-bialy-dom-uderzyl-w-rosje-nowa-czarna-lista"),
    ("ofac", "as_listed", "Tupolev JSC", "TUPOLEV JSC",
     "https://testingma--for--zephr.rp.pl/biznes/art358601-bialy-dom-uderzyl-w-rosje-nowa-czarna-lista"),
    ("ofac", "as_listed", "United Aircraft Corporation", "UNITED AIRCRAFT CORPORATION",
     "https://testingma--for--zephr.rp.pl/biznes/art358601-bialy-dom-uderzyl-w-rosje-nowa-czarna-lista"),
    ("ofac", "generic_word", "United Engine Corporation", "UNITED ENGINE CORP JSC",
     "https://testingma--for--zephr.rp.pl/biznes/art358601-bialy-dom-uderzyl-w-rosje-nowa-czarna-lista"),
    ("ofac", "generic_word", "Russian Helicopters", "JSC RUSSIAN HELICOPTERS",
     "https://testingma--for--zephr.rp.pl/biznes/art358601-bialy-dom-uderzyl-w-rosje-nowa-czarna-lista"),
    ("ofac", "as_listed", "Kazan Helicopters", "KAZAN HELICOPTERS",
     "https://testingma--for--zephr.rp.pl/biznes/art358601-bialy-dom-uderzyl-w-rosje-nowa-czarna-lista"),
    # Russia: Prigozhin's network and the Wagner Group
    ("ofac", "generic_word", "Private military company Wagner", "PRIVATE MILITARY COMPANY 'WAGNER'",
     "https://soldat.pro/en/2017/06/24/bi-bi-si-o-sankciyax-protiv-chvk-vagnera/"),
    ("ofac", "as_listed", "Wagner Group", "WAGNER GROUP",
     "https://edgepage.com/2023/01/26/us-introduces-new-sanctions-targeting-russias-wagner-mercenary-group"),
    ("ofac", "generic_word", "M Invest", "M INVEST, OOO",
     "https://uawire.org/u-s-imposes-sanctions-against-people-and-companies-linked-to-putin-s-associate-prigozhin"),
    ("ofac", "generic_word", "M-Invest", "M INVEST, OOO",
     "https://www.promoteukraine.org/us-expands-sanctions-against-putin-henchman/"),
    ("ofac", "as_listed", "Meroe Gold Co Ltd", "MEROE GOLD CO. LTD.",
     "https://uawire.org/u-s-imposes-sanctions-against-people-and-companies-linked-to-putin-s-associate-prigozhin"),
    ("ofac", "generic_word", "Shen Yang Jing Cheng Machinery Imp&Exp",
     "SHEN YANG JING CHENG MACHINERY IMP&EXP. CO., LIMITED",
     "https://uawire.org/u-s-imposes-sanctions-against-people-and-companies-linked-to-putin-s-associate-prigozhin"),
    ("ofac", "partial", "Hong Kong Shine Dragon Group", "SHINE DRAGON GROUP LIMITED",
     "https://uawire.org/u-s-imposes-sanctions-against-people-and-companies-linked-to-putin-s-associate-prigozhin"),
    ("ofac", "generic_word", "Zhe Jiang Jiayi Small Commodities Trade Company",
     "ZHE JIANG JIAYI SMALL COMMODITIES TRADE COMPANY LIMITED",
     "https://uawire.org/u-s-imposes-sanctions-against-people-and-companies-linked-to-putin-s-associate-prigozhin"),
    ("ofac", "generic_word", "Internet Research Agency", "INTERNET RESEARCH AGENCY LLC",
     "https://uawire.org/u-s-imposes-sanctions-against-people-and-companies-linked-to-putin-s-associate-prigozhin"),
    ("ofac", "as_listed", "Midas Ressources SARLU", "MIDAS RESSOURCES SARLU",
     "https://www.oodaloop.com/globalrisk/2023/06/28/us-targets-wagner-group-in-curbs-on-gold-firms-suspected-of-funding-mercenary-force/"),
    ("ofac", "as_listed", "Diamville SAU", "DIAMVILLE SAU",
     "https://www.oodaloop.com/globalrisk/2023/06/28/us-targets-wagner-group-in-curbs-on-gold-firms-suspected-of-funding-mercenary-force/"),
    ("ofac", "as_listed", "Industrial Resources General Trading", "INDUSTRIAL RESOURCES GENERAL TRADING",
     "https://www.oodaloop.com/globalrisk/2023/06/28/us-targets-wagner-group-in-curbs-on-gold-firms-suspected-of-funding-mercenary-force/"),
    ("ofac", "as_listed", "Limited Liability Company DM", "LIMITED LIABILITY COMPANY DM",
     "https://www.oodaloop.com/globalrisk/2023/06/28/us-targets-wagner-group-in-curbs-on-gold-firms-suspected-of-funding-mercenary-force/"),
    ("ofac", "as_listed", "Africa Politology", "AFRICA POLITOLOGY",
     "https://wwwnews4you.com/us-imposes-new-sanctions-on-companies-and-individual-tied-to-wagner-group/"),
    # Venezuela
    ("ofac", "abbreviation", "Petroleos de Venezuela, S.A. (PdVSA)", "PETROLEOS DE VENEZUELA, S.A.",
     "https://regreport.info/2019/01/28/ofac-slaps-sanctions-on-venezuelan-oil-firm-with-aim-of-preventing-diversion-of-assets"),
    ("ofac", "spelling", "Petróleos de Venezuela S.A. (PDVSA)", "PETROLEOS DE VENEZUELA, S.A.",
     "http://de.tingroom.com/yuedu/news/45893.html"),
    ("ofac", "as_listed", "PDVSA", "PDVSA", "https://thebull.com.au/79807-us-imposes-sanctions-on-venezuela-state-oil-firm-pdvsa/"),
    ("ofac", "as_listed", "Evrofinance Mosnarbank", "EVROFINANCE MOSNARBANK",
     "http://mondaq.com/unitedstates/x/796566/Export+controls+Trade+Investment+Sanctions/Recent+US+Sanctions+Designations+Create+Additional+Risks+for+Companies+Doing+Business+with+Venezuela"),
    ("ofac", "as_listed", "CVG Compania General de Mineria de Venezuela CA",
     "CVG COMPANIA GENERAL DE MINERIA DE VENEZUELA CA",
     "http://mondaq.com/unitedstates/x/796566/Export+controls+Trade+Investment+Sanctions/Recent+US+Sanctions+Designations+Create+Additional+Risks+for+Companies+Doing+Business+with+Venezuela"),
    ("ofac", "spelling", "Banco de Desarrollo Económico y Social de Venezuela",
     "BANCO DE DESARROLLO ECONOMICO Y SOCIAL DE VENEZUELA",
     "http://mondaq.com/unitedstates/x/796566/Export+controls+Trade+Investment+Sanctions/Recent+US+Sanctions+Designations+Create+Additional+Risks+for+Companies+Doing+Business+with+Venezuela"),
    # Syria, Iraq, Lebanon
    ("ofac", "as_listed", "Syrianair", "SYRIANAIR",
     "https://ch-aviation.com/portal/news/51889-washington-blacklists-syrias-cham-wings-airlines"),
    ("ofac", "as_listed", "Cham Wings Airlines", "CHAM WINGS AIRLINES",
     "https://ch-aviation.com/portal/news/51889-washington-blacklists-syrias-cham-wings-airlines"),
    ("ofac", "as_listed", "Cham Wings", "CHAM WINGS",
     "https://ch-aviation.com/portal/news/51889-washington-blacklists-syrias-cham-wings-airlines"),
    ("ofac", "as_listed", "Syrian Military Intelligence", "SYRIAN MILITARY INTELLIGENCE",
     "https://ch-aviation.com/portal/news/51889-washington-blacklists-syrias-cham-wings-airlines"),
    ("ofac", "as_listed", "Fly Baghdad", "FLY BAGHDAD",
     "https://ntd.com/us-allies-target-suspected-hamas-financial-networks-and-iran-linked-actors-with-new-sanctions_968021.html"),
    ("ofac", "as_listed", "Kata'ib Hezbollah", "KATA'IB HEZBOLLAH",
     "https://ntd.com/us-allies-target-suspected-hamas-financial-networks-and-iran-linked-actors-with-new-sanctions_968021.html"),
    ("ofac", "generic_word", "Al-Qard al-Hassan", "AL-QARD AL-HASSAN ASSOCIATION",
     "https://arabnews.com/node/1857311/middle-east"),
    ("ofac", "as_listed", "Atlas Holding", "ATLAS HOLDING",
     "https://english.aawsat.com/home/article/2151186/us-blacklists-lebanese-individuals-entities-over-hezbollah-links?page=4"),
    ("ofac", "as_listed", "Martyrs Foundation", "MARTYRS FOUNDATION",
     "https://english.aawsat.com/home/article/2151186/us-blacklists-lebanese-individuals-entities-over-hezbollah-links?page=4"),
    ("ofac", "as_listed", "Mirath S.A.L.", "MIRATH S.A.L.",
     "https://english.aawsat.com/home/article/2151186/us-blacklists-lebanese-individuals-entities-over-hezbollah-links?page=4"),
    ("ofac", "as_listed", "Jammal Trust Bank", "JAMMAL TRUST BANK",
     "https://english.aawsat.com/home/article/2151186/us-blacklists-lebanese-individuals-entities-over-hezbollah-links?page=4"),
    ("ofac", "as_listed", "Arfada Petroleum Private Joint Stock Company",
     "ARFADA PETROLEUM PRIVATE JOINT STOCK COMPANY",
     "https://english.aawsat.com/home/article/2615526/us-imposes-syria-related-sanctions-individuals-entities?page=3"),
    ("ofac", "as_listed", "Sallizar Shipping SAL", "SALLIZAR SHIPPING SAL",
     "https://english.aawsat.com/home/article/2615526/us-imposes-syria-related-sanctions-individuals-entities?page=3"),
    ("ofac", "as_listed", "Syrian Ministry of Petroleum and Mineral Resources",
     "SYRIAN MINISTRY OF PETROLEUM AND MINERAL RESOURCES",
     "https://english.aawsat.com/home/article/2615526/us-imposes-syria-related-sanctions-individuals-entities?page=3"),
    # China: chips, supercomputing, surveillance, defence universities (CSL)
    ("csl", "abbreviation", "Semiconductor Manufacturing International Corp",
     "Semiconductor Manufacturing International Corporation",
     "https://thenationalnews.com/world/the-americas/us-blacklists-chinese-chipmaker-smic-1.1131194"),
    ("csl", "generic_word", "Semiconductor Manufacturing International Corporation Incorporated",
     "Semiconductor Manufacturing International Corporation",
     "https://www.telecoms.com/wireless-networking/china-s-biggest-chipmaker-added-to-entity-list"),
    ("csl", "as_listed", "SMIC", "SMIC",
     "https://www.aninews.in/news/world/us/us-blacklists-59-chinese-entities-including-smic20201219060343/"),
    ("csl", "generic_word", "Huawei Technologies", "HUAWEI TECHNOLOGIES CO., LTD.",
     "https://thenationalnews.com/world/the-americas/us-blacklists-chinese-chipmaker-smic-1.1131194"),
    ("csl", "abbreviation", "SZ DJI Technology Co Ltd", "SZ DJI Technology Co., Ltd.",
     "https://www.eastcoastdaily.in/2021/04/09/setback-to-china-us-blacklists-chinese-supercomputing-entities.html"),
    ("csl", "as_listed", "China State Shipbuilding Corporation", "China State Shipbuilding Corporation",
     "https://www.aninews.in/news/world/us/us-blacklists-59-chinese-entities-including-smic20201219060343/"),
    ("csl", "as_listed", "Hangzhou Hikvision Digital Technology", "Hangzhou Hikvision Digital Technology",
     "https://www.theage.com.au/world/north-america/us-puts-28-chinese-security-bureaus-companies-on-blacklist-over-uighur-treatment-20191008-p52yo1.html?ref=rss&utm_medium=rss&utm_source=rss_feed"),
    ("csl", "abbreviation", "Hangzhou Hikvision Digital Technology Co Ltd",
     "Hangzhou Hikvision Digital Technology Co., Ltd.",
     "http://www.pressreader.com/pakistan/the-pak-banker/20191010/281754156076548"),
    ("csl", "as_listed", "Hikvision", "Hikvision",
     "https://technode.com/2019/10/08/us-adds-eight-chinese-tech-firms-to-blacklist-over-human-rights-abuse/"),
    ("csl", "generic_word", "SenseTime Group", "Sensetime Group Limited",
     "https://www.theage.com.au/world/north-america/us-puts-28-chinese-security-bureaus-companies-on-blacklist-over-uighur-treatment-20191008-p52yo1.html?ref=rss&utm_medium=rss&utm_source=rss_feed"),
    ("csl", "as_listed", "SENSETIME GROUP LTD", "Sensetime Group Ltd",
     "http://www.pressreader.com/pakistan/the-pak-banker/20191010/281754156076548"),
    ("csl", "generic_word", "Megvii Technology", "Megvii Technology Limited",
     "https://www.theage.com.au/world/north-america/us-puts-28-chinese-security-bureaus-companies-on-blacklist-over-uighur-treatment-20191008-p52yo1.html?ref=rss&utm_medium=rss&utm_source=rss_feed"),
    ("csl", "generic_word", "Xiamen Meiya Pico Information", "Xiamen Meiya Pico Information Co., Ltd.",
     "https://www.theage.com.au/world/north-america/us-puts-28-chinese-security-bureaus-companies-on-blacklist-over-uighur-treatment-20191008-p52yo1.html?ref=rss&utm_medium=rss&utm_source=rss_feed"),
    ("csl", "generic_word", "CloudWalk Technology", "Cloudwalk Technology Co., Ltd.",
     "https://mohawkglobal.com/trade-news/33-parties-added-entity-list-chinese-violations-risks/"),
    ("csl", "as_listed", "NetPosa", "NetPosa",
     "https://mohawkglobal.com/trade-news/33-parties-added-entity-list-chinese-violations-risks/"),
    ("csl", "as_listed", "Sugon", "Sugon", "https://diagram.news/us-blacklists-five-chinese-supercomputer-makers/"),
    ("csl", "generic_word", "Dawning Information Industry Co., Ltd.", "Dawning Information Industry Co., Ltd",
     "http://www.ic-bom.com/industry-news/1075.html"),
    ("csl", "as_listed", "Sichuan University", "Sichuan University",
     "https://www.oesrc.researchcompliance.vt.edu/news/commerce-updates-entity-list-adds-sichuan-university"),
    ("csl", "as_listed", "University of Electronic Science and Technology of China",
     "University of Electronic Science and Technology of China",
     "https://www.brown.edu/research/foreign%20universities"),
    ("csl", "as_listed", "Beijing University of Aeronautics and Astronautics (BUAA)",
     "Beijing University of Aeronautics and Astronautics (BUAA)",
     "https://www.brown.edu/research/foreign%20universities"),
    ("csl", "as_listed", "Beihang University", "Beihang University",
     "https://www.brown.edu/research/foreign%20universities"),
    ("csl", "as_listed", "Chinese Academy of Engineering Physics", "Chinese Academy of Engineering Physics",
     "https://www.brown.edu/research/foreign%20universities"),
    ("csl", "as_listed", "China Electronics Technology Group Corp. (CETC) 54th Research Institute",
     "China Electronics Technology Group Corp. (CETC) 54th Research Institute",
     "https://www.brown.edu/research/foreign%20universities"),
    ("csl", "as_listed", "National University of Defense Technology (NUDT)",
     "National University of Defense Technology (NUDT)",
     "https://learnexportcompliance.com/insights/bis-adds-entities-to-the-entity-list?hs_amp=true"),
    ("csl", "as_listed", "Hunan Guofang Keji University", "Hunan Guofang Keji University",
     "https://learnexportcompliance.com/insights/bis-adds-entities-to-the-entity-list?hs_amp=true"),
    ("csl", "spelling", "Hunan Guofang Kei University", "Hunan Guofang Keji University",
     "http://4smt.eu/business-news/us-adds-china-supercomputer-organisations-to-entity-list/"),
    ("csl", "partial", "National University of Defense Technology", "National University of Defense Technology (NUDT)",
     "http://4smt.eu/business-news/us-adds-china-supercomputer-organisations-to-entity-list/"),
]

# (query as the organisation writes itself, source). None is on either list.
NEGATIVES = [
    # airlines and aircraft makers sharing "Air", "Airlines", "Arab", "Wings", "United", "Atlas"
    ("Air India Limited", "https://www.airindia.com"),
    ("Air China Limited", "https://www.airchina.com.cn"),
    ("China Eastern Airlines Corporation Limited", "https://www.ceair.com"),
    ("China Southern Airlines Company Limited", "https://www.csair.com"),
    ("Emirates Airline", "https://www.emirates.com"),
    ("Qatar Airways", "https://www.qatarairways.com"),
    ("Turkish Airlines", "https://www.turkishairlines.com"),
    ("Korean Air Lines Co., Ltd.", "https://www.koreanair.com"),
    ("Saudi Arabian Airlines", "https://www.saudia.com"),
    ("Gulf Air", "https://www.gulfair.com"),
    ("Air Arabia", "https://www.airarabia.com"),
    ("flydubai", "https://www.flydubai.com"),
    ("Wizz Air", "https://wizzair.com"),
    ("Kuwait Airways", "https://www.kuwaitairways.com"),
    ("Atlas Air Worldwide Holdings", "https://www.atlasair.com"),
    ("United Airlines Holdings, Inc.", "https://www.united.com"),
    ("Airbus Helicopters", "https://www.airbus.com"),
    ("Caspian Pipeline Consortium", "https://www.cpc.ru"),
    # banks sharing "Bank", "Development", "Commercial", "Central", "Trade", "Hana", "Alfa"
    ("Bank of China Limited", "https://www.boc.cn"),
    ("Agricultural Bank of China Limited", "https://www.abchina.com"),
    ("Agricultural Development Bank of China", "https://www.adbc.com.cn"),
    ("Industrial and Commercial Bank of China Limited", "https://www.icbc.com.cn"),
    ("Korea Development Bank", "https://www.kdb.co.kr"),
    ("KEB Hana Bank", "https://www.kebhana.com"),
    ("Hana Financial Group", "https://www.hanafn.com"),
    ("Industrial Development Bank of India", "https://www.idbibank.in"),
    ("Joint Stock Commercial Bank for Foreign Trade of Vietnam", "https://www.vietcombank.com.vn"),
    ("Central Bank of Nigeria", "https://www.cbn.gov.ng"),
    ("Central Bank of Kenya", "https://www.centralbank.go.ke"),
    ("Central Bank of Ireland", "https://www.centralbank.ie"),
    ("Commercial Bank of Dubai", "https://www.cbd.ae"),
    ("Commercial Bank of Ceylon PLC", "https://www.combank.lk"),
    ("Arab Bank plc", "https://www.arabbank.com"),
    ("Northern Trust Corporation", "https://www.northerntrust.com"),
    ("Alfa Laval AB", "https://www.alfalaval.com"),
    ("Deutsche Bank AG", "https://www.db.com"),
    ("Raiffeisen Bank International AG", "https://www.rbinternational.com"),
    ("Islamic Development Bank", "https://www.isdb.org"),
    ("National Australia Bank Limited", "https://www.nab.com.au"),
    ("Banco de Chile", "https://www.bancochile.cl"),
    ("Banco de Bogota", "https://www.bancodebogota.com"),
    ("Banco Nacional de Desenvolvimento Economico e Social", "https://www.bndes.gov.br"),
    ("International Finance Corporation", "https://www.ifc.org"),
    ("Asian Development Bank", "https://www.adb.org"),
    ("Development Bank of Japan", "https://www.dbj.jp"),
    ("Emirates NBD Bank", "https://www.emiratesnbd.com"),
    ("Dubai Islamic Bank", "https://www.dib.ae"),
    ("First Abu Dhabi Bank", "https://www.bankfab.com"),
    ("Mashreqbank", "https://www.mashreqbank.com"),
    ("Turkiye Is Bankasi", "https://www.isbank.com.tr"),
    ("Akbank", "https://www.akbank.com"),
    ("Qatar National Bank", "https://www.qnb.com"),
    # oil, shipping and shipbuilding sharing "Petroleos", "National", "Shipping", "Lines"
    ("Petroleos Mexicanos", "https://www.pemex.com"),
    ("Petroleo Brasileiro S.A.", "https://petrobras.com.br"),
    ("Petroleos del Peru", "https://www.petroperu.com.pe"),
    ("CITGO Petroleum Corporation", "https://www.citgo.com"),
    ("National Oilwell Varco", "https://www.nov.com"),
    ("National Shipping Company of Saudi Arabia", "https://www.bahri.sa"),
    ("Mediterranean Shipping Company", "https://www.msc.com"),
    ("Pacific International Lines", "https://www.pilship.com"),
    ("Orient Overseas Container Line", "https://www.oocl.com"),
    ("Wan Hai Lines", "https://www.wanhai.com"),
    ("Hyundai Heavy Industries", "https://www.hhi.co.kr"),
    ("Admiral Group plc", "https://www.admiralgroup.co.uk"),
    ("Saudi Arabian Oil Company", "https://www.aramco.com"),
    ("Reliance Industries Limited", "https://www.ril.com"),
    # chips and technology sharing "Semiconductor Manufacturing", "International", "Technology"
    ("Taiwan Semiconductor Manufacturing Company Limited", "https://www.tsmc.com"),
    ("Powerchip Semiconductor Manufacturing Corporation", "https://www.powerchip.com"),
    ("Vanguard International Semiconductor Corporation", "https://www.vis.com.tw"),
    ("United Microelectronics Corporation", "https://www.umc.com"),
    ("GlobalFoundries Inc.", "https://gf.com"),
    ("Lenovo Group Limited", "https://www.lenovo.com"),
    ("Alibaba Group Holding Limited", "https://www.alibabagroup.com"),
    ("Baidu, Inc.", "https://www.baidu.com"),
    ("Samsung Electronics Co., Ltd.", "https://www.samsung.com"),
    ("Hangzhou Wahaha Group", "https://www.wahaha.com.cn"),
    ("Neusoft Corporation", "https://www.neusoft.com"),
    ("Cloudflare, Inc.", "https://www.cloudflare.com"),
    ("Internet Initiative Japan Inc.", "https://www.iij.ad.jp"),
    ("Atlas Copco AB", "https://www.atlascopcogroup.com"),
    ("Tata Consultancy Services", "https://www.tcs.com"),
    ("Mahindra & Mahindra Limited", "https://www.mahindra.com"),
    # universities and research centres sharing "University", "Science and Technology", "Defense"
    ("Hong Kong University of Science and Technology", "https://hkust.edu.hk"),
    ("King Abdullah University of Science and Technology", "https://www.kaust.edu.sa"),
    ("Korea Advanced Institute of Science and Technology", "https://www.kaist.ac.kr"),
    ("National University of Singapore", "https://nus.edu.sg"),
    ("National Defense University", "https://www.ndu.edu"),
    ("Sichuan Normal University", "https://www.sicnu.edu.cn"),
    ("Tsinghua University", "https://www.tsinghua.edu.cn"),
    ("Peking University", "https://www.pku.edu.cn"),
    ("Zhejiang University", "https://www.zju.edu.cn"),
    ("Beijing Normal University", "https://www.bnu.edu.cn"),
    ("Embry-Riddle Aeronautical University", "https://erau.edu"),
    ("National Academy of Sciences", "https://www.nasonline.org"),
    ("Chinese Academy of Agricultural Sciences", "https://www.caas.cn"),
    ("National Center for Supercomputing Applications", "https://www.ncsa.illinois.edu"),
    ("Barcelona Supercomputing Center", "https://www.bsc.es"),
    # South Korean companies sharing "Korea", "Mining", "Corporation"
    ("Korea Mine Rehabilitation and Mineral Resources Corporation", "https://www.komir.or.kr"),
    ("Korea Electric Power Corporation", "https://www.kepco.co.kr"),
    ("Korea Gas Corporation", "https://www.kogas.or.kr"),
    ("Korea Zinc Company", "https://www.koreazinc.co.kr"),
    ("Korea Aerospace Industries", "https://www.koreaaero.com"),
    # removed from the SDN list in January 2019
    ("United Company RUSAL International PJSC",
     "https://www.thenational.ae/business/economy/us-lifts-sanctions-on-russia-s-rusal-and-others-1.818875"),
    ("En+ Group International PJSC",
     "https://www.thenational.ae/business/economy/us-lifts-sanctions-on-russia-s-rusal-and-others-1.818875"),
    ("JSC EuroSibEnergo",
     "https://www.thenational.ae/business/economy/us-lifts-sanctions-on-russia-s-rusal-and-others-1.818875"),
]


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["list", "kind", "query", "expected", "anchor", "source"])
    for list_name, kind, query, anchor, source in POSITIVES:
        anchors = [anchor] if isinstance(anchor, str) else anchor
        ids = sorted({i for a in anchors for i in expected(list_name, a).split()})
        out.writerow([list_name, kind, query, " ".join(ids), " | ".join(anchors), source])
    for query, source in NEGATIVES:
        if listed_anywhere(query):
            sys.exit(f"negative {query!r} is listed")
        out.writerow(["both", "negative", query, "", "", source])


main()
