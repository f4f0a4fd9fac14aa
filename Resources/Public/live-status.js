// Pagewire live status: keeps the status cells of the faxes on the outbox, the inbox and a
// fax's page current without a reload, by asking /live/faxes every few seconds while any fax
// shown can still change. Progressive enhancement only: every page works without it, and a
// reload shows the same. No inline script and no HTML from the answer (text only), so it runs
// under the portal's Content-Security-Policy (script-src 'self').
(function () {
  "use strict";

  var intervalMs = 3000;
  var maxPolls = 600; // half an hour; a forgotten tab stops asking
  var maxIDs = 100;
  var polls = 0;
  var failures = 0;

  function each(list, action) {
    Array.prototype.forEach.call(list, action);
  }

  // The elements of faxes whose status can still change, each marked data-fax-id.
  function pendingIDs() {
    var ids = [];
    each(document.querySelectorAll("[data-fax-id][data-final='false']"), function (holder) {
      var id = holder.getAttribute("data-fax-id");
      if (/^[0-9]+$/.test(id) && ids.indexOf(id) < 0 && ids.length < maxIDs) {
        ids.push(id);
      }
    });
    return ids;
  }

  // Writes one fax's answer into every element that shows it: each data-live cell gets the
  // field of the same name, as text.
  function apply(fax) {
    var id = String(Number(fax.id));
    each(document.querySelectorAll("[data-fax-id='" + id + "']"), function (holder) {
      each(holder.querySelectorAll("[data-live]"), function (cell) {
        var key = cell.getAttribute("data-live");
        if (Object.prototype.hasOwnProperty.call(fax, key)) {
          var text = String(fax[key]);
          if (cell.textContent !== text) {
            cell.textContent = text;
          }
        }
      });
      holder.setAttribute("data-state", String(fax.stateCode));
      if (fax.final === true) {
        holder.setAttribute("data-final", "true");
        each(document.querySelectorAll("[data-live-final]"), function (note) {
          note.hidden = false;
        });
        // a final fax can no longer be cancelled
        each(document.querySelectorAll("[data-live-hide-when-final]"), function (control) {
          control.hidden = true;
        });
      }
    });
  }

  function schedule(delay) {
    window.setTimeout(poll, delay);
  }

  function poll() {
    var ids = pendingIDs();
    if (ids.length === 0 || polls >= maxPolls) {
      return;
    }
    if (document.hidden) {
      schedule(intervalMs); // nobody is looking: ask again later, without a request
      return;
    }
    polls += 1;
    var query = ids.map(function (id) { return "id=" + id; }).join("&");
    window.fetch("/live/faxes?" + query, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || response.redirected || type.indexOf("application/json") !== 0) {
        // signed out, gone, or not ours: the page keeps what it shows
        throw { final: true };
      }
      return response.json();
    }).then(function (answer) {
      failures = 0;
      each(answer.faxes || [], apply);
      schedule(intervalMs);
    }).catch(function (error) {
      if (error && error.final === true) {
        return;
      }
      failures += 1; // the network or a restarting server: try again, more slowly
      if (failures < 6) {
        schedule(intervalMs * (failures + 1));
      }
    });
  }

  if (window.fetch && document.querySelector) {
    schedule(intervalMs);
  }
})();
