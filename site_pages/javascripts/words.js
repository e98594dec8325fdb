// Which reports a word matches, by kb search's rule (kb/site/words.py): the index words of a
// plain query. kb search stems words with Whoosh's Porter stemmer (whoosh/lang/porter.py,
// ported below line for line; a browser test compares the two on every word of the sample
// reports and on a list of hard words), after its analyser's tokens, lower case, stop words
// and one-letter words; a run of words that is an entity's name also matches the reports
// tagged with it. Each report page carries the same index words, written by kb build.

// Whoosh's default tokenizer (\w+(\.?\w+)*, with Python's Unicode \w).
const TOKEN = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu;
// What makes a query more than plain words (Whoosh syntax): then Pagefind matches alone.
const SYNTAX = /["()[\]{}:*?^~]|(?:^|\s)[+-]|(?:^|\s)(?:AND|OR|NOT|TO|ANDNOT|ANDMAYBE)(?=\s|$)/u;
// Longest entity name, in words, tried (kb/search/rewrite.py, MAX_NAME_WORDS).
const MAX_NAME_WORDS = 12;

// -- Porter (whoosh.lang.porter.stem) ----------------------------------------------------------
const STEP2 = {
  ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble", alli: "al",
  entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate", alism: "al",
  iveness: "ive", fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive", biliti: "ble", logi: "log",
};
const STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
const CONS_SEQ = "[^aeiouy]+";
const VOWEL_SEQ = "[aeiou]+";
const MGR0 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}`, "u");
const MEQ1 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}(${VOWEL_SEQ})?$`, "u");
const MGR1 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}${VOWEL_SEQ}${CONS_SEQ}`, "u");
const S_V = new RegExp(`^(${CONS_SEQ})?[aeiouy]`, "u");
const C_V = new RegExp(`^${CONS_SEQ}[aeiouy][^aeiouwxy]$`, "u");
const ED_ING = /^(.*)(ed|ing)$/su;
const AT_BL_IZ = /^(at|bl|iz)$/u; // Python's re.match: anchored at the start only, as written there
const STEP1B = /^([^aeiouylsz])\1$/u;
const STEP2_RE = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/su;
const STEP3_RE = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/su;
const STEP4_1 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/su;
const STEP4_2 = /^(.+?)(s|t)(ion)$/su;
const STEP5 = /^(.+?)e$/su;

export function porterStem(w) {
  if ([...w].length < 3) return w;
  const firstIsY = w[0] === "y";
  if (firstIsY) w = "Y" + w.slice(1);
  // Step 1a
  if (w.endsWith("s")) {
    if (w.endsWith("sses")) w = w.slice(0, -2);
    else if (w.endsWith("ies")) w = w.slice(0, -2);
    else if ([...w].at(-2) !== "s") w = w.slice(0, -1);
  }
  // Step 1b
  if (w.endsWith("eed")) {
    if (MGR0.test(w.slice(0, -3))) w = w.slice(0, -1);
  } else {
    const m = ED_ING.exec(w);
    if (m && S_V.test(m[1])) {
      w = m[1];
      if (AT_BL_IZ.test(w)) w += "e";
      else if (STEP1B.test(w)) w = w.slice(0, -1);
      else if (C_V.test(w)) w += "e";
    }
  }
  // Step 1c
  if (w.endsWith("y")) {
    const stem = w.slice(0, -1);
    if (S_V.test(stem)) w = stem + "i";
  }
  // Step 2
  let m = STEP2_RE.exec(w);
  if (m && MGR0.test(m[1])) w = m[1] + STEP2[m[2]];
  // Step 3
  m = STEP3_RE.exec(w);
  if (m && MGR0.test(m[1])) w = m[1] + STEP3[m[2]];
  // Step 4
  m = STEP4_1.exec(w);
  if (m) {
    if (MGR1.test(m[1])) w = m[1];
  } else {
    m = STEP4_2.exec(w);
    if (m && MGR1.test(m[1] + m[2])) w = m[1] + m[2];
  }
  // Step 5
  m = STEP5.exec(w);
  if (m && (MGR1.test(m[1]) || (MEQ1.test(m[1]) && !C_V.test(m[1])))) w = m[1];
  if (w.endsWith("ll") && MGR1.test(w)) w = w.slice(0, -1);
  if (firstIsY) w = "y" + w.slice(1);
  return w;
}

// -- kb search's analyser and the index words ------------------------------------------------
// The terms kb search's analyser makes of a text, before stemming.
function terms(text, stops) {
  return (text.match(TOKEN) || []).map((t) => t.toLowerCase()).filter((w) => [...w].length >= 2 && !stops.has(w));
}

function hex(text) {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// kb/site/words.py's index words: a stem, a word of people, an entity name.
const stemWord = (stem) => `k${hex(stem)}z`;
const personWord = (word) => `p${hex(word)}z`;
const nameWord = (key) => `g${hex(key)}z`;

// The index words a report must all hold to match `query` as kb search matches it, or null
// when the query uses search syntax (quotes, brackets, fields, wildcards, AND/OR/NOT); none
// when it holds no word kb search keeps (only stop words: kb search finds nothing then).
// `vocabulary`: every entity name kb search resolves (case-folded), every word of the site's
// people, kb search's stop words (Sets; kb/site/words.py, Vocabulary.attributes).
export function indexWords(query, { names, people, stops }) {
  if (SYNTAX.test(query)) return null;
  const words = query.trim().split(/\s+/).filter(Boolean);
  const out = [];
  let i = 0;
  while (i < words.length) { // kb/search/rewrite.py, expand_entities: longest name first
    let size = Math.min(MAX_NAME_WORDS, words.length - i);
    for (; size > 0; size--) {
      const key = words.slice(i, i + size).join(" ").toLowerCase();
      if (names.has(key)) {
        out.push(nameWord(key));
        break;
      }
    }
    if (size > 0) {
      i += size;
      continue;
    }
    // A word matches its stem in the text, or itself among the people: a word some report's
    // people hold has its own index word, which a report holds when either matches.
    for (const word of terms(words[i], stops)) out.push(people.has(word) ? personWord(word) : stemWord(porterStem(word)));
    i += 1;
  }
  return [...new Set(out)];
}

// For the browser tests that compare these with kb search (tests/test_find_words.py).
window.kbPorterStem = porterStem;
window.kbIndexWords = (query, { names, people, stops }) =>
  indexWords(query, { names: new Set(names), people: new Set(people), stops: new Set(stops) });
