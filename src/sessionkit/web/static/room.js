/* The room page: draws what GET api/state says the room may see, again on every notice
   of the event stream. Every text goes in with textContent, never as HTML. */
(function () {
  "use strict";
  var base = location.pathname.replace(/\/+$/, "");
  var $ = function (id) { return document.getElementById(id); };
  var view = null;
  var seen = -1;
  var timerAt = 0;
  var fetching = false;
  var again = false;
  var qrFor = null;
  var REMOVED = "[removed by the facilitator]";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }

  // ------------------------------------------------------------ cards

  function card(note, colours) {
    var c = el("div", "card", note.text);
    if (note.redacted) c.className += " removed";
    if (note.picked) c.className += " picked";
    var colour = colours && note.category ? colours[note.category] : null;
    if (colour) c.style.borderLeftColor = colour;
    if (note.author_name) c.appendChild(el("span", "who", note.author_name));
    return c;
  }
  function cards(notes, colours) {
    var box = el("div", "cards");
    notes.forEach(function (n) { box.appendChild(card(n, colours)); });
    return box;
  }
  function column(title, notes, colours, extra) {
    var col = el("section", "column" + (extra ? " " + extra : ""));
    var h = el("h2", null, title + " ");
    h.appendChild(el("span", "n", "(" + notes.length + ")"));
    col.appendChild(h);
    col.appendChild(cards(notes, colours));
    return col;
  }
  function message(text) { return el("p", "message", text); }

  // ------------------------------------------------------------ notes and canvas

  function notesBoard(v) {
    var input = v.input || {};
    var box = el("div");
    if (v.groups) {
      v.groups.forEach(function (g) {
        var s = el("section", "section");
        var h = el("h2", null, g.label + " ");
        if (g.size !== null) h.appendChild(el("span", "n", "· " + plural(g.size, "person", "people")));
        s.appendChild(h);
        s.appendChild(g.notes.length ? cards(g.notes) : el("p", "sub", "Nothing yet."));
        box.appendChild(s);
      });
      return box;
    }
    var notes = v.notes || [];
    if (!notes.length) {
      return message(input.private && !input.revealed
        ? "Notes appear here when they are revealed."
        : "Add your notes on your phone.");
    }
    if (input.kind === "canvas") return canvasBoard(input, notes);
    var cats = input.categories || [];
    if (!cats.length) return cards(notes);
    var colours = {};
    cats.forEach(function (c) { colours[c.id] = c.colour; });
    var cols = el("div", "columns");
    cats.forEach(function (c) {
      cols.appendChild(column(c.label, notes.filter(function (n) { return n.category === c.id; }), colours));
    });
    var loose = notes.filter(function (n) { return !colours.hasOwnProperty(n.category); });
    if (loose.length) cols.appendChild(column("No kind", loose, colours));
    return cols;
  }

  function canvasBoard(input, notes) {
    var inRegion = function (id) { return notes.filter(function (n) { return n.region === id; }); };
    var known = {};
    (input.regions || []).forEach(function (r) { known[r.id] = true; });
    var loose = notes.filter(function (n) { return !known[n.region]; });
    var box = el("div");
    if (input.rows && input.rows.length) {
      var table = el("table", "grid");
      var head = el("tr");
      head.appendChild(el("th"));
      input.columns.forEach(function (c) { head.appendChild(el("th", null, c.label)); });
      table.appendChild(head);
      input.rows.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("th", null, r.label));
        input.columns.forEach(function (c) {
          var td = el("td");
          inRegion(r.id + "." + c.id).forEach(function (n) { td.appendChild(card(n)); });
          tr.appendChild(td);
        });
        table.appendChild(tr);
      });
      box.appendChild(table);
    } else if (input.layout === "rings") {
      box = ringsBoard(input.regions, inRegion);
    } else {
      input.regions.forEach(function (r) {
        var lane = el("section", "lane");
        lane.appendChild(el("h2", null, r.label));
        lane.appendChild(cards(inRegion(r.id)));
        box.appendChild(lane);
      });
    }
    if (loose.length) box.appendChild(column("Not placed", loose));
    return box;
  }

  function ringsBoard(regions, inRegion) {
    // The first region is the middle; each next one a ring around it. Notes sit around
    // the middle of their ring's band.
    var box = el("div", "rings");
    var n = regions.length;
    regions.forEach(function (r, i) {
      var outer = (i + 1) / n * 50;  // radius, % of the box
      var ring = el("div", "ring");
      ring.style.left = ring.style.top = (50 - outer) + "%";
      ring.style.width = ring.style.height = (2 * outer) + "%";
      box.appendChild(ring);
      var label = el("span", "ring-label", r.label);
      label.style.top = "calc(" + (50 - outer) + "% + 0.3rem)";  // inside its band
      box.appendChild(label);
    });
    regions.forEach(function (r, i) {
      var mid = (i + 0.5) / n * 50;
      var here = inRegion(r.id);
      here.forEach(function (note, j) {
        var angle = (j + 0.5) / here.length * 2 * Math.PI + (i ? 0.4 : Math.PI / 2);
        var c = card(note);
        c.style.left = (50 + mid * Math.cos(angle)) + "%";
        c.style.top = (50 + (i ? mid : 0) * Math.sin(angle)) + "%";
        box.appendChild(c);
      });
    });
    return box;
  }

  // ------------------------------------------------------------ clusters and votes

  function clusterBoard(v) {
    var cols = el("div", "columns");
    var loose = v.notes || [];
    if (loose.length) cols.appendChild(column("Not yet grouped", loose));
    var clusters = (v.clusters || []).slice().sort(function (a, b) { return a.parking - b.parking; });
    clusters.forEach(function (cl) {
      cols.appendChild(column(cl.label, cl.notes, null, cl.parking ? "parking" : ""));
    });
    return cols.childNodes.length ? cols : message("Themes appear here as the notes are grouped.");
  }

  function places(rows, score) {
    // Equal scores share a place ("=2"), so a tie reads as a tie.
    var out = [];
    rows.forEach(function (r, i) {
      var first = i;
      while (first > 0 && score(rows[first - 1]) === score(r)) first--;
      var tied = (first !== i) || (i + 1 < rows.length && score(rows[i + 1]) === score(r));
      out.push((tied ? "=" : "") + (first + 1));
    });
    return out;
  }

  function bars(rows) {
    // rows: [{label, value, shown}]
    var most = Math.max.apply(null, [1].concat(rows.map(function (r) { return r.value; })));
    var list = el("ol", "bars");
    var marks = places(rows, function (r) { return r.value; });
    rows.forEach(function (r, i) {
      var li = el("li", "bar");
      li.appendChild(el("span", "place", r.place !== undefined ? r.place : marks[i]));
      li.appendChild(el("span", "label" + (r.label === REMOVED ? " removed-text" : ""), r.label));
      var track = el("span", "track");
      var fill = el("span", "fill");
      fill.style.width = (100 * r.value / most) + "%";
      track.appendChild(fill);
      li.appendChild(track);
      li.appendChild(el("span", "num", r.shown !== undefined ? r.shown : r.value));
      list.appendChild(li);
    });
    return list;
  }

  function voteBoard(v) {
    var box = el("div");
    var targets = v.targets || [];
    var label = {};
    targets.forEach(function (t) { label[t.id] = t.text; });
    if (v.results) {
      var rows = v.results.tally
        .filter(function (t) { return label.hasOwnProperty(t.target); })
        .map(function (t) { return { label: label[t.target], value: t.dots }; });
      rows.sort(function (a, b) { return b.value - a.value; });
      box.appendChild(el("p", "sub", "Results: dots per item"));
      box.appendChild(bars(rows));
      return box;
    }
    var input = v.input || {};
    box.appendChild(el("p", "sub", input.status === "open"
      ? "Vote on your phone: " + plural(input.dots_per_person, "dot") + " each. Results show when the vote closes."
      : "The vote opens soon."));
    var list = el("div", "cards");
    targets.forEach(function (t) {
      list.appendChild(card({ text: t.text, redacted: t.text === REMOVED }));
    });
    box.appendChild(list);
    if (v.unseen) box.appendChild(el("p", "sub", plural(v.unseen, "item is", "items are") + " not revealed yet."));
    return box;
  }

  function ratingBoard(v) {
    var input = v.input, res = v.results;
    var box = el("div");
    if (input.question) box.appendChild(el("p", "message", input.question));
    var rows = [];
    for (var value = input.scale_max; value >= input.scale_min; value--) {
      var label = input.labels.length ? input.labels[value - input.scale_min] : "";
      rows.push({ place: value, label: label, value: res.counts[String(value)] || 0 });
    }
    box.appendChild(bars(rows));
    if (res.average !== null) box.appendChild(el("p", "big-number", "Average " + res.average));
    return box;
  }

  // ------------------------------------------------------------ other kinds

  function wordsBoard(v) {
    var words = v.cloud || [];
    if (!words.length) return message("Send a word or two from your phone: they appear here as a cloud.");
    var most = words[0].count, least = words[words.length - 1].count;
    var cloud = el("div", "cloud");
    // Biggest in the middle: alternate sides so the cloud has a centre.
    var order = [];
    words.forEach(function (w, i) { if (i % 2) order.push(w); else order.unshift(w); });
    order.forEach(function (w) {
      var s = el("span", null, w.word);
      var weight = most === least ? 1 : (w.count - least) / (most - least);
      s.style.fontSize = (1.3 + 4.2 * weight) + "rem";
      s.title = plural(w.count, "time");
      cloud.appendChild(s);
    });
    return cloud;
  }

  function questionsBoard(v) {
    var qs = v.questions || [];
    if (!qs.length) return message("Ask your questions on your phone, and upvote the ones you want answered.");
    var list = el("ul", "list");
    qs.forEach(function (q) {
      var li = el("li", q.answered ? "done" : "");
      li.appendChild(el("span", "count", "▲ " + q.votes));
      var text = el("span", "text" + (q.text === REMOVED ? " removed-text" : ""), q.text);
      li.appendChild(text);
      var meta = [];
      if (q.answered) meta.push("answered");
      if (q.merged) meta.push("+" + q.merged + " merged");
      if (q.author_name) meta.push(q.author_name);
      if (meta.length) li.appendChild(el("span", "meta", meta.join(" · ")));
      list.appendChild(li);
    });
    return list;
  }

  function actionsBoard(v) {
    var acts = v.actions || [];
    if (!acts.length) return message("The actions we agree appear here: what, who and by when.");
    var table = el("table", "actions");
    var head = el("tr");
    ["What", "Who", "By when"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    acts.forEach(function (a) {
      var tr = el("tr");
      tr.appendChild(el("td", a.what === REMOVED ? "removed-text" : "", (a.done ? "✓ " : "") + a.what));
      tr.appendChild(el("td", null, a.who || "—"));
      tr.appendChild(el("td", null, a.due || "—"));
      table.appendChild(tr);
    });
    return table;
  }

  // A review: last time's actions, where each has got to and what was learned.
  function reviewBoard(v) {
    var acts = v.reviews || [];
    if (!acts.length) return message("No actions were carried in from an earlier session.");
    var table = el("table", "grid");
    var head = el("tr");
    ["What", "Who", "Now", "Learned"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    acts.forEach(function (a) {
      var tr = el("tr");
      tr.appendChild(el("td", a.what === REMOVED ? "removed-text" : "", a.what));
      tr.appendChild(el("td", null, a.who || "—"));
      tr.appendChild(el("td", null, a.status));
      tr.appendChild(el("td", null, (a.learned || []).join(" · ") || "—"));
      table.appendChild(tr);
    });
    return table;
  }

  function requestsBoard(v) {
    var input = v.input, reqs = v.requests || [];
    if (!reqs.length) return message("Send your requests to the other teams from your phone.");
    var cols = el("div", "columns");
    input.teams.forEach(function (team) {
      var mine = reqs.filter(function (r) { return r.team === team.id; });
      if (!mine.length) return;
      var col = el("section", "column");
      col.appendChild(el("h2", null, "To " + team.label));
      var list = el("ul", "list");
      mine.forEach(function (r) {
        var li = el("li");
        li.appendChild(el("span", "text" + (r.text === REMOVED ? " removed-text" : ""), r.text));
        var meta = [];
        if (r.from) meta.push("from " + r.from);
        if (r.answer_label) meta.push(r.answer_label + (r.reply ? ": " + r.reply : ""));
        if (meta.length) li.appendChild(el("span", "meta", meta.join(" · ")));
        list.appendChild(li);
      });
      col.appendChild(list);
      cols.appendChild(col);
    });
    return cols;
  }

  var SHADES = ["#ffd60a", "#ffffff", "#7cc4ff", "#ff9f6b", "#b7f07a", "#d7a6ff"];

  function sortBoard(v) {
    var input = v.input, items = v.items || [];
    var box = el("div");
    var legend = el("div", "legend");
    input.buckets.forEach(function (b, i) {
      var s = el("span");
      var sw = el("i");
      sw.style.background = SHADES[i % SHADES.length];
      s.appendChild(sw);
      s.appendChild(document.createTextNode(b));
      legend.appendChild(s);
    });
    box.appendChild(legend);
    if (!v.results) {
      box.appendChild(el("p", "sub", "Sort every item on your phone; the counts show when the sort closes."));
      box.appendChild(cards(items.map(function (i) { return { text: i.text, redacted: i.text === REMOVED }; })));
      return box;
    }
    var label = {};
    items.forEach(function (i) { label[i.id] = i.text; });
    var list = el("ul", "list");
    v.results.rows.forEach(function (row) {
      var total = row.counts.reduce(function (a, b) { return a + b; }, 0) || 1;
      var li = el("li");
      li.appendChild(el("span", "text", label[row.item]));
      var stack = el("span", "stack");
      stack.style.flex = "0 0 40%";
      row.counts.forEach(function (n, i) {
        var part = el("span");
        part.style.width = (100 * n / total) + "%";
        part.style.background = SHADES[i % SHADES.length];
        stack.appendChild(part);
      });
      li.appendChild(stack);
      li.appendChild(el("span", "meta", row.counts.join(" · ")));
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }

  function rankBoard(v) {
    var input = v.input, items = v.items || [];
    var label = {};
    items.forEach(function (i) { label[i.id] = i.text; });
    if (!v.results) {
      var box = el("div");
      box.appendChild(el("p", "sub", (input.mode === "rank" ? "Rank" : "Score") +
        " the items on your phone; the results show when the facilitator closes this step."));
      box.appendChild(cards(items.map(function (i) { return { text: i.text }; })));
      return box;
    }
    var res = v.results;
    if (input.mode === "rank") {
      return bars(res.rows.map(function (r) {
        return { place: r.place, label: label[r.item], value: r.points, shown: plural(r.points, "pt") };
      }));
    }
    var out = el("div");
    var crit = input.criteria;
    var table = el("table", "actions");
    var head = el("tr");
    head.appendChild(el("th", null, "Item"));
    crit.forEach(function (c) { head.appendChild(el("th", null, c.label + " (mean)")); });
    table.appendChild(head);
    res.rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("td", null, label[r.item]));
      r.means.forEach(function (m) { tr.appendChild(el("td", null, m === null ? "—" : Number(m).toFixed(1))); });
      table.appendChild(tr);
    });
    out.appendChild(table);
    if (res.quadrants && res.quadrants.length) {
      var cols = el("div", "columns");
      res.quadrants.forEach(function (q) {
        cols.appendChild(column(q.name, q.items.map(function (id) { return { text: label[id] }; })));
      });
      out.appendChild(cols);
    }
    return out;
  }

  function discussionBoard(v) {
    var text = (v.step && v.step.summary) || "";
    if (!text) return el("div");
    var box = el("div", "summary");
    text.split("\n").forEach(function (line) { if (line.trim()) box.appendChild(el("p", null, line)); });
    return box;
  }

  var BOARDS = {
    notes: notesBoard,
    canvas: notesBoard,
    cluster: clusterBoard,
    vote: voteBoard,
    rating: ratingBoard,
    discussion: discussionBoard,
    words: wordsBoard,
    questions: questionsBoard,
    actions: actionsBoard,
    sort: sortBoard,
    rank: rankBoard,
    requests: requestsBoard,
    review: reviewBoard
  };

  // ------------------------------------------------------------ the page

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  function showTimer() {
    var t = view && view.timer, box = $("timer");
    var kind = view && view.step ? view.step.kind : "waiting";
    if (!t || !t.duration || kind === "waiting") { box.hidden = true; return; }
    var left = t.remaining - (t.running ? (performance.now() - timerAt) / 1000 : 0);
    box.hidden = false;
    box.textContent = clock(left);
    var state = left <= 0 ? "Time is up" : t.running ? "" : "paused";
    box.className = "timer" + (left <= 0 ? " up" : t.running ? "" : " paused");
    if (state) box.appendChild(el("span", "state", state));
  }

  function showJoin(v) {
    var j = v.join || {}, box = $("join");
    var ended = v.session && v.session.ended;
    box.hidden = !j.url || ended;
    if (box.hidden) return;
    $("join-closed").hidden = j.open;
    $("join-qr").hidden = !j.open;
    $("join-url").hidden = !j.open;
    $("join-code").hidden = !(j.open && j.code);
    if (j.code) $("join-code").textContent = j.code;
    if (j.open && qrFor !== j.url) {
      qrFor = j.url;
      $("join-qr").src = base + "/join.svg?for=" + encodeURIComponent(j.url);
      // Typing the short code at the root page is easier than the long join address.
      $("join-url").textContent = j.code && j.where ? "or type the code at " + j.where : j.url;
    }
  }

  function draw(v) {
    var step = v.step || {};
    var kind = step.kind || "waiting";
    var pause = !BOARDS[kind] && kind !== "waiting" && kind !== "ended";  // a break, a talk
    $("room").setAttribute("data-kind", pause ? "break" : kind);
    document.title = "Room: " + v.session.title;
    $("where").textContent = kind === "waiting" || kind === "ended" ? v.session.title
      : step.item && step.item !== step.title ? step.item + " · " + step.number + " of " + step.count : "";
    $("title").textContent = kind === "waiting" ? "Starting soon" : step.title || "";
    var prompt = step.prompt || "";
    if (kind === "waiting") prompt = v.join && v.join.url ? "Scan the code to join from your phone." : "";
    if (kind === "ended") prompt = "The session has ended. Thank you for taking part!";
    if (pause) prompt = kind === "talk" ? "A talk" : backAt(v);
    if (step.locked) prompt += "  (input paused)";
    $("prompt").textContent = prompt;
    var board = $("board");
    board.textContent = "";
    if (BOARDS[kind]) board.appendChild(BOARDS[kind](v));
    $("answered").textContent = v.answered ? v.answered.line : "";
    $("care").textContent = v.session.safeguarding || "";
    showJoin(v);
    showTimer();
  }

  function backAt(v) {
    var t = v.timer;
    if (!t || !t.duration) return "Break";
    var back = new Date(Date.now() + Math.max(0, t.remaining) * 1000);
    return "Back at " + String(back.getHours()).padStart(2, "0") + ":" + String(back.getMinutes()).padStart(2, "0");
  }

  function connection(state, text) {
    $("conn").setAttribute("data-state", state);
    $("conn").textContent = text;
  }

  function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    fetch(base + "/api/state", { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) return r.json().then(function (b) { throw new Error(b.error || "status " + r.status); });
        return r.json();
      })
      .then(function (v) {
        view = v;
        seen = v.seq;
        timerAt = performance.now();
        draw(v);
      })
      .catch(function (e) { connection("error", "Not updating: " + e.message); })
      .then(function () {
        fetching = false;
        if (again) { again = false; refresh(); }
      });
  }

  function listen() {
    var stream = new EventSource(base + "/api/events");
    stream.addEventListener("changed", function (e) {
      connection("live", "Live");
      var notice = {};
      try { notice = JSON.parse(e.data); } catch (err) { /* a notice is only a nudge */ }
      if (notice.seq === undefined || notice.seq !== seen) refresh();
    });
    // The phones' notes on an open board come as a delta (web/deltas.py); the room page
    // (one screen) simply fetches its own view, which shows more than a phone's.
    stream.addEventListener("delta", function (e) {
      connection("live", "Live");
      var delta = {};
      try { delta = JSON.parse(e.data); } catch (err) { /* a nudge all the same */ }
      if (delta.to === undefined || delta.to !== seen) refresh();
    });
    stream.addEventListener("ping", function () { connection("live", "Live"); });
    stream.onerror = function () { connection("connecting", "Reconnecting…"); };
  }

  setInterval(showTimer, 250);
  refresh();
  listen();
})();
