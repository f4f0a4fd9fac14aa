// Live preview of the inbound header/footer on the Custom tab: as the admin types, the sample
// pages are fetched again with the unsaved values; a refused format shows the server's reason.
(function () {
  "use strict";
  var form = document.getElementById("stamp-form");
  if (!form) { return; }
  var base = form.getAttribute("data-preview");
  var error = document.getElementById("stamp-error");
  var images = document.querySelectorAll("img[data-stamp-page]");
  var timer = null;
  var generation = 0;

  function url(page) {
    var enabled = form.elements.stamp_enabled.checked;
    var query = new URLSearchParams();
    query.set("text", enabled ? form.elements.stamp_text.value : "");
    query.set("position", form.elements.stamp_position.value);
    query.set("pages", form.elements.stamp_pages.value);
    query.set("page", String(page));
    return base + "?" + query.toString();
  }

  function refresh() {
    var mine = ++generation;
    var first = url(1);
    fetch(first, { credentials: "same-origin" }).then(function (response) {
      if (mine !== generation) { return; }
      if (response.ok) {
        error.hidden = true;
        error.textContent = "";
        for (var i = 0; i < images.length; i++) {
          images[i].src = url(images[i].getAttribute("data-stamp-page"));
        }
        return;
      }
      return response.text().then(function (text) {
        if (mine !== generation) { return; }
        error.textContent = text;
        error.hidden = false;
      });
    }).catch(function () {});
  }

  function later(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, delay);
  }

  form.addEventListener("input", function () { later(300); });
  form.addEventListener("change", function () { later(50); });
})();
