// Title suggestions while typing, for search boxes marked data-suggest. Without
// JavaScript the search works the same: this only fills a <datalist>.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === last) return;
        last = q;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            if (q !== input.value.trim()) return;
            list.textContent = "";
            (data.suggestions || []).forEach(function (s) {
              var o = document.createElement("option");
              o.value = s.title;
              list.appendChild(o);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });
})();
