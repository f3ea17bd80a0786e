// Keeps an open live page current without a reload. Every few seconds it asks the page's
// updates endpoint (served from the page cache with an ETag: an unchanged answer is a 304)
// for the newest updates. Edited and removed updates change in place; new ones are counted
// on a button and inserted when the reader presses it, without moving what they are reading.
// The page is complete without this script.
(function () {
  "use strict";
  var section = document.querySelector("[data-live-poll]");
  if (!section || !window.fetch || !window.DOMParser) return;
  var url = section.getAttribute("data-live-poll");
  var interval = 1000 * (parseInt(section.getAttribute("data-poll-seconds"), 10) || 10);
  var stream = section.querySelector("[data-stream]");
  var button = section.querySelector(".live-new-button");
  var empty = section.querySelector(".live-empty");
  var waiting = []; // new updates' HTML, newest first, until the reader asks for them
  var timer = null;

  function shown(id) {
    return document.querySelectorAll('.live-update[data-id="' + id + '"]');
  }

  function element(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function apply(data) {
    var fresh = [];
    data.updates.forEach(function (update) {
      var copies = shown(update.id);
      if (copies.length) {
        copies.forEach(function (copy) {
          if (copy.getAttribute("data-version") === update.version) return;
          var replacement = element(update.html);
          if (!copy.id) {
            // The pinned copy of an update carries no ids: the stream's copy has them.
            replacement.removeAttribute("id");
            replacement.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
            replacement.querySelectorAll("[aria-labelledby]").forEach(function (node) {
              node.removeAttribute("aria-labelledby");
            });
          }
          copy.replaceWith(replacement);
        });
      } else if (!waiting.some(function (item) { return item.id === update.id; }) && !update.deleted) {
        fresh.push(update);
      } else {
        waiting = waiting.map(function (item) { return item.id === update.id ? update : item; });
      }
    });
    waiting = fresh.concat(waiting).filter(function (item) { return !item.deleted; });
    if (waiting.length) {
      button.textContent = waiting.length === 1 ? "1 new update" : waiting.length + " new updates";
      button.hidden = false;
    }
    if (data.status !== "live") stop();
  }

  function insert() {
    // Keep the reader's place: note where the first update they can see is, insert the new
    // updates above the stream's first one, and scroll by as much as that update moved.
    var anchor = Array.prototype.find.call(stream.children, function (child) {
      return child.getBoundingClientRect().bottom > 0;
    });
    var before = anchor ? anchor.getBoundingClientRect().top : 0;
    var added = document.createDocumentFragment();
    waiting.forEach(function (update) {
      var item = element(update.html);
      item.classList.add("live-update-new");
      added.appendChild(item);
    });
    stream.insertBefore(added, stream.firstChild);
    if (empty) empty.hidden = true;
    if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
    button.hidden = true;
    button.textContent = "";
    waiting = [];
  }

  function poll() {
    if (document.hidden) return;
    // "no-cache": the browser revalidates its copy with the ETag every time (a 304 when nothing changed).
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) apply(data); })
      .catch(function () { /* keep what is shown; try again next time */ });
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  button.addEventListener("click", insert);
  document.addEventListener("visibilitychange", function () { if (!document.hidden && timer !== null) poll(); });
  window.newsroomLive = { poll: poll, interval: interval };
  timer = setInterval(poll, interval);
})();
