// The public pages' script (issue 6). Everything works without it (the server filters with
// ?month=&from=&to=&q= and the form posts); with it, filters apply in place without a
// reload (ticks stay), the counts follow, and each time is also shown in the visitor's zone.
(function () {
  "use strict";

  var rows = [];
  var send = document.getElementById("send-form");
  var shownCount = document.getElementById("shown-count");
  var selectedCount = document.getElementById("selected-count");
  var month = document.getElementById("filter-month");
  var from = document.getElementById("filter-from");
  var to = document.getElementById("filter-to");
  var q = document.getElementById("filter-q");

  function collect() {
    var items = document.querySelectorAll("li.event");
    for (var i = 0; i < items.length; i++) {
      rows.push({
        el: items[i],
        month: items[i].getAttribute("data-month") || "",
        date: items[i].getAttribute("data-date") || "",
        // What the server's q matches: summary, place and description, not the links.
        text: rowText(items[i]),
        box: items[i].querySelector("input[type=checkbox]")
      });
    }
  }

  function rowText(item) {
    var parts = item.querySelectorAll(".summary, .where, .description");
    var text = "";
    for (var i = 0; i < parts.length; i++) text += (parts[i].textContent || "") + "\n";
    return text.toLowerCase();
  }

  function countSelected() {
    if (!selectedCount) return;
    var n = 0;
    for (var i = 0; i < rows.length; i++) if (rows[i].box && rows[i].box.checked) n++;
    selectedCount.textContent = String(n);
  }

  function applyFilters() {
    var m = month ? month.value : "";
    var f = from ? from.value : "";
    var t = to ? to.value : "";
    var words = q ? q.value.trim().toLowerCase() : "";
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!m || r.month === m) && (!f || r.date >= f) && (!t || r.date <= t) &&
               (!words || r.text.indexOf(words) !== -1);
      // A ticked event stays ticked while hidden: a filter narrows the view, not the choice.
      r.el.hidden = !ok;
      if (ok) shown++;
    }
    if (shownCount) shownCount.textContent = String(shown);
    var none = document.getElementById("no-match");
    if (none) none.hidden = shown !== 0;
    keepUrl(m, f, t, words);
  }

  // The address bar follows the filters, so a reload or a shared link shows the same list.
  function keepUrl(m, f, t, words) {
    if (!window.history || !window.history.replaceState || !window.URLSearchParams) return;
    var params = new URLSearchParams();
    if (m) params.set("month", m);
    if (f) params.set("from", f);
    if (t) params.set("to", t);
    if (words) params.set("q", words);
    var s = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : ""));
  }

  // "your time: Sat 3 Apr, 13:05" next to times whose zone differs from the visitor's.
  function localTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var here;
    try { here = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    var fmt = new Intl.DateTimeFormat(undefined, {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
    });
    var times = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var zone = el.getAttribute("data-zone") || "";
      if (!zone || zone === here) continue;
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      var same;
      try {
        var there = new Intl.DateTimeFormat("en", {
          timeZone: zone === "UTC" ? "UTC" : zone, hour: "2-digit", minute: "2-digit",
          day: "numeric", month: "numeric", hourCycle: "h23"
        }).format(when);
        var mine = new Intl.DateTimeFormat("en", {
          hour: "2-digit", minute: "2-digit", day: "numeric", month: "numeric", hourCycle: "h23"
        }).format(when);
        same = there === mine;
      } catch (e) {
        same = false;  // a zone this browser does not know: show the local time anyway
      }
      if (same) continue;
      var span = document.createElement("span");
      span.className = "local-time";
      span.textContent = " · your time: " + fmt.format(when);
      el.parentNode.insertBefore(span, el.nextSibling);
    }
  }

  function init() {
    collect();
    countSelected();
    if (send) send.addEventListener("change", countSelected);
    var controls = [month, from, to, q];
    for (var i = 0; i < controls.length; i++) {
      if (!controls[i]) continue;
      controls[i].addEventListener("input", applyFilters);
      controls[i].addEventListener("change", applyFilters);
    }
    var filterForm = document.getElementById("filter-form");
    if (filterForm) {
      filterForm.addEventListener("submit", function (e) { e.preventDefault(); applyFilters(); });
      var clear = document.getElementById("filter-clear");
      if (clear) clear.addEventListener("click", function (e) {
        // Every row is in the page (the server hides, never drops, filtered rows): clear
        // in place so the ticks stay.
        e.preventDefault();
        if (month) month.value = "";
        if (from) from.value = "";
        if (to) to.value = "";
        if (q) q.value = "";
        applyFilters();
      });
    }
    localTimes();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
