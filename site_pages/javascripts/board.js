// The Opportunities board's and the targets tracker's filters (kb/site/board.py writes the
// form): show the filter form,
// and on each change hide the entries, and the stages, that do not match. Without this script
// the form stays hidden and every entry shows. Data: each entry's data-sectors, data-countries
// and data-partners (ids separated by spaces).
(function () {
  "use strict";
  var form = document.querySelector(".kb-board-filters");
  if (!form) {
    return;
  }
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var entries = Array.prototype.slice.call(document.querySelectorAll(".kb-board-entry"));
  var stages = Array.prototype.slice.call(document.querySelectorAll(".kb-board-stage"));
  var count = form.querySelector(".kb-board-count");

  function has(entry, name, value) {
    var ids = (entry.getAttribute("data-" + name) || "").split(" ");
    return ids.indexOf(value) !== -1;
  }

  function apply() {
    var shown = 0;
    entries.forEach(function (entry) {
      var match = selects.every(function (select) {
        return !select.value || has(entry, select.getAttribute("data-filter"), select.value);
      });
      entry.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    stages.forEach(function (stage) {
      stage.hidden = !stage.querySelector(".kb-board-entry:not([hidden])");
    });
    var noun = form.getAttribute("data-noun") || "entries";
    count.textContent = shown + " of " + entries.length + " " + noun + " shown";
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  apply();
})();
