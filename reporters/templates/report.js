"use strict";
// The results table of the HTML report (reporters/html.py). It reads the report from
// the page's JSON script, filters and sorts it in memory and renders one page of rows
// at a time. Every node is made with createElement and every text set with textContent
// (or append of a string, a text node): report data is never parsed as HTML.
(() => {
  const RANK = { critical: 4, high: 3, medium: 2, low: 1, note: 0 };
  const STATUSES = ["FAIL", "ERROR", "SUPPRESSED", "PASS", "NOT_APPLICABLE"];
  const DEFAULT_DIRECTION = { severity: -1, status: 1, rule: 1, service: 1, resource: 1 };
  const SEARCH_DELAY_MS = 150;

  const byId = (id) => document.getElementById(id);
  const table = byId("results-table");
  const tbody = byId("rows");
  const search = byId("search");
  const severity = byId("filter-severity");
  const service = byId("filter-service");
  const pair = byId("filter-pair");
  const statusBoxes = Array.from(document.querySelectorAll("#filters input[name=status]"));
  const showMore = byId("show-more");
  const page = Number(table.dataset.page) || 200;
  const severalPairs = Number(table.dataset.pairs) > 0;
  const columns = severalPairs ? 7 : 6;

  const report = JSON.parse(byId("report-data").textContent);
  const rules = report.rules;
  const rows = report.results.map((r, i) => ({
    r,
    i,
    pair: r.source_region + ":" + r.target_region,
    resource: r.resource_name || r.resource_id || r.correlation_key || "",
    status: STATUSES.indexOf(r.status),
    rank: RANK[r.severity],
    text: null,
  }));
  const state = { sort: "severity", direction: -1, limit: page };
  const expanded = new Set();
  let matched = [];
  let timer = 0;

  // Text as shown: a lone surrogate (invalid UTF-16) becomes U+FFFD, as on the server.
  const wellFormed = (value) => (typeof value === "string" && value.toWellFormed ? value.toWellFormed() : value);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = wellFormed(value);
      else node.setAttribute(name, wellFormed(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(wellFormed(child));
    return node;
  }

  const label = (status) => status.replace("_", " ").toLowerCase();
  const pairTitle = (pairLabel) => pairLabel.replace(":", " -> ");

  function haystack(row) {
    if (row.text === null) {
      const r = row.r;
      const rule = rules[r.rule_id];
      row.text = [r.rule_id, rule ? rule.title : "", r.service, r.status, r.severity,
        r.message, r.resource_type, r.resource_id, r.resource_name || "", r.correlation_key,
        r.region, r.account, row.pair, ...r.blocked_by].join("\n").toLowerCase();
    }
    return row.text;
  }

  function filtered() {
    const statuses = new Set(statusBoxes.filter((box) => box.checked).map((box) => box.value));
    const terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const wanted = { severity: severity.value, service: service.value, pair: pair ? pair.value : "" };
    return rows.filter((row) => {
      const r = row.r;
      if (!statuses.has(r.status)) return false;
      if (wanted.severity && r.severity !== wanted.severity) return false;
      if (wanted.service && r.service !== wanted.service) return false;
      if (wanted.pair && row.pair !== wanted.pair) return false;
      if (terms.length) {
        const text = haystack(row);
        return terms.every((term) => text.includes(term));
      }
      return true;
    });
  }

  const KEYS = {
    severity: (row) => row.rank,
    status: (row) => row.status,
    rule: (row) => row.r.rule_id,
    service: (row) => row.r.service,
    resource: (row) => row.resource.toLowerCase(),
  };

  function compare(a, b) {
    const key = KEYS[state.sort];
    const x = key(a);
    const y = key(b);
    if (x !== y) return (x < y ? -1 : 1) * state.direction;
    if (a.status !== b.status) return a.status - b.status;
    if (a.rank !== b.rank) return b.rank - a.rank;
    if (a.r.rule_id !== b.r.rule_id) return a.r.rule_id < b.r.rule_id ? -1 : 1;
    return a.i - b.i;
  }

  function link(reference) {
    if (!/^https?:\/\/\S+$/i.test(reference)) return reference;
    const anchor = el("a", { rel: "noopener noreferrer", target: "_blank", text: reference });
    anchor.href = reference;
    return anchor;
  }

  function fields(values, first) {
    const names = [...first.filter((name) => name in values),
      ...Object.keys(values).filter((name) => !first.includes(name)).sort()];
    const list = el("dl", { class: "fields" });
    for (const name of names) {
      const value = values[name];
      if (value === null || value === undefined || value === "") continue;
      list.append(el("dt", { text: name }), el("dd", { text: String(value) }));
    }
    return list;
  }

  function detail(row) {
    const r = row.r;
    const rule = rules[r.rule_id];
    const list = el("dl", { class: "details" });
    const add = (term, ...values) => list.append(el("dt", { text: term }), el("dd", null, ...values));
    add("Message", el("p", { class: "message", text: r.message }));
    if (rule) add("Rule", el("p", { text: rule.id + ": " + rule.title }),
      rule.description ? el("p", { class: "description", text: rule.description }) : null);
    add("Resource", fields({ type: r.resource_type, id: r.resource_id, name: r.resource_name,
      region: r.region, account: r.account, "correlation key": r.correlation_key },
    ["type", "id", "name", "region", "account"]));
    if (r.location) {
      const where = [r.location.path, r.location.line, r.location.column].filter((part) => part !== null);
      add("Location", el("code", { text: where.join(":") }));
    }
    add("Region pair", pairTitle(row.pair));
    const text = rule && rule.remediation_text ? rule.remediation_text : "No remediation text for this rule.";
    add("Remediation", el("p", { class: "remediation", text }),
      rule && rule.remediation_action ? el("p", null, "Automated action ",
        el("code", { text: rule.remediation_action }), " (regionready remediate)") : null);
    const references = rule ? [...rule.references, ...(rule.help_uri ? [rule.help_uri] : [])] : [];
    if (references.length) add("References", el("ul", { class: "references" },
      ...references.map((reference) => el("li", null, link(reference)))));
    if (r.blocked_by.length) add("Blocked by", el("ul", { class: "blocked-by" },
      ...r.blocked_by.map((entry) => el("li", { text: entry }))));
    if (r.suppression) add("Suppression", fields(r.suppression, ["reason", "owner", "expires"]));
    if (Object.keys(r.details).length) add(r.status === "ERROR" ? "Error details" : "Details",
      el("pre", { class: "result-details", text: JSON.stringify(r.details, null, 2) }));
    add("Fingerprint", el("code", { text: r.fingerprint }));
    return el("tr", { class: "detail", "data-detail-for": String(row.i) },
      el("td", { colspan: String(columns) }, list));
  }

  function line(row) {
    const r = row.r;
    const rule = rules[r.rule_id];
    const open = expanded.has(row.i);
    return el("tr", { class: "result", "data-i": String(row.i), "data-status": r.status },
      el("td", null, el("button", { type: "button", class: "toggle", "aria-expanded": String(open),
        "aria-label": "details of " + r.rule_id, text: open ? "\u25be" : "\u25b8" })),
      el("td", null, el("span", { class: "badge status-" + r.status.toLowerCase(), text: label(r.status) })),
      el("td", null, el("span", { class: "badge sev-" + r.severity, text: r.severity })),
      el("td", { class: "rule" }, el("code", { text: r.rule_id }),
        rule ? el("span", { class: "title", title: rule.title, text: rule.title }) : null),
      el("td", { text: r.service }),
      el("td", { class: "resource", title: row.resource, text: row.resource }),
      severalPairs ? el("td", { text: pairTitle(row.pair) }) : null);
  }

  function render() {
    const shown = matched.slice(0, state.limit);
    const fragment = document.createDocumentFragment();
    for (const row of shown) {
      fragment.append(line(row));
      if (expanded.has(row.i)) fragment.append(detail(row));
    }
    if (!shown.length) {
      fragment.append(el("tr", { class: "empty" },
        el("td", { colspan: String(columns), text: "No results match these filters." })));
    }
    tbody.replaceChildren(fragment);
    byId("shown-count").textContent = String(shown.length);
    byId("match-count").textContent = String(matched.length);
    showMore.hidden = matched.length <= state.limit;
    showMore.textContent = "Show " + Math.min(page, matched.length - state.limit) + " more";
  }

  function update() {
    clearTimeout(timer);
    matched = filtered().sort(compare);
    state.limit = page;
    render();
  }

  function sortBy(key) {
    state.direction = state.sort === key ? -state.direction : DEFAULT_DIRECTION[key];
    state.sort = key;
    for (const button of table.querySelectorAll("thead button[data-sort]")) {
      const sorted = button.dataset.sort === key;
      const order = state.direction > 0 ? "ascending" : "descending";
      button.parentElement.setAttribute("aria-sort", sorted ? order : "none");
    }
    matched.sort(compare);
    render();
  }

  function toggle(tr) {
    const i = Number(tr.dataset.i);
    const button = tr.querySelector("button.toggle");
    if (expanded.delete(i)) {
      const next = tr.nextElementSibling;
      if (next && next.classList.contains("detail")) next.remove();
    } else {
      expanded.add(i);
      tr.after(detail(rows[i]));
    }
    button.setAttribute("aria-expanded", String(expanded.has(i)));
    button.textContent = expanded.has(i) ? "\u25be" : "\u25b8";
  }

  byId("filters").addEventListener("submit", (event) => event.preventDefault());
  byId("filters").addEventListener("change", (event) => {
    if (event.target !== search) update();
  });
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, SEARCH_DELAY_MS);
  });
  table.querySelector("thead").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-sort]");
    if (button) sortBy(button.dataset.sort);
  });
  tbody.addEventListener("click", (event) => {
    const tr = event.target.closest("tr.result");
    if (!tr || event.target.closest("a")) return;
    if (!event.target.closest("button") && String(window.getSelection())) return;
    toggle(tr);
  });
  showMore.addEventListener("click", () => {
    state.limit += page;
    render();
  });

  update();
  document.documentElement.dataset.ready = "true";
})();
