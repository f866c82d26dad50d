"""Sentence bank for the demo's simulated answers, written for the demo (not taken from any annex).

Placeholders, filled by `remiss.demo.answers`:
  {Namnd}/{namnd}  the nämnd, at the start of / inside a sentence ("Kulturnämnden"/"kulturnämnden")
  {Forv}/{forv}    the förvaltning, likewise
  {where}          "i Farsta" for a stadsdel, "inom nämndens område" otherwise
  {topic}          a short noun phrase for the åtgärd (TOPICS, or "åtgärd 4.1.1")
  {now}/{year}     the year the round runs / the budget year it prepares
Markup: **bold**, *italic*, and a leading "- " for a bullet item.
"""

from __future__ import annotations

# Short noun phrases naming what an åtgärd is about, keyed by measure key.
TOPICS: dict[str, str] = {
    "kunskap/1.1": "ett fördjupat samarbete med högskolorna",
    "kunskap/1.2": "den uppsökande verksamheten för vuxna",
    "kunskap/1.3": "en samlad antagning till sfi och komvux",
    "kunskap/1.4": "vägledningen inom sfi",
    "kunskap/1.5": "ett sammanhållet program för kortutbildade",
    "kunskap/2.1": "lärarnas kompetensutveckling",
    "kunskap/2.2": "stödet på modersmål",
    "kunskap/2.3": "digitala verktyg i undervisningen",
    "kunskap/2.4": "hälsoarbetet på skolorna",
    "kunskap/2.5": "en bredare validering",
    "kunskap/3.1": "vuxenutbildningens demokratiska uppdrag",
    "kunskap/4.1": "ett försörjningsstöd för vuxna som saknar grundskola",
    "kunskap/5.1": "en återkommande uppföljning av kortutbildade",
    "kunskap/5.2": "uppföljningen av avbrott och studieresultat",
    "kunskap/6.1": "ett partnerskap med Arbetsförmedlingen",
    "samverkan/4.1.1": "lotsar för civilsamhället",
    "samverkan/4.1.2": "ett utvecklingsprogram för föreningar",
    "samverkan/4.2.1": "gemensamma riktlinjer för föreningsbidrag",
    "samverkan/4.2.2": "en digital bidragsansökan",
    "samverkan/4.3.1": "den lokala omvärldsbevakningen",
    "samverkan/4.3.2": "neutrala facilitatorer",
    "samverkan/4.4.1": "medborgardrivna mötesplatser",
    "samverkan/4.4.2": "bibliotekens roll som mötesplats",
    "samverkan/4.4.3": "föreningarnas tillgång till lokaler",
    "samverkan/4.5.1": "en kartläggning av det lokala föreningslivet",
    "samverkan/4.5.2": "forskningen om lokalt engagemang",
    "skola/6.2.1": "var nya skolor placeras",
    "skola/6.2.2": "tydligare skolprofiler i utsatta områden",
    "skola/6.2.3": "utbyten mellan skolor",
    "skola/6.2.4": "en gemensam antagning med friskolorna",
    "skola/6.3.1": "uppföljningen av elevhälsan",
    "skola/6.3.2": "en mer riktad studie- och yrkesvägledning",
    "skola/6.3.3": "praktikplatser för skoltrötta elever",
    "skola/6.4.1": "nyanländapengen",
    "skola/6.4.2": "information om mottagandet av nyanlända",
    "skola/6.4.3": "studiehandledningen på modersmål",
    "skola/6.4.4": "mentorer för nyanlända elever",
    "skola/6.5.1": "samarbetet mellan skola, föräldrar och närsamhälle",
    "skola/6.5.2": "studiecirklar för föräldrar",
    "skola/6.5.3": "lokala Community Center",
    "skola/6.6.1": "utvärderingen av skolans insatser",
    "skola/6.6.2": "mått som tar hänsyn till elevrörlighet",
    "delad/6.1.1": "forskningssamverkan om social hållbarhet",
    "delad/6.1.2": "utbildning i socialt hållbar planering",
    "delad/6.1.3": "profilprojekten",
    "delad/6.2.1": "samordningen av områdesplanering och lokala utvecklingsprogram",
    "delad/6.3.1": "modellen för socialt värdeskapande analys",
    "delad/6.3.2": "sociala stadsrumsanalyser",
}

# What a nämnd's own field touches, for general comments (mainly those without åtgärder).
ORG_FOCUS: dict[str, str] = {
    "arbetsmarknad": "vuxenutbildningen och vägen till arbete",
    "exploatering": "markanvisningar och nya bostadsområden",
    "fastighet": "hur stadens lokaler kan komma fler till nytta",
    "idrott": "föreningarnas villkor och tillgången till idrottsytor",
    "kultur": "bibliotekens och kulturens plats i stadsdelarna",
    "kyrkogard": "kyrkogårdarna som öppna och lugna platser för alla",
    "miljo": "arbetet för en god och jämlik livsmiljö",
    "revision": "granskningen av hur nämnderna följer upp sina mål",
    "service": "den gemensamma servicen till invånare och företag",
    "social": "stödet till barn, unga och familjer",
    "stadsarkivet": "att göra stadens arkiv och data lätta att hitta och använda för alla",
    "stadsbyggnad": "stadsplaneringen och den nya översiktsplanen",
    "trafik": "trygga och tillgängliga gator, torg och parker",
    "utbildning": "skolornas arbete för likvärdighet",
    "valnamnden": "valdeltagandet i de delar av staden där det är lågt",
    "aldre": "äldres möjligheter att delta i samhällslivet",
    "overformyndare": "rättssäkerheten för den som har god man eller förvaltare",
}
DEFAULT_FOCUS = "det lokala utvecklingsarbetet {where}"

PAGAENDE = (
    "{Forv} arbetar redan med frågor som ligger nära {topic}, men i liten skala och utan "
    "särskild finansiering.",
    "En arbetsgrupp på {forv} har sedan i höstas sett över {topic} och väntas lämna förslag före sommaren.",
    "Något samlat grepp om {topic} finns inte {where} i dag, men flera enheter har egna initiativ "
    "som går att bygga vidare på.",
    "{Namnd} är med i stadens nätverk där {topic} diskuteras och har lämnat underlag dit.",
    "En kartläggning av hur {topic} hanteras {where} har påbörjats och ska vara klar under {now}.",
    "Sedan förra året prövas ett nytt arbetssätt kring {topic} på två enheter, med goda "
    "erfarenheter hittills.",
    "Frågan om {topic} finns med i nämndens verksamhetsplan för {now}, med en utsedd ansvarig "
    "på förvaltningen.",
    "{Forv} har inlett samtal med andra förvaltningar om {topic}, men något gemensamt arbete har "
    "inte startat ännu.",
)

PAGAENDE_STADSDEL = (
    "Inom arbetet med det lokala utvecklingsprogrammet samlas just nu kunskap om {topic} {where}.",
    "Medborgarkontoret {where} får redan frågor som rör {topic} och för en enkel statistik över dem.",
)

OPENERS_ANSVARIG = (
    "{Namnd} står bakom förslaget och tar ansvar för att driva arbetet med {topic} under planperioden.",
    "Som ansvarig nämnd ser {namnd} {topic} som en prioriterad fråga inför {year}.",
    "{Namnd} instämmer i kommissionens analys och tar under året fram en plan för {topic}.",
    "Nämnden välkomnar åtgärden. Arbetet med {topic} passar väl ihop med den inriktning nämnden redan har.",
    "{Namnd} ser behovet men vill själv bedöma hur {topic} bäst organiseras innan något startar.",
)

OPENERS_DELANSVAR = (
    "{Namnd} medverkar gärna i arbetet med {topic} och bidrar med den kunskap som finns {where}.",
    "Nämnden ser positivt på {topic}, men huvudansvaret bör ligga kvar hos den nämnd som leder åtgärden.",
    "{Namnd} kan bidra till {topic} utifrån sitt eget uppdrag, men behöver veta tydligare vilken roll "
    "nämnden väntas ta.",
    "Förslaget om {topic} går i samma riktning som det nämnden redan gör, och {namnd} delar gärna "
    "med sig av sina erfarenheter.",
    "{Namnd} har ett begränsat men viktigt bidrag att lämna till {topic}, framför allt genom sina "
    "kontakter {where}.",
)

STANCES = (
    "Åtgärden bedöms rymmas inom befintlig budget.",
    "Åtgärden kräver resurser utöver nuvarande ram, och nämnden återkommer med en kostnadsberäkning.",
    "En förutsättning är att rollerna mellan nämnderna klargörs innan arbetet startar.",
    "Nämnden föreslår att arbetet samordnas centralt så att inte fjorton olika lösningar växer fram.",
    "Arbetet bör styras med tydliga mål och indikatorer i stadens ledningssystem.",
    "Erfarenheter från liknande satsningar visar att det här arbetet måste få pågå i flera år "
    "för att ge resultat.",
    "Nämnden vill hellre bygga in åtgärden i den ordinarie verksamheten än driva den som ett "
    "projekt vid sidan av.",
    "Arbetet behöver förankras hos medarbetarna innan det kan spridas brett.",
)

CLOSINGS = (
    "Nämnden redovisar hur arbetet går i tertialrapporterna.",
    "Nämnden återkommer i verksamhetsplanen för {year}.",
    "",
    "Ett första möte med berörda förvaltningar planeras till hösten.",
    "",
)

# Richer answers: one bold phrase and a short bullet list.
BOLD = (
    "behovet av en långsiktig finansiering",
    "vikten av en tydlig ansvarsfördelning",
    "att invånarna görs delaktiga från början",
    "att arbetet följs upp på ett enhetligt sätt",
)
BOLD_FRAME = "Nämnden vill särskilt understryka **{bold}**."
STEPS_INTRO = "Under planperioden ser nämnden följande steg:"
STEPS = (
    "kartlägga nuläget och de insatser som redan finns",
    "ta fram en gemensam plan med berörda nämnder",
    "pröva arbetssättet i liten skala först",
    "följa upp resultatet och sprida erfarenheterna",
    "utse en kontaktperson på förvaltningen",
)

OTHER_FIELD = "{Namnd} har inget ytterligare att tillföra om {topic} i nuläget."

GENERAL_OPENERS = (
    "{Namnd} har tagit del av kommissionens delrapporter och lämnar här sina synpunkter.",
    "{Namnd} ser kommissionens arbete som ett värdefullt underlag för att minska klyftorna mellan "
    "stadens olika delar.",
    "Kommissionens analys stämmer väl med den bild {namnd} har av utmaningarna {where}.",
    "{Namnd} välkomnar att kommissionen visar hur ojämnt livsvillkoren är fördelade i Stockholm.",
)
GENERAL_NONE = (
    "Ingen av åtgärderna riktar sig direkt till nämnden, men det finns tydliga beröringspunkter med {focus}."
)
GENERAL_NONE_MORE = "Nämnden bidrar gärna om kommunstyrelsen vill ha underlag på det området."
GENERAL_CLOSINGS = (
    "Många av åtgärderna förutsätter samarbete över förvaltningsgränserna, och det behöver "
    "staden planera för redan nu.",
    "Flera förslag behöver utredas vidare innan det går att säga vad de kostar.",
    "Nämnden ser fram emot att följa det fortsatta arbetet.",
)
GENERAL_STADSDEL = (
    "För stadsdelsnämnden är det viktigt att åtgärderna kopplas till det lokala "
    "utvecklingsprogrammet {where}."
)

# Excel: a short motivation of the chosen time horizon.
MOTIVATIONS = (
    "Ryms i verksamhetsplanen för {now}.",
    "Kräver samordning med andra nämnder innan start.",
    "Avvaktar besked om central finansiering.",
    "Behovet bedöms vara störst i ytterstaden.",
    "Kan inledas med befintlig personal.",
    "Bygger vidare på pågående utvecklingsarbete.",
    "Förutsätter att kommunstyrelsen först tar fram riktlinjer.",
)
MOTIVATION_NOT_APPLICABLE = "Nämnden har ingen egen roll i genomförandet."
COSTS_ANSVARIG = (250, 400, 600, 800, 1200, 2000, 3500)
COSTS_DELANSVAR = (0, 0, 50, 100, 150, 250, 400)
