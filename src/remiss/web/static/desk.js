// The desk's only hand-written script (no build step; a file, so the CSP needs no inline scripts).
// Upload: files dropped on the zone or chosen in the form go one request each, and each file's
// outcome is shown as soon as the server has decided it. Without this script the form still works.
(function () {
  "use strict";
  function setup() {
    var form = document.getElementById("uppladdning");
    if (!form) return;
    var zone = document.getElementById("slapp");
    var input = document.getElementById("filer");
    var out = document.getElementById("utfall");
    var csrf = form.querySelector("input[name=csrf]").value;
    var body = null;

    // An answer that is not remiss's own: a reverse proxy's error page (in English), its time-out,
    // a lost connection, or a session that has ended (the login page). Said in Swedish instead.
    function elsewhere(status, redirected) {
      if (redirected) return "du är inte inloggad längre. Logga in igen och ladda upp filen på nytt.";
      if (status === 0) return "kontakten med servern bröts. Se på tavlan om filen kom in innan du försöker igen.";
      if (status === 413) return "filen är större än vad servern tar emot och togs inte emot.";
      if (status === 502 || status === 503) return "remiss svarar inte just nu (HTTP " + status + "). Försök igen om en stund.";
      if (status === 504) return "svaret dröjde för länge (HTTP 504). Filen kan ändå ha lästs in: se på tavlan innan du försöker igen.";
      return "servern svarade med ett fel (HTTP " + status + "). Se på tavlan om filen kom in innan du försöker igen.";
    }

    function refused(file, text) {
      var p = document.createElement("p");
      p.className = "fel";
      p.textContent = file.name + ": " + text;
      out.appendChild(p);
    }

    function send(file) {
      var data = new FormData();
      data.append("csrf", csrf);
      data.append("filer", file, file.name);
      return fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "X-Remiss-Upload": "1" }
      }).then(function (response) {
        // remiss's own refusals carry HX-Retarget; a redirect here is to the login page
        var ours = !response.redirected && (response.ok || response.headers.has("HX-Retarget"));
        return response.text().then(function (text) {
          return { ours: ours, status: response.status, redirected: response.redirected, text: text };
        });
      }, function () {
        return { ours: false, status: 0, redirected: false, text: "" };
      }).then(function (answer) {
        if (!answer.ours) {
          refused(file, elsewhere(answer.status, answer.redirected));
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = answer.text;
        var rows = holder.querySelectorAll("tbody tr");
        if (rows.length && !body) {
          out.innerHTML = "";
          out.appendChild(holder.querySelector("table"));
          body = out.querySelector("tbody");
        } else if (rows.length) {
          rows.forEach(function (row) { body.appendChild(row); });
        } else {
          refused(file, (holder.textContent || "uppladdningen misslyckades").trim());
        }
      });
    }

    function sendAll(files) {
      body = null;
      out.innerHTML = '<p class="meta">Läser in ' + files.length + (files.length === 1 ? " fil" : " filer") + " …</p>";
      var chain = Promise.resolve();
      Array.prototype.forEach.call(files, function (file) {
        chain = chain.then(function () { return send(file); });
      });
      return chain.then(function () { input.value = ""; });
    }

    form.addEventListener("submit", function (event) {
      if (!input.files.length) return;
      event.preventDefault();
      sendAll(input.files);
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) sendAll(event.dataTransfer.files);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
