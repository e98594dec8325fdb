"""A vocabulary of a few thousand words with Zipf-like frequencies, for synthetic report prose.

Real English words come first (function words are the most frequent, as in any
English text), then the domain words of trade and cooperation reports, then
generated pseudo-words that fill the long tail. No word here is a proper noun,
an acronym or a word of an entity name that could be matched by itself: entity
names are added to the prose on purpose, never by chance.
"""

from __future__ import annotations

import bisect
import itertools
import random

FUNCTION_WORDS = """
the of and to in a is that for on with as by at from be this are was it an or which has have
its will not their but more also been were than other new can into two all would after over
such there most these first between one three while about both under they through during some
who may up out what so only when any should year years each well many much before per against
since however including within among further our we could where next very then those how
""".split()

GENERAL_WORDS = """
government public support plan plans work working part people time market markets country
countries national local international level major large small high low strong growth area
areas policy policies approach programme programmes system systems development service
services business businesses industry industries sector sectors cooperation partnership
partner partners project projects agreement agreements joint meeting meetings visit visits
officials official team teams government's discussion discussions interest interests
priority priorities opportunity opportunities investment investments economy economic
trade energy data research innovation science technology technologies health education
infrastructure transport finance financial capital private companies company firms firm
universities university institute institutes skills training standards regulation
regulations rules framework strategy strategic target targets goal goals progress result
results impact cost costs value price prices demand supply share number increase increased
growing rise fall reduce reduced expand expanded build building built create created set
launched launch announced announce agreed agree discussed discuss explore explored
identified identify established establish develop developed improve improved deliver
delivered provide provided include includes included need needs needed use used using
make made take taken give given help helped lead led leading focus focused aim aims aimed
expect expected likely possible important clear current recent future early later last
previous following key main wider broad specific particular similar different common
significant substantial limited further additional several various certain direct
practical commercial technical political social regional global domestic foreign
bilateral multilateral senior junior chief director deputy head minister ministers
secretary ambassador embassy consulate delegation delegations counterpart counterparts
colleague colleagues contact contacts network networks forum forums conference
conferences workshop workshops seminar seminars event events mission missions roundtable
dialogue dialogues exchange exchanges visitors hosts host hosted held took place week weeks
month months day days quarter period term long short medium round second third final
report reports reported note notes noted update updates briefing briefings paper papers
review reviews study studies survey analysis evidence information knowledge experience
lesson lessons example examples case cases model models pilot pilots scheme schemes fund
funds funding budget budgets grant grants loan loans contract contracts tender tenders
procurement bid bids offer offers request requests proposal proposals response responses
question questions issue issues concern concerns challenge challenges risk risks problem
problems barrier barriers access entry presence role roles responsibility responsibilities
capacity capability capabilities resources resource effort efforts action actions
measure measures step steps stage stages phase phases process processes timetable
deadline deadlines date dates schedule follow follows followed ensure ensured remain
remains remained continue continues continued become becomes became keep kept start
started end ended move moved bring brought meet met seek sought show showed shown suggest
suggested consider considered expect welcome welcomed encourage encouraged invite invited
share shared offer offered respond responded ask asked confirm confirmed plan planned
prepare prepared publish published open opened close closed hold join joined visit visited
raise raised highlight highlighted stress stressed signal signalled note noted view views
position positions approach approaches relationship relationships links link linked ties
trust confidence reputation profile attention momentum pace scale size scope range mix
balance gap gaps shift change changes reform reforms transition transformation
modernisation digitalisation decarbonisation liberalisation privatisation regulator
regulators authority authorities agency agencies ministry's department's administration
administrations office offices council councils committee committees board boards
commission commissions assembly parliament election elections president prime cabinet
coalition party parties opposition legislation law laws bill bills act acts decree decrees
order orders licence licences permit permits approval approvals tax taxes tariff tariffs
duty duties customs quota quotas subsidy subsidies incentive incentives credit credits
""".split()

DOMAIN_WORDS = """
renewable renewables offshore onshore wind solar hydrogen nuclear gas oil coal grid grids
storage battery batteries electricity power plant plants generation capacity megawatts
gigawatts emissions carbon climate net zero efficiency heating cooling buildings housing
cities city urban smart mobility vehicles electric charging rail railway railways metro
ports port shipping maritime aviation airport airports logistics freight roads highway
bridges tunnels water waste recycling circular environment environmental pollution air
quality biodiversity forests forestry agriculture agricultural farming food fisheries
aquaculture livestock crops irrigation rural tourism culture creative arts film music
design fashion sport sports education schools teachers students scholarships alumni
higher vocational apprenticeships curriculum english language languages health healthcare
hospitals hospital medical medicine medicines pharmaceutical pharmaceuticals vaccines
vaccine clinical trials genomics biotech biotechnology life sciences diagnostics devices
ageing care nursing digital cyber security resilience defence telecoms broadband spectrum
mobile networks semiconductors chips electronics software cloud computing artificial
intelligence machine learning robotics automation quantum space satellites satellite
launchers materials advanced manufacturing automotive aerospace engineering construction
steel chemicals mining minerals critical lithium rare earths supply chains chain exports
export imports import exporters importers investors investor inward outward foreign direct
free trade agreement negotiations negotiation market access barriers services financial
fintech banking insurance pensions asset management capital markets bonds green sustainable
sustainability disclosure accounting audit legal law firms professional consultancy
arbitration intellectual property patents copyright trademarks competition consumer
protection procurement transparency anti corruption governance open government data
statistics census identity records platform platforms applications startups start ups
entrepreneurs entrepreneurship incubators accelerators venture clusters parks zones special
economic corridor corridors belt region regions province provinces state states district
districts municipality municipalities mayor governor governors universities research
councils laboratories laboratory scientists researchers engineers doctors nurses workforce
jobs employment wages productivity competitiveness exports' tariffs' standards'
certification accreditation testing inspection calibration metrology safety fire
emergency disaster flood floods earthquake resilience adaptation mitigation finance
blended guarantees export credit development bank banks multilateral donors aid official
assistance humanitarian migration visas visa students' mobility talent diaspora
""".split()

_ONSETS = ("b", "br", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "st", "t",
           "tr", "v", "w")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o")
_CODAS = ("", "", "n", "r", "l", "s", "t", "m")
_ENDINGS = ("", "", "", "ic", "al", "ent", "ine", "ory", "ism", "ate", "ance", "ure", "ive")


def pseudo_words(count: int, rng: random.Random, avoid: set[str]) -> list[str]:
    """``count`` distinct pronounceable lower-case words, none in ``avoid``."""
    words: list[str] = []
    seen = set(avoid)
    while len(words) < count:
        syllables = rng.choice((2, 2, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                       for _ in range(syllables - 1))
        word += rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_ENDINGS)
        if 4 <= len(word) <= 12 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Vocabulary:
    """Words ranked by frequency; :meth:`word` samples with probability ~ 1 / rank ** exponent."""

    def __init__(self, rng: random.Random, size: int = 3000, exponent: float = 1.05) -> None:
        function = list(dict.fromkeys(FUNCTION_WORDS))
        content = list(dict.fromkeys(w for w in GENERAL_WORDS + DOMAIN_WORDS
                                     if w not in function and "'" not in w))
        rng.shuffle(content)
        real = function + content
        filler = pseudo_words(max(0, size - len(real)), rng, set(real))
        self.words = real + filler
        self.domain = [w for w in dict.fromkeys(DOMAIN_WORDS) if "'" not in w and w not in function]
        self._exponent = exponent
        self._rng = rng
        self._rank()

    def _rank(self) -> None:
        weights = [1.0 / (rank ** self._exponent) for rank in range(1, len(self.words) + 1)]
        self._cumulative = list(itertools.accumulate(weights))

    def remove(self, words: set[str]) -> None:
        """Take ``words`` out (the others move up a rank)."""
        self.words = [w for w in self.words if w not in words]
        self.domain = [w for w in self.domain if w not in words]
        self._rank()

    def word(self) -> str:
        point = self._rng.random() * self._cumulative[-1]
        return self.words[bisect.bisect_left(self._cumulative, point)]

    def words_n(self, n: int) -> list[str]:
        return [self.word() for _ in range(n)]
