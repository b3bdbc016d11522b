// Sandık pages: live updates over server-sent events, sortable tables
// and the observer's sheet form. Hand-written, no framework; the server
// stays the authority for every figure and every rule.
"use strict";

(function () {
  const lang = document.documentElement.lang === "en" ? "en" : "tr";

  // ---- Live updates -------------------------------------------------
  function live(root) {
    const url = root.dataset.live;
    const status = root.querySelector(".live");
    const text = status && status.querySelector(".live-text");
    let lastSeen = Date.now();
    let es = null;
    function setLost(lost, why) {
      if (!status) return;
      status.classList.toggle("lost", lost);
      text.textContent = lost ? (why || root.dataset.textLost) : root.dataset.textOn;
      const login = status.querySelector("a.relogin");
      if (login) login.hidden = !why;
    }
    function apply(p) {
      for (const [k, v] of Object.entries(p.k || {})) {
        root.querySelectorAll('[data-k="' + CSS.escape(k) + '"]').forEach(el => { el.textContent = v; });
      }
      for (const [k, v] of Object.entries(p.m || {})) {
        root.querySelectorAll('[data-m="' + CSS.escape(k) + '"]').forEach(el => { el.value = v; });
      }
      for (const [k, v] of Object.entries(p.f || {})) {
        root.querySelectorAll('[data-f="' + CSS.escape(k) + '"]').forEach(el => { el.setAttribute("fill", v); });
      }
      if (p.sig && root.dataset.sig && p.sig !== root.dataset.sig) {
        const c = root.querySelector(".changed");
        if (c) c.hidden = false;
      }
      root.dataset.seq = p.seq;
    }
    function connect() {
      es = new EventSource(url);
      es.addEventListener("open", () => { lastSeen = Date.now(); setLost(false); });
      es.addEventListener("totals", e => { lastSeen = Date.now(); setLost(false); apply(JSON.parse(e.data)); });
      es.addEventListener("ping", () => { lastSeen = Date.now(); setLost(false); });
      es.addEventListener("error", () => {
        setLost(true);
        // A connecting stream retries by itself. A closed one was refused:
        // the session ended (logout elsewhere, expiry, a replaced token).
        // Say so, and keep trying: signing in again in another tab brings
        // this page back to life without a reload.
        if (es.readyState !== EventSource.CLOSED) return;
        es.close();
        const ctl = new AbortController();
        fetch(url, { redirect: "manual", credentials: "same-origin", signal: ctl.signal }).then(r => {
          ctl.abort();
          if (r.type === "opaqueredirect" || r.status === 401 || r.status === 403) {
            setLost(true, root.dataset.textSession);
          }
        }).catch(() => {}).finally(() => setTimeout(connect, 3000));
      });
    }
    // The server pings every 15 s: silence for 40 s means the link is gone
    // even if the browser has not noticed.
    setInterval(() => { if (Date.now() - lastSeen > 40000) setLost(true); }, 5000);
    connect();
  }

  // ---- Sortable tables ----------------------------------------------
  function number(s) {
    let t = s.replace(/[%\s]/g, "").split("/")[0].split("(")[0];
    t = lang === "en" ? t.replace(/,/g, "") : t.replace(/\./g, "").replace(",", ".");
    const n = parseFloat(t);
    return isNaN(n) ? -Infinity : n;
  }
  function sortable(table) {
    table.querySelectorAll("thead button[data-sort]").forEach((btn) => {
      btn.addEventListener("click", () => {
        const th = btn.closest("th");
        const col = Array.from(th.parentNode.children).indexOf(th);
        const asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(h => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const key = r => r.cells[col].textContent.trim();
        const cmp = btn.dataset.sort === "num"
          ? (a, b) => number(key(a)) - number(key(b))
          : (a, b) => key(a).localeCompare(key(b), lang);
        rows.sort((a, b) => asc ? cmp(a, b) : cmp(b, a));
        rows.forEach(r => body.appendChild(r));
      });
    });
  }

  // ---- Observer's sheet form ----------------------------------------
  const T = {
    tr: {
      required: "Bu alan boş bırakılamaz.",
      digits: "Yalnızca rakam yazın.",
      large: "1.000.000'dan büyük olamaz; yazım hatası olabilir.",
      validSum: (a, b, c, d) => "İtirazsız (" + f(a) + ") ve itirazlı (" + f(b) + ") geçerli oyların toplamı " + f(c) + ", ama geçerli oy toplamı " + f(d) + " yazılmış.",
      choices: (d) => "Geçerli oy toplamı partilerin toplamından " + f(Math.abs(d)) + (d > 0 ? " fazla." : " eksik."),
      voted: (g, v, d) => "Geçerli ve geçersiz oyların toplamı (" + f(g) + ") oy kullanan seçmen sayısından (" + f(v) + ") " + f(Math.abs(d)) + (d > 0 ? " fazla." : " eksik."),
      overReg: "Uyarı: oy kullanan seçmen kayıtlı seçmenden fazla (kanunen oy kullananlar olabilir); tutanağı kontrol edin.",
      pickBox: "Listeden bir sandık seçin.",
      sending: "Gönderiliyor…",
      retry: (s) => "Bağlantı yok; aynı kimlikle " + s + " sn sonra yeniden denenecek. Tutanak iki kez sayılmaz.",
      pending: "Gönderilmemiş bir tutanak bulundu; yeniden gönderiliyor.",
      ok: (seq, w) => "Alındı (kayıt #" + seq + ")." + (w ? " " + w : ""),
      replayed: (seq) => "Bu tutanak zaten alınmıştı (kayıt #" + seq + "); iki kez sayılmadı.",
      fix: "Tutanakta düzeltilmesi gereken yerler var.",
      refused: "Sunucu tutanağı reddetti: ",
      session: "Oturum sona erdi. Tutanak telefonda saklandı; yeniden giriş yapınca kendiliğinden gönderilecek.",
      login: "Giriş yap",
    },
    en: {
      required: "This field is required.",
      digits: "Digits only.",
      large: "Cannot be over 1,000,000; check for a typing error.",
      validSum: (a, b, c, d) => "Valid without objection (" + f(a) + ") + upon objection (" + f(b) + ") = " + f(c) + ", but total valid is " + f(d) + ".",
      choices: (d) => "Total valid is " + f(Math.abs(d)) + (d > 0 ? " more" : " fewer") + " than the votes per choice add up to.",
      voted: (g, v, d) => "Valid + invalid (" + f(g) + ") is " + f(Math.abs(d)) + (d > 0 ? " more" : " fewer") + " than voters who voted (" + f(v) + ").",
      overReg: "Warning: more voted than registered (officials vote by law at the box); check the sheet.",
      pickBox: "Pick a box from the list.",
      sending: "Sending…",
      retry: (s) => "No connection; retrying in " + s + " s with the same id. The sheet will not be counted twice.",
      pending: "An unsent sheet was found; sending it again.",
      ok: (seq, w) => "Received (record #" + seq + ")." + (w ? " " + w : ""),
      replayed: (seq) => "This sheet had already arrived (record #" + seq + "); not counted twice.",
      fix: "The sheet has fields to correct.",
      refused: "The server refused the sheet: ",
      session: "Your session ended. The sheet is kept on this phone and will be sent once you sign in again.",
      login: "Sign in",
    },
  }[lang];
  function f(n) { return n.toLocaleString(lang === "en" ? "en-GB" : "tr-TR"); }

  // uuidv7: a millisecond timestamp then random bits, so ids sort by time.
  function uuidv7() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    let ms = Date.now();
    for (let i = 5; i >= 0; i--) { b[i] = ms % 256; ms = Math.floor(ms / 256); }
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, x => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  const FIXED = ["registered", "voted_by_law", "voted", "valid_without_objection", "valid_upon_objection", "valid_total", "invalid_total"];
  const STORE = "sandik.pending";

  function sheetForm(form) {
    const races = JSON.parse(document.getElementById("races-data").textContent);
    const raceSel = form.querySelector("#race");
    const boxIn = form.querySelector("#box");
    const list = form.querySelector("#box-list");
    const votes = form.querySelector("#votes");
    const send = form.querySelector("#send");
    const formMsg = form.querySelector("#m-form");
    const receipt = form.querySelector("#receipt");
    let id = null;       // the client id of the sheet being typed, until acknowledged
    let capturedAt = null; // when typing of this sheet began: the time it was read
    let inFlight = false;
    let attempt = 0;
    let touched = {};

    // A user bound to some boxes is offered only the races those boxes
    // take part in; the server refuses the others anyway.
    for (const o of [...raceSel.options]) if (!races.some(r => r.code === o.value)) o.remove();
    function race() { return races.find(r => r.code === raceSel.value) || races[0]; }
    // showAssigned offers the user's own boxes of the race as big buttons
    // (a phone at the box has no keyboard to spare) and in the list.
    function showAssigned() {
      const pick = form.querySelector("#assigned");
      const hits = race().assigned;
      if (!hits) { pick.hidden = true; return; }
      const option = h => { const o = document.createElement("option"); o.value = h.code; o.label = h.label; o.textContent = h.label; return o; };
      list.replaceChildren(...hits.map(option));
      pick.replaceChildren(...hits.map(h => {
        const b = document.createElement("button");
        b.type = "button"; b.className = "pick"; b.dataset.box = h.code;
        b.textContent = h.label + " · " + h.code;
        b.addEventListener("click", () => {
          boxIn.value = h.code;
          document.getElementById("box-msg").textContent = h.label;
          form.querySelector("#f-registered").focus();
        });
        return b;
      }));
      pick.hidden = false;
      if (hits.length === 1 && !boxIn.value.trim()) boxIn.value = hits[0].code;
    }
    function layoutVotes() {
      showAssigned();
      votes.querySelectorAll(".field").forEach(n => n.remove());
      for (const c of race().choices) {
        const d = document.createElement("div");
        d.className = "field";
        const l = document.createElement("label");
        l.htmlFor = "v-" + c.code; l.textContent = c.name;
        const i = document.createElement("input");
        i.id = "v-" + c.code; i.name = "votes." + c.code; i.inputMode = "numeric"; i.pattern = "[0-9]*";
        i.autocomplete = "off"; i.required = true; i.setAttribute("aria-describedby", "m-votes." + c.code);
        const m = document.createElement("p");
        m.id = "m-votes." + c.code; m.className = "problem"; m.setAttribute("aria-live", "polite");
        d.append(l, i, m);
        votes.appendChild(d);
      }
    }
    function input(name) { return form.querySelector('[name="' + CSS.escape(name) + '"]'); }
    function msg(field, text) {
      const el = document.getElementById("m-" + field);
      const inp = input(field);
      if (el) el.textContent = text || "";
      if (inp) { if (text) inp.setAttribute("aria-invalid", "true"); else inp.removeAttribute("aria-invalid"); }
      return !text;
    }
    function value(name) {
      const v = input(name).value.trim();
      if (v === "") return null;
      if (!/^[0-9]+$/.test(v)) return NaN;
      return parseInt(v, 10);
    }
    // check mirrors sandik.Tutanak.Check: field by field, then the three
    // identities once every figure is there. all=true also flags empty
    // fields (on send); while typing only what is wrong so far.
    function check(all) {
      let ok = true;
      const vals = {};
      const names = FIXED.concat(race().choices.map(c => "votes." + c.code));
      for (const n of names) {
        const v = value(n);
        vals[n] = v;
        let m = "";
        if (v === null) { if (n !== "voted_by_law" && (all || touched[n])) m = T.required; }
        else if (isNaN(v)) m = T.digits;
        else if (v > 1000000) m = T.large;
        if (m) ok = false;
        msg(n, m);
      }
      msg("votes", "");
      if (!ok) return false;
      const g = n => vals[n] === null ? null : vals[n];
      const a = g("valid_without_objection"), b = g("valid_upon_objection"), vt = g("valid_total"), inv = g("invalid_total"), voted = g("voted"), reg = g("registered");
      if (a !== null && b !== null && vt !== null && a + b !== vt) { msg("valid_total", T.validSum(a, b, a + b, vt)); ok = false; }
      const cv = race().choices.map(c => vals["votes." + c.code]);
      if (vt !== null && cv.every(x => x !== null)) {
        const sum = cv.reduce((x, y) => x + y, 0);
        if (sum !== vt) { msg("votes", T.choices(vt - sum)); ok = false; }
      }
      if (vt !== null && inv !== null && voted !== null && vt + inv !== voted) { msg("voted", T.voted(vt + inv, voted, vt + inv - voted)); ok = false; }
      else if (ok && reg !== null && voted !== null && voted > reg) { msg("voted", T.overReg); }
      return ok;
    }
    function body() {
      const b = { id: id, race: raceSel.value, box: boxIn.value.trim(), source: "observer", captured_at: capturedAt, votes: {} };
      for (const n of FIXED) { const v = value(n); if (v !== null) b[n] = v; }
      for (const c of race().choices) { const v = value("votes." + c.code); if (v !== null) b.votes[c.code] = v; }
      return b;
    }
    function fill(b) {
      raceSel.value = b.race; layoutVotes(); boxIn.value = b.box;
      for (const n of FIXED) if (b[n] !== undefined) input(n).value = b[n];
      for (const [k, v] of Object.entries(b.votes || {})) { const i = input("votes." + k); if (i) i.value = v; }
    }
    async function deliver(b) {
      inFlight = true; send.disabled = true;
      formMsg.textContent = ""; receipt.textContent = T.sending;
      let res;
      try {
        res = await fetch("/entry", { method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(b), credentials: "same-origin", redirect: "manual" });
      } catch (e) {
        res = null;
      }
      if (res === null || res.status >= 500 || res.status === 429 || res.status === 408) {
        // Not acknowledged: keep the sheet and its id, and try again.
        const wait = Math.min(30, 2 ** Math.min(attempt, 5));
        attempt++;
        receipt.textContent = T.retry(wait);
        setTimeout(() => deliver(b), wait * 1000);
        return;
      }
      if (res.status === 401 || res.type === "opaqueredirect") {
        // The session ended (a server restart forgets sessions). The sheet
        // stays on the phone with its id; sending resumes by itself once
        // the observer signs in again, here or in another tab.
        receipt.textContent = "";
        formMsg.replaceChildren(T.session + " ");
        const a = document.createElement("a");
        a.href = "/login?next=/entry"; a.target = "_blank"; a.textContent = T.login;
        formMsg.appendChild(a);
        setTimeout(() => deliver(b), 3000);
        return;
      }
      inFlight = false; send.disabled = false; attempt = 0;
      let data = null;
      try { data = await res.json(); } catch (e) { data = null; }
      if ((res.status === 200 || res.status === 201) && data && data.id === b.id) {
        localStorage.removeItem(STORE);
        receipt.textContent = data.replayed ? T.replayed(data.seq) : T.ok(data.seq, (data.warnings || []).join(", "));
        form.dataset.acked = data.id;
        id = null; // the next sheet gets a new id
        return;
      }
      data = data || {};
      // Refused (422 and the like): nothing was written, so the same id
      // may carry the corrected sheet.
      localStorage.removeItem(STORE);
      receipt.textContent = "";
      const err = data.error || {};
      formMsg.textContent = (err.problems && err.problems.length ? T.fix : T.refused + (err.message || res.status));
      for (const p of err.problems || []) {
        const field = p.field === "box" || p.field === "race" ? p.field : p.field;
        if (document.getElementById("m-" + field)) msg(field, p.message);
        else if (field === "box") document.getElementById("box-msg").textContent = p.message;
        else formMsg.textContent += " " + p.message;
      }
    }

    let timer = null;
    boxIn.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = boxIn.value.trim();
        if (q.length < 1) return;
        try {
          const res = await fetch("/entry/boxes?race=" + encodeURIComponent(raceSel.value) + "&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } });
          const data = await res.json();
          list.replaceChildren(...data.boxes.map(h => { const o = document.createElement("option"); o.value = h.code; o.label = h.label; o.textContent = h.label; return o; }));
          const exact = data.boxes.find(h => h.code === q);
          document.getElementById("box-msg").textContent = exact ? exact.label : "";
          form.querySelector("#box-help").textContent = exact ? "" : form.querySelector("#box-help").textContent;
        } catch (e) { /* offline: the code typed is sent as is */ }
      }, 200);
    });
    raceSel.addEventListener("change", () => { layoutVotes(); check(false); });
    form.addEventListener("input", (e) => {
      if (e.target.name) touched[e.target.name] = true;
      if (!id) { id = uuidv7(); capturedAt = new Date().toISOString(); }
      receipt.textContent = "";
      check(false);
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (inFlight) return;
      formMsg.textContent = "";
      if (!boxIn.value.trim()) { document.getElementById("box-msg").textContent = T.pickBox; boxIn.focus(); return; }
      if (!check(true)) {
        formMsg.textContent = T.fix;
        const bad = form.querySelector('[aria-invalid="true"]');
        if (bad) bad.focus();
        return;
      }
      if (!id) { id = uuidv7(); capturedAt = new Date().toISOString(); }
      const b = body();
      localStorage.setItem(STORE, JSON.stringify(b));
      deliver(b);
    });
    form.querySelector("#new-sheet").addEventListener("click", () => {
      if (inFlight) return;
      form.reset(); layoutVotes(); id = null; touched = {};
      form.querySelectorAll(".problem").forEach(p => p.textContent = "");
      receipt.textContent = ""; boxIn.focus();
    });

    layoutVotes();
    const saved = localStorage.getItem(STORE);
    if (saved) {
      try {
        const b = JSON.parse(saved);
        fill(b); id = b.id; capturedAt = b.captured_at; formMsg.textContent = T.pending; deliver(b);
      } catch (e) { localStorage.removeItem(STORE); }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-live]").forEach(live);
    document.querySelectorAll("table.sortable").forEach(sortable);
    const form = document.getElementById("sheet");
    if (form) sheetForm(form);
  });
})();

// ---- Maps and deadlines ---------------------------------------------
// A map is a picture: a pointer may follow a shape to its area, while the
// keyboard and screen readers use the table of areas below, each row a
// link. A deadline counts down without a reload.
(function () {
  const en = document.documentElement.lang === "en";
  function left(ms) {
    const neg = ms < 0;
    const sec = Math.floor(Math.abs(ms) / 1000), m = Math.floor(sec / 60), h = Math.floor(m / 60);
    let s;
    if (h >= 48) s = Math.floor(h / 24).toLocaleString(en ? "en-GB" : "tr-TR") + (en ? " days" : " gün");
    else s = h + (en ? " h " : " sa ") + (m % 60) + (en ? " min" : " dk");
    // The last two days count down by the second, ahead of the deadline.
    if (!neg && h < 48) s += " " + String(sec % 60).padStart(2, "0") + (en ? " s" : " sn");
    return neg ? s + (en ? " ago" : " önce") : s;
  }
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(el => {
      const at = Date.parse(el.dataset.deadline);
      if (!isNaN(at)) el.textContent = left(at - Date.now());
    });
  }
  document.addEventListener("click", e => {
    const s = e.target.closest && e.target.closest("svg.map [data-href]");
    if (s) location.href = s.getAttribute("data-href");
  });
  document.addEventListener("DOMContentLoaded", () => {
    if (document.querySelector("[data-deadline]")) { tick(); setInterval(tick, 1000); }
  });
})();
