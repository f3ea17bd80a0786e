// Keeps the breaking-news bar current without a reload: every 30 seconds it asks
// /ticker.json what is live now and redraws the list. The bar is rendered on the server
// too, so it works without this script.
(function () {
  "use strict";
  var bar = document.querySelector(".ticker[data-ticker-url]");
  if (!bar || !window.fetch) return;
  var list = bar.querySelector(".ticker-items");
  var url = bar.getAttribute("data-ticker-url");
  var INTERVAL = 30000;

  function render(items) {
    var fresh = document.createDocumentFragment();
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-id", item.id);
      li.className = "priority-" + item.priority;
      var holder = li;
      if (item.url) {
        holder = document.createElement("a");
        holder.href = item.url;
        li.appendChild(holder);
      }
      holder.textContent = item.text;
      fresh.appendChild(li);
    });
    list.replaceChildren(fresh);
    bar.hidden = items.length === 0;
  }

  function refresh() {
    if (document.hidden) return;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) render(data.items); })
      .catch(function () { /* keep what is shown; try again next time */ });
  }

  window.newsroomTicker = { refresh: refresh, interval: INTERVAL };
  setInterval(refresh, INTERVAL);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
