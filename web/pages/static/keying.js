// The keying page: the next sheet without a reload, the photo beside the
// fields, the sheet's identities checked as it is typed. Texts come from
// the page (#keying-texts); the script holds none of its own.
(function () {
  "use strict";
  const root = document.getElementById("keying");
  if (!root) return;
  const TX = JSON.parse(document.getElementById("keying-texts").textContent);
  const lang = root.dataset.lang;
  const form = document.getElementById("keying-form");
  const img = document.getElementById("photo");
  const ext = document.getElementById("photo-ext"), extLink = document.getElementById("photo-link");
  const empty = document.getElementById("k-empty");
  const status = document.getElementById("k-status");
  const votes = document.getElementById("k-votes");
  const formMsg = document.getElementById("km-form");
  const FIXED = ["registered", "voted_by_law", "voted", "valid_without_objection", "valid_upon_objection", "valid_total", "invalid_total"];
  let task = null, busy = false, zoom = 1, turn = 0, light = 1, wait = null;

  function tx(key, ...args) { let i = 0; return (TX[key] || key).replace(/%s/g, () => args[i++]); }
  function f(n) { return n.toLocaleString(lang === "en" ? "en-GB" : "tr-TR"); }
  function moreLess(d) { return d > 0 ? tx("diff.more", f(d)) : tx("diff.less", f(-d)); }
  function view() { img.style.transform = "scale(" + zoom + ") rotate(" + turn + "deg)"; img.style.filter = "brightness(" + light + ")"; }
  document.querySelectorAll("#photo-box [data-act]").forEach(b => b.addEventListener("click", () => {
    switch (b.dataset.act) {
      case "zoom-in": zoom = Math.min(zoom * 1.25, 5); break;
      case "zoom-out": zoom = Math.max(zoom / 1.25, 0.5); break;
      case "rotate": turn = (turn + 90) % 360; break;
      case "brighter": light = Math.min(light + 0.2, 3); break;
      case "darker": light = Math.max(light - 0.2, 0.4); break;
    }
    view();
  }));
  function input(name) { return form.querySelector('[name="' + CSS.escape(name) + '"]'); }
  function setMsg(field, text) {
    const el = document.getElementById("km-" + field);
    if (el) el.textContent = text || "";
    const inps = field === "votes" ? Array.from(votes.querySelectorAll("input")) : [input(field)].filter(Boolean);
    for (const i of inps) { if (text) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid"); }
  }
  function value(name) {
    const v = input(name).value.trim();
    if (v === "") return null;
    if (!/^[0-9]+$/.test(v)) return NaN;
    return parseInt(v, 10);
  }
  // check mirrors the sheet's rules: each figure, then the three
  // identities once their figures are there.
  function check(all) {
    let ok = true;
    const vals = {};
    const names = FIXED.concat(task.choices.map(c => "votes." + c.code));
    setMsg("votes", "");
    for (const n of names) {
      const v = value(n);
      vals[n] = v;
      let m = "";
      if (v === null) { if (n !== "voted_by_law" && all) m = tx("rule.required"); }
      else if (isNaN(v)) m = tx("form.digits");
      else if (v > 1000000) m = tx("rule.too_large", f(1000000));
      if (m) ok = false;
      if (!n.startsWith("votes.")) setMsg(n, m); else if (m) setMsg("votes", m);
    }
    if (!ok) return false;
    const a = vals.valid_without_objection, b = vals.valid_upon_objection, vt = vals.valid_total, inv = vals.invalid_total, voted = vals.voted;
    if (a !== null && b !== null && vt !== null && a + b !== vt) { setMsg("valid_total", tx("rule.valid_sum", f(a + b), f(vt), moreLess(vt - a - b))); ok = false; }
    const cv = task.choices.map(c => vals["votes." + c.code]);
    if (vt !== null && cv.every(x => x !== null)) {
      const sum = cv.reduce((x, y) => x + y, 0);
      if (sum !== vt) { setMsg("votes", tx("rule.choices_sum", moreLess(vt - sum))); ok = false; }
    }
    if (vt !== null && inv !== null && voted !== null && vt + inv !== voted) { setMsg("voted", tx("rule.voted_sum", f(vt + inv), f(voted), moreLess(vt + inv - voted))); ok = false; }
    return ok;
  }
  function draw(t) {
    task = t;
    zoom = 1; turn = 0; light = 1; view();
    // A photo kept on an observer network's server is a link out, never
    // loaded into the page; the server checked it is http(s).
    const far = typeof t.photo_url === "string" && /^https?:\/\//i.test(t.photo_url);
    if (far) { img.removeAttribute("src"); extLink.href = t.photo_url; extLink.textContent = t.photo_url; }
    else { img.src = "/api/v1/photos/" + t.sha256; extLink.removeAttribute("href"); extLink.textContent = ""; }
    ext.hidden = !far;
    img.alt = tx("keying.photo_alt", t.box_name || t.box);
    document.getElementById("k-box").textContent = tx("keying.box", t.box_name || t.box, t.box);
    votes.querySelectorAll(".field").forEach(n => n.remove());
    for (const c of t.choices) {
      const d = document.createElement("div");
      d.className = "field";
      const l = document.createElement("label");
      l.htmlFor = "kv-" + c.code; l.textContent = c.name;
      const i = document.createElement("input");
      i.id = "kv-" + c.code; i.name = "votes." + c.code; i.inputMode = "numeric"; i.pattern = "[0-9]*";
      i.autocomplete = "off"; i.required = true; i.setAttribute("aria-describedby", "km-votes");
      d.append(l, i);
      votes.appendChild(d);
    }
    for (const n of FIXED) { input(n).value = ""; setMsg(n, ""); }
    setMsg("votes", ""); formMsg.textContent = "";
    img.hidden = far;
    empty.hidden = true; root.hidden = false;
    form.dataset.box = t.box;
    form.classList.remove("waiting");
    input("registered").focus();
  }
  async function next() {
    clearTimeout(wait);
    status.textContent = tx("keying.loading");
    let r;
    try { r = await fetch("/api/v1/keying/next", { headers: { Accept: "application/json" }, credentials: "same-origin" }); }
    catch (e) { wait = setTimeout(next, 5000); return; }
    if (r.status === 204) {
      form.classList.add("waiting"); form.dataset.box = ""; task = null; img.hidden = true; img.removeAttribute("src"); ext.hidden = true;
      root.hidden = true; empty.hidden = false; status.textContent = "";
      wait = setTimeout(next, 15000); return;
    }
    if (r.status === 401) { status.textContent = tx("form.session"); return; }
    if (!r.ok) { status.textContent = tx("form.refused"); wait = setTimeout(next, 15000); return; }
    const t = await r.json();
    status.textContent = "";
    draw(t);
  }
  async function post(path, body) {
    return fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) });
  }
  form.addEventListener("input", () => { if (task) check(false); });
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    if (!task || busy) return;
    if (!check(true)) { const bad = form.querySelector('[aria-invalid="true"]'); if (bad) bad.focus(); return; }
    const b = { votes: {} };
    for (const n of FIXED) { const v = value(n); if (v !== null) b[n] = v; }
    for (const c of task.choices) b.votes[c.code] = value("votes." + c.code);
    busy = true; formMsg.textContent = tx("form.sending");
    try {
      const r = await post("/api/v1/keying/" + encodeURIComponent(task.id), b);
      const a = await r.json().catch(() => ({}));
      if (r.ok) { formMsg.textContent = ""; await next(); status.textContent = tx("keying.sent", a.seq); return; }
      formMsg.textContent = (a.error && a.error.message) || tx("form.refused");
      for (const p of (a.error && a.error.problems) || []) setMsg(p.field.startsWith("votes") ? "votes" : p.field, p.message);
    } catch (e) { formMsg.textContent = tx("form.refused"); }
    finally { busy = false; }
  });
  form.querySelectorAll("[data-reason]").forEach(btn => btn.addEventListener("click", async () => {
    if (!task || busy) return;
    busy = true;
    try {
      const r = await post("/api/v1/keying/" + encodeURIComponent(task.id) + "/report", { reason: btn.dataset.reason });
      if (r.ok) { await next(); if (!task) return; status.textContent = tx("keying.reported"); }
      else formMsg.textContent = tx("form.refused");
    } finally { busy = false; }
  }));
  next();
})();
