/* The room page: draws what GET api/state says the room may see, again on every notice
   of the event stream. Every text goes in with textContent, never as HTML. The page's
   own words are looked up in the run's language (t()); participants' text never is. */
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

  // ------------------------------------------------------------ language

  // As on the phone page (app.js): the run's language (en, cy or cy+en) comes on <html>,
  // the Welsh catalogue (static/strings/cy.json) as data; strings are looked up by their
  // English, a missing Welsh shows the English, and bilingual text travels as one string
  // with invisible marks around each pair, which setText turns into two spans, each with
  // its lang. The room has no switch: it is the projector's page, in the run's language.
  var WELSH = {};
  try { WELSH = JSON.parse($("strings-cy").textContent || "{}"); } catch (e) { WELSH = {}; }
  var language = document.documentElement.getAttribute("data-language") || "en";
  if (["en", "cy", "cy+en"].indexOf(language) < 0) language = "en";
  var OPEN = "\u2063", MID = "\u2064", CLOSE = "\u2065";
  var MARKS = /[\u2063-\u2065]/g;
  var PAIR = /\u2063([^\u2063-\u2065]*)\u2064([^\u2063-\u2065]*)\u2065/g;

  function both(welsh, english) {
    if (language === "cy") return welsh || english;
    if (language === "cy+en" && welsh && welsh !== english) return OPEN + welsh + MID + english + CLOSE;
    return english;
  }
  // One language's side of a (maybe bilingual) value: 1 the Welsh, 2 the English.
  function side(text, which) {
    return String(text).replace(PAIR, function (all, cy, en) { return which === 1 ? cy : en; })
      .replace(MARKS, "");
  }
  function fill(text, vars, which) {
    return !vars ? text : text.replace(/\{(\w+)\}/g, function (all, name) {
      return name in vars ? side(vars[name], which) : all;
    });
  }
  function t(key, vars) {
    return both(key in WELSH ? fill(WELSH[key], vars, 1) : "", fill(key, vars, 2));
  }
  // A method's own text (a title, prompt or label): its Welsh beside it in `cy`.
  function local(item, field) {
    if (!item) return "";
    return both(item.cy && item.cy[field] || "", item[field] || "");
  }
  function localList(item, field) {
    var welsh = item && item.cy && item.cy[field] || [];
    return (item && item[field] || []).map(function (english, i) { return both(welsh[i] || "", english); });
  }
  // Participants' text: any invisible marks they typed are not language pairs.
  function raw(text) { return String(text === undefined || text === null ? "" : text).replace(MARKS, ""); }
  // What stands for a participant's text: theirs as written, or the removal, translated.
  function theirs(text) { return text === REMOVED ? t(REMOVED) : raw(text); }
  function plain(text) { return String(text).replace(PAIR, "$1 / $2").replace(MARKS, ""); }
  function setText(node, text) {
    text = text === undefined || text === null ? "" : String(text);
    node.textContent = "";
    var at = 0;
    text.replace(PAIR, function (all, welsh, english, offset) {
      if (offset > at) node.appendChild(document.createTextNode(text.slice(at, offset)));
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
  // el() for the page's own (translated) words and a method's texts.
  function say(tag, cls, text) {
    var node = el(tag, cls);
    setText(node, text);
    return node;
  }
  // "1 person" / "3 people": both forms are catalogue keys with {n} in them.
  function count(n, one, many) { return t(n === 1 ? one : many, { n: n }); }

  // The page's own words in room.html, translated once (the page has no switch).
  (function translatePage() {
    document.documentElement.lang = language === "en" ? "en" : "cy";
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    var found = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (node.data.trim() && node.parentNode.tagName !== "SCRIPT") found.push(node);
    }
    found.forEach(function (node) {
      var holder = el("span");
      setText(holder, t(node.data.trim().replace(/\s+/g, " ")));
      node.parentNode.replaceChild(holder, node);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[aria-label], [alt]"), function (node) {
      ["aria-label", "alt"].forEach(function (name) {
        if (node.hasAttribute(name)) node.setAttribute(name, plain(t(node.getAttribute(name))));
      });
    });
  })();

  // ------------------------------------------------------------ cards

  function card(note, colours) {
    var c = say("div", "card", theirs(note.text));
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
  function column(title, notes, colours, extra, total) {
    var col = el("section", "column" + (extra ? " " + extra : ""));
    var h = say("h2", null, title);
    h.appendChild(document.createTextNode(" "));
    var all = total === undefined ? notes.length : total;
    h.appendChild(el("span", "n", "(" + all + ")"));
    col.appendChild(h);
    col.appendChild(cards(notes, colours));
    andMore(col, notes.length, all);
    return col;
  }

  // Long lists reach the wall cut (web/room_view.py for_the_wall): it is read from
  // across the room, not scrolled. A column (a theme's notes) says how many more.
  function andMore(box, shown, total) {
    if (total > shown) box.appendChild(say("p", "sub more", count(total - shown, "and {n} more", "and {n} more")));
    return box;
  }
  // The board's own list, cut: "Showing 100 of 412." above it, where the wall (which
  // shows what fits, see .board) always has it in sight.
  function cutLine(list, total) {
    var shown = (list || []).length;
    return total > shown ? say("p", "sub more", t("Showing {n} of {total}.", { n: shown, total: total })) : null;
  }
  function wallCut(kind, v) {
    var res = v.results;
    if (kind === "notes" || kind === "canvas") return v.groups ? null : cutLine(v.notes, v.notes_total);
    if (kind === "cluster") return cutLine(v.clusters, v.clusters_total);
    if (kind === "vote") return res ? cutLine(res.tally, res.tally_total) : cutLine(v.targets, v.targets_total);
    if (kind === "sort" || kind === "rank") return res ? cutLine(res.rows, res.rows_total) : cutLine(v.items, v.items_total);
    var name = { words: "cloud", questions: "questions", actions: "actions", requests: "requests", review: "reviews" }[kind];
    return name ? cutLine(v[name], v[name + "_total"]) : null;
  }
  function message(text) { return say("p", "message", text); }

  // ------------------------------------------------------------ notes and canvas

  function notesBoard(v) {
    var input = v.input || {};
    var box = el("div");
    if (v.groups) {
      v.groups.forEach(function (g) {
        var s = el("section", "section");
        var h = say("h2", null, g.group ? t("Group {group}", { group: g.group }) : t("Other notes"));
        if (g.size !== null) {
          h.appendChild(document.createTextNode(" "));
          h.appendChild(say("span", "n", "· " + count(g.size, "{n} person", "{n} people")));
        }
        s.appendChild(h);
        s.appendChild(g.notes.length ? cards(g.notes) : say("p", "sub", t("Nothing yet.")));
        box.appendChild(s);
      });
      return box;
    }
    var notes = v.notes || [];
    if (!notes.length) {
      return message(input.private && !input.revealed
        ? t("Notes appear here when they are revealed.")
        : t("Add your notes on your phone."));
    }
    if (input.kind === "canvas") return canvasBoard(input, notes);
    var cats = input.categories || [];
    if (!cats.length) return cards(notes);
    var colours = {};
    cats.forEach(function (c) { colours[c.id] = c.colour; });
    var cols = el("div", "columns");
    cats.forEach(function (c) {
      cols.appendChild(column(local(c, "label"), notes.filter(function (n) { return n.category === c.id; }), colours));
    });
    var loose = notes.filter(function (n) { return !colours.hasOwnProperty(n.category); });
    if (loose.length) cols.appendChild(column(t("No kind"), loose, colours));
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
      input.columns.forEach(function (c) { head.appendChild(say("th", null, local(c, "label"))); });
      table.appendChild(head);
      input.rows.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(say("th", null, local(r, "label")));
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
        lane.appendChild(say("h2", null, local(r, "label")));
        lane.appendChild(cards(inRegion(r.id)));
        box.appendChild(lane);
      });
    }
    if (loose.length) box.appendChild(column(t("Not placed"), loose));
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
      var label = say("span", "ring-label", local(r, "label"));
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
    if (loose.length) cols.appendChild(column(t("Not yet grouped"), loose, null, "", v.notes_total));
    var clusters = (v.clusters || []).slice().sort(function (a, b) { return a.parking - b.parking; });
    clusters.forEach(function (cl) {
      cols.appendChild(column(raw(cl.label), cl.notes, null, cl.parking ? "parking" : "", cl.count));
    });
    return cols.childNodes.length ? cols : message(t("Themes appear here as the notes are grouped."));
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
      li.appendChild(say("span", "label" + (r.label === REMOVED ? " removed-text" : ""),
        r.own ? r.label : theirs(r.label)));
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
    targets.forEach(function (x) { label[x.id] = x.text; });
    if (v.results) {
      // Each row is named by its text (the top 100 may lie past the first 100 targets).
      var rows = v.results.tally
        .filter(function (x) { return label.hasOwnProperty(x.target) || x.text !== undefined; })
        .map(function (x) { return { label: label.hasOwnProperty(x.target) ? label[x.target] : x.text, value: x.dots }; });
      rows.sort(function (a, b) { return b.value - a.value; });
      box.appendChild(say("p", "sub", t("Results: dots per item")));
      box.appendChild(bars(rows));
      return box;
    }
    var input = v.input || {};
    box.appendChild(say("p", "sub", input.status === "open"
      ? count(input.dots_per_person, "Vote on your phone: {n} dot each. Results show when the vote closes.",
        "Vote on your phone: {n} dots each. Results show when the vote closes.")
      : t("The vote opens soon.")));
    var list = el("div", "cards");
    targets.forEach(function (x) {
      list.appendChild(card({ text: x.text, redacted: x.text === REMOVED }));
    });
    box.appendChild(list);
    if (v.unseen) {
      box.appendChild(say("p", "sub", count(v.unseen, "{n} item is not revealed yet.", "{n} items are not revealed yet.")));
    }
    return box;
  }

  function ratingBoard(v) {
    var input = v.input, res = v.results;
    var box = el("div");
    if (input.question) box.appendChild(message(local(input, "question")));
    var rows = [], labels = localList(input, "labels");
    for (var value = input.scale_max; value >= input.scale_min; value--) {
      var label = labels.length ? labels[value - input.scale_min] : "";
      rows.push({ place: value, label: label, own: true, value: res.counts[String(value)] || 0 });
    }
    box.appendChild(bars(rows));
    if (res.average !== null) box.appendChild(say("p", "big-number", t("Average {average}", { average: res.average })));
    return box;
  }

  // ------------------------------------------------------------ other kinds

  function wordsBoard(v) {
    var words = v.cloud || [];
    if (!words.length) return message(t("Send a word or two from your phone: they appear here as a cloud."));
    var most = words[0].count, least = words[words.length - 1].count;
    var cloud = el("div", "cloud");
    // Biggest in the middle: alternate sides so the cloud has a centre.
    var order = [];
    words.forEach(function (w, i) { if (i % 2) order.push(w); else order.unshift(w); });
    order.forEach(function (w) {
      var s = el("span", null, w.word);
      var weight = most === least ? 1 : (w.count - least) / (most - least);
      s.style.fontSize = (1.3 + 4.2 * weight) + "rem";
      s.title = plain(count(w.count, "{n} time", "{n} times"));
      cloud.appendChild(s);
    });
    return cloud;
  }

  function questionsBoard(v) {
    var qs = v.questions || [];
    if (!qs.length) return message(t("Ask your questions on your phone, and upvote the ones you want answered."));
    var list = el("ul", "list");
    qs.forEach(function (q) {
      var li = el("li", q.answered ? "done" : "");
      li.appendChild(el("span", "count", "▲ " + q.votes));
      var text = say("span", "text" + (q.text === REMOVED ? " removed-text" : ""), theirs(q.text));
      li.appendChild(text);
      var meta = [];
      if (q.answered) meta.push(t("answered"));
      if (q.merged) meta.push(t("+{n} merged", { n: q.merged }));
      if (q.author_name) meta.push(raw(q.author_name));
      if (meta.length) li.appendChild(say("span", "meta", meta.join(" · ")));
      list.appendChild(li);
    });
    return list;
  }

  function actionsBoard(v) {
    var acts = v.actions || [];
    if (!acts.length) return message(t("The actions we agree appear here: what, who and by when."));
    var table = el("table", "actions");
    var head = el("tr");
    [t("What"), t("Who"), t("By when")].forEach(function (h) { head.appendChild(say("th", null, h)); });
    table.appendChild(head);
    acts.forEach(function (a) {
      var tr = el("tr");
      tr.appendChild(say("td", a.what === REMOVED ? "removed-text" : "", (a.done ? "✓ " : "") + theirs(a.what)));
      tr.appendChild(el("td", null, a.who || "—"));
      tr.appendChild(el("td", null, a.due || "—"));
      table.appendChild(tr);
    });
    return table;
  }

  // A review: last time's actions, where each has got to and what was learned.
  function reviewBoard(v) {
    var acts = v.reviews || [];
    if (!acts.length) return message(t("No actions were carried in from an earlier session."));
    var table = el("table", "grid");
    var head = el("tr");
    [t("What"), t("Who"), t("Now"), t("Learned")].forEach(function (h) { head.appendChild(say("th", null, h)); });
    table.appendChild(head);
    acts.forEach(function (a) {
      var tr = el("tr");
      tr.appendChild(say("td", a.what === REMOVED ? "removed-text" : "", theirs(a.what)));
      tr.appendChild(el("td", null, a.who || "—"));
      tr.appendChild(el("td", null, a.status));
      tr.appendChild(el("td", null, (a.learned || []).join(" · ") || "—"));
      table.appendChild(tr);
    });
    return table;
  }

  function requestsBoard(v) {
    var input = v.input, reqs = v.requests || [];
    if (!reqs.length) return message(t("Send your requests to the other teams from your phone."));
    var cols = el("div", "columns");
    input.teams.forEach(function (team) {
      var mine = reqs.filter(function (r) { return r.team === team.id; });
      if (!mine.length) return;
      var col = el("section", "column");
      col.appendChild(say("h2", null, t("To {team}", { team: local(team, "label") })));
      var list = el("ul", "list");
      mine.forEach(function (r) {
        var li = el("li");
        li.appendChild(say("span", "text" + (r.text === REMOVED ? " removed-text" : ""), theirs(r.text)));
        var meta = [];
        if (r.from) meta.push(t("from {team}", { team: r.from }));
        if (r.answer_label) meta.push(t(r.answer_label) + (r.reply ? ": " + raw(r.reply) : ""));
        if (meta.length) li.appendChild(say("span", "meta", meta.join(" · ")));
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
    localList(input, "buckets").forEach(function (b, i) {
      var s = el("span");
      var sw = el("i");
      sw.style.background = SHADES[i % SHADES.length];
      s.appendChild(sw);
      s.appendChild(say("span", null, b));
      legend.appendChild(s);
    });
    box.appendChild(legend);
    if (!v.results) {
      box.appendChild(say("p", "sub", t("Sort every item on your phone; the counts show when the sort closes.")));
      box.appendChild(cards(items.map(function (i) { return { text: i.text, redacted: i.text === REMOVED }; })));
      return box;
    }
    var label = {};
    items.forEach(function (i) { label[i.id] = i.text; });
    var list = el("ul", "list");
    v.results.rows.forEach(function (row) {
      var total = row.counts.reduce(function (a, b) { return a + b; }, 0) || 1;
      var li = el("li");
      li.appendChild(el("span", "text", label[row.item] !== undefined ? label[row.item] : row.text));
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
      box.appendChild(say("p", "sub", input.mode === "rank"
        ? t("Rank the items on your phone; the results show when the facilitator closes this step.")
        : t("Score the items on your phone; the results show when the facilitator closes this step.")));
      box.appendChild(cards(items.map(function (i) { return { text: i.text }; })));
      return box;
    }
    var res = v.results;
    if (input.mode === "rank") {
      return bars(res.rows.map(function (r) {
        return { place: r.place, label: label[r.item] !== undefined ? label[r.item] : r.text, value: r.points, shown: plain(count(r.points, "{n} pt", "{n} pts")) };
      }));
    }
    var out = el("div");
    var crit = input.criteria;
    var table = el("table", "actions");
    var head = el("tr");
    head.appendChild(say("th", null, t("Item")));
    crit.forEach(function (c) { head.appendChild(say("th", null, t("{criterion} (mean)", { criterion: local(c, "label") }))); });
    table.appendChild(head);
    res.rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("td", null, label[r.item] !== undefined ? label[r.item] : r.text));
      r.means.forEach(function (m) { tr.appendChild(el("td", null, m === null ? "—" : Number(m).toFixed(1))); });
      table.appendChild(tr);
    });
    out.appendChild(table);
    if (res.quadrants && res.quadrants.length) {
      var cols = el("div", "columns");
      res.quadrants.forEach(function (q) {
        cols.appendChild(column(raw(q.name), q.items.map(function (id, i) {
          return { text: label[id] !== undefined ? label[id] : (q.texts || [])[i] };
        }), null, "", q.count));
      });
      out.appendChild(cols);
    }
    return out;
  }

  function discussionBoard(v) {
    var text = (v.step && v.step.summary) || "";
    if (!text) return el("div");
    var box = el("div", "summary");
    text.split("\n").forEach(function (line) { if (line.trim()) box.appendChild(el("p", null, raw(line))); });
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
    var tm = view && view.timer, box = $("timer");
    var kind = view && view.step ? view.step.kind : "waiting";
    if (!tm || !tm.duration || kind === "waiting") { box.hidden = true; lastLeft = null; return; }
    var left = tm.remaining - (tm.running ? (performance.now() - timerAt) / 1000 : 0);
    // The chime: once for each zero (zero_at names it), as the countdown crosses it
    // here; not when muted here or silenced by the facilitator (timer.signal).
    if (tm.running && tm.zero_at !== null && left <= 0 && lastLeft !== null && lastLeft > 0 &&
        chimedFor !== tm.zero_at) {
      chimedFor = tm.zero_at;
      zeros += 1;
      $("room").setAttribute("data-zeros", String(zeros));  // for tests: a zero was seen
      if (!muted && tm.signal) chime();
    }
    lastLeft = left;
    box.hidden = false;
    box.textContent = clock(left);
    var state = left <= 0 ? t("Time is up") : tm.running ? "" : t("paused");
    box.className = "timer" + (left <= 0 ? " up" : tm.running ? "" : " paused");
    if (state) box.appendChild(say("span", "state", state));
  }

  // ------------------------------------------------------------ the chime

  // A short two-note chime made with the Web Audio API (no sound file). Browsers keep
  // a page silent until someone clicks it: then "Click to allow sound" shows, and the
  // click lets it play. The mute button (kept by this browser) and the facilitator's
  // silence (S in the app, sent as timer.signal) both stop it.
  var audio = null, chimes = 0, zeros = 0, chimedFor = null, lastLeft = null;
  var muted = false;
  try { muted = localStorage.getItem("sessionkit-room-muted") === "1"; } catch (e) { muted = false; }

  function context() {
    if (audio) return audio;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    try { audio = new Context(); } catch (e) { return null; }
    audio.onstatechange = showSound;
    return audio;
  }

  function chime() {
    var ctx = context();
    if (!ctx || ctx.state !== "running") return;
    var start = ctx.currentTime;
    [880, 1318.5].forEach(function (pitch, i) {
      var tone = ctx.createOscillator(), gain = ctx.createGain(), at = start + i * 0.3;
      tone.type = "sine";
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.4);
      tone.connect(gain);
      gain.connect(ctx.destination);
      tone.start(at);
      tone.stop(at + 1.5);
    });
    chimes += 1;
    $("room").setAttribute("data-chimes", String(chimes));  // for tests and curious people
  }

  function showSound() {
    var ctx = context();
    var silenced = !!(view && view.timer && view.timer.signal === false);
    $("sound-silenced").hidden = !silenced;
    $("sound-allow").hidden = silenced || muted || !ctx || ctx.state === "running";
    $("sound-mute").setAttribute("aria-pressed", muted ? "true" : "false");
    $("sound-mute").hidden = silenced;
  }

  $("sound-allow").addEventListener("click", function () {
    var ctx = context();
    if (ctx && ctx.resume) ctx.resume().then(showSound, showSound);
  });
  $("sound-mute").addEventListener("click", function () {
    muted = !muted;
    try { localStorage.setItem("sessionkit-room-muted", muted ? "1" : "0"); } catch (e) { /* kept for this visit */ }
    if (!muted && audio && audio.state !== "running" && audio.resume) audio.resume().then(showSound, showSound);
    showSound();
  });

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
      setText($("join-url"), j.code && j.where ? t("or type the code at {address}", { address: j.where }) : j.url);
    }
  }

  function draw(v) {
    var step = v.step || {};
    var kind = step.kind || "waiting";
    var pause = !BOARDS[kind] && kind !== "waiting" && kind !== "ended";  // a break, a talk
    $("room").setAttribute("data-kind", pause ? "break" : kind);
    document.title = plain(t("Room: {title}", { title: raw(v.session.title) }));
    setText($("where"), kind === "waiting" || kind === "ended" ? raw(v.session.title)
      : step.item && step.item !== step.title
        ? raw(step.item) + " · " + t("{number} of {count}", { number: step.number, count: step.count }) : "");
    setText($("title"), kind === "waiting" ? t("Starting soon") : local(step, "title"));
    var prompt = local(step, "prompt");
    if (kind === "waiting") prompt = v.join && v.join.url ? t("Scan the code to join from your phone.") : "";
    if (kind === "ended") prompt = t("The session has ended. Thank you for taking part!");
    if (pause) prompt = kind === "talk" ? t("A talk") : backAt(v);
    if (step.locked) prompt += "  " + t("(input paused)");
    setText($("prompt"), prompt);
    var board = $("board");
    board.textContent = "";
    var cut = BOARDS[kind] ? wallCut(kind, v) : null;
    if (cut) board.appendChild(cut);
    if (BOARDS[kind]) board.appendChild(BOARDS[kind](v));
    setText($("answered"), v.answered ? t(v.answered.says, v.answered) : "");
    $("care").textContent = v.session.safeguarding || "";
    showJoin(v);
    showTimer();
    showSound();
  }

  function backAt(v) {
    var tm = v.timer;
    if (!tm || !tm.duration) return t("Break");
    var back = new Date(Date.now() + Math.max(0, tm.remaining) * 1000);
    return t("Back at {time}", { time: String(back.getHours()).padStart(2, "0") + ":" + String(back.getMinutes()).padStart(2, "0") });
  }

  function connection(state, text) {
    $("conn").setAttribute("data-state", state);
    setText($("conn"), text);
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
      .catch(function (e) { connection("error", t("Not updating: {why}", { why: raw(e.message) })); })
      .then(function () {
        fetching = false;
        if (again) { again = false; refresh(); }
      });
  }

  function listen() {
    var stream = new EventSource(base + "/api/events");
    stream.addEventListener("changed", function (e) {
      connection("live", t("Live"));
      var notice = {};
      try { notice = JSON.parse(e.data); } catch (err) { /* a notice is only a nudge */ }
      if (notice.seq === undefined || notice.seq !== seen) refresh();
    });
    // The phones' notes on an open board come as a delta (web/deltas.py); the room page
    // (one screen) simply fetches its own view, which shows more than a phone's.
    stream.addEventListener("delta", function (e) {
      connection("live", t("Live"));
      var delta = {};
      try { delta = JSON.parse(e.data); } catch (err) { /* a nudge all the same */ }
      if (delta.to === undefined || delta.to !== seen) refresh();
    });
    stream.addEventListener("ping", function () { connection("live", t("Live")); });
    stream.onerror = function () { connection("connecting", t("Reconnecting…")); };
  }

  showSound();
  setInterval(showTimer, 250);
  refresh();
  listen();
})();
