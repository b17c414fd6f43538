/* sessionkit phone page. Plain JS, no build step, no network but the laptop.
 *
 * - Identity ({id, key}) lives in localStorage, per join token.
 * - Every submission gets a client-made id and waits in an outbox (also in
 *   localStorage) until the server acknowledges it; it is resent after a dropped
 *   connection, a reload or a sleep, and the server never records it twice.
 * - An EventSource says "changed"; the page then fetches its view. It reconnects by
 *   itself, and the page also refetches when it becomes visible or the phone is online.
 *   On an open board it says "delta" instead: the notes added and edited since the seq
 *   the view reflects, applied in place (a gap, or anything else, refetches).
 * - Participant text only ever goes into the page with textContent.
 */
"use strict";

(function () {
  // ------------------------------------------------------------ setup

  var match = location.pathname.match(/^(.*\/j\/([^/]+))\/?$/);
  var base = match ? match[1] : location.pathname.replace(/\/+$/, "");
  var token = match ? match[2] : "none";
  var prefix = "sessionkit:" + token + ":";
  var memory = {};

  function load(name, fallback) {
    try {
      var raw = window.localStorage.getItem(prefix + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return name in memory ? memory[name] : fallback;
    }
  }
  function save(name, value) {
    memory[name] = value;
    try { window.localStorage.setItem(prefix + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function forget(name) {
    delete memory[name];
    try { window.localStorage.removeItem(prefix + name); } catch (e) { /* private mode */ }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes); // randomUUID needs https; this does not
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] + 256).toString(16).slice(1);
    return out;
  }

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  // el() for the page's own (translated) strings; participant text always goes by el().
  function say(tag, className, text) {
    var node = el(tag, className);
    setText(node, text);
    return node;
  }
  function show(node, visible) { node.hidden = !visible; }

  // ------------------------------------------------------------ language

  // The page speaks English, Welsh or both (Welsh first). The run's language comes on
  // the <html> element; each phone may change it ("Change language", kept per phone).
  // Strings are looked up by their English text in the Welsh catalogue (inlined as
  // JSON): a missing entry shows the English, so the page never goes blank. Only the
  // page's own strings and the method's texts are looked up: participants' text is
  // never passed to t().
  var WELSH = {};
  try { WELSH = JSON.parse($("strings-cy").textContent || "{}"); } catch (e) { WELSH = {}; }
  var LANGS = ["en", "cy", "cy+en"];
  var runLanguage = document.documentElement.getAttribute("data-language") || "en";
  if (LANGS.indexOf(runLanguage) < 0) runLanguage = "en";
  var language = load("language", runLanguage);
  if (LANGS.indexOf(language) < 0) language = runLanguage;
  // Bilingual text travels as one string with invisible marks around each pair, so it
  // can be built like any other string; setText turns each pair into two spans, each
  // with its lang.
  var OPEN = "\u2063", MID = "\u2064", CLOSE = "\u2065";
  var MARKS = /[\u2063-\u2065]/g;
  var PAIR = /\u2063([^\u2063-\u2065]*)\u2064([^\u2063-\u2065]*)\u2065/g;

  function fill(text, vars) {
    return !vars ? text : text.replace(/\{(\w+)\}/g, function (all, name) {
      return name in vars ? String(vars[name]).replace(MARKS, "") : all;
    });
  }
  function both(welsh, english) {
    if (language === "cy") return welsh || english;
    if (language === "cy+en" && welsh && welsh !== english) return OPEN + welsh + MID + english + CLOSE;
    return english;
  }
  function t(key, vars) {
    return both(key in WELSH ? fill(WELSH[key], vars) : "", fill(key, vars));
  }
  // A method's own text (a title, prompt or label): its Welsh beside it in `cy`.
  function local(item, field) {
    if (!item) return "";
    return both(item.cy && item.cy[field] || "", item[field] || "");
  }
  // A method's list of texts (a rating's labels, a sort's buckets), each in the
  // language shown, with the English where its Welsh is missing.
  function localList(item, field) {
    var welsh = item && item.cy && item.cy[field] || [];
    return (item && item[field] || []).map(function (english, i) { return both(welsh[i] || "", english); });
  }
  // Participant text placed beside translated words: its invisible marks (if anyone
  // typed them) must not be read as language pairs.
  function raw(text) { return String(text).replace(MARKS, ""); }
  // For attributes and the tab title, which cannot hold two languages' spans.
  function plain(text) {
    return String(text).replace(PAIR, "$1 / $2").replace(MARKS, "");
  }
  function setText(node, text) {
    text = text === undefined || text === null ? "" : String(text);
    if (text.indexOf(OPEN) < 0) {
      if (node.textContent !== text || node.childElementCount) node.textContent = text;
      return;
    }
    clear(node);
    var at = 0;
    text.replace(PAIR, function (all, welsh, english, offset) {
      if (offset > at) node.appendChild(document.createTextNode(text.slice(at, offset).replace(MARKS, "")));
      var cy = el("span", null, welsh); cy.lang = "cy";
      var en = el("span", "other-language", english); en.lang = "en";
      node.appendChild(cy);
      node.appendChild(el("span", "language-divider", " / "));
      node.appendChild(en);
      at = offset + all.length;
      return all;
    });
    if (at < text.length) node.appendChild(document.createTextNode(text.slice(at).replace(MARKS, "")));
  }

  // The page's own HTML strings: each text node (and label attribute) as it was at
  // load, before any participant text was on the page, so only those are translated.
  var fixed = [];
  (function collectFixed(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var found = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      var key = node.data.trim();
      if (key && node.parentNode.tagName !== "SCRIPT" && node.parentNode.tagName !== "STYLE" &&
          !node.parentNode.closest("[data-no-translate]")) found.push(node);
    }
    found.forEach(function (node) {
      var holder = el("span");
      holder.className = "fixed-text";
      node.parentNode.replaceChild(holder, node);
      var data = node.data, trimmed = data.trim(), lead = data.slice(0, data.indexOf(trimmed));
      // The catalogue's key is the text with its line breaks (from wrapping) as spaces.
      fixed.push({ node: holder, key: trimmed.replace(/\s+/g, " "), lead: lead,
                   tail: data.slice(lead.length + trimmed.length) });
    });
    Array.prototype.forEach.call(root.querySelectorAll("[aria-label], [placeholder]"), function (node) {
      ["aria-label", "placeholder"].forEach(function (name) {
        if (node.hasAttribute(name)) fixed.push({ node: node, attr: name, key: node.getAttribute(name) });
      });
    });
  })(document.body);

  function translatePage() {
    var primary = language === "en" ? "en" : "cy";
    document.documentElement.lang = primary;
    fixed.forEach(function (item) {
      if (item.attr) {
        // A label the script has since changed is the script's to translate.
        if (item.node.getAttribute(item.attr) === item.shown || item.shown === undefined) {
          item.shown = plain(t(item.key));
          item.node.setAttribute(item.attr, item.shown);
        }
        return;
      }
      if (!item.node.isConnected) return;
      setText(item.node, item.lead + t(item.key) + item.tail);
    });
    var nav = $("lang-options");
    clear(nav);
    LANGS.forEach(function (code) {
      if (code === language || (code === "cy+en" && runLanguage !== "cy+en")) return;
      var names = { en: ["English", "en"], cy: ["Cymraeg", "cy"], "cy+en": ["Cymraeg a Saesneg / Welsh and English", "cy"] };
      var button = el("button", "link-button", names[code][0]);
      button.type = "button";
      button.lang = names[code][1];
      button.addEventListener("click", function () {
        language = code;
        save("language", code);
        composerFor = null; teamsFor = null;  // built once per step: build them again
        translatePage();
        if (!$("join-view").hidden) setText($("conn"), t("Not joined"));
        else setConn(currentConn());
        render();
        var first = $("lang-options").querySelector("button");
        if (first) first.focus();
      });
      nav.appendChild(button);
    });
  }

  // Who to talk to if worried about someone's safety: on every screen (the server puts
  // it in the page for the join screen; the state keeps it up to date), so an
  // anonymous writer has a path that does not need the facilitator to find them.
  function showCareLine(text) {
    var node = $("care-line");
    if (node.textContent !== text) node.textContent = text;
    show(node, !!text);
  }

  var me = load("me", null);          // {id, key, name}
  var outbox = load("outbox", []);    // [{cid, kind, method, path, body, step, ...}]
  var view = null;                    // {public, me} from GET state
  var lastSeq = -1;
  var stepKey = null;                 // step the composer is set up for
  var timer = { remaining: null, running: false, at: 0 };
  var source = null;                  // EventSource
  var watchdog = null;
  var reconnectDelay = 1000;
  var retryTimer = null;

  // ------------------------------------------------------------ messages

  var alertTimer = null;
  function showAlert(text, kind) {
    setText($("alert-text"), text);
    $("alert").className = "alert" + (kind === "info" ? " info" : "");
    show($("alert"), true);
    clearTimeout(alertTimer);
    if (kind === "info") alertTimer = setTimeout(hideAlert, 4000);
  }
  function hideAlert() { show($("alert"), false); }
  $("alert-close").addEventListener("click", hideAlert);

  function setConn(state) {
    var node = $("conn");
    var text, look;
    if (!me) {
      // Not in the session (yet, or any more): there is no connection to report, so no
      // "Reconnecting" under "You have left this session".
      state = shown === "removed" ? "left" : "none";
      text = state === "left" ? t("Left the session") : t("Not joined");
      look = "conn";
    } else {
      text = {
        live: t("Live"), connecting: t("Connecting…"), down: t("Reconnecting"), offline: t("Offline")
      }[state] || state;
      if (outbox.length) text += " · " + t("{n} unsent", { n: outbox.length });
      look = "conn " + (state === "live" ? "live" : "down");
    }
    setText(node, text);  // a status region: rewriting the same words repeats them aloud
    if (node.className !== look) node.className = look;
    node.dataset.state = state;
  }

  // Live regions are read out whenever their text is written, even unchanged: write only
  // what is new.
  // A change of state within a step (a vote opening, notes revealed, input paused) is
  // said once by the announcer; a new screen is said by moving focus to its heading.
  var announced = "";
  function announce(text) {
    if (!text || text === announced) return;
    announced = text;
    $("announce").textContent = plain(text);  // one language's words, then the other's
  }

  function focusHeading(node) {
    if (!node) return;
    if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
    node.focus({ preventScroll: false });
  }

  // ------------------------------------------------------------ the server

  // Only joining sends cookies: the server's device cookie (HttpOnly), which keeps a
  // removed phone from joining again by just forgetting its key.
  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (me && me.key) headers["X-Participant-Key"] = me.key;
    return fetch(base + "/api/" + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: path === "join" ? "same-origin" : "omit"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return {
          status: response.status, ok: response.ok, data: data || {},
          retryAfter: Number(response.headers.get("Retry-After")) || 0
        };
      });
    }, function () {
      return { network: true, status: 0, ok: false, data: {} };
    });
  }

  function authFailed(result) {
    var code = result.data && result.data.code;
    if (code === "removed") {
      stopStream();
      me = null; forget("me");
      outbox = []; save("outbox", outbox);
      showView("removed");
      return true;
    }
    if (result.status === 401 || code === "unknown_key") {
      stopStream();
      me = null; forget("me");
      outbox = []; save("outbox", outbox);
      showView("join");
      showAlert(t("This phone is not part of the running session any more. Please join again."));
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------ joining

  var joining = false;
  function join(name, second) {
    if (joining) return;
    joining = true;  // stops a second tap; the buttons stay enabled so focus stays on them
    var cid = load("join-cid", null);
    if (!cid) { cid = newId(); save("join-cid", cid); }
    var body = { name: name || null, client_id: cid };
    var asks = joinAsks();
    if (asks.role) body.role = asks.role;
    if (asks.table) body.table = asks.table;
    api("POST", "join", body).then(function (r) {
      joining = false;
      if (r.network) {
        showAlert(t("Could not reach the facilitator's computer. Check that this phone is on the same Wi-Fi, then try again."));
        return;
      }
      if (r.status === 409 && r.data.code === "rejoin" && !second) {
        forget("join-cid");
        join(name, true);
        return;
      }
      if (!r.ok) {
        showAlert(r.data.error ? t(r.data.error) : t("Could not join (error {status}).", { status: r.status }));
        return;
      }
      forget("join-cid");
      me = { id: r.data.participant, key: r.data.key, name: r.data.name || null };
      save("me", me);
      hideAlert();
      startSession();
    });
  }

  // What the plan asks people joining (its join_roles and tables, as data attributes of
  // the form): a role, with "Prefer not to say" always there, and a table number.
  (function setUpJoinAsks() {
    var form = $("join-form");
    var roles = [];
    try { roles = JSON.parse(form.getAttribute("data-roles") || "[]"); } catch (e) { roles = []; }
    if (roles.length) {
      var select = $("join-role");
      [""].concat(roles).forEach(function (role) {
        var option = document.createElement("option");
        option.value = role;
        setText(option, role || plain(t("Prefer not to say")));
        select.appendChild(option);
      });
      $("join-role-field").hidden = false;
    }
    var tables = parseInt(form.getAttribute("data-tables") || "", 10);
    if (tables > 0) {
      $("join-table").max = String(tables);
      $("join-table-field").hidden = false;
    }
  })();
  function joinAsks() {
    var out = { role: null, table: null };
    if (!$("join-role-field").hidden) out.role = $("join-role").value || null;
    var table = $("join-table").value.trim();
    if (!$("join-table-field").hidden && table) out.table = parseInt(table, 10) || null;
    return out;
  }

  $("join-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var name = $("name").value.trim();
    if (!name) { $("name").focus(); showAlert(t("Type a name, or choose “Join without a name”.")); return; }
    join(name);
  });
  $("join-anon").addEventListener("click", function () { join(null); });
  $("rejoin").addEventListener("click", function () {
    me = null; forget("me"); hideAlert(); showView("join");
  });

  // ------------------------------------------------------------ state

  var fetching = false, fetchAgain = false, fetchRetry = null;
  function refresh() {
    if (!me) return;
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    api("GET", "state").then(function (r) {
      fetching = false;
      if (r.network) { setConn("offline"); }
      else if (authFailed(r)) { return; }
      else if (r.status === 429) {
        clearTimeout(fetchRetry);
        fetchRetry = setTimeout(refresh, Math.max(1, r.retryAfter) * 1000);
      } else if (r.ok && r.data.public) {
        // A delta applied while this fetch was on its way may be newer than the view it
        // brings: show the view (it is whole), and fetch once more to catch up.
        if (view && r.data.me.seq < viewSeq && r.data.me.step === view.me.step) fetchAgain = true;
        view = r.data;
        viewSeq = view.me.seq;
        lastSeq = Math.max(lastSeq, view.me.seq);
        setTimer(view.me.timer);
        render();
      }
      if (fetchAgain) { fetchAgain = false; refresh(); }
    });
  }

  function applyMe(part) {
    if (!view || !part) return;
    if (part.step !== view.me.step) { refresh(); return; }
    view.me = part;
    setTimer(part.timer);
    render();
  }

  // A delta (web/deltas.py): the notes added and edited on the open board from seq
  // delta.from to delta.to, each as a full view shows it. Applied only where it follows
  // on from what this view shows; a gap (a delta this phone missed while its mailbox
  // held a newer one) or another kind of screen fetches the whole view instead.
  var viewSeq = -1;  // the seq the shared part on show reflects
  function applyDelta(delta) {
    var pub = view && view.public, input = pub && pub.input;
    if (!pub || !pub.notes || !input || input.grouped || delta.step !== view.me.step) {
      refresh();
      return;
    }
    if (viewSeq >= delta.to) return;  // fetched after this delta was built: already shown
    if (viewSeq < delta.from) { refresh(); return; }
    var at = {};
    pub.notes.forEach(function (note, i) { at[note.id] = i; });
    // An edit to a note older than the window on show changes nothing on show.
    delta.edited.forEach(function (note) { if (note.id in at) pub.notes[at[note.id]] = note; });
    delta.added.forEach(function (note) {
      if (note.id in at) { pub.notes[at[note.id]] = note; return; }
      at[note.id] = pub.notes.length;
      pub.notes.push(note);
    });
    if (pub.notes.length > delta.window) pub.notes.splice(0, pub.notes.length - delta.window);
    pub.notes_total = delta.total;
    viewSeq = delta.to;
    lastSeq = Math.max(lastSeq, delta.to);
    render();
  }

  // ------------------------------------------------------------ outbox

  function enqueue(item) {
    item.cid = newId();
    item.step = view ? view.me.step : null;
    outbox.push(item);
    save("outbox", outbox);
    render();
    flush();
  }

  var flushing = false;
  function flush() {
    if (flushing || !me || !outbox.length) { setConn(currentConn()); return; }
    flushing = true;
    clearTimeout(retryTimer);
    var item = outbox[0];
    if (item.kind === "note" && !item.sent && view) {
      // How many of this phone's notes say the same already: one more in a view fetched
      // before the answer is this one, arrived (see renderNotes).
      item.had = (view.me.notes || []).filter(function (n) { return sameNote(n, item.body); }).length;
    }
    item.sent = true;  // the server may have it from now on, though no answer says so yet
    var path = item.path;
    if (item.method === "DELETE") path += "?client_id=" + encodeURIComponent(item.cid);
    var body = item.body === undefined ? undefined : Object.assign({}, item.body, { client_id: item.cid });
    api(item.method, path, body).then(function (r) {
      flushing = false;
      if (r.network || r.status >= 500 || r.status === 429) {
        var wait = r.retryAfter ? r.retryAfter * 1000 : 3000;
        retryTimer = setTimeout(flush, wait);
        setConn(r.network ? "offline" : currentConn());
        render();
        return;
      }
      outbox.shift();
      save("outbox", outbox);
      if (r.ok) {
        if (item.kind === "status" || item.kind === "learning") markLoaded(item.body);
        applyMe(r.data.me);
        // The results so far are in the shared part: fetch them with this rating counted
        // (the server never answers this phone from a view built before it).
        if (item.kind === "rating") refresh();
      } else if (!authFailed(r)) {
        var said = { text: short(item.body && (item.body.text || item.body.what) || item.text) };
        var what = item.kind === "note" ? t("Your note “{text}” was not added: ", said) :
                   item.kind === "action" ? t("Your action “{text}” was not added: ", said) :
                   item.kind === "words" ? t("“{text}” was not added: ", said) :
                   item.kind === "question" ? t("Your question “{text}” was not added: ", said) :
                   item.kind === "upvote" ? t("That upvote was not counted: ") :
                   item.kind === "unupvote" ? t("That upvote was not taken back: ") :
                   item.kind === "edit" ? t("Your change to “{text}” was not saved: ", said) :
                   item.kind === "pick" ? t("That pick was not saved: ") :
                   item.kind === "vote" ? t("That dot was not placed: ") :
                   item.kind === "place" ? t("“{text}” was not sorted: ", said) :
                   item.kind === "unplace" ? t("“{text}” was not taken out: ", said) :
                   item.kind === "ranking" ? t("Your ranking was not saved: ") :
                   item.kind === "score" ? t("“{text}” was not scored: ", said) :
                   item.kind === "unvote" ? t("That dot was not taken back: ") :
                   item.kind === "rating" ? t("Your rating was not saved: ") :
                   item.kind === "status" ? t("That status was not saved: ") :
                   item.kind === "learning" ? t("Your note “{text}” was not added: ", said) : "";
        showAlert(what + (r.data.error ? t(r.data.error) : t("error {status}.", { status: r.status })));
        refresh();
      }
      render();
      flush();
    });
  }

  function short(text) {
    text = String(text || "");
    return text.length > 40 ? text.slice(0, 39) + "…" : text;
  }

  function pending(kind) {
    var step = view ? view.me.step : null;
    return outbox.filter(function (item) { return item.kind === kind && item.step === step; });
  }

  // ------------------------------------------------------------ live updates

  function currentConn() {
    if (!navigator.onLine) return "offline";
    if (source && source.readyState === 1) return "live";
    return source ? "down" : "connecting";
  }

  function startStream() {
    if (!me) return;
    stopStream();
    var stream = new EventSource(base + "/api/events?key=" + encodeURIComponent(me.key));
    source = stream;
    stream.addEventListener("open", function () {
      if (source !== stream) return;
      reconnectDelay = 1000;
      setConn("live");
      flush();
    });
    stream.addEventListener("changed", function (event) {
      if (source !== stream) return;
      alive();
      var data = {};
      try { data = JSON.parse(event.data); } catch (e) { /* refetch anyway */ }
      if (!view || data.seq !== lastSeq || data.step !== view.me.step) refresh();
    });
    stream.addEventListener("delta", function (event) {
      if (source !== stream) return;
      alive();
      var delta = null;
      try { delta = JSON.parse(event.data); } catch (e) { refresh(); return; }
      applyDelta(delta);
    });
    // The phone's own part, pushed when its group's list changes (no refetch needed).
    stream.addEventListener("me", function (event) {
      if (source !== stream) return;
      alive();
      var part = null;
      try { part = JSON.parse(event.data); } catch (e) { refresh(); return; }
      applyMe(part);
    });
    stream.addEventListener("ping", function () { if (source === stream) alive(); });
    stream.addEventListener("error", function () {
      if (source !== stream) return;
      setConn(navigator.onLine ? "down" : "offline");
      if (stream.readyState === 2) {
        // The browser gave up (an HTTP error, e.g. not recognised): check why, then retry.
        source = null;
        refresh();
        setTimeout(function () { if (!source && me) startStream(); }, reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, 15000);
      }
    });
    alive();
  }

  function stopStream() {
    clearTimeout(watchdog);
    if (source) { source.close(); source = null; }
  }

  // The server sends a ping every 15 s; silence for 40 s means a dead connection
  // (Wi-Fi changed, the phone slept) that the browser has not noticed yet.
  function alive() {
    clearTimeout(watchdog);
    watchdog = setTimeout(function () { if (me) { startStream(); refresh(); } }, 40000);
  }

  function wake() {
    if (!me) return;
    if (!source || source.readyState === 2) startStream();
    refresh();
    flush();
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") wake();
  });
  window.addEventListener("online", wake);
  window.addEventListener("offline", function () { setConn("offline"); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) wake(); });

  // ------------------------------------------------------------ timer

  function setTimer(t) {
    if (!t) { timer.remaining = null; tick(); return; }
    timer.remaining = t.remaining;
    timer.running = t.running;
    timer.at = Date.now();
    tick();
  }

  function tick() {
    var node = $("timer");
    if (timer.remaining === null || !view || !view.public.step ||
        ["waiting", "ended"].indexOf(view.public.step.kind) >= 0) {
      show(node, false);
      return;
    }
    var left = timer.remaining - (timer.running ? (Date.now() - timer.at) / 1000 : 0);
    var over = left < 0;
    var secs = Math.floor(Math.abs(left) + (over ? 0 : 0.999));
    var text = Math.floor(secs / 60) + ":" + String(secs % 60).padStart(2, "0");
    node.textContent = over ? "+" + text : text;
    if (!timer.running) node.appendChild(say("small", null, t("paused")));
    node.className = "timer" + (over ? " over" : timer.running ? "" : " paused");
    node.setAttribute("aria-label", plain(over ? t("Over time by {time}", { time: text }) :
                      timer.running ? t("Time left {time}", { time: text }) : t("Timer paused, {time}", { time: text })));
    show(node, true);
  }
  setInterval(tick, 1000);

  // ------------------------------------------------------------ views

  var shown = null;  // the screen on show: loading, join, removed or session
  var HEADINGS = { loading: "loading-text", join: "join-h", removed: "removed-h", session: "step-title" };
  function showView(name) {
    var before = shown;
    shown = name;
    ["loading", "join", "removed", "session"].forEach(function (v) {
      show($(v + "-view"), v === name);
    });
    setConn(currentConn());
    // A new screen takes focus to its heading (not the page's first screen: nothing was
    // focused to lose), so focus never falls to the page behind a hidden one.
    if (before !== null && before !== name) focusHeading($(HEADINGS[name]));
  }

  function startSession() {
    showView(view ? "session" : "loading");
    startStream();
    refresh();
    flush();
  }

  function render() {
    if (!view) return;
    var active = document.activeElement;
    var focused = active && active.dataset ? active.dataset.focusKey : null;
    var panel = active && active.closest ? active.closest("section.card") : null;
    if (draw()) { focusHeading($("step-title")); return; }  // a new step: start at its title
    if (focused) {
      var again = document.querySelector('[data-focus-key="' + focused + '"]');
      if (usable(again)) { again.focus(); return; }
      // The control went (a "+ dot" that used the last dot): its neighbour for the same
      // thing ("− dot"), else the panel's heading, so focus does not fall to the page.
      var same = focused.slice(focused.indexOf(":"));
      var near = Array.prototype.filter.call(document.querySelectorAll("[data-focus-key]"), function (n) {
        // (a long list's row, see keyed, is not a control's neighbour)
        return n.dataset.focusKey.slice(n.dataset.focusKey.indexOf(":")) === same && usable(n) &&
          n.dataset.focusKey.indexOf("item:") !== 0;
      })[0];
      if (near) { near.focus(); return; }
    }
    if (active && active !== document.body && !usable(active)) {
      var heading = panel && !panel.hidden ? panel.querySelector("h2") : null;
      focusHeading(heading || $("step-title"));
    }
  }

  function usable(node) {
    return !!node && document.contains(node) && !node.disabled && node.getClientRects().length > 0;
  }

  function draw() {
    var pub = view.public, mine = view.me, step = pub.step || {};
    if ($("session-view").hidden) showView("session");
    $("session-title").textContent = pub.session.title;
    showCareLine(pub.session.safeguarding || "");
    document.title = plain(local(step, "title") || t("Session")) + " · " + pub.session.title;

    var where = "";
    if (step.item) {
      where = step.item + (step.count > 1 ? " · " + t("step {number} of {count}", step) : "");
    }
    setText($("step-where"), where);
    setText($("step-title"), local(step, "title"));
    setText($("step-prompt"), local(step, "prompt"));

    var status = "";
    var input = pub.input || {};
    if (step.locked) status = t("The facilitator has paused input for this step.");
    else if (input.kind === "vote" && input.status === "not opened") status = t("Voting opens soon. What you will vote on is below.");
    else if (input.kind === "vote" && input.status === "closed") status = t("Voting has closed.");
    else if (input.kind === "sort" && input.status === "closed") status = t("The sort has closed: the counts are below.");
    setText($("step-status"), status);
    show($("step-status"), !!status);
    $("summary-text").textContent = step.summary || "";
    show($("summary"), !!step.summary);

    var screen = SCREENS[input.kind] || NO_SCREEN;
    var panels = screen.panels(input, pub);
    PANELS.forEach(function (panel) { show($(panel), panels.indexOf(panel) >= 0); });
    screen.render(pub, mine, input, step);
    renderGroup(mine);
    renderResults(pub, mine, input);
    var moved = stepKey !== null && stepKey !== mine.step;
    stepKey = mine.step;
    announceChanges(mine.step, step, input, moved);
    setConn(currentConn());
    tick();
    return moved;
  }

  // What changed on this step since the last view, said once; nothing on a new step (its
  // heading takes focus and is read) or when nothing changed.
  var facts = null;
  function announceChanges(key, step, input, moved) {
    var now = {
      key: key, locked: !!step.locked, status: input.status || null,
      revealed: !!(input.private && input.revealed)
    };
    var before = facts;
    facts = now;
    if (!before || moved || before.key !== key) return;
    if (now.locked !== before.locked) {
      announce(now.locked ? t("The facilitator has paused input for this step.")
                          : t("The facilitator has opened input again."));
    } else if (now.status !== before.status && input.kind === "vote") {
      announce(now.status === "open" ? t("Voting is open. You have {n} dots.", { n: input.dots_per_person })
               : now.status === "closed" ? t("Voting has closed. The results are below.") : "");
    } else if (now.status !== before.status && now.status === "closed") {
      announce(t("This step has closed. The results are below."));
    } else if (now.revealed && !before.revealed) {
      announce(t("The facilitator has shared everyone's notes."));
    }
  }

  // notes ----------------------------------------------------------------

  var composerFor = null;

  function categoryOf(input, id) {
    var list = input.categories || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
    return null;
  }
  function regionOf(input, id) {
    var list = input.regions || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
    return null;
  }

  function setUpComposer(input, step) {
    if (composerFor === step.key) return;
    composerFor = step.key;
    var cats = $("cats"), regions = $("regions");
    clear(cats); clear(regions);
    (input.categories || []).forEach(function (cat, i) {
      cats.appendChild(choice("category", cat.id, local(cat, "label"), local(cat, "hint"), cat.colour, i === 0 && input.categories.length === 1));
    });
    if ((input.rows || []).length) {
      // A grid: two lists (lane, then stage) instead of a button per cell; no dragging.
      regions.appendChild(cellSelect("cell-row", t("Row"), input.rows));
      regions.appendChild(cellSelect("cell-column", t("Column"), input.columns || []));
    } else {
      (input.regions || []).forEach(function (region) {
        regions.appendChild(choice("region", region.id, local(region, "label"), local(region, "hint"), null, false));
      });
    }
    show($("cat-field"), (input.categories || []).length > 0);
    show($("region-field"), (input.regions || []).length > 0);
  }

  function choice(group, value, label, hint, colour, checked) {
    var wrap = el("label", "chip");
    var radio = el("input");
    radio.type = "radio";
    radio.name = group;
    radio.value = value;
    radio.checked = checked;
    var face = say("span", null, label);
    if (colour) face.style.setProperty("--chip", colour);
    if (hint) face.appendChild(say("small", null, hint));
    wrap.appendChild(radio);
    wrap.appendChild(face);
    return wrap;
  }

  function cellSelect(id, label, options) {
    var wrap = el("label", "cell-pick");
    wrap.appendChild(say("span", null, label));
    var select = el("select");
    select.id = id;
    var none = el("option", null, plain(t("Choose…")));
    none.value = "";
    select.appendChild(none);
    options.forEach(function (o) {
      var opt = el("option", null, plain(o.hint ? local(o, "label") + " — " + local(o, "hint") : local(o, "label")));
      opt.value = o.id;
      select.appendChild(opt);
    });
    wrap.appendChild(select);
    return wrap;
  }

  function selectedCell() {
    var row = $("cell-row"), column = $("cell-column");
    if (!row || !column || !row.value || !column.value) return null;
    return row.value + "." + column.value;
  }

  function selected(group) {
    if (group === "region" && $("cell-row")) return selectedCell();
    var node = document.querySelector('input[name="' + group + '"]:checked');
    return node ? node.value : null;
  }

  function noteItem(note, input, extra) {
    var item = el("li", note.redacted ? "note redacted" : "note", note.text);
    var cat = categoryOf(input, note.category);
    if (cat) item.style.setProperty("--chip", cat.colour);
    var meta = el("span", "meta");
    if (cat) meta.appendChild(say("span", "badge", local(cat, "label")));
    var region = regionOf(input, note.region);
    if (region) meta.appendChild(say("span", "badge", local(region, "label")));
    if (note.author_name) meta.appendChild(el("span", null, "— " + note.author_name));
    if (extra) meta.appendChild(say("span", null, extra));
    if (meta.childNodes.length) item.appendChild(meta);
    return item;
  }

  function sameNote(note, body) {
    return String(note.text).trim() === String(body.text || "").trim() &&
      (note.category || null) === (body.category || null) && (note.region || null) === (body.region || null);
  }

  function renderNotes(pub, mine, input, step) {
    setUpComposer(input, step);
    var own = mine.notes || [];
    // A note sent but not yet answered is in a view fetched meanwhile (its own part has
    // one more note saying the same): it is shown once, as the server has it.
    var arrived = {};
    var waiting = pending("note").filter(function (item) {
      if (!item.sent || item.had === undefined) return true;
      var key = JSON.stringify([item.body.text, item.body.category || null, item.body.region || null]);
      var now = own.filter(function (n) { return sameNote(n, item.body); }).length;
      arrived[key] = (arrived[key] || 0) + 1;
      return now - item.had < arrived[key];
    });
    var left = (mine.notes_left === undefined ? 0 : mine.notes_left) - waiting.length;
    var closed = step.locked;
    $("note-add").disabled = closed || left <= 0;
    $("note-text").disabled = closed;
    setText($("note-limit"), left <= 0 && !closed
      ? t("You have added as many notes as this step allows.") : "");
    show($("note-limit"), left <= 0 && !closed);
    var group = input.grouped ? (mine.group || {}) : null;
    setText($("mine-h"), group
      ? t("Your group's notes ({n} of {max})", { n: own.length + waiting.length, max: group.max_notes || 0 })
      : t("Your notes ({n} of {max})", { n: own.length + waiting.length, max: input.max_per_person }));
    if (group && left <= 0 && !closed) setText($("note-limit"), t("Your group has added as many notes as this step allows."));
    if (editing && editing.step !== step.key) stopEditing();
    if (editing) { $("note-add").disabled = closed; show($("note-limit"), false); }

    var list = $("my-notes");
    clear(list);
    own.forEach(function (note) {
      var node = noteItem(note, input, note.hidden ? t("Hidden by the facilitator") : null);
      if (group && group.label) node.appendChild(groupNoteActions(note, group, closed));
      list.appendChild(node);
    });
    waiting.forEach(function (item) {
      var node = noteItem({ text: item.body.text, category: item.body.category, region: item.body.region },
                          input, t("Waiting to send…"));
      node.className += " pending";
      list.appendChild(node);
    });
    show($("my-empty"), !own.length && !waiting.length);

    var privateNow = input.private && !input.revealed;
    setText($("my-empty"), group ? t("Your group has not added a note yet.") : t("You have not added a note yet."));
    setText($("private-hint"), group
      ? (group.pick ? t("Everyone in your group can see this list, add to it and edit it, and pick the one note your group takes forward.")
                    : t("Everyone in your group can see this list, add to it and edit it."))
      : privateNow
      ? t("Only you can see your notes until the facilitator shares them with the room.")
      : (input.anonymous ? t("Notes are shared without names.") : t("Notes are shared with your name.")));
    show($("private-hint"), true);

    var ownIds = {};
    own.forEach(function (n) { ownIds[n.id] = true; });
    // Newest first, as the server pages a board's older notes.
    var w = longList("notes", { notes: (pub.notes || []).slice().reverse(), notes_total: pub.notes_total, step: pub.step });
    // A delta can bring a note this phone sent before the answer that gives its id: it
    // is known by what it says (each sent note hides one, the newest) until then.
    var unanswered = waiting.filter(function (item) { return item.sent; });
    var others = w.items.filter(function (n) {
      if (ownIds[n.id]) return false;
      var at = unanswered.findIndex(function (item) { return sameNote(n, item.body); });
      if (at < 0) return true;
      unanswered.splice(at, 1);
      return false;
    });
    var flying = waiting.filter(function (item) { return item.sent; }).length - unanswered.length;
    var all = $("all-notes");
    clear(all);
    others.forEach(function (note) { all.appendChild(keyed(noteItem(note, input), note.id)); });
    var total = Math.max(0, w.total - (w.query ? 0 : own.length + flying));
    setText($("all-h"), total > others.length
      ? t("Everyone else's notes (newest {n} of {total})", { n: others.length, total: total })
      : t("Everyone else's notes ({n})", { n: others.length }));
    show($("all-h"), !privateNow && (others.length > 0 || !!w.query));
    pager(all, w, t("Search the notes"));
  }

  $("note-text").addEventListener("input", function () {
    var n = $("note-text").value.length;
    $("note-count").textContent = n + " / 500";
    $("note-count").className = "count" + (n > 450 ? " near" : "");
  });

  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!view) return;
    var input = view.public.input || {};
    var text = $("note-text").value.trim();
    if (!text) { showAlert(t("Write something first.")); $("note-text").focus(); return; }
    if (editing) {
      hideAlert();
      enqueue({ kind: "edit", method: "PATCH", path: "notes/" + encodeURIComponent(editing.id), body: { text: text } });
      stopEditing();
      return;
    }
    var body = { text: text, step: view.me.step };
    if ((input.categories || []).length) {
      body.category = selected("category");
      if (!body.category) { showAlert(t("Choose a kind of note first.")); return; }
    }
    if ((input.regions || []).length) {
      body.region = selected("region");
      if (!body.region) { showAlert(t("Choose where the note goes first.")); return; }
    }
    hideAlert();
    enqueue({ kind: "note", method: "POST", path: "notes", body: body });
    $("note-text").value = "";
    $("note-count").textContent = "0 / 500";
    $("note-text").focus();
  });

  // groups ---------------------------------------------------------------
  // A grouped step: "You are in group C with Ana and Bo", and the group's shared list
  // (any member adds, edits, and picks the one note the group takes forward).

  var editing = null;

  function stopEditing() {
    editing = null;
    $("note-text").value = "";
    $("note-count").textContent = "0 / 500";
    setText($("note-add"), t("Add note"));
    show($("note-cancel"), false);
  }
  $("note-cancel").addEventListener("click", function () { stopEditing(); render(); });

  function andList(names) {
    if (names.length < 2) return names.join("");
    return names.slice(0, -1).join(", ") + plain(t(" and ")) + names[names.length - 1];
  }

  function renderGroup(mine) {
    var group = mine.group;
    show($("group-panel"), !!group);
    if (!group) return;
    var who, hint = "";
    if (!group.label) {
      who = t("The facilitator will put you in a group in a moment.");
    } else if (group.with_names) {
      who = group.with_names.length
        ? t("You are in group {group} with {names}.", { group: group.label, names: andList(group.with_names) })
        : t("You are in group {group}. Nobody else is in it yet.", { group: group.label });
    } else {
      var others = (group.size || 1) - 1;
      who = others === 1 ? t("You are in group {group}, with 1 other person.", { group: group.label })
        : others > 0 ? t("You are in group {group}, with {n} other people.", { group: group.label, n: others })
        : t("You are in group {group}. Nobody else is in it yet.", { group: group.label });
      hint = t("This step is anonymous, so names are not shown: find the others by the group letter.");
    }
    setText($("group-who"), who);  // a live region
    setText($("group-hint"), hint);
    show($("group-hint"), !!hint);
    // What this member brings from the step before (their own notes, or the picks of
    // the groups this one joined): only they see it; "Use this" starts a group note.
    var brought = group.brought, list = $("brought");
    clear(list);
    show($("brought-h"), !!brought);
    if (!brought) return;
    $("brought-h").textContent = brought.title;
    brought.notes.forEach(function (note, i) {
      var item = el("li", "note", note.text);
      var bar = el("span", "actions");
      var use = say("button", null, t("Use this"));
      use.type = "button";
      use.dataset.focusKey = "bring:" + i;
      // The name starts with the words on the button, so "click Use this" works by voice.
      use.setAttribute("aria-label", plain(t("Use this: “{text}”", { text: short(note.text) })));
      use.addEventListener("click", function () {
        if (editing) stopEditing();
        $("note-text").value = note.text;
        $("note-count").textContent = note.text.length + " / 500";
        $("note-text").focus();
      });
      bar.appendChild(use);
      item.appendChild(bar);
      list.appendChild(item);
    });
  }

  function groupNoteActions(note, group, closed) {
    var bar = el("span", "actions");
    var edit = say("button", null, t("Edit"));
    edit.type = "button";
    edit.dataset.focusKey = "edit:" + note.id;
    edit.disabled = closed || !!note.redacted;  // the facilitator removed its text for good
    edit.setAttribute("aria-label", plain(t("Edit “{text}”", { text: short(note.text) })));
    edit.addEventListener("click", function () {
      editing = { id: note.id, step: view.me.step };
      $("note-text").value = note.text;
      $("note-count").textContent = note.text.length + " / 500";
      setText($("note-add"), t("Save changes"));
      show($("note-cancel"), true);
      render();
      $("note-text").focus();
    });
    bar.appendChild(edit);
    if (group.pick) {
      var waiting = pending("pick");
      var picked = waiting.length ? waiting[waiting.length - 1].body.note : group.picked;
      var isPicked = picked === note.id;
      var pick = say("button", isPicked ? "picked" : null, isPicked ? t("★ Your group's pick") : t("Pick this one"));
      pick.type = "button";
      pick.dataset.focusKey = "pick:" + note.id;
      pick.setAttribute("aria-pressed", isPicked ? "true" : "false");
      pick.disabled = closed || note.hidden;
      pick.addEventListener("click", function () {
        enqueue({ kind: "pick", method: "POST", path: "command",
                  body: { type: "pick_note", note: isPicked ? null : note.id } });
      });
      bar.appendChild(pick);
    }
    return bar;
  }

  // long lists -----------------------------------------------------------
  // A long list comes a page at a time: the view carries its first page and how many
  // there are (`<name>_total`); "Show more" and the search ask the server (GET items),
  // which searches the whole list, so an item far down can be found and voted on.
  // What was loaded is kept per list for its step, so a refresh of the view keeps it.

  var SEARCH_FROM = 20;  // a search box on a list longer than this
  var loaded = {};       // list name -> { step, items (shown after the first page), search, asked }
                         // (search: the results shown; asked: the latest ask of each kind)

  function loadedFor(name, key) {
    if (!loaded[name] || loaded[name].step !== key) loaded[name] = { step: key, items: [], search: null, asked: {} };
    return loaded[name];
  }

  // The items to draw: the first page and those loaded after it (or a search's results),
  // with the phone's own (`own`: voted, placed) that are not among them first.
  function longList(name, pub, own) {
    if (name.indexOf("results.") === 0) pub = resultList(pub, name.slice(8));
    var first = pub[name] || [];
    var all = pub[name + "_total"] === undefined ? first.length : pub[name + "_total"];
    var key = (pub.step || {}).key;
    var got = loadedFor(name, key), found = got.search;
    var seen = {}, items = [];
    (found ? found.items : first.concat(got.items)).forEach(function (item) {
      var id = idOf(item);
      if (id === undefined || !seen[id]) { seen[id] = true; items.push(item); }
    });
    var extra = found ? [] : (own || []).filter(function (item) { return !seen[item.id]; });
    return {
      name: name, step: key, items: extra.concat(items), shown: items.length, all: all,
      total: found ? found.total : Math.max(all, items.length), query: found ? found.query : "",
      from: found ? found.items.length : first.length + got.items.length
    };
  }

  // An action loaded after the first page is not refreshed with the view: what this
  // phone itself did to it (a status, a lesson) is put right on the loaded copy.
  function markLoaded(body) {
    var got = loaded.reviews;
    if (!got) return;
    got.items.concat(got.search ? got.search.items : []).forEach(function (a) {
      if (a.id !== body.action) return;
      if (body.status) a.status = body.status;
      if (body.text) a.learned = (a.learned || []).concat([body.text]);
    });
  }

  // A result row names the item it counts (`item` or `target`), which is also a row of
  // the list above it: its own key keeps focus on the row it was on after a redraw.
  function idOf(item) {
    if (item.id !== undefined) return item.id;
    if (item.word !== undefined) return "word:" + item.word;
    var counted = item.item !== undefined ? item.item : item.target;
    return counted === undefined ? undefined : "result:" + counted;
  }

  // A list inside the results (`results.tally`, `results.rows`) as longList reads one.
  function resultList(pub, name) {
    var out = { step: pub.step }, results = pub.results || {};
    out["results." + name] = results[name] || [];
    out["results." + name + "_total"] = results[name + "_total"];
    return out;
  }
  var NO_LIST = { name: "", items: [], shown: 0, total: 0, all: 0, query: "" };

  // The search box above a list and "Show more" under it (made once, so typing is not
  // disturbed when the list is drawn again), set for what `w` (from longList) shows.
  function pager(list, w, label) {
    var find = $(list.id + "-search");
    if (!find) {
      find = el("div", "find");
      find.id = list.id + "-search";
      var named = el("label");
      named.id = list.id + "-find-label";
      named.setAttribute("for", list.id + "-find");
      var input = el("input");
      input.type = "search";
      input.id = list.id + "-find";
      input.maxLength = 100;
      input.autocomplete = "off";
      input.setAttribute("enterkeyhint", "search");
      var wait = null;
      input.addEventListener("input", function () {
        clearTimeout(wait);
        wait = setTimeout(function () { search(find.dataset.list, input.value.trim()); }, 350);
      });
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(wait); search(find.dataset.list, input.value.trim()); }
      });
      find.appendChild(named);
      find.appendChild(input);
      var found = el("p", "hint");
      found.id = list.id + "-found";
      find.appendChild(found);
      list.parentNode.insertBefore(find, list);
      var more = el("button", "more secondary");
      more.type = "button";
      more.id = list.id + "-more";
      more.addEventListener("click", function () { showMore(find.dataset.list, list); });
      list.parentNode.insertBefore(more, list.nextSibling);
    }
    find.dataset.list = w.name;
    setText($(list.id + "-find-label"), label);  // again on each draw: the language may change
    show(find, w.all > SEARCH_FROM || !!w.query);
    setText($(list.id + "-found"), w.query ? matches(w) : "");
    show($(list.id + "-found"), !!w.query);
    var button = $(list.id + "-more");
    setText(button, t("Show more ({n} of {total})", { n: w.shown, total: w.total }));
    show(button, w.shown < w.total);
  }

  function matches(w) {
    return w.total === 0 ? t("Nothing matches “{text}”.", { text: w.query })
      : w.total === 1 ? t("1 match for “{text}”.", { text: w.query })
      : t("{n} matches for “{text}”.", { n: w.total, text: w.query });
  }

  // `slot` ("search" or "more"): only the latest ask of each kind is used.
  function askItems(name, query, offset, slot) {
    var step = (view.public.step || {}).key;
    var path = "items?list=" + encodeURIComponent(name) + "&step=" + encodeURIComponent(step) +
      "&offset=" + offset + (query ? "&q=" + encodeURIComponent(query) : "");
    var got = loadedFor(name, step);
    var asked = got.asked[slot] = (got.asked[slot] || 0) + 1;
    return api("GET", path).then(function (r) {
      if (loaded[name] !== got || got.asked[slot] !== asked) return null;  // the step moved on, or a newer ask went out
      if (r.status === 409) { refresh(); return null; }
      if (!r.ok) {
        showAlert(r.network ? t("Could not reach the facilitator's computer. Check that this phone is on the same Wi-Fi, then try again.")
                            : (r.data.error || t("The list could not be loaded. Try again.")));
        return null;
      }
      return r.data;
    });
  }

  function search(name, query) {
    if (!view) return;
    var got = loadedFor(name, (view.public.step || {}).key);
    got.asked.search = (got.asked.search || 0) + 1;  // an answer still on its way is not shown
    if (!query) { got.search = null; render(); return; }
    if (got.search && got.search.query === query) return;
    // What was shown stays until the answer comes.
    askItems(name, query, 0, "search").then(function (data) {
      if (!data) return;
      got.search = { query: query, items: data.items, total: data.total };
      render();
      announce(matches(got.search));
    });
  }

  function showMore(name, list) {
    var w = longList(name, view.public, []);
    var got = loadedFor(name, w.step), found = got.search;
    var before = {};
    w.items.forEach(function (item) { before[idOf(item)] = true; });
    askItems(name, found ? found.query : "", w.from, "more").then(function (data) {
      if (!data || got.search !== found) return;
      if (found) { found.items = found.items.concat(data.items); found.total = data.total; }
      else got.items = got.items.concat(data.items);
      render();
      var fresh = data.items.filter(function (item) { return !before[idOf(item)]; })[0];
      var after = longList(name, view.public, []);
      announce(t("Showing {n} of {total}.", { n: after.shown, total: after.total }));
      var row = fresh && list.querySelector('[data-focus-key="item:' + CSS.escape(String(idOf(fresh))) + '"]');
      if (row) focusHeading(row);  // the first new item, where reading carries on
    });
  }

  // A row of a long list: focus can land on it after "Show more" (and, found again by
  // its key, stays on it after a redraw).
  function keyed(row, id) {
    if (id === undefined) return row;
    row.dataset.focusKey = "item:" + id;
    row.tabIndex = -1;
    return row;
  }
  function listRow(className, id) { return keyed(el("li", className), id); }

  // votes ----------------------------------------------------------------

  function ballotWithPending(mine) {
    var ballot = Object.assign({}, mine.ballot || {});
    outbox.forEach(function (item) {
      if (item.step !== mine.step) return;
      if (item.kind === "vote") ballot[item.body.target] = (ballot[item.body.target] || 0) + 1;
      if (item.kind === "unvote") ballot[item.target] = Math.max(0, (ballot[item.target] || 0) - 1);
    });
    return ballot;
  }

  function renderVote(pub, mine, input, step) {
    var ballot = ballotWithPending(mine);
    var used = 0;
    Object.keys(ballot).forEach(function (k) { used += ballot[k]; });
    var left = Math.max(0, input.dots_per_person - used);
    var open = input.status === "open" && !step.locked;

    var dots = $("dots");
    var pips = "●".repeat(left) + "○".repeat(Math.min(used, input.dots_per_person));
    var words = " " + t("{left} of {dots} dots left", { left: left, dots: input.dots_per_person });
    if (dots.textContent !== pips + plain(words)) {  // a live region: only when the count changes
      clear(dots);
      dots.appendChild(el("span", "pip", pips));
      dots.appendChild(say("span", null, words));
    }

    var hint = "";
    if (open) hint = input.max_per_item > 1 ? t("Tap “+ dot” to add a dot; up to {n} on one item.", { n: input.max_per_item }) : t("Tap “+ dot” to put a dot on an item. Tap “− dot” to take it back.");
    if (input.carried_from) hint += (hint ? " " : "") + t("The items come from {source}.", { source: input.carried_from });
    if (pub.unseen) hint += (hint ? " " : "") + t("{n} note(s) are not shown until the facilitator reveals them.", { n: pub.unseen });
    setText($("vote-hint"), hint);
    show($("vote-hint"), !!hint);

    var list = $("targets");
    clear(list);
    var targetInput = { categories: [], regions: [] };
    // Each target is a note or a cluster: items carried from an earlier activity may be
    // clusters while this step's own options are notes.
    var w = longList("targets", pub, mine.voted);
    var items = w.items;
    items.forEach(function (target) {
      var mineOn = ballot[target.id] || 0;
      var row = listRow("target" + (mineOn ? " voted" : ""), target.id);
      var text = el("div", "text", target.text);
      if (target.count !== undefined) text.appendChild(say("span", "meta", " " + (target.count === 1 ? t("(1 note)") : t("({n} notes)", { n: target.count }))));
      if (mineOn) text.appendChild(say("span", "mine", t("Your dots: ") + "●".repeat(mineOn)));
      row.appendChild(text);
      var buttons = el("div", "buttons");
      var add = say("button", "add", t("+ dot"));
      add.type = "button";
      add.dataset.focusKey = "add:" + target.id;
      add.setAttribute("aria-label", plain(t("+ dot on: {text}", { text: short(target.text) })));  // starts as it reads
      add.disabled = !open || left <= 0 || mineOn >= input.max_per_item;
      add.addEventListener("click", function () {
        enqueue({ kind: "vote", method: "POST", path: "votes", body: { target: target.id } });
      });
      buttons.appendChild(add);
      if (mineOn) {
        var take = say("button", "take", t("− dot"));
        take.type = "button";
        take.dataset.focusKey = "take:" + target.id;
        take.setAttribute("aria-label", plain(t("− dot from: {text}", { text: short(target.text) })));
        take.disabled = !open;
        take.addEventListener("click", function () {
          enqueue({ kind: "unvote", method: "DELETE", path: "votes/" + encodeURIComponent(target.id), target: target.id });
        });
        buttons.appendChild(take);
      }
      row.appendChild(buttons);
      list.appendChild(row);
    });
    if (!items.length && !w.query) list.appendChild(say("li", "hint", t("Nothing to vote on yet.")));
    pager(list, w, t("Search the items to vote on"));
    if ((pub.clusters || []).length) renderClusters(pub, false);
  }

  // rating ---------------------------------------------------------------

  function renderRating(pub, mine, input, step) {
    var waiting = pending("rating");
    var value = waiting.length ? waiting[waiting.length - 1].body.value : mine.rating;
    setText($("rating-question"), local(input, "question"));
    show($("rating-question"), !!input.question);
    var scale = $("scale");
    clear(scale);
    scale.className = "scale" + ((input.labels || []).length ? " labelled" : "");
    for (var v = input.scale_min; v <= input.scale_max; v++) {
      (function (v) {
        var button = el("button", null, String(v));
        button.type = "button";
        button.dataset.focusKey = "rate:" + v;
        var label = localList(input, "labels")[v - input.scale_min];
        // Named by what it shows ("4, Good"), so a voice command of the words works; the
        // comma is for screen readers only.
        if (label) button.appendChild(el("span", "visually-hidden", ", "));
        if (label) button.appendChild(say("small", null, label));
        button.setAttribute("aria-pressed", value === v ? "true" : "false");
        button.disabled = !!step.locked;
        button.addEventListener("click", function () {
          enqueue({ kind: "rating", method: "POST", path: "rating", body: { value: v } });
        });
        scale.appendChild(button);
      })(v);
    }
    var hint = value === null || value === undefined ? t("Tap a number. You can change it until the step ends.")
      : waiting.length ? t("You chose {value} (sending…). Tap another number to change it.", { value: value })
      : t("You chose {value}. Tap another number to change it.", { value: value });
    setText($("rating-hint"), hint);
    show($("rating-hint"), true);
  }

  // clusters and results -------------------------------------------------

  // Themes (a page of them, each with its first few notes) and, given `loose`, the
  // notes in no theme yet, each list with its own "Show more" and search.
  function renderClusters(pub, loose, picked) {
    var list = $("clusters");
    clear(list);
    var w = longList("clusters", pub);
    var clusters = w.items;
    clusters.forEach(function (cl) {
      var item = listRow("cluster", cl.id);
      var heading = el("h3", null, cl.label);
      if (cl.parking) heading.appendChild(say("span", null, " " + t("(parked)")));
      item.appendChild(heading);
      var notes = el("ul");
      cl.notes.forEach(function (n) { notes.appendChild(el("li", null, n.text)); });
      var more = (cl.count || 0) - cl.notes.length;
      if (more > 0) notes.appendChild(say("li", "hint", more === 1 ? t("and 1 more note") : t("and {n} more notes", { n: more })));
      item.appendChild(notes);
      list.appendChild(item);
    });
    pager(list, w, t("Search the themes"));
    var ideas = $("loose-notes");
    clear(ideas);
    var rest = loose ? longList("notes", pub) : { name: "notes", items: [], shown: 0, total: 0, all: 0, query: "" };
    // The notes not in a theme yet (or, on a step that takes only each group's pick,
    // one idea from each group): the room reads them while the facilitator groups.
    setText($("loose-h"), w.all ? t("Not yet grouped") : picked ? t("One idea from each group") : t("Notes to group"));
    rest.items.forEach(function (n) { ideas.appendChild(keyed(el("li", null, n.text), n.id)); });
    show($("loose"), rest.all > 0);
    pager(ideas, rest, t("Search the notes"));
    show($("clusters-empty"), !w.all && !rest.all);
  }

  // Results list their first page: "The top 100 of 306." when there are more.
  function topOf(shown, total) {
    return total > shown ? t("The top {n} of {total}.", { n: shown, total: total }) : "";
  }

  function renderResults(pub, mine, input) {
    var results = pub.results;
    var list = $("results");
    clear(list);
    var showIt = false, note = "", w = NO_LIST;
    list.className = "results" + (results && results.kind === "rating" ? " plain" : "");
    if (results && results.kind === "vote") {
      var labels = {};
      (pub.notes || []).forEach(function (n) { labels[n.id] = n.text; });
      (pub.clusters || []).forEach(function (c) { labels[c.id] = c.label; });
      var top = results.tally.length ? results.tally[0].dots : 0;
      w = longList("results.tally", pub);
      w.items.forEach(function (row) {
        var label = row.target in labels ? labels[row.target] : row.text;
        if (label === undefined) return;
        list.appendChild(keyed(resultRow(label, row.dots, top, row.dots === 1 ? t("dot") : t("dots")), idOf(row)));
      });
      note = w.query ? "" : topOf(w.shown, w.total);
      showIt = true;
      if (!results.tally.length) note = t("No dots were placed.");
    } else if (results && results.kind === "sort") {
      var texts = {};
      (pub.items || []).forEach(function (i) { texts[i.id] = i.text; });
      list.className = "results sort-results";
      w = longList("results.rows", pub);
      w.items.forEach(function (row) {
        list.appendChild(keyed(sortResultRow(texts[row.item] || row.text, row.counts, localList(input, "buckets"), results.sorters), idOf(row)));
      });
      var orderBy = localList(input, "buckets")[(input.buckets || []).indexOf(input.order_by)] || input.order_by;
      note = w.query ? "" : topOf(w.shown, w.total);
      note += (note ? " " : "") + (results.sorters === 1 ? t("Ordered by “{bucket}”. 1 person sorted.", { bucket: plain(orderBy) })
        : t("Ordered by “{bucket}”. {n} people sorted.", { bucket: plain(orderBy), n: results.sorters }));
      showIt = true;
    } else if (results && results.kind === "rating") {
      var rated = mine.rating !== null && mine.rating !== undefined;
      if (rated && results.count) {
        var most = 0;
        Object.keys(results.counts).forEach(function (k) { most = Math.max(most, results.counts[k]); });
        Object.keys(results.counts).sort(function (a, b) { return b - a; }).forEach(function (k) {
          var label = localList(input, "labels")[Number(k) - input.scale_min];
          list.appendChild(resultRow(plain(t("Rated {value}", { value: k }) + (label ? " — " + label : "")), results.counts[k], most,
                                     results.counts[k] === 1 ? t("person") : t("people")));
        });
        note = results.count === 1 ? t("1 rating so far, average {average}.", { average: results.average })
          : t("{n} ratings so far, average {average}.", { n: results.count, average: results.average });
        showIt = true;
      }
    }
    setText($("results-note"), note);
    show($("results-note"), !!note);
    show($("results-panel"), showIt);
    // A found row's number would be its place among the matches, not in the results.
    if (w.query) list.className += " plain";
    pager(list, w, t("Search the results"));
  }

  // sort -----------------------------------------------------------------
  // One button per bucket under each item (no dragging): tap one to place the item
  // there, another to move it, the pressed one again to take it back out.

  function placedWithPending(mine) {
    var placed = Object.assign({}, mine.placed || {});
    outbox.forEach(function (item) {
      if (item.step !== mine.step) return;
      if (item.kind === "place") placed[item.body.item] = item.body.bucket;
      if (item.kind === "unplace") delete placed[item.body.item];
    });
    return placed;
  }

  function renderSort(pub, mine, input, step) {
    var placed = placedWithPending(mine);
    var w = longList("items", pub, mine.placed_items);
    var items = w.items;
    var open = input.status !== "closed" && !step.locked;
    var done = Object.keys(placed).length;
    setText($("sort-progress"), w.all ? t("{done} of {n} sorted", { done: done, n: w.all }) : "");
    var hint = open ? t("For each item, tap the bucket it belongs in. Tap another to move it.") : "";
    if (input.carried_from) hint += (hint ? " " : "") + t("The items come from {source}.", { source: input.carried_from });
    if (pub.unseen) hint += (hint ? " " : "") + t("{n} note(s) are not shown until the facilitator reveals them.", { n: pub.unseen });
    setText($("sort-hint"), hint);
    show($("sort-hint"), !!hint);
    var list = $("sort-items");
    clear(list);
    items.forEach(function (item) {
      var row = listRow("sort-item" + (placed[item.id] ? " placed" : ""), item.id);
      row.appendChild(el("div", "text", item.text));
      var buttons = el("div", "buckets");
      buttons.setAttribute("role", "group");
      buttons.setAttribute("aria-label", plain(t("Bucket for: {text}", { text: short(item.text) })));
      var shown = localList(input, "buckets");
      input.buckets.forEach(function (bucket, b) {
        var on = placed[item.id] === bucket;
        var button = say("button", "bucket", shown[b]);  // the English name is what is sent
        button.type = "button";
        button.dataset.focusKey = "sort:" + item.id + ":" + bucket;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.disabled = !open;
        button.addEventListener("click", function () {
          if (on) enqueue({ kind: "unplace", method: "POST", path: "command", text: item.text,
                            body: { type: "clear_placement", item: item.id } });
          else enqueue({ kind: "place", method: "POST", path: "command", text: item.text,
                         body: { type: "place_item", item: item.id, bucket: bucket } });
        });
        buttons.appendChild(button);
      });
      row.appendChild(buttons);
      list.appendChild(row);
    });
    if (!items.length && !w.query) list.appendChild(say("li", "hint", t("Nothing to sort yet.")));
    pager(list, w, t("Search the items to sort"));
  }

  // rank -----------------------------------------------------------------
  // No dragging (WCAG 2.5.7): a ranking is a select per place (1st, 2nd ...), sent whole;
  // a score is a select per criterion under each item, sent as soon as it changes.

  function rankTexts(pub) {
    var texts = {};
    ((pub.results || {}).rows || []).forEach(function (r) { texts[r.item] = r.text; });
    (pub.items || []).forEach(function (i) { texts[i.id] = i.text; });
    return texts;
  }

  function scoresWithPending(mine) {
    var given = JSON.parse(JSON.stringify(mine.scores || {}));
    outbox.forEach(function (item) {
      if (item.step !== mine.step || item.kind !== "score") return;
      var b = item.body;
      given[b.item] = given[b.item] || {};
      if (b.value === null) delete given[b.item][b.criterion];
      else given[b.item][b.criterion] = b.value;
    });
    return given;
  }

  function renderRank(pub, mine, input, step) {
    var w = longList("items", pub, mine.ranked_items);
    var items = w.items;
    var open = input.status !== "closed" && !step.locked;
    var ranking = input.mode === "rank";
    setText($("rank-h"), ranking ? t("Rank your top {n}", { n: input.top }) : t("Score each item"));
    var hint = input.status === "closed" ? t("Closed: the results are below.") : !open ? "" : ranking
      ? t("Choose an item for each place, best first, then save. Each item goes in one place.")
      : t("Choose a score for each item on each line.");
    if (pub.unseen) hint += (hint ? " " : "") + t("{n} note(s) are not shown until the facilitator reveals them.", { n: pub.unseen });
    setText($("rank-hint"), hint);
    show($("rank-hint"), !!hint);
    show($("rank-form"), ranking);
    show($("rank-items-h"), ranking && items.length > 0);
    $("score-items").setAttribute("aria-labelledby", ranking ? "rank-items-h" : "rank-h");
    if (ranking) { renderRanking(rankPool(step.key, items), mine, input, open); renderRankItems(items); }
    else renderScoring(items, mine, input, open);
    pager($("score-items"), w, ranking ? t("Search the items to rank") : t("Search the items to score"));
    renderRankResults(pub, input);
  }

  // A ranking chooses among every item this phone has been shown on the step (the first
  // page, more, what a search found), so a search adds choices rather than taking the
  // chosen ones away.
  var pool = { step: null, ids: [], items: {} };
  function rankPool(key, items) {
    if (pool.step !== key) pool = { step: key, ids: [], items: {} };
    items.forEach(function (item) {
      if (!(item.id in pool.items)) pool.ids.push(item.id);
      pool.items[item.id] = item;
    });
    return pool.ids.map(function (id) { return pool.items[id]; });
  }

  function renderRanking(items, mine, input, open) {
    var places = $("rank-places");
    var keep = {};  // a choice not yet saved survives a refresh from the server
    Array.prototype.forEach.call(places.querySelectorAll("select"), function (s) {
      if (s.dataset.dirty) keep[s.dataset.place] = s.value;
    });
    clear(places);
    var mineNow = mine.ranking || [];
    var count = Math.min(input.top, items.length);
    for (var p = 0; p < count; p++) {
      var li = el("li");
      var id = "rank-place-" + p;
      var label = say("label", null, t("Place {n}", { n: p + 1 }));
      label.setAttribute("for", id);
      var select = el("select");
      select.id = id;
      select.dataset.place = String(p);
      select.dataset.focusKey = "rank:" + p;
      select.disabled = !open;
      var none = el("option", null, plain(t("(none)")));
      none.value = "";
      select.appendChild(none);
      items.forEach(function (item) {
        var option = el("option", null, short(item.text));
        option.value = item.id;
        select.appendChild(option);
      });
      select.value = p in keep ? keep[p] : (mineNow[p] || "");
      if (p in keep) select.dataset.dirty = "1";
      select.addEventListener("change", function (ev) { ev.target.dataset.dirty = "1"; });
      li.appendChild(label);
      li.appendChild(select);
      places.appendChild(li);
    }
    if (!items.length) places.appendChild(say("li", "hint", t("Nothing to rank yet.")));
    $("rank-save").disabled = !open || !items.length;
  }

  // In ranking mode the items are listed in full too (a place's select shows only the
  // start of each), so "Show more" adds rows here and focus lands on the first new one.
  function renderRankItems(items) {
    var list = $("score-items");
    clear(list);
    items.forEach(function (item) {
      var row = listRow("sort-item", item.id);
      row.appendChild(el("div", "text", item.text));
      list.appendChild(row);
    });
  }

  function renderScoring(items, mine, input, open) {
    var given = scoresWithPending(mine);
    var list = $("score-items");
    clear(list);
    items.forEach(function (item) {
      var row = listRow("sort-item", item.id);
      row.appendChild(el("div", "text", item.text));
      input.criteria.forEach(function (crit) {
        var id = "score-" + item.id + "-" + crit.id;
        var label = say("label", null, local(crit, "label"));
        label.appendChild(document.createTextNode(" "));
        label.setAttribute("for", id);
        var select = el("select");
        select.id = id;
        select.dataset.focusKey = "score:" + item.id + ":" + crit.id;
        select.disabled = !open;
        var none = el("option", null, plain(t("(not scored)")));
        none.value = "";
        select.appendChild(none);
        for (var v = crit.scale_min; v <= crit.scale_max; v++) {
          var words = v === crit.scale_min && crit.low_label ? " — " + plain(local(crit, "low_label"))
            : v === crit.scale_max && crit.high_label ? " — " + plain(local(crit, "high_label")) : "";
          var option = el("option", null, String(v) + words);
          option.value = String(v);
          select.appendChild(option);
        }
        var had = (given[item.id] || {})[crit.id];
        select.value = had === undefined ? "" : String(had);
        select.addEventListener("change", function () {
          var value = select.value === "" ? null : Number(select.value);
          enqueue({ kind: "score", method: "POST", path: "command", text: item.text,
                    body: { type: "score_item", item: item.id, criterion: crit.id, value: value } });
        });
        var line = el("div", "score-line");
        line.appendChild(label);
        line.appendChild(select);
        row.appendChild(line);
      });
      list.appendChild(row);
    });
    if (!items.length) list.appendChild(say("li", "hint", t("Nothing to score yet.")));
  }

  function renderRankResults(pub, input) {
    var results = pub.results;
    var list = $("rank-results");
    clear(list);
    show($("rank-results-h"), !!results);
    show(list, !!results);
    if (!results) { show($("rank-results-note"), false); pager(list, NO_LIST, ""); return; }
    var texts = rankTexts(pub);
    var w = longList("results.rows", pub);
    w.items.forEach(function (row) {
      var text = texts[row.item] || row.text;
      if (input.mode === "rank") {
        list.appendChild(keyed(el("li", null, row.place + ". " + text + " — " + row.points + " " +
                                              plain(row.points === 1 ? t("point") : t("points"))), idOf(row)));
      } else {
        var parts = input.criteria.map(function (crit, i) {
          var m = row.means[i];
          return plain(local(crit, "label")) + " " + (m === null ? "–" : m.toFixed(1)) + " (" + row.counts[i] + ")";
        });
        list.appendChild(keyed(el("li", null, text + ": " + parts.join(", ")), idOf(row)));
      }
    });
    var more = w.query ? "" : topOf(w.shown, w.total);
    setText($("rank-results-note"), more);
    show($("rank-results-note"), !!more);
    pager(list, w, t("Search the results"));
    (results.quadrants || []).forEach(function (q) {
      var names = q.items.map(function (id) { return texts[id]; }).filter(Boolean);
      if ((q.count || 0) > names.length) names.push(t("{n} more", { n: q.count - names.length }));
      list.appendChild(el("li", null, "2x2 · " + q.name + ": " + (names.length ? names.join("; ") : "–")));
    });
  }

  $("rank-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var chosen = [];
    Array.prototype.forEach.call($("rank-places").querySelectorAll("select"), function (s) {
      if (s.value) chosen.push(s.value);
    });
    var twice = chosen.filter(function (id, i) { return chosen.indexOf(id) !== i; });
    if (twice.length) { showAlert(t("The same item is in two places: choose each item once.")); return; }
    hideAlert();
    Array.prototype.forEach.call($("rank-places").querySelectorAll("select"), function (s) {
      delete s.dataset.dirty;
    });
    enqueue({ kind: "ranking", method: "POST", path: "command", body: { type: "submit_ranking", items: chosen } });
  });

  // A stacked bar: each bucket's share of the people who sorted, with its count in words.
  function sortResultRow(label, counts, buckets, total) {
    var item = el("li");
    item.appendChild(el("div", "label", label));
    var stack = el("div", "stack");
    stack.setAttribute("aria-hidden", "true");
    counts.forEach(function (count, i) {
      if (!count) return;
      var part = el("span", "part b" + i);
      part.style.flexGrow = String(count);
      stack.appendChild(part);
    });
    if (total > 0) {
      var rest = total - counts.reduce(function (a, b) { return a + b; }, 0);
      if (rest > 0) { var gap = el("span", "part rest"); gap.style.flexGrow = String(rest); stack.appendChild(gap); }
    }
    item.appendChild(stack);
    item.appendChild(say("div", "meta", buckets.map(function (b, i) { return b + " " + counts[i]; }).join(" · ")));
    return item;
  }

  function resultRow(label, value, top, unit) {
    var item = el("li");
    item.appendChild(el("div", "label", label));
    var bar = say("div", "bar", value + " " + unit);
    bar.style.setProperty("--w", top ? String(value / top) : "0");
    item.appendChild(bar);
    return item;
  }

  // words ----------------------------------------------------------------

  function renderWords(pub, mine, input, step) {
    var waiting = pending("words");
    var left = (mine.words_left || 0) - waiting.length;
    setText($("words-label"), input.max_words === 1 ? t("One word") : t("Up to {n} words", { n: input.max_words }));
    $("words-add").disabled = !!step.locked || left <= 0;
    $("words-text").disabled = !!step.locked || left <= 0;
    setText($("words-left"), left <= 0 ? t("That is all your answers.") : t("{n} left", { n: left }));
    var list = $("my-words");
    clear(list);
    (mine.my_words || []).forEach(function (text) { list.appendChild(el("li", null, text)); });
    waiting.forEach(function (item) { list.appendChild(el("li", "pending", item.body.text)); });
    // The most given words first, a page at a time, with how many there are in all.
    var w = longList("cloud", pub);
    renderCloud($("cloud"), w.items);
    var more = w.query ? "" : w.total > w.shown ? t("The {n} most given of {total} words.", { n: w.shown, total: w.total }) : "";
    setText($("cloud-note"), more);
    show($("cloud-note"), !!more);
    show($("cloud-empty"), !w.all);
    pager($("cloud"), w, t("Search the words"));
  }

  // A real cloud: each word's font size grows with how many gave it, from the fewest
  // (1rem) to the most (2.6rem); text only, no markup. Size alone carries it: a fainter
  // word would fall below 4.5:1 contrast.
  function renderCloud(list, words) {
    clear(list);
    var most = 0, least = Infinity;
    words.forEach(function (w) { most = Math.max(most, w.count); least = Math.min(least, w.count); });
    words.forEach(function (w) {
      var item = keyed(el("li", null, w.word), idOf(w));
      var share = most > least ? (w.count - least) / (most - least) : 0.5;
      // On a narrow (or zoomed) screen the biggest words shrink towards the screen's
      // width, never below the page's own text size.
      var size = 1 + 1.6 * share;
      item.style.fontSize = "max(1rem, min(" + size.toFixed(2) + "rem, " + (size * 6).toFixed(1) + "vw))";
      item.appendChild(el("small", null, String(w.count)));
      item.setAttribute("aria-label", w.word + ": " + w.count);
      list.appendChild(item);
    });
  }

  $("words-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!view) return;
    var text = $("words-text").value.trim();
    if (!text) { showAlert(t("Write a word or two first.")); $("words-text").focus(); return; }
    hideAlert();
    enqueue({ kind: "words", method: "POST", path: "command", body: { type: "add_words", text: text } });
    $("words-text").value = "";
    $("words-text").focus();
  });

  // questions ------------------------------------------------------------

  function upvotedWithPending(mine) {
    var up = {};
    (mine.upvoted || []).forEach(function (id) { up[id] = true; });
    outbox.forEach(function (item) {
      if (item.step !== mine.step) return;
      if (item.kind === "upvote") up[item.body.question] = true;
      if (item.kind === "unupvote") delete up[item.body.question];
    });
    return up;
  }

  function renderQuestions(pub, mine, input, step) {
    var waiting = pending("question");
    var left = (mine.questions_left || 0) - waiting.length;
    $("question-add").disabled = !!step.locked || left <= 0;
    $("question-text").disabled = !!step.locked;
    setText($("question-left"), left <= 0 ? t("You have asked as many as this step allows.") : "");
    var own = {};
    (mine.my_questions || []).forEach(function (id) { own[id] = true; });
    var up = upvotedWithPending(mine);
    // A step may give each person a few upvotes (Lean Coffee's dots): what is left
    // counts the ones still waiting to send, so a fast thumb cannot overspend.
    var budget = input.upvotes_per_person;
    var spent = (pub.questions || []).filter(function (q) { return up[q.id]; }).length;
    var upLeft = budget ? Math.max(0, budget - spent) : null;
    var budgetLine = !budget ? "" : " " + (upLeft === 0
      ? t("You have used all your upvotes: take one back to move it.")
      : upLeft === 1 ? t("You have 1 upvote left.") : t("You have {n} upvotes left.", { n: upLeft }));
    setText($("question-hint"), (input.anonymous ? t("Questions are shared without names.") :
      t("Questions are shared with your name.")) + " " + t("Tap ▲ on the ones you want answered; tap again to take it back.") + budgetLine);
    show($("question-hint"), true);
    var list = $("questions");
    clear(list);
    var w = longList("questions", pub, mine.question_items);
    w.items.forEach(function (q) {
      var row = listRow("question" + (q.answered ? " answered" : ""), q.id);
      var text = el("div", "text", q.text);
      var facts = [];
      if (q.author_name) facts.push("— " + raw(q.author_name));
      if (own[q.id]) facts.push(t("your question"));
      if (q.answered) facts.push(t("answered"));
      if (q.merged) facts.push(t("{n} similar merged in", { n: q.merged }));
      if (facts.length) text.appendChild(say("span", "meta", facts.join(" · ")));
      row.appendChild(text);
      var votes = q.votes + (up[q.id] && (mine.upvoted || []).indexOf(q.id) < 0 ? 1 : 0)
                          - (!up[q.id] && (mine.upvoted || []).indexOf(q.id) >= 0 ? 1 : 0);
      var button = el("button", "up", "▲ " + votes);
      button.type = "button";
      button.dataset.focusKey = "up:" + q.id;
      button.setAttribute("aria-pressed", up[q.id] ? "true" : "false");
      // Named starting with what it shows (the count), then what tapping it does.
      button.setAttribute("aria-label", (votes === 1 ? t("1 upvote. ") : t("{n} upvotes. ", { n: votes })) +
                          plain(up[q.id] ? t("Take back your upvote: ") : t("Upvote: ")) + short(q.text));
      button.disabled = !!step.locked || !!own[q.id] || (upLeft === 0 && !up[q.id]);
      button.addEventListener("click", function () {
        if (up[q.id]) enqueue({ kind: "unupvote", method: "POST", path: "command", body: { type: "withdraw_upvote", question: q.id } });
        else enqueue({ kind: "upvote", method: "POST", path: "command", body: { type: "upvote", question: q.id } });
      });
      row.appendChild(button);
      list.appendChild(row);
    });
    waiting.forEach(function (item) {
      var row = el("li", "question pending");
      var text = el("div", "text", item.body.text);
      text.appendChild(say("span", "meta", t("Waiting to send…")));
      row.appendChild(text);
      list.appendChild(row);
    });
    show($("questions-empty"), !w.all && !waiting.length);
    pager(list, w, t("Search the questions"));
  }

  $("question-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!view) return;
    var text = $("question-text").value.trim();
    if (!text) { showAlert(t("Write your question first.")); $("question-text").focus(); return; }
    hideAlert();
    enqueue({ kind: "question", method: "POST", path: "command", body: { type: "ask_question", text: text } });
    $("question-text").value = "";
    $("question-text").focus();
  });

  // actions --------------------------------------------------------------

  function actionItem(action, pendingNow, yours) {
    var item = el("li", "action" + (action.done ? " done" : "") + (pendingNow ? " pending" : ""));
    item.appendChild(el("span", "what", action.what));
    var facts = [];
    if (action.who) facts.push(raw(action.who));
    if (action.due) facts.push(t("by {date}", { date: action.due }));
    if (action.from) facts.push(t("from: {source}", { source: action.from }));
    if (action.done) facts.push(t("done"));
    if (yours) facts.push(t("proposed by you"));
    if (pendingNow) facts.push(t("Waiting to send…"));
    if (facts.length) item.appendChild(say("span", "meta", facts.join(" · ")));
    return item;
  }

  function renderActions(pub, mine, input, step) {
    var everyone = input.who_can_add === "everyone";
    var waiting = pending("action");
    var left = (mine.actions_left || 0) - waiting.length;
    show($("action-form"), everyone);
    $("action-add").disabled = !!step.locked || left <= 0;
    setText($("action-left"), everyone ? t("{n} left", { n: Math.max(0, left) }) : "");
    setText($("action-hint"), everyone
      ? t("Propose what will be done; the facilitator may edit it.")
      : t("The facilitator writes the actions; they appear here."));
    show($("action-hint"), true);
    var list = $("actions");
    clear(list);
    var yours = {};
    (mine.my_actions || []).forEach(function (id) { yours[id] = true; });
    var w = longList("actions", pub);
    w.items.forEach(function (a) { list.appendChild(keyed(actionItem(a, false, yours[a.id]), a.id)); });
    waiting.forEach(function (item) {
      list.appendChild(actionItem({ what: item.body.what, who: item.body.who, due: item.body.due }, true));
    });
    show($("actions-empty"), !w.all && !waiting.length);
    pager(list, w, t("Search the actions"));
  }

  $("action-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!view) return;
    var what = $("action-what").value.trim();
    if (!what) { showAlert(t("Say what will be done first.")); $("action-what").focus(); return; }
    var body = { type: "add_action", what: what };
    var who = $("action-who").value.trim();
    var due = $("action-due").value.trim();
    if (who) body.who = who;
    if (due) body.due = due;
    hideAlert();
    enqueue({ kind: "action", method: "POST", path: "command", body: body });
    $("action-what").value = ""; $("action-who").value = ""; $("action-due").value = "";
    $("action-what").focus();
  });

  // requests -------------------------------------------------------------

  var teamsFor = null;

  function fillTeams(select, teams, prompt) {
    clear(select);
    var none = el("option", null, prompt);
    none.value = "";
    select.appendChild(none);
    teams.forEach(function (t) {
      var opt = el("option", null, plain(local(t, "label")));
      opt.value = t.id;
      select.appendChild(opt);
    });
  }

  function requestItem(r, answerable, locked) {
    var item = el("li", "request" + (r.answer ? " answered" : ""));
    item.appendChild(el("span", "what", r.text));
    var facts = [t("to {team}", { team: r.to })];
    if (r.from) facts.push(t("from {team}", { team: r.from }));
    if (r.author_name) facts.push(raw(r.author_name));
    item.appendChild(say("span", "meta", facts.join(" · ")));
    if (r.answer) {
      item.appendChild(say("span", "answer", t(r.answer_label) + (r.reply ? ": " + raw(r.reply) : "")));
    }
    if (answerable) {
      var reply = el("input");
      reply.type = "text";
      reply.maxLength = 200;
      reply.placeholder = plain(t("A short reply (optional)"));
      reply.setAttribute("aria-label", plain(t("Reply to: {text}", { text: short(r.text) })));
      reply.dataset.focusKey = "reply:" + r.id;
      item.appendChild(reply);
      var row = el("div", "answers");
      [["yes", "Yes"], ["no", "No"], ["talk", "Let's talk"]].forEach(function (a) {
        var button = say("button", null, t(a[1]));
        button.type = "button";
        button.disabled = !!locked;
        button.dataset.focusKey = "answer:" + r.id + ":" + a[0];
        button.setAttribute("aria-pressed", r.answer === a[0] ? "true" : "false");
        button.addEventListener("click", function () {
          var body = { type: "answer_request", request: r.id, answer: a[0] };
          if (reply.value.trim()) body.reply = reply.value.trim();
          enqueue({ kind: "answer", method: "POST", path: "command", body: body });
        });
        row.appendChild(button);
      });
      item.appendChild(row);
    }
    return item;
  }

  function renderRequests(pub, mine, input, step) {
    var teams = input.teams || [];
    if (teamsFor !== step.key) {
      teamsFor = step.key;
      fillTeams($("my-team"), teams, plain(t("Choose your team…")));
      fillTeams($("request-to"), teams, plain(t("Choose a team…")));
    }
    var choosing = pending("team");
    var myTeam = choosing.length ? choosing[choosing.length - 1].body.team : mine.my_team;
    $("my-team").value = myTeam || "";
    var waiting = pending("request");
    var left = (mine.requests_left || 0) - waiting.length;
    $("request-add").disabled = !!step.locked || left <= 0;
    setText($("request-left"), left <= 0 ? t("You have sent as many as this step allows.") : t("{n} left", { n: left }));
    var own = $("requests-mine"), all = $("requests-all");
    clear(own); clear(all);
    var forMe = 0;
    // The team's requests come whole in the phone's own part; everyone's, a page at a time.
    var teamOnes = mine.team_requests && myTeam === mine.my_team ? mine.team_requests
      : (pub.requests || []).filter(function (r) { return myTeam && r.team === myTeam; });
    teamOnes.forEach(function (r) {
      own.appendChild(requestItem(r, true, step.locked));
      forMe += 1;
    });
    var w = longList("requests", pub);
    w.items.forEach(function (r) {
      all.appendChild(keyed(requestItem(r, false, step.locked), r.id));
    });
    waiting.forEach(function (item) {
      var row = el("li", "request pending");
      row.appendChild(el("span", "what", item.body.text));
      row.appendChild(say("span", "meta", t("Waiting to send…")));
      all.appendChild(row);
    });
    setText($("requests-mine-empty"), myTeam ? t("None yet.") : t("Choose your team to see and answer its requests."));
    show($("requests-mine-empty"), forMe === 0);
    show($("requests-all-empty"), !w.all && !waiting.length);
    pager(all, w, t("Search the requests"));
  }

  $("my-team").addEventListener("change", function () {
    var team = $("my-team").value;
    if (team) enqueue({ kind: "team", method: "POST", path: "command", body: { type: "choose_team", team: team } });
  });

  $("request-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!view) return;
    var team = $("request-to").value;
    var text = $("request-text").value.trim();
    if (!team) { showAlert(t("Choose the team your request is for first.")); $("request-to").focus(); return; }
    if (!text) { showAlert(t("Write your request first.")); $("request-text").focus(); return; }
    hideAlert();
    enqueue({ kind: "request", method: "POST", path: "command", body: { type: "send_request", team: team, text: text } });
    $("request-text").value = "";
    $("request-text").focus();
  });

  // review ---------------------------------------------------------------

  var REVIEW_STATUSES = [["done", "Done"], ["in progress", "In progress"],
                         ["changed", "Changed"], ["dropped", "Dropped"]];

  function reviewItem(action, canMark, canLearn, step) {
    var waiting = pending("status").filter(function (i) { return i.body.action === action.id; });
    var status = waiting.length ? waiting[waiting.length - 1].body.status : action.status;
    var item = el("li", "action review" + (status === "done" ? " done" : ""));
    item.appendChild(el("span", "what" + (action.redacted ? " redacted" : ""), action.what));
    var facts = [];
    if (action.who) facts.push(action.who);
    if (action.due) facts.push(t("by {date}", { date: action.due }));
    if (action.origin) facts.push(raw(action.origin));
    item.appendChild(say("span", "meta", facts.join(" · ")));
    var label = REVIEW_STATUSES.filter(function (pair) { return pair[0] === status; })[0];
    var now = t("Now: {status}", { status: label ? t(label[1]) : status });
    item.appendChild(say("span", "status", now + (waiting.length ? " · " + t("Waiting to send…") : "")));
    if (canMark) {
      var bar = el("span", "choices");
      REVIEW_STATUSES.forEach(function (pair) {
        var button = say("button", pair[0] === status ? "picked" : "", t(pair[1]));
        button.type = "button";
        button.dataset.focusKey = "status:" + action.id + ":" + pair[0];  // kept on a redraw
        button.disabled = !!step.locked;
        button.setAttribute("aria-pressed", pair[0] === status ? "true" : "false");
        button.addEventListener("click", function () {
          if (pair[0] === status) return;
          enqueue({ kind: "status", method: "POST", path: "command",
                    body: { type: "set_action_status", action: action.id, status: pair[0] } });
        });
        bar.appendChild(button);
      });
      item.appendChild(bar);
    }
    var notes = el("ul", "learned");
    (action.learned || []).forEach(function (text) { notes.appendChild(el("li", "", text)); });
    pending("learning").forEach(function (i) {
      if (i.body.action !== action.id) return;
      var line = el("li", "pending", i.body.text);  // their words, then the page's
      line.appendChild(say("span", "meta", " · " + t("Waiting to send…")));
      notes.appendChild(line);
    });
    item.appendChild(notes);
    if (canLearn) {
      var form = el("form", "learn");
      var input = el("input", "");
      input.type = "text";
      input.maxLength = 500;
      input.placeholder = plain(t("What did we learn?"));
      input.setAttribute("aria-label", plain(t("What did we learn from: {text}", { text: raw(action.what) })));
      var add = say("button", "", t("Add"));
      add.type = "submit";
      add.dataset.focusKey = "learn:" + action.id;
      add.disabled = !!step.locked;
      form.appendChild(input);
      form.appendChild(add);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = input.value.trim();
        if (!text) { showAlert(t("Write what was learned first.")); input.focus(); return; }
        hideAlert();
        enqueue({ kind: "learning", method: "POST", path: "command",
                  body: { type: "add_learning", action: action.id, text: text } });
      });
      item.appendChild(form);
    }
    return item;
  }

  function renderReview(pub, mine, input, step) {
    var list = $("reviews");
    var active = document.activeElement;
    var typing = active && list.contains(active) && active.tagName === "INPUT";
    if (typing) return;  // redraw after they finish typing, not under their fingers
    clear(list);
    var canMark = input.who_can_mark === "everyone";
    var left = (mine.learned_left || 0) - pending("learning").length;
    var w = longList("reviews", pub);
    w.items.forEach(function (a) { list.appendChild(keyed(reviewItem(a, canMark, left > 0, step), a.id)); });
    setText($("review-hint"), canMark
      ? t("For each action: where has it got to, and what did we learn?")
      : t("The facilitator marks where each action has got to; add what we learned."));
    show($("reviews-empty"), !w.all);
    pager(list, w, t("Search the actions"));
  }

  // ------------------------------------------------------------ start

  // ---------------------------------------------------------------- one screen per input kind
  // The phone page's table keyed by input kind (tests/test_input_kinds.py checks that every
  // kind the server knows has an entry): which panels it shows, and how it fills them.
  var PANELS = ["notes-panel", "vote-panel", "rating-panel", "clusters-panel", "actions-panel",
                "words-panel", "questions-panel", "sort-panel", "requests-panel", "rank-panel",
                "review-panel"];
  var NO_SCREEN = { panels: function () { return []; }, render: function () {} };
  var SCREENS = {
    notes: { panels: function () { return ["notes-panel"]; }, render: renderNotes },
    canvas: { panels: function () { return ["notes-panel"]; }, render: renderNotes },
    vote: {
      panels: function (input, pub) {
        return input.target === "clusters" || (pub && (pub.clusters || []).length)
          ? ["vote-panel", "clusters-panel"] : ["vote-panel"];
      },
      render: renderVote
    },
    sort: { panels: function () { return ["sort-panel"]; }, render: renderSort },
    rank: { panels: function () { return ["rank-panel"]; }, render: renderRank },
    rating: { panels: function () { return ["rating-panel"]; }, render: renderRating },
    cluster: {
      panels: function () { return ["clusters-panel"]; },
      render: function (pub, mine, input) {
        renderClusters(pub, true, input.picked_only);
      }
    },
    discussion: NO_SCREEN,
    actions: { panels: function () { return ["actions-panel"]; }, render: renderActions },
    words: { panels: function () { return ["words-panel"]; }, render: renderWords },
    questions: { panels: function () { return ["questions-panel"]; }, render: renderQuestions },
    requests: { panels: function () { return ["requests-panel"]; }, render: renderRequests },
    review: { panels: function () { return ["review-panel"]; }, render: renderReview }
  };
  translatePage();
  if (me && me.key) {
    startSession();
  } else {
    showView("join");
  }
  setInterval(function () { if (outbox.length && !flushing) flush(); }, 5000);

})();
