// The breaking-news bar. The server renders every live item, most important first, so the bar
// works without this script (one row that scrolls sideways). This script shows one item at a
// time, turning to the next every few seconds, with Previous, Pause and Next buttons; it does
// not turn on its own while the reader prefers reduced motion, points at the bar or is in it
// with the keyboard. Every 30 seconds it asks /ticker.json what is live now, redraws the items
// and tells screen readers, politely, of each new one.
(function () {
  "use strict";
  var bar = document.querySelector(".ticker[data-ticker-url]");
  if (!bar) return;
  var list = bar.querySelector(".ticker-items");
  var controls = bar.querySelector(".ticker-controls");
  var pauseButton = bar.querySelector(".ticker-pause");
  var position = bar.querySelector(".ticker-position");
  var news = bar.querySelector(".ticker-news");
  var url = bar.getAttribute("data-ticker-url");
  var INTERVAL = 30000;
  var TURN_EVERY = 6000;
  var reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };

  var current = 0;
  var paused = reducedMotion.matches; // the reader's choice, or their system's
  var held = false; // pointed at or focused: reading, not watching
  var timer = null;
  var known = {};

  function items() { return list.children; }

  function show(index) {
    var all = items();
    var count = all.length;
    current = count ? (index + count) % count : 0;
    for (var i = 0; i < count; i++) {
      all[i].classList.toggle("is-current", i === current);
    }
    position.textContent = count ? (current + 1) + " of " + count : "";
    controls.hidden = count < 2;
    bar.hidden = count === 0;
    schedule();
  }

  function turning() { return !paused && !held && !document.hidden && items().length > 1; }

  function schedule() {
    clearTimeout(timer);
    // While the items turn on their own, announcing each would talk over the page; once the
    // reader turns them, the one shown is read out.
    list.setAttribute("aria-live", turning() ? "off" : "polite");
    if (turning()) timer = setTimeout(function () { show(current + 1); }, TURN_EVERY);
  }

  function setPaused(value) {
    paused = value;
    pauseButton.textContent = paused ? "Play" : "Pause";
    schedule();
  }

  function render(data) {
    var shownId = items().length ? items()[current].getAttribute("data-id") : null;
    var fresh = document.createDocumentFragment();
    var added = [];
    var isNew = {};
    data.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-id", item.id);
      li.className = "priority-" + item.priority;
      if (item.live) {
        var label = document.createElement("span");
        label.className = "live-label live";
        label.textContent = "Live";
        li.appendChild(label);
      }
      var holder = li;
      if (item.url) {
        holder = document.createElement("a");
        holder.href = item.url;
        li.appendChild(holder);
      }
      holder.textContent = item.text;
      if (item.live) {
        // As the server writes it (includes/ticker.html): the label, the link, the latest update's time.
        var latest = document.createElement("span");
        latest.className = "live-latest";
        var spoken = document.createElement("span");
        spoken.className = "visually-hidden";
        spoken.textContent = "Latest update ";
        var time = document.createElement("time");
        time.setAttribute("datetime", item.live.time);
        time.textContent = item.live.shown;
        latest.append(spoken, time);
        li.append(" ", latest);
      }
      fresh.appendChild(li);
      if (!known[item.id]) {
        added.push(item.text);
        isNew[item.id] = true;
      }
      known[item.id] = true;
    });
    list.replaceChildren(fresh);
    // A new most important item is shown at once; otherwise the reader stays on their item.
    var index = 0;
    if (!(data.length && isNew[data[0].id])) {
      for (var i = 0; i < data.length; i++) if (String(data[i].id) === shownId) index = i;
    }
    show(index);
    if (added.length) news.textContent = "Breaking news: " + added.join(". ");
  }

  function refresh() {
    if (document.hidden || !window.fetch) return;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) render(data.items); })
      .catch(function () { /* keep what is shown; try again next time */ });
  }

  Array.prototype.forEach.call(items(), function (li) { known[li.getAttribute("data-id")] = true; });
  list.removeAttribute("tabindex"); // one item at a time: nothing left to scroll
  bar.classList.add("ticker-turns");
  pauseButton.addEventListener("click", function () { setPaused(!paused); });
  bar.querySelector(".ticker-previous").addEventListener("click", function () { show(current - 1); });
  bar.querySelector(".ticker-next").addEventListener("click", function () { show(current + 1); });
  bar.addEventListener("mouseenter", function () { held = true; schedule(); });
  bar.addEventListener("mouseleave", function () { held = false; schedule(); });
  bar.addEventListener("focusin", function () { held = true; schedule(); });
  bar.addEventListener("focusout", function (event) {
    held = bar.contains(event.relatedTarget);
    schedule();
  });
  if (reducedMotion.addEventListener) {
    reducedMotion.addEventListener("change", function () { if (reducedMotion.matches) setPaused(true); });
  }
  setPaused(paused);
  show(0);

  window.newsroomTicker = { refresh: refresh, interval: INTERVAL, turnEvery: TURN_EVERY };
  setInterval(refresh, INTERVAL);
  document.addEventListener("visibilitychange", function () {
    schedule();
    if (!document.hidden) refresh();
  });
})();
