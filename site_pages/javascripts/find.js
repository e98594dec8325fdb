// The "Find reports" page (kb/site/find.py writes its form): faceted search of the reports with
// the Pagefind JS API, on the index `kb build` writes to <site>/pagefind/.
//
// OR within a filter, AND across filters. A value's count is the number of reports ticking it
// would leave: for a filter with ticked values, counted without that filter's own values.
// The words, ticked values and sort order are the page's address: a shared link opens the
// same search, and Back undoes the last change (typing makes one history entry, not one per key).
//
// The page arrives showing the newest reports and every count, so Pagefind is only loaded
// when the reader first uses the form (or opens an address with a search in it).
//
// "Did you mean": each word of three letters or more that no report holds (Pagefind may still
// find something for it, by its stem or as a word start) gets the nearest word that reports do hold, by the rule of kb/util/spelling.py (the
// CLI's): one edit away, else two, same first letter, the word in most reports, then the first
// alphabetically. The words and their counts are written by `kb build` (kb/site/spelling.py),
// one file per first character, fetched only for the letters typed.
//
// Words match as in kb search (words.js, kb/site/words.py): a report matches a plain query when
// it holds each word's Porter stem, or is tagged with the entity a run of words names. Pagefind
// matches word starts ("health" finds "healthcare"), so for a plain query the page asks
// Pagefind for the index words kb build wrote on each report page: that search gives the
// reports and the counts; a search for the words as typed ranks them ("Best match") and makes
// the snippets. A query with search syntax (quotes, OR, fields, wildcards) is Pagefind's alone.

import { indexWords } from "./words.js";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const TYPING_DELAY = 250;
const PRELOAD_FROM = 3; // letters
const SHORTEST = 3; // letters: shorter words get no suggestion (kb/util/spelling.py)
const DISTANCES = [1, 2];
const WORD = /[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*/gu;
// Phones: the filters open over the results (the same width as find.css's).
const PHONE = "(max-width: 44.984375em)";
// The words' parameter: not "q", which Material's header search takes as its own query.
const WORDS = "words";

const form = document.querySelector("[data-kb-find]");
if (form) start(form);

function start(form) {
  const query = form.querySelector("#kb-find-q");
  const sort = form.querySelector("#kb-find-sort");
  const status = form.querySelector("#kb-find-status");
  const list = form.querySelector("#kb-find-results");
  const more = form.querySelector(".kb-find__more");
  const toggle = form.querySelector(".kb-find__toggle");
  const filters = form.querySelector("#kb-find-filters");
  const done = form.querySelector(".kb-find__done");
  const phone = window.matchMedia(PHONE);
  const spellings = new Map(); // first character -> its words and counts (a promise)
  let madeInert = []; // what opening the filters over the page made inert, to undo
  const chosen = form.querySelector(".kb-find__chosen");
  const groups = [...form.querySelectorAll("[data-kb-filter]")].map((g) => g.dataset.kbFilter);
  const pageSize = Number(form.dataset.kbPageSize) || 10;
  // "Also include former bodies" (kb search --with-predecessors): a ticked body's value also
  // matches the bodies it was split or merged from (kb/site/find.py, former_bodies).
  const formerBox = form.querySelector("#kb-find-former");
  const formerOf = JSON.parse(form.dataset.kbFormer || "{}");
  const FORMER = "former";
  // Every report page holds this word: searching for it lists them all, from one index chunk.
  const everyReport = form.dataset.kbEvery;
  // kb search's entity names (case-folded), the people's words and the stop words, for the
  // index words of a query (words.js): kb/find-words.json, fetched with Pagefind.
  let vocabulary = null;
  // This file is <site>/javascripts/find.js: the site root is one folder up, wherever it is served.
  const root = new URL("..", import.meta.url);

  let engine = null; // Pagefind, once asked for
  let filtersLoaded = null; // the filter index: searches return counts once it is in
  let generation = 0; // the latest search; answers to older ones are dropped
  let results = null; // Pagefind's results of the shown search (null: the page as it arrived)
  let shown = list.children.length;
  let words = null;
  let typingEntry = false; // the current history entry was made by typing: more typing replaces it
  let typingTimer = 0;

  function pagefind() {
    if (!engine) {
      engine = (async () => {
        const [loaded, known] = await Promise.all([
          import(new URL("pagefind/pagefind.js", root).href),
          fetch(new URL("kb/find-words.json", root)).then((response) => response.json()).catch(() => null),
        ]);
        if (known) vocabulary = Object.fromEntries(Object.entries(known).map(([key, values]) => [key, new Set(values)]));
        await loaded.options({ baseUrl: root.pathname });
        filtersLoaded = loaded.filters();
        return loaded;
      })();
    }
    return engine;
  }

  function fromAddress() {
    const params = new URLSearchParams(location.search);
    const order = params.get("sort");
    return {
      q: params.get(WORDS) || "",
      sort: order === "newest" || order === "oldest" ? order : "",
      selected: Object.fromEntries(groups.map((g) => [g, params.getAll(g)])),
      former: params.get(FORMER) === "1",
    };
  }

  function fromForm() {
    const selected = {};
    for (const g of groups) {
      selected[g] = [...form.querySelectorAll(`input[type=checkbox][name="${g}"]:checked`)].map((box) => box.value);
    }
    return { q: query.value, sort: sort.value, selected, former: Boolean(formerBox && formerBox.checked) };
  }

  function isDefault(state) {
    return !state.q.trim() && !state.sort && !state.former && groups.every((g) => !state.selected[g].length);
  }

  function show(state) {
    query.value = state.q;
    sort.value = state.sort;
    for (const box of form.querySelectorAll("input[type=checkbox]")) {
      box.checked = box === formerBox ? state.former : (state.selected[box.name] || []).includes(box.value);
    }
  }

  function address(state) {
    const params = new URLSearchParams();
    if (state.q.trim()) params.set(WORDS, state.q.trim());
    for (const g of groups) for (const value of state.selected[g]) params.append(g, value);
    if (state.sort) params.set("sort", state.sort);
    if (state.former) params.set(FORMER, "1");
    const search = params.toString();
    return location.pathname + (search ? `?${search}` : "");
  }

  function record(state, how) {
    const url = address(state);
    if (url === location.pathname + location.search) return;
    if (how === "typing" && typingEntry) {
      history.replaceState(null, "", url);
    } else {
      history.pushState(null, "", url);
    }
    typingEntry = how === "typing";
  }

  function pagefindFilters(selected, former) {
    const filters = {};
    for (const g of groups) {
      if (!selected[g].length) continue;
      const values = former ? selected[g].flatMap((v) => [v, ...(formerOf[v] || [])]) : selected[g];
      filters[g] = { any: [...new Set(values)] };
    }
    return filters;
  }

  function searchOptions(state, filters) {
    const options = { filters };
    if (state.sort === "oldest") options.sort = { date: "asc" };
    else if (state.sort === "newest" || !state.q.trim()) options.sort = { date: "desc" }; // no words: newest
    return options; // words and "Best match": Pagefind's ranking
  }

  async function update(how) {
    const state = fromForm();
    if (how) record(state, how);
    const mine = ++generation;
    form.setAttribute("aria-busy", "true");
    try {
      const engine = await pagefind();
      const term = state.q.trim() || null;
      const filters = pagefindFilters(state.selected, state.former);
      const matching = term ? matchingWords(term) : everyReport;
      const options = searchOptions(state, filters);
      const [search, ranked] = await Promise.all([
        engine.search(matching, options),
        // Best match among the reports that match: Pagefind's ranking of the words as typed.
        term && matching !== term && !options.sort ? engine.search(term, options) : null,
      ]);
      if (mine !== generation) return;
      const found = inRankOrder(search.results, ranked && ranked.results);
      const items = await resultItems(found.slice(0, pageSize), term);
      if (mine !== generation) return;
      words = term;
      results = found;
      list.replaceChildren(...items);
      shown = items.length;
      showMoreButton();
      status.textContent = summary(results.length, term);
      done.textContent = results.length ? `Show ${results.length.toLocaleString("en-GB")} report${results.length === 1 ? "" : "s"}` : "Show results";
      if (term) suggest(term, mine);
      showCounts(await countValues(engine, matching, filters, state.selected));
    } catch (error) {
      if (mine !== generation) return;
      if (!filtersLoaded) { // Pagefind itself did not load
        status.textContent = "Search is not available: the search index of this site was not found.";
        form.classList.add("kb-find--unavailable");
        return;
      }
      status.textContent = "The search failed. Reload the page to try again.";
      throw error;
    } finally {
      if (mine === generation && !typingTimer) form.removeAttribute("aria-busy");
    }
  }

  // Filter -> value -> count. Without ticked values a filter's counts come with the search
  // itself; with some, from the same search without that filter (OR: its values don't narrow
  // each other). Every chunk these searches need is already loaded.
  async function countValues(engine, word, filters, selected) {
    await filtersLoaded;
    const all = await engine.search(word, { filters });
    const counts = {};
    for (const g of groups) {
      if (!selected[g].length) {
        counts[g] = (all.filters || {})[g] || {};
        continue;
      }
      const others = { ...filters };
      delete others[g];
      const wider = await engine.search(word, { filters: others });
      counts[g] = (wider.filters || {})[g] || {};
    }
    return counts;
  }

  function showCounts(counts) {
    let ticked = 0;
    for (const group of form.querySelectorAll("[data-kb-filter]")) {
      const key = group.dataset.kbFilter;
      let visible = 0;
      for (const option of group.querySelectorAll(".kb-find__option")) {
        const box = option.querySelector("input");
        const count = counts[key][box.value] || 0;
        option.querySelector(".kb-find__count").textContent = `(${count.toLocaleString("en-GB")})`;
        option.hidden = count === 0 && !box.checked; // a value that would leave nothing is not offered
        if (!option.hidden) visible += 1;
        if (box.checked) ticked += 1;
      }
      group.hidden = visible === 0;
    }
    toggle.textContent = ticked ? `Filters (${ticked} ticked)` : "Filters";
    markScrolling();
    showChosen();
  }

  function markScrolling() { // long lists scroll inside their box: a border and shadow say so
    for (const options of form.querySelectorAll(".kb-find__options")) {
      options.classList.toggle("kb-find__options--scrolls", options.scrollHeight > options.clientHeight + 1);
    }
  }

  // The ticked values above the results, each a button that unticks it: always in sight, even
  // when the value itself is scrolled away in a long list or folded away on a phone.
  function showChosen() {
    const items = [];
    for (const box of form.querySelectorAll("fieldset input[type=checkbox]:checked")) {
      const legend = box.closest("fieldset").querySelector("legend").textContent;
      const name = box.labels[0].firstChild.textContent.trim();
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kb-find__chip";
      button.dataset.kbFor = box.id;
      button.setAttribute("aria-label", `Remove ${legend.toLowerCase()}: ${name}`);
      button.textContent = `${name} ×`;
      item.append(button);
      items.push(item);
    }
    chosen.querySelector("ul").replaceChildren(...items);
    chosen.hidden = items.length === 0;
  }

  function summary(count, term) {
    if (count === 0) return "No reports found. Try other words, or untick some filters.";
    const found = `${count.toLocaleString("en-GB")} report${count === 1 ? "" : "s"} found`;
    return term ? `${found} for “${term}”` : found;
  }

  function showMoreButton() {
    more.hidden = shown >= results.length;
    more.textContent = `Show more reports (${(results.length - shown).toLocaleString("en-GB")} more)`;
  }

  async function showMore() {
    if (results === null) await update(null); // the page as it arrived: the same list, now from Pagefind
    const mine = generation;
    const items = await resultItems(results.slice(shown, shown + pageSize), words);
    if (mine !== generation) return;
    list.append(...items);
    shown += items.length;
    showMoreButton();
    if (items.length) items[0].querySelector("a").focus();
  }

  // What Pagefind is asked for the reports matching `term`: its index words (kb search's rule),
  // or `term` itself when it uses search syntax. No word kb search keeps (only stop words):
  // an index word no report holds, so nothing is found, as in kb search.
  function matchingWords(term) {
    const exact = vocabulary && indexWords(term, vocabulary); // without it: Pagefind's rule
    if (!exact) return term;
    return exact.length ? exact.join(" ") : NOTHING;
  }

  // The matching reports, those the words search ranked first in its order (each with its
  // snippet of the words), then the others (Pagefind's stemmer missed them) in their own.
  function inRankOrder(matching, ranked) {
    if (!ranked) return matching;
    const ids = new Set(matching.map((result) => result.id));
    const first = ranked.filter((result) => ids.has(result.id));
    const firstIds = new Set(first.map((result) => result.id));
    return [...first, ...matching.filter((result) => !firstIds.has(result.id)).map(withoutSnippet)];
  }

  async function resultItems(batch, term) {
    const data = await Promise.all(batch.map((result) => result.data()));
    return data.map((one, i) => resultItem(one, batch[i].kbNoSnippet ? null : term));
  }

  // The same markup as kb/site/find.py writes for the page as it arrives.
  function resultItem(data, term) {
    const meta = data.meta || {};
    const item = document.createElement("li");
    item.className = "kb-find__result";
    const heading = document.createElement("h3");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = meta.title || data.url; // text, never HTML: titles are the authors' text
    heading.append(link);
    const facts = document.createElement("p");
    facts.className = "kb-find__facts";
    if (meta.date) {
      const time = document.createElement("time");
      time.dateTime = meta.date;
      time.textContent = humanDate(meta.date);
      facts.append(time);
    }
    for (const part of [meta.countries, meta.type]) {
      if (part) facts.append(facts.childNodes.length ? ` · ${part}` : part);
    }
    const snippet = document.createElement("p");
    snippet.className = "kb-find__snippet";
    if (term) {
      const plain = (data.plain_excerpt || "").trim();
      const content = data.content || "";
      snippet.append(plain && !content.startsWith(plain) ? "… " : "", ...marked(withoutIndexWords(data.excerpt || "")),
        plain && !content.trimEnd().endsWith(plain) ? " …" : "");
    } else {
      snippet.textContent = meta.summary || "";
    }
    item.append(heading, facts, snippet);
    return item;
  }

  // Pagefind's excerpt is escaped text with <mark> around the matched words: rebuilt here from
  // text nodes and <mark> elements only, so nothing in it is ever read as markup.
  function marked(excerpt) {
    const decoder = document.createElement("textarea");
    return excerpt.split(/(<mark>.*?<\/mark>)/s).filter(Boolean).map((part) => {
      const isMatch = part.startsWith("<mark>");
      decoder.innerHTML = isMatch ? part.slice(6, -7) : part;
      if (!isMatch) return document.createTextNode(decoder.value);
      const mark = document.createElement("mark");
      mark.textContent = decoder.value;
      return mark;
    });
  }

  // -- did you mean ------------------------------------------------------------------------------
  function spelling(first) {
    const name = first.codePointAt(0).toString(16);
    if (!spellings.has(name)) {
      spellings.set(name, fetch(new URL(`kb/spelling/${name}.json`, root))
        .then((response) => (response.ok ? response.json() : {}))
        .catch(() => ({})));
    }
    return spellings.get(name);
  }

  async function suggest(term, mine) {
    const replaced = new Map();
    for (const word of new Set((term.toLowerCase().match(WORD) || []).filter((w) => !/^\d+$/.test(w)))) {
      const counts = await spelling(word);
      const better = suggestion(word, counts);
      if (better) replaced.set(word, better);
    }
    if (mine !== generation || !replaced.size) return;
    const words = term.replace(WORD, (word) => replaced.get(word.toLowerCase()) || word);
    const link = document.createElement("a");
    link.href = address({ ...fromForm(), q: words });
    link.className = "kb-find__suggestion";
    link.textContent = words;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      query.value = words;
      update("push");
    });
    status.append(" Did you mean ", link, "?");
  }

  function humanDate(iso) {
    const [year, month, day] = iso.split("-").map(Number);
    return month && day ? `${day} ${MONTHS[month - 1]} ${year}` : iso;
  }

  function stopTyping() {
    clearTimeout(typingTimer);
    typingTimer = 0;
  }

  // Pagefind starts loading as soon as the reader reaches the form, not at the first search.
  form.addEventListener("focusin", () => pagefind().catch(() => {}), { once: true });
  query.addEventListener("input", () => {
    form.setAttribute("aria-busy", "true"); // until the search after this pause in typing is shown
    // Fetch the index chunk of the word being typed while the reader types; not for one or two
    // letters, whose chunks are seldom the word's own (a wasted download).
    const term = query.value.trim();
    if (term.split(/\s+/).pop().length >= PRELOAD_FROM) {
      pagefind().then((engine) => {
        engine.preload(term);
        const matching = matchingWords(term);
        if (matching !== term) engine.preload(matching);
      }).catch(() => {});
    }
    stopTyping();
    typingTimer = setTimeout(() => {
      typingTimer = 0;
      update("typing");
    }, TYPING_DELAY);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    stopTyping();
    update("push");
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], select")) update("push");
  });
  form.addEventListener("reset", () => {
    stopTyping();
    setTimeout(() => { // after the browser has reset the controls
      update("push");
      query.focus();
    });
  });
  more.addEventListener("click", () => showMore());
  chosen.addEventListener("click", (event) => {
    const button = event.target.closest("[data-kb-for]");
    if (!button) return;
    const buttons = [...chosen.querySelectorAll("[data-kb-for]")];
    const next = buttons[buttons.indexOf(button) + 1] || buttons[buttons.indexOf(button) - 1];
    const nextFor = next && next.dataset.kbFor;
    form.querySelector(`#${CSS.escape(button.dataset.kbFor)}`).checked = false;
    update("push").then(() => { // keep the keyboard near where it was
      const target = nextFor && chosen.querySelector(`[data-kb-for="${nextFor}"]`);
      (target || query).focus();
    });
  });
  // On a phone the filters open over the results, as a dialog: the rest of the page is inert
  // meanwhile (out of reach of Tab and screen readers), Escape or "Show N reports" closes it and
  // the focus goes back to the "Filters" button. Wider, they are a column beside the results.
  function openFilters(open) {
    toggle.setAttribute("aria-expanded", String(open));
    form.classList.toggle("kb-find--filters-open", open);
    const over = open && phone.matches;
    filters.removeAttribute("role");
    if (over) {
      filters.setAttribute("role", "dialog");
      filters.setAttribute("aria-modal", "true");
      filters.setAttribute("aria-label", "Filters");
      inertAround(filters);
      (filters.querySelector(".kb-find__option:not([hidden]) input") || done).focus();
    } else {
      filters.removeAttribute("aria-modal");
      filters.removeAttribute("aria-label");
      const wasOver = madeInert.length > 0;
      for (const element of madeInert) element.inert = false;
      madeInert = [];
      if (wasOver) toggle.focus();
    }
    markScrolling();
  }

  function inertAround(element) {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling !== node && !sibling.inert && sibling.tagName !== "SCRIPT") {
          sibling.inert = true;
          madeInert.push(sibling);
        }
      }
    }
  }

  toggle.addEventListener("click", () => openFilters(toggle.getAttribute("aria-expanded") !== "true"));
  done.addEventListener("click", () => openFilters(false));
  filters.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && madeInert.length) {
      event.preventDefault();
      openFilters(false);
    }
  });
  phone.addEventListener("change", () => {
    if (toggle.getAttribute("aria-expanded") === "true") openFilters(phone.matches);
  });
  window.addEventListener("popstate", () => {
    stopTyping();
    typingEntry = false;
    show(fromAddress());
    update(null);
  });

  const arrived = fromAddress();
  show(arrived);
  form.classList.add("kb-find--ready");
  markScrolling();
  if (!isDefault(arrived)) update(null);
}

// An index word no report holds (that of an empty stem): a query of stop words finds nothing.
const NOTHING = "kz";
// kb build's index words (kb/site/words.py) and the word every report holds: Pagefind reads
// them from attributes into each page's text, so a snippet near them would show them.
const INDEX_WORD = /(?:^|\s)(?:[kgp](?:[0-9a-f]{2})*z|kbeveryreport)\b\.?(?=\s|$)/g;

function withoutIndexWords(excerpt) {
  return excerpt.replace(INDEX_WORD, "");
}

// A matching report the words search did not rank: its excerpt would be of the index words,
// so it shows its summary (as with no words).
function withoutSnippet(result) {
  return { id: result.id, score: result.score, data: () => result.data(), kbNoSnippet: true };
}

// The rule of kb/util/spelling.py, line for line (a browser test compares them).
function held(word, counts) {
  if (Object.hasOwn(counts, word)) return true;
  for (const other in counts) if (other.startsWith(word)) return true;
  return false;
}

function suggestion(word, counts) {
  word = word.toLowerCase();
  if ([...word].length < SHORTEST || held(word, counts)) return null;
  for (const distance of DISTANCES) {
    let best = null;
    for (const [other, number] of Object.entries(counts)) {
      if (number > 0 && other[0] === word[0] && levenshtein(other, word, distance) <= distance) {
        if (best === null || number > counts[best] || (number === counts[best] && other < best)) best = other;
      }
    }
    if (best !== null) return best;
  }
  return null;
}

// Edits between a and b (by code point), or limit + 1 once it is sure to be more than limit.
function levenshtein(a, b, limit) {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let smallest = i;
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      smallest = Math.min(smallest, current[j]);
    }
    if (smallest > limit) return limit + 1;
    previous = current;
  }
  return previous[y.length];
}

// For the browser test that compares this rule with kb/util/spelling.py's.
window.kbSuggestion = suggestion;
