// The live dashboard (product-revenue GET /): polls this instance's API and shows what it answers,
// numbers exactly as the API wrote them. When a request fails, its section is emptied and says why:
// never a stale number. No build step, no framework; the chart is uPlot (MIT), served from the jar.
"use strict";

const REVENUE_EVERY_MS = 1000;
const CHART_EVERY_MS = 10000;
const SIDE_EVERY_MS = 3000;
const TIMEOUT_MS = 3000;
const CHART_PRODUCTS = 6;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

// what the page shows now, for the browser test and for anyone curious in the console
window.dashboard = { state: "loading", products: null, chart: null, alerts: null, services: null };

const $ = (id) => document.getElementById(id);

// JSON numbers kept as the text the API sent (149.90 stays "149.90"), where the browser can tell
function exact(key, value, context) {
  return typeof value === "number" && context && typeof context.source === "string" ? context.source : value;
}

async function getJson(url) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, { cache: "no-store", signal: abort.signal });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text, exact);
    } catch (e) {
      throw new Error(url + " answered " + response.status + " (not JSON)");
    }
    if (!response.ok) {
      throw new Error((body && body.error) || url + " answered " + response.status);
    }
    return body;
  } catch (e) {
    throw e.name === "AbortError" ? new Error(url + " did not answer within " + TIMEOUT_MS / 1000 + " s")
      : e instanceof TypeError ? new Error("product-revenue is not answering (" + e.message + ")") : e;
  } finally {
    clearTimeout(timer);
  }
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(cells, attributes) {
  const tr = document.createElement("tr");
  cells.forEach((c) => tr.appendChild(c));
  Object.entries(attributes || {}).forEach(([name, value]) => tr.setAttribute(name, value));
  return tr;
}

function messageRow(tbody, columns, message, className) {
  const td = cell(message);
  td.colSpan = columns;
  tbody.replaceChildren(row([td], { class: className || "error-row" }));
}

function hhmm(iso) {
  return iso.substring(11, 16);
}

// exact decimal sum of strings such as "149.90" and "0.1" (BigInt, no floating point)
function addDecimals(values) {
  let scale = 0;
  values.forEach((v) => { const dot = v.indexOf("."); scale = Math.max(scale, dot < 0 ? 0 : v.length - dot - 1); });
  let sum = 0n;
  values.forEach((v) => {
    const negative = v.startsWith("-");
    const [whole, fraction = ""] = (negative ? v.substring(1) : v).split(".");
    const units = BigInt(whole + fraction.padEnd(scale, "0"));
    sum += negative ? -units : units;
  });
  const negative = sum < 0n;
  let digits = (negative ? -sum : sum).toString().padStart(scale + 1, "0");
  if (scale > 0) digits = digits.substring(0, digits.length - scale) + "." + digits.substring(digits.length - scale);
  return (negative ? "-" : "") + digits;
}

function setStatus(state, text) {
  window.dashboard.state = state;
  document.body.dataset.state = state;
  $("status").className = state;
  $("status").textContent = text;
}

// ---- this hour: GET /revenue every second ----

async function refreshRevenue() {
  try {
    const answer = await getJson("/revenue");
    const tbody = $("products");
    const products = answer.products.map((p) => ({ product: p.product, revenue: String(p.revenue), orders: String(p.orders) }));
    if (products.length === 0) {
      messageRow(tbody, 3, "no orders yet this hour", "empty-row");
    } else {
      tbody.replaceChildren(...products.map((p) => row(
        [cell(p.product, "product"), cell(p.revenue, "num revenue"), cell(p.orders, "num orders")], { "data-product": p.product })));
    }
    $("window").textContent = hhmm(answer.window_start) + "–" + hhmm(answer.window_end) + " UTC";
    $("total-revenue").textContent = addDecimals(products.map((p) => p.revenue));
    $("total-orders").textContent = String(products.reduce((n, p) => n + Number(p.orders), 0));
    window.dashboard.products = { window_start: answer.window_start, products };
    setStatus("live", "live · updated " + new Date().toISOString().substring(11, 19) + " UTC");
    if (!chart.shown && !chart.pending) refreshChart();
  } catch (e) {
    showError(e.message);
  }
  setTimeout(refreshRevenue, REVENUE_EVERY_MS);
}

// product-revenue does not answer: nothing it said before stays on the page
function showError(message) {
  setStatus("error", "error: " + message);
  window.dashboard.products = null;
  messageRow($("products"), 3, "no data: " + message);
  $("window").textContent = "";
  $("total-revenue").textContent = "";
  $("total-orders").textContent = "";
  clearChart("no data: " + message);
  window.dashboard.alerts = null;
  messageRow($("alerts"), 4, "no data: " + message);
  window.dashboard.services = null;
  messageRow($("services"), 3, "no data: " + message);
}

// ---- last 24 hours: GET /revenue/{product} for the top products of this hour ----

const chart = { plot: null, shown: false, pending: false };

function clearChart(message) {
  if (chart.plot) chart.plot.destroy();
  chart.plot = null;
  chart.shown = false;
  window.dashboard.chart = null;
  $("chart-note").textContent = message || "";
  $("chart-note").className = message ? "note error" : "note";
}

async function refreshChart() {
  const current = window.dashboard.products;
  if (!current || chart.pending) return;
  chart.pending = true;
  try {
    const products = current.products.slice(0, CHART_PRODUCTS).map((p) => p.product);
    const last = Date.parse(current.window_start) / 1000;
    const hours = Array.from({ length: 24 }, (_, i) => last - (23 - i) * 3600);
    const answers = await Promise.all(products.map((p) => getJson("/revenue/" + encodeURIComponent(p))));
    const values = answers.map((answer) => {
      const byHour = new Map(answer.windows.map((w) => [Date.parse(w.window_start) / 1000, String(w.revenue)]));
      return hours.map((h) => byHour.get(h) || "0");
    });
    draw(products, hours, values);
    window.dashboard.chart = { products, hours: hours.map((h) => new Date(h * 1000).toISOString()), values };
    $("chart-note").textContent = products.length ? "top " + products.length + " of this hour" : "no orders this hour";
    $("chart-note").className = "note";
  } catch (e) {
    clearChart("no data: " + e.message);
  } finally {
    chart.pending = false;
  }
}

function draw(products, hours, values) {
  const data = [hours, ...values.map((series) => series.map(Number))];
  const width = Math.max(300, $("chart").clientWidth);
  const sameSeries = chart.plot && chart.plot.series.length === products.length + 1
    && products.every((p, i) => chart.plot.series[i + 1].label === p);
  if (sameSeries) {
    chart.plot.setData(data);
  } else {
    if (chart.plot) chart.plot.destroy();
    chart.plot = new uPlot({
      width, height: 360,
      scales: { x: { time: true } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"), // hours in UTC, as the windows are
      axes: [{}, { size: 70 }],
      series: [{}, ...products.map((p, i) => ({ label: p, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true } }))],
    }, data, $("chart"));
  }
  chart.shown = true;
}

// ---- alerts and services: GET /dashboard/alerts, /dashboard/services (asked of the other services by this instance) ----

async function refreshAlerts() {
  const tbody = $("alerts");
  try {
    const answer = await getJson("/dashboard/alerts?limit=10");
    window.dashboard.alerts = answer.alerts;
    $("alerts-note").textContent = "from customer-stats";
    $("alerts-note").className = "note";
    if (answer.alerts.length === 0) {
      messageRow(tbody, 4, "no alerts", "empty-row");
    } else {
      tbody.replaceChildren(...answer.alerts.map((a) => row([cell(a.alerted_at.substring(0, 19).replace("T", " ")),
        cell(String(a.customer_id), "customer"), cell(String(a.total), "num total"), cell(String(a.count), "num")],
        { "data-customer": String(a.customer_id) })));
    }
  } catch (e) {
    window.dashboard.alerts = null;
    $("alerts-note").textContent = "unavailable";
    $("alerts-note").className = "note error";
    messageRow(tbody, 4, "no data: " + e.message);
  }
}

async function refreshServices() {
  const tbody = $("services");
  try {
    const answer = await getJson("/dashboard/services");
    window.dashboard.services = answer.services;
    tbody.replaceChildren(...answer.services.map((s) => {
      const health = cell(s.health, "health health-" + (s.url ? s.health.replace(" ", "-") : "none"));
      if (s.detail) health.title = s.detail;
      return row([cell(s.name), health, cell(s.lag === null || s.lag === undefined ? "–" : String(s.lag), "num lag")],
        { "data-service": s.name });
    }));
  } catch (e) {
    window.dashboard.services = null;
    messageRow(tbody, 3, "no data: " + e.message);
  }
}

async function refreshSide() {
  if (window.dashboard.state !== "error") {
    await Promise.all([refreshAlerts(), refreshServices()]);
  }
  setTimeout(refreshSide, SIDE_EVERY_MS);
}

refreshRevenue();
refreshSide();
setInterval(() => { if (window.dashboard.state === "live") refreshChart(); }, CHART_EVERY_MS);
window.addEventListener("resize", () => { if (chart.plot) chart.plot.setSize({ width: Math.max(300, $("chart").clientWidth), height: 360 }); });
