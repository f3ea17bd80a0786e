// Keeps the "also editing this article" notice on the article form current: while the page is
// visible it tells the server every few seconds that the form is still open and redraws the
// notice from the others present; leaving the page says so. The notice is rendered on the
// server too, so it is right at page load without this script.
(function () {
  "use strict";
  var region = document.querySelector(".article-presence[data-presence-url]");
  if (!region || !window.fetch) return;
  var blank = document.getElementById("article-presence-item");
  var url = region.dataset.presenceUrl;
  var token = region.dataset.csrfToken;
  var seen = region.dataset.presenceSeen;
  var interval = Number(region.dataset.presencePollSeconds) * 1000;

  // People are added and removed one by one, and only the "opened … ago" text of those still
  // here changes: the live region announces who arrives, not every poll.
  function render(others) {
    var list = region.querySelector(".messagelist");
    if (!others.length) {
      if (list) list.remove();
      return;
    }
    if (!list) {
      list = document.createElement("ul");
      list.className = "messagelist";
    }
    var shown = {};
    list.querySelectorAll("li[data-user]").forEach(function (item) { shown[item.dataset.user] = item; });
    others.forEach(function (other) {
      var key = String(other.user);
      var item = shown[key];
      delete shown[key];
      if (item) {
        var opened = item.querySelector(".presence-opened").firstChild;
        if (opened && opened.data !== other.opened) opened.data = other.opened;
        return;
      }
      item = blank.content.firstElementChild.cloneNode(true);
      item.dataset.user = key;
      item.querySelector(".presence-name").textContent = other.name;
      item.querySelector(".presence-opened").textContent = other.opened;
      list.appendChild(item);
    });
    Object.keys(shown).forEach(function (key) { shown[key].remove(); });
    if (!list.isConnected) region.appendChild(list);
  }

  function beat() {
    if (document.hidden) return;
    fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": token },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        seen = data.seen;
        render(data.others);
      })
      .catch(function () { /* keep what is shown; try again next time */ });
  }

  function leave() {
    if (!navigator.sendBeacon) return;
    var form = new FormData();
    form.append("csrfmiddlewaretoken", token);
    form.append("leaving", "1");
    form.append("seen", seen);
    navigator.sendBeacon(url, form);
  }

  setInterval(beat, interval);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) beat(); });
  window.addEventListener("pagehide", leave);
  // Back from the back/forward cache: this page said it left, so it says it is back.
  window.addEventListener("pageshow", function (event) { if (event.persisted) beat(); });
})();
