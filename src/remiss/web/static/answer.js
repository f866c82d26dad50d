// The nämnd's page: a small rich-text editor per Word field, drafts saved as the nämnd types,
// and pasting from Word that keeps lists and emphasis. A file (the CSP allows no inline script);
// without it the page still works: textareas with a tiny markup, and "Spara utkast".
// Whatever this script sends is reduced again on the server (nh3) before it is kept.
(function () {
  "use strict";
  var ALLOWED = { P: "p", UL: "ul", OL: "ol", LI: "li", TABLE: "table", THEAD: "thead", TBODY: "tbody",
    TR: "tr", TD: "td", TH: "th", U: "u" };
  var DROP = { SCRIPT: 1, STYLE: 1, META: 1, LINK: 1, TITLE: 1, HEAD: 1, IFRAME: 1, OBJECT: 1, SVG: 1, TEMPLATE: 1 };

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function clean(node) {
    if (node.nodeType === 3) return escapeHtml(node.nodeValue.replace(/\s+/g, " "));
    if (node.nodeType !== 1) return "";
    var tag = node.tagName.toUpperCase();
    if (DROP[tag]) return "";
    var style = (node.getAttribute("style") || "").toLowerCase().replace(/\s/g, "");
    if (style.indexOf("mso-list:ignore") >= 0) return "";
    var inner = "";
    node.childNodes.forEach(function (child) { inner += clean(child); });
    if (tag === "BR") return "<br>";
    if (tag === "B" || tag === "STRONG" || /font-weight:(bold|[6-9]00)/.test(style)) inner = "<strong>" + inner + "</strong>";
    if (tag === "I" || tag === "EM" || style.indexOf("font-style:italic") >= 0) inner = "<em>" + inner + "</em>";
    if (tag === "A") {
      var href = node.getAttribute("href") || "";
      return /^(https?:|mailto:)/i.test(href) ? '<a href="' + escapeHtml(href) + '">' + inner + "</a>" : inner;
    }
    if (/^(DIV|H[1-6]|BLOCKQUOTE)$/.test(tag)) return "<p>" + inner + "</p>";
    if (ALLOWED[tag]) return "<" + ALLOWED[tag] + ">" + inner + "</" + ALLOWED[tag] + ">";
    return inner;
  }

  // Word's HTML has no <ul>/<ol>: list items are paragraphs with mso-list and a marker span.
  function wordLists(doc) {
    Array.prototype.forEach.call(doc.body.querySelectorAll("p"), function (p) {
      var style = p.getAttribute("style") || "";
      if (!/mso-list/i.test(style) && !/MsoListParagraph/.test(p.className || "")) return;
      var marker = Array.prototype.find.call(p.querySelectorAll("span"), function (s) {
        return /mso-list:\s*Ignore/i.test(s.getAttribute("style") || "");
      });
      var mark = marker ? marker.textContent : "";
      if (marker) marker.parentNode.removeChild(marker);
      var kind = /^\s*[0-9a-zA-Z]{1,3}[.)]/.test(mark) ? "OL" : "UL";
      var prev = p.previousElementSibling;
      var list = prev && prev.tagName === kind && prev.getAttribute("data-word") ? prev : null;
      if (!list) {
        list = doc.createElement(kind);
        list.setAttribute("data-word", "1");
        p.parentNode.insertBefore(list, p);
      }
      var item = doc.createElement("li");
      while (p.firstChild) item.appendChild(p.firstChild);
      list.appendChild(item);
      p.parentNode.removeChild(p);
    });
  }

  function cleanPaste(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    wordLists(doc);
    return clean(doc.body);
  }

  function button(text, command, controls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "andra verktygsknapp";
    b.textContent = text;
    b.setAttribute("data-cmd", command);
    b.setAttribute("aria-controls", controls);
    return b;
  }

  function editor(area, form, changed) {
    var id = area.id;
    var source = document.getElementById(id + "-kalla");
    var label = document.getElementById(id + "-etikett");
    var box = document.createElement("div");
    box.id = id + "-rik";
    box.className = "rik";
    box.contentEditable = "true";
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-multiline", "true");
    box.setAttribute("aria-labelledby", id + "-etikett");
    box.setAttribute("aria-describedby", id + "-hjalp");
    box.innerHTML = source ? source.innerHTML : "";
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = area.name;
    hidden.value = box.innerHTML;
    area.removeAttribute("name");
    area.hidden = true;
    label.removeAttribute("for");

    var bar = document.createElement("div");
    bar.className = "verktyg";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formatering av " + label.textContent);
    var url = document.createElement("input");
    url.type = "url";
    url.id = id + "-url";
    url.placeholder = "https://";
    url.className = "lankadress";
    var urlLabel = document.createElement("label");
    urlLabel.className = "inline";
    urlLabel.htmlFor = url.id;
    urlLabel.textContent = "Länkadress";
    [button("Fet", "bold", box.id), button("Kursiv", "italic", box.id),
     button("Punktlista", "insertUnorderedList", box.id), button("Numrerad lista", "insertOrderedList", box.id)
    ].forEach(function (b) { bar.appendChild(b); });
    bar.appendChild(urlLabel);
    bar.appendChild(url);
    bar.appendChild(button("Infoga länk", "link", box.id));

    var saved = null;
    function remember() {
      var sel = window.getSelection();
      if (sel.rangeCount && box.contains(sel.anchorNode)) saved = sel.getRangeAt(0).cloneRange();
    }
    function restore() {
      box.focus();
      if (saved) { var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(saved); }
    }
    function sync() { hidden.value = box.innerHTML; changed(); }

    bar.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-cmd]");
      if (!b) return;
      var command = b.getAttribute("data-cmd");
      restore();
      document.execCommand("defaultParagraphSeparator", false, "p");
      if (command === "link") {
        var href = url.value.trim();
        if (!/^(https?:\/\/|mailto:)\S+$/i.test(href)) { url.setCustomValidity("Skriv en adress som börjar med https://, http:// eller mailto:"); url.reportValidity(); url.focus(); return; }
        url.setCustomValidity("");
        var sel = window.getSelection();
        if (sel.isCollapsed) document.execCommand("insertHTML", false, '<a href="' + escapeHtml(href) + '">' + escapeHtml(href) + "</a>");
        else document.execCommand("createLink", false, href);
        url.value = "";
      } else {
        document.execCommand(command, false, null);
      }
      remember();
      sync();
    });
    box.addEventListener("focus", function () { document.execCommand("defaultParagraphSeparator", false, "p"); });
    ["keyup", "mouseup", "blur"].forEach(function (name) { box.addEventListener(name, remember); });
    box.addEventListener("input", sync);
    box.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) return;
      event.preventDefault();
      var html = data.getData("text/html");
      if (html) document.execCommand("insertHTML", false, cleanPaste(html));
      else document.execCommand("insertText", false, data.getData("text/plain"));
      sync();
    });
    area.parentNode.insertBefore(bar, area);
    area.parentNode.insertBefore(box, area);
    area.parentNode.insertBefore(hidden, area);
  }

  function setup() {
    document.documentElement.classList.add("js");
    var form = document.getElementById("webbsvar");
    if (!form) return;
    var csrf = form.querySelector("input[name=csrf]").value;
    var status = document.getElementById("sparat");
    var timer = null, dirty = false;
    form.querySelector("input[name=format]").value = "rik";

    function body() { return new URLSearchParams(new FormData(form)); }
    function save() {
      timer = null;
      if (!dirty) return Promise.resolve();
      dirty = false;
      return fetch(form.action, {
        method: "POST", body: body(), credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "X-Remiss-Draft": "1" }
      }).then(function (response) {
        return response.json().then(function (answer) {
          status.textContent = response.ok ? "Utkast sparat " + answer.saved + "." : (answer.error || "Utkastet kunde inte sparas.");
        });
      }).catch(function () { dirty = true; status.textContent = "Utkastet kunde inte sparas just nu; det görs igen."; });
    }
    function changed() {
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 800);
    }
    Array.prototype.forEach.call(form.querySelectorAll("textarea[data-rik]"), function (area) { editor(area, form, changed); });
    form.addEventListener("input", function (event) { if (!event.target.isContentEditable) changed(); });
    form.addEventListener("change", changed);
    window.addEventListener("pagehide", function () {
      if (dirty && navigator.sendBeacon) { dirty = false; navigator.sendBeacon(form.action, body()); }
    });
    form.addEventListener("submit", function () { if (timer) clearTimeout(timer); dirty = false; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
