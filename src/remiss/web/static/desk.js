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

    function send(file) {
      var data = new FormData();
      data.append("csrf", csrf);
      data.append("filer", file, file.name);
      return fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "X-Remiss-Upload": "1" }
      }).then(function (response) {
        return response.text().then(function (text) { return { ok: response.ok, text: text }; });
      }).then(function (answer) {
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
          var p = document.createElement("p");
          p.className = "fel";
          p.textContent = file.name + ": " + (holder.textContent || "uppladdningen misslyckades").trim();
          out.appendChild(p);
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
