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
      if (p.sig && root.dataset.reload && p.sig !== root.dataset.sig) {
        // A projector has no one to click: it redraws itself when a
        // question is opened, closed or revealed.
        location.reload();
        return;
      }
      if (p.sig && root.dataset.sig) {
        // The notice goes away by itself when the list is as drawn again
        // (a box came and went), not only on a reload.
        const c = root.querySelector(".changed");
        if (c) c.hidden = p.sig === root.dataset.sig;
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
  // Its texts come from the page (the server's one catalogue), in the
  // page's language; tx fills each %s (or %[n]s) with the next argument.
  let TX = {};
  function tx(key, ...args) {
    let i = 0;
    return (TX[key] || key).replace(/%(?:\[(\d+)\])?s/g, (_, n) => String(n ? args[n - 1] : args[i++]));
  }
  function f(n) { return n.toLocaleString(lang === "en" ? "en-GB" : "tr-TR"); }
  function moreLess(d) { return d > 0 ? tx("diff.more", f(d)) : tx("diff.less", f(-d)); }
  // fold reads a name as the server's search does (sandik.FoldRune): lower
  // case, Turkish letters as their plain ones, so "avcilar" finds Avcılar.
  const FOLD = { "İ": "i", "I": "i", "ı": "i", "Î": "i", "î": "i", "Ç": "c", "ç": "c", "Ğ": "g", "ğ": "g", "Ö": "o", "ö": "o",
    "Ş": "s", "ş": "s", "Ü": "u", "ü": "u", "Û": "u", "û": "u", "Â": "a", "â": "a" };
  function fold(s) { return Array.from(s, c => FOLD[c] || (c >= "A" && c <= "Z" ? c.toLowerCase() : c)).join(""); }
  function matches(q, text) {
    const hay = fold(text);
    return fold(q).split(/\s+/).filter(Boolean).every(w => hay.includes(w));
  }

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
  const STORE = "sandik.pending"; // where an older version kept its one unsent sheet
  // USED says this phone has kept something in the outbox: a form opened
  // on a phone that never has opens IndexedDB only ten seconds later.
  const USED = "sandik.outbox";

  // ---- The phone's outbox -------------------------------------------
  // Sheets and photos the centre has not acknowledged wait in IndexedDB,
  // which outlives the tab and the browser (docs/offline.md). Where it is
  // missing or full, they wait in memory while the page is open.
  const outboxDB = (function () {
    const mem = { sheets: new Map(), photos: new Map() };
    const keyOf = (s, v) => s === "sheets" ? v.id : v.key;
    let open = null;
    function db() {
      if (!open) {
        open = new Promise((ok, fail) => {
          const r = indexedDB.open("sandik-outbox", 1);
          r.onupgradeneeded = () => {
            r.result.createObjectStore("sheets", { keyPath: "id" });
            r.result.createObjectStore("photos", { keyPath: "key" });
          };
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        }).catch(() => null);
      }
      return open;
    }
    // write runs fn(put, del) in one transaction over both stores: a sheet
    // and its photos are kept together or not at all.
    async function write(fn) {
      try { localStorage.setItem(USED, "1"); } catch (e) { /* private mode: the load sends anyway */ }
      const d = window.indexedDB ? await db() : null;
      const inMemory = () => fn((s, v) => mem[s].set(keyOf(s, v), v), (s, k) => mem[s].delete(k));
      if (!d) { inMemory(); return; }
      try {
        const t = d.transaction(["sheets", "photos"], "readwrite");
        fn((s, v) => t.objectStore(s).put(v), (s, k) => t.objectStore(s).delete(k));
        await new Promise((ok, fail) => { t.oncomplete = ok; t.onerror = t.onabort = () => fail(t.error); });
      } catch (e) { inMemory(); }
    }
    async function all(s) {
      const d = window.indexedDB ? await db() : null;
      let rows = [];
      if (d) {
        rows = await new Promise((ok) => {
          const r = d.transaction(s).objectStore(s).getAll();
          r.onsuccess = () => ok(r.result); r.onerror = () => ok([]);
        });
      }
      const seen = new Set(rows.map(v => keyOf(s, v)));
      return rows.concat([...mem[s].values()].filter(v => !seen.has(keyOf(s, v))));
    }
    return { write, all };
  })();

  function sheetForm(form) {
    const races = JSON.parse(document.getElementById("races-data").textContent);
    TX = JSON.parse(document.getElementById("form-texts").textContent);
    const raceSel = form.querySelector("#race");
    const boxIn = form.querySelector("#box");
    const list = form.querySelector("#box-list");
    const boxMsg = form.querySelector("#box-msg");
    const hitsEl = form.querySelector("#hits");
    const sentEl = form.querySelector("#sent");
    const votes = form.querySelector("#votes");
    const send = form.querySelector("#send");
    const formMsg = form.querySelector("#m-form");
    const receipt = form.querySelector("#receipt");
    const proof = form.querySelector("#proof");
    const proofSave = form.querySelector("#proof-save");
    let id = null;       // the client id of the sheet being typed, until acknowledged
    let capturedAt = null; // when typing of this sheet began: the time it was read
    let inFlight = false;
    let attempt = 0;
    let touched = {};
    let regAck = "";     // "box/registered" the observer confirmed against the voter list
    let regWarned = "";  // the same, as last refused on send
    const known = {};    // box code → {label, registered}, from the page and the search

    for (const r of races) for (const h of r.assigned || []) known[h.code] = h;
    // A user bound to some boxes is offered only the races those boxes
    // take part in; the server refuses the others anyway.
    for (const o of [...raceSel.options]) if (!races.some(r => r.code === o.value)) o.remove();
    function race() { return races.find(r => r.code === raceSel.value) || races[0]; }
    function pickButton(h) {
      const b = document.createElement("button");
      b.type = "button"; b.className = "pick"; b.dataset.box = h.code;
      b.textContent = h.label + " · " + h.code;
      b.addEventListener("click", () => { choose(h.code); form.querySelector("#f-registered").focus(); });
      return b;
    }
    // choose takes a box: its name under the field, and which races of it
    // this observer has already sent.
    function choose(code) {
      boxIn.value = code;
      setMsg("box", "");
      boxMsg.textContent = known[code] ? known[code].label : "";
      showSent();
      check(false);
    }
    function showSent() {
      const code = boxIn.value.trim();
      const rows = races.filter(r => (r.assigned || []).some(h => h.code === code)).map(r => {
        const h = r.assigned.find(x => x.code === code);
        const li = document.createElement("li");
        li.className = h.sent ? "sent" : "notsent";
        li.textContent = h.sent ? tx("form.sent", r.name) : tx("form.notsent", r.name);
        return li;
      });
      sentEl.hidden = rows.length === 0;
      sentEl.querySelector("ul").replaceChildren(...rows);
    }
    // showAssigned offers the user's own boxes of the race as big buttons
    // (a phone at the box has no keyboard to spare) and in the list.
    function showAssigned() {
      const pick = form.querySelector("#assigned");
      const hits = race().assigned;
      if (!hits) { pick.hidden = true; return; }
      const option = h => { const o = document.createElement("option"); o.value = h.code; o.label = h.label; o.textContent = h.label; return o; };
      list.replaceChildren(...hits.map(option));
      pick.replaceChildren(...hits.map(pickButton));
      pick.hidden = false;
      // The page drew the one box chosen already; choosing it again draws
      // the same, so nothing moves.
      if (hits.length === 1 && (!boxIn.value.trim() || boxIn.value.trim() === hits[0].code)) choose(hits[0].code);
    }
    function layoutVotes() {
      votes.querySelectorAll(".field").forEach(n => n.remove());
      for (const c of race().choices) {
        const d = document.createElement("div");
        d.className = "field";
        const l = document.createElement("label");
        l.htmlFor = "v-" + c.code; l.textContent = c.name;
        const i = document.createElement("input");
        i.id = "v-" + c.code; i.name = "votes." + c.code; i.inputMode = "numeric"; i.pattern = "[0-9]*";
        i.autocomplete = "off"; i.required = true; i.setAttribute("aria-describedby", "m-votes." + c.code + " m-votes");
        const m = document.createElement("p");
        m.id = "m-votes." + c.code; m.className = "problem"; m.setAttribute("aria-live", "polite");
        d.append(l, i, m);
        votes.appendChild(d);
      }
      showAssigned();
    }
    function input(name) { return form.querySelector('[name="' + CSS.escape(name) + '"]'); }
    // setMsg writes a field's problem under it and marks the field invalid,
    // or clears both. The sum of the votes belongs to every vote field.
    function setMsg(field, text) {
      const el = field === "box" ? boxMsg : document.getElementById("m-" + field);
      if (el) el.textContent = text || "";
      const inps = field === "votes" ? Array.from(votes.querySelectorAll("input")) : [input(field)].filter(Boolean);
      for (const inp of inps) {
        if (text) inp.setAttribute("aria-invalid", "true");
        else if (field !== "votes" || !document.getElementById("m-" + inp.name).textContent) inp.removeAttribute("aria-invalid");
      }
      return !text;
    }
    function value(name) {
      const v = input(name).value.trim();
      if (v === "") return null;
      if (!/^[0-9]+$/.test(v)) return NaN;
      return parseInt(v, 10);
    }
    // check mirrors sandik.Tutanak.Check: field by field, then the three
    // identities once every figure is there, then the voter list. all=true
    // also flags empty fields (on send); while typing only what is wrong so
    // far.
    function check(all) {
      let ok = true;
      const vals = {};
      const names = FIXED.concat(race().choices.map(c => "votes." + c.code));
      setMsg("votes", "");
      for (const n of names) {
        const v = value(n);
        vals[n] = v;
        let m = "";
        if (v === null) { if (n !== "voted_by_law" && (all || touched[n])) m = tx("rule.required"); }
        else if (isNaN(v)) m = tx("form.digits");
        else if (v > 1000000) m = tx("rule.too_large", f(1000000));
        if (m) ok = false;
        setMsg(n, m);
      }
      if (!ok) return false;
      const g = n => vals[n];
      const a = g("valid_without_objection"), b = g("valid_upon_objection"), vt = g("valid_total"), inv = g("invalid_total"), voted = g("voted"), reg = g("registered");
      if (a !== null && b !== null && vt !== null && a + b !== vt) { setMsg("valid_total", tx("rule.valid_sum", f(a + b), f(vt), moreLess(vt - a - b))); ok = false; }
      const cv = race().choices.map(c => vals["votes." + c.code]);
      if (vt !== null && cv.every(x => x !== null)) {
        const sum = cv.reduce((x, y) => x + y, 0);
        if (sum !== vt) { setMsg("votes", tx("rule.choices_sum", moreLess(vt - sum))); ok = false; }
      }
      if (vt !== null && inv !== null && voted !== null && vt + inv !== voted) { setMsg("voted", tx("rule.voted_sum", f(vt + inv), f(voted), moreLess(vt + inv - voted))); ok = false; }
      else if (ok && reg !== null && voted !== null && voted > reg) { setMsg("voted", tx("form.over_reg")); input("voted").removeAttribute("aria-invalid"); }
      // The page holds the voter list's figure of each box it knows: a
      // different one is a typing error more often than not. The observer
      // may confirm it by sending again (the sheet is what counts).
      const box = known[boxIn.value.trim()];
      const key = boxIn.value.trim() + "/" + reg;
      if (box && reg !== null && box.registered > 0 && reg !== box.registered && regAck !== key) {
        setMsg("registered", tx("form.reg_list", f(box.registered), f(reg)));
        if (all) regWarned = key;
        ok = false;
      }
      return ok;
    }
    // focusFirst puts the cursor in the first field marked wrong, in the
    // order of the paper, so a keyboard or screen reader lands on it.
    function focusFirst() {
      const bad = form.querySelector('[aria-invalid="true"]');
      if (bad) bad.focus();
      return bad;
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
    // ---- Sending, through the outbox --------------------------------
    // Every sheet sent is first kept in the outbox with its id, then
    // posted; it stays there until the centre acknowledges it, and is
    // posted again, with the same id, on every occasion: the page opened,
    // the connection back, a timer. The centre counts an id once.
    const me = form.dataset.user || "";
    const photoIn = form.querySelector("#photos");
    const photoMsg = form.querySelector("#m-photos");
    const outbox = document.getElementById("outbox");
    const outMsg = document.getElementById("outbox-msg");
    const MAX_PHOTOS = 5, MAX_PHOTO_MB = 10;
    const KEEP_ACKED = 72 * 3600 * 1000; // an acknowledged sheet is shown this long
    let flushing = false, again = false, retryTimer = null;
    function clock(ms) {
      return new Date(ms).toLocaleTimeString(lang === "en" ? "en-GB" : "tr-TR", { timeZone: "Europe/Istanbul", hour: "2-digit", minute: "2-digit" });
    }
    function checkPhotos() {
      const files = Array.from(photoIn.files || []);
      let m = files.length > MAX_PHOTOS ? tx("form.photo.many", MAX_PHOTOS) : "";
      for (const p of files) {
        if (m) break;
        if (p.type !== "image/jpeg" && p.type !== "image/png") m = tx("form.photo.type", p.name);
        else if (p.size > MAX_PHOTO_MB * 1048576) m = tx("form.photo.size", MAX_PHOTO_MB, p.name);
      }
      photoMsg.textContent = m;
      if (m) photoIn.setAttribute("aria-invalid", "true"); else photoIn.removeAttribute("aria-invalid");
      return !m;
    }
    photoIn.addEventListener("change", checkPhotos);
    function problemsOf(data, status) {
      const err = (data && data.error) || {};
      return { message: err.message || String(status), problems: err.problems || [] };
    }
    function showRefusal(err) {
      receipt.textContent = "";
      formMsg.textContent = err.problems.length ? tx("form.fix") : tx("form.refused", err.message);
      for (const p of err.problems) {
        if (p.field === "box" || document.getElementById("m-" + p.field)) setMsg(p.field, p.message);
        else formMsg.textContent += " " + p.message;
      }
      focusFirst();
    }
    function showReceipt(data) {
      const warns = (data.warnings || []).map(w => tx("warning." + w)).join(", ");
      receipt.textContent = data.replayed ? tx("form.replayed", data.seq) : warns ? tx("form.ok.warn", data.seq, warns) : tx("form.ok", data.seq);
      form.dataset.acked = data.id;
      // The ledger's receipt, for the observer to keep: it proves the
      // sheet is in the log, and /makbuz checks it later.
      if (proof && data.receipt) {
        if (proofSave.href.startsWith("blob:")) URL.revokeObjectURL(proofSave.href);
        proofSave.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 1)], { type: "application/json" }));
        proofSave.download = "makbuz-" + data.id + ".json";
        proof.hidden = false;
      }
    }
    // sendSheet posts one kept sheet: "ok", "refused" (nothing was
    // written; the same id may carry the corrected sheet), "retry" (not
    // acknowledged) or "session" (sign in again; the sheet waits).
    async function sendSheet(s) {
      // The form may have moved on to another sheet while this one waited:
      // only the sheet in the form speaks in the form.
      const mine = () => s.id === id;
      if (mine()) { formMsg.textContent = ""; receipt.textContent = tx("form.sending"); if (proof) proof.hidden = true; }
      let res = null;
      try {
        res = await fetch("/entry", { method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(s.body), credentials: "same-origin", redirect: "manual" });
      } catch (e) { res = null; }
      if (res === null || res.status >= 500 || res.status === 429 || res.status === 408) return "retry";
      if (res.status === 401 || res.type === "opaqueredirect") return "session";
      let data = null;
      try { data = await res.json(); } catch (e) { data = null; }
      if ((res.status === 200 || res.status === 201) && data && data.id === s.id) {
        s.state = "acked"; s.ack = { seq: data.seq, at: Date.now(), replayed: !!data.replayed };
        await outboxDB.write(put => put("sheets", s));
        const r = races.find(x => x.code === s.body.race);
        const h = r && (r.assigned || []).find(x => x.code === s.body.box);
        if (h) { h.sent = data.seq; showSent(); }
        if (mine()) { showReceipt(data); id = null; inFlight = false; send.disabled = false; } // the next sheet gets a new id
        return "ok";
      }
      s.state = "refused"; s.error = problemsOf(data, res.status);
      await outboxDB.write(put => put("sheets", s));
      if (mine()) { inFlight = false; send.disabled = false; showRefusal(s.error); }
      return "refused";
    }
    // sendPhoto posts one kept photo: "ok", "refused", "retry", or "later"
    // (the centre takes no photo from this form now: it waits for the next
    // page load or connection).
    async function sendPhoto(p) {
      const url = form.dataset.photos.replace("{race}", encodeURIComponent(p.race)).replace("{box}", encodeURIComponent(p.box));
      let res = null;
      try {
        res = await fetch(url, { method: "POST", headers: { "Content-Type": p.type, "Accept": "application/json" }, body: p.blob, credentials: "same-origin", redirect: "manual" });
      } catch (e) { res = null; }
      if (res === null || (res.status >= 500 && res.status !== 501) || res.status === 429 || res.status === 408) return "retry";
      let data = null;
      try { data = await res.json(); } catch (e) { data = null; }
      if (res.status === 200 || res.status === 201) p.state = "acked";
      else if (res.status === 413 || res.status === 415 || res.status === 422) { p.state = "refused"; p.error = problemsOf(data, res.status).message; }
      else return "later";
      p.sha256 = (data && data.sha256) || ""; p.blob = null; // sent or refused: the bytes leave the phone's storage
      await outboxDB.write(put => put("photos", p));
      return p.state === "acked" ? "ok" : "refused";
    }
    // flush sends what waits, oldest first, one request at a time.
    async function flush() {
      if (flushing) { again = true; return; }
      flushing = true; clearTimeout(retryTimer);
      let wait = "";
      try {
        const sheets = (await outboxDB.all("sheets")).filter(s => s.user === me && s.state === "waiting").sort((a, b) => a.saved - b.saved);
        for (const s of sheets) {
          wait = await sendSheet(s);
          if (wait === "retry" || wait === "session") break;
          wait = "";
        }
        if (!wait) {
          for (const p of (await outboxDB.all("photos")).filter(p => p.user === me && p.state === "waiting")) {
            if (await sendPhoto(p) === "retry") { wait = "retry"; break; }
          }
        }
      } catch (e) { wait = "retry"; }
      flushing = false;
      await showOutbox();
      outMsg.textContent = wait === "session" ? tx("outbox.session") : "";
      if (wait) {
        const secs = wait === "session" ? 3 : Math.min(30, 2 ** Math.min(attempt, 5));
        attempt++;
        retryTimer = setTimeout(flush, secs * 1000);
        if (id && (await outboxDB.all("sheets")).some(s => s.id === id && s.state === "waiting")) {
          if (wait === "session") {
            // The session ended (a server restart used to forget them).
            // The sheet stays on the phone with its id; sending resumes by
            // itself once the observer signs in again, here or elsewhere.
            receipt.textContent = "";
            formMsg.replaceChildren(tx("form.session") + " ");
            const a = document.createElement("a");
            a.href = "/login?next=/entry"; a.target = "_blank"; a.textContent = tx("login");
            formMsg.appendChild(a);
          } else {
            receipt.textContent = navigator.onLine === false ? tx("form.offline") : tx("form.retry", secs);
          }
        }
      } else attempt = 0;
      if (again) { again = false; flush(); }
    }
    // showOutbox lists this user's kept sheets, newest first, each with
    // what became of it and of its photos.
    async function showOutbox() {
      const sheets = (await outboxDB.all("sheets")).filter(s => s.user === me).sort((a, b) => b.saved - a.saved);
      const photos = (await outboxDB.all("photos")).filter(p => p.user === me);
      const rows = sheets.map(s => {
        const li = document.createElement("li");
        li.dataset.id = s.id; li.dataset.state = s.state; li.className = s.state;
        const r = races.find(x => x.code === s.body.race);
        const rn = r ? r.name : s.body.race;
        const bx = known[s.body.box] ? known[s.body.box].label + " · " + s.body.box : s.body.box;
        if (s.state === "acked") li.append(tx(s.ack.replayed ? "outbox.replayed" : "outbox.acked", rn, bx, s.ack.seq, clock(s.ack.at)));
        else if (s.state === "refused") li.append(tx("outbox.refused", rn, bx, s.error.message));
        else li.append(tx("outbox.waiting", rn, bx));
        const ps = photos.filter(p => p.sheet === s.id);
        for (const [st, key] of [["waiting", "outbox.photos.waiting"], ["acked", "outbox.photos.sent"], ["refused", "outbox.photos.refused"]]) {
          const these = ps.filter(p => p.state === st);
          if (!these.length) continue;
          const sp = document.createElement("span");
          sp.className = "photos"; sp.dataset.state = st;
          sp.textContent = " · " + tx(key, these.length, these[0].error || "");
          li.append(sp);
        }
        if (s.state === "refused") {
          const b = document.createElement("button");
          b.type = "button"; b.textContent = tx("outbox.open");
          b.addEventListener("click", () => {
            fill(s.body); id = s.id; capturedAt = s.body.captured_at;
            boxMsg.textContent = known[s.body.box] ? known[s.body.box].label : "";
            showRefusal(s.error);
          });
          li.append(" ", b);
        }
        return li;
      });
      outbox.querySelector("ul").replaceChildren(...rows);
      outbox.hidden = rows.length === 0;
      document.getElementById("outbox-clear").hidden = !sheets.some(s => s.state !== "waiting");
    }
    // forget removes this user's sheets that match, with their photos.
    async function forget(match) {
      const gone = new Set((await outboxDB.all("sheets")).filter(s => s.user === me && match(s)).map(s => s.id));
      if (!gone.size) return;
      const photos = (await outboxDB.all("photos")).filter(p => gone.has(p.sheet));
      await outboxDB.write((put, del) => { for (const k of gone) del("sheets", k); for (const p of photos) del("photos", p.key); });
    }
    document.getElementById("outbox-clear").addEventListener("click", async () => {
      await forget(s => s.state !== "waiting");
      showOutbox();
    });

    let timer = null;
    boxIn.addEventListener("input", () => {
      setMsg("box", "");
      clearTimeout(timer);
      const q = boxIn.value.trim();
      // Own boxes are filtered here, the Turkish letters folded.
      form.querySelectorAll("#assigned .pick").forEach(b => { b.hidden = q !== "" && !matches(q, b.textContent); });
      boxMsg.textContent = known[q] ? known[q].label : "";
      showSent();
      timer = setTimeout(async () => {
        if (q.length < 1) { hitsEl.replaceChildren(); hitsEl.hidden = true; return; }
        try {
          const res = await fetch("/entry/boxes?race=" + encodeURIComponent(raceSel.value) + "&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } });
          const data = await res.json();
          if (boxIn.value.trim() !== q) return; // typed on since: a newer search answers
          for (const h of data.boxes) known[h.code] = known[h.code] || h;
          list.replaceChildren(...data.boxes.map(h => { const o = document.createElement("option"); o.value = h.code; o.label = h.label; o.textContent = h.label; return o; }));
          // The browser's own list matches letters exactly; the answers
          // are shown as buttons too, so a folded match is seen.
          const exact = data.boxes.find(h => h.code === q);
          // The user's own boxes already have their buttons, filtered above.
          const own = new Set((race().assigned || []).map(h => h.code));
          hitsEl.replaceChildren(...(exact ? [] : data.boxes.filter(h => !own.has(h.code)).map(pickButton)));
          if (!exact && data.boxes.length === 0) { const p = document.createElement("p"); p.className = "help"; p.textContent = tx("form.nohit"); hitsEl.append(p); }
          hitsEl.hidden = !!exact;
          // An answer that comes late must not wipe what a refusal said
          // of the box meanwhile.
          if (boxIn.getAttribute("aria-invalid") !== "true") boxMsg.textContent = exact ? exact.label : "";
        } catch (e) { /* offline: the code typed is sent as is */ }
      }, 200);
    });
    raceSel.addEventListener("change", () => { layoutVotes(); showSent(); check(false); });
    form.addEventListener("input", (e) => {
      if (e.target.name) touched[e.target.name] = true;
      if (!id) { id = uuidv7(); capturedAt = new Date().toISOString(); }
      receipt.textContent = "";
      // The error line goes once the sheet is right again.
      check(false);
      if (!form.querySelector('[aria-invalid="true"]')) formMsg.textContent = "";
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (inFlight) return;
      formMsg.textContent = "";
      if (!boxIn.value.trim()) { setMsg("box", tx("form.pick_box")); boxIn.focus(); return; }
      // A second send of the figure the voter list disagrees with confirms it.
      if (regWarned === boxIn.value.trim() + "/" + value("registered")) regAck = regWarned;
      const photosOK = checkPhotos();
      if (!check(true) || !photosOK) {
        formMsg.textContent = tx("form.fix");
        if (!focusFirst()) photoIn.focus();
        return;
      }
      if (!id) { id = uuidv7(); capturedAt = new Date().toISOString(); }
      const b = body();
      const files = Array.from(photoIn.files || []);
      const s = { id: b.id, user: me, body: b, state: "waiting", saved: Date.now() };
      const photos = files.map((p, i) => ({ key: b.id + "/" + i, sheet: b.id, user: me, race: b.race, box: b.box, type: p.type, blob: p, state: "waiting" }));
      inFlight = true; send.disabled = true;
      await outboxDB.write(put => { put("sheets", s); for (const p of photos) put("photos", p); });
      photoIn.value = "";
      attempt = 0;
      flush();
    });
    form.querySelector("#new-sheet").addEventListener("click", () => {
      // A sheet still waiting stays in the outbox and goes by itself.
      form.reset(); layoutVotes(); id = null; touched = {}; regAck = ""; inFlight = false; send.disabled = false;
      form.querySelectorAll(".problem").forEach(p => p.textContent = "");
      form.querySelectorAll('[aria-invalid="true"]').forEach(i => i.removeAttribute("aria-invalid"));
      hitsEl.replaceChildren(); hitsEl.hidden = true; showSent();
      receipt.textContent = ""; formMsg.textContent = ""; boxIn.focus();
    });

    layoutVotes();
    (async () => {
      // The one unsent sheet an older version kept joins the outbox.
      const saved = localStorage.getItem(STORE);
      if (saved) {
        try {
          const b = JSON.parse(saved);
          await outboxDB.write(put => put("sheets", { id: b.id, user: me, body: b, state: "waiting", saved: Date.now() }));
        } catch (e) { /* unreadable: nothing to send */ }
        localStorage.removeItem(STORE);
      }
      // A phone that never kept anything looks ten seconds after the page
      // opened, out of its way (the mark might be lost while IndexedDB is
      // not); one that did, at once.
      if (!localStorage.getItem(USED)) await new Promise(ok => setTimeout(ok, 10000));
      await forget(s => s.state === "acked" && Date.now() - s.ack.at > KEEP_ACKED);
      flush();
    })();
    window.addEventListener("online", () => { attempt = 0; flush(); });
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") flush(); });
    // The worker keeps the form and its assets for the next visit without
    // a connection; registered once the page has loaded, out of its way.
    if ("serviceWorker" in navigator && form.dataset.sw) {
      const register = () => { navigator.serviceWorker.register(form.dataset.sw, { scope: "/entry" }).catch(() => {}); };
      window.addEventListener("load", () => { if (window.requestIdleCallback) requestIdleCallback(register, { timeout: 3000 }); else setTimeout(register, 1000); });
    }
  }

  // Signing out forgets the form page the worker kept (docs/offline.md);
  // the sheets waiting to be sent stay.
  document.addEventListener("submit", (e) => {
    const f = e.target;
    if (f.getAttribute("action") !== "/logout" || !window.caches || f.dataset.cleared) return;
    e.preventDefault();
    f.dataset.cleared = "1";
    caches.delete("sandik-entry-v1").catch(() => {}).finally(() => f.submit());
  });
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

// ---- Wide tables, reachable by keyboard ---------------------------
// A table wider than the screen scrolls inside its .scroll box, which a
// keyboard can scroll only when the box takes focus: a box that scrolls
// becomes a focusable region named after its table's caption or the
// heading above it, and gives that up when it no longer scrolls (the
// window grew, a live update narrowed the table).
(function () {
  // A box is named after its table's caption or the nearest heading
  // above it; boxes that would share a name (two cards of boxes that bear
  // the same number in different districts) are numbered, so that each
  // region's name is its own.
  const used = new Map();
  function name(box) {
    let n = document.title;
    const cap = box.querySelector("caption");
    if (cap && cap.textContent.trim()) n = cap.textContent.trim();
    else {
      search: for (let el = box; el && el !== document.body; el = el.parentElement) {
        for (let s = el.previousElementSibling; s; s = s.previousElementSibling) {
          if (/^H[1-6]$/.test(s.tagName)) { n = s.textContent.trim().replace(/\s+/g, " "); break search; }
        }
      }
    }
    const k = (used.get(n) || 0) + 1;
    used.set(n, k);
    return k > 1 ? n + " (" + k + ")" : n;
  }
  // Every box is measured before any is changed: measuring one after
  // another was changed would lay the whole page out again each time
  // (fifty cases of the conflict queue cost a slow phone a third of a
  // second).
  function fit(boxes) {
    const scrolls = boxes.map((box) => box.scrollWidth > box.clientWidth + 1);
    boxes.forEach((box, i) => {
      if (scrolls[i] && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name(box));
        box.dataset.scrollFocus = "1";
      } else if (!scrolls[i] && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollFocus;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    const boxes = Array.from(document.querySelectorAll(".scroll"));
    fit(boxes);
    if (window.ResizeObserver) {
      // An observer reports every box once as it starts observing: those
      // were just measured above, and measuring them all again after the
      // changes would lay the page out a second time.
      let first = true;
      const ro = new ResizeObserver((entries) => {
        if (first) { first = false; return; }
        fit(Array.from(new Set(entries.map((e) => e.target.closest(".scroll") || e.target))));
      });
      boxes.forEach((b) => { ro.observe(b); if (b.firstElementChild) ro.observe(b.firstElementChild); });
    }
  });
})();
