// Progressive enhancement: the IMY deadline counts down while the page is open.
(function () {
  var el = document.querySelector("time[data-countdown]");
  if (!el) return;
  var end = Date.parse(el.getAttribute("datetime"));
  var sv = document.documentElement.lang !== "en";
  function tick() {
    var ms = end - Date.now(), late = ms < 0, m = Math.floor(Math.abs(ms) / 60000);
    var text = Math.floor(m / 60) + " h " + (m % 60) + " min";
    el.textContent = late ? (sv ? "försenad med " : "overdue by ") + text : text;
  }
  tick();
  setInterval(tick, 30000);
})();
