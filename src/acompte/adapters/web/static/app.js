// A little plain JavaScript; every page works without it.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) target.form.submit();
});
// Irreversible actions ask first: <button data-confirm="...">.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
  // A form sent once is not sent twice by a double click (the server also replays the first answer).
  if (!event.defaultPrevented && event.target.method === "post") {
    if (event.target.dataset.sent) event.preventDefault();
    event.target.dataset.sent = "1";
  }
});
// Percentage and amount compute each other, on the whole document (<form data-total>) and per line
// (<tr data-gross> with line_percent_N / line_amount_N); the server applies the same rule without JavaScript.
const parseNumber = (text) => parseFloat(String(text).replace(/[\s\u00a0\u202f€%]/g, "").replace(",", "."));
const formatNumber = (n, decimal) => n.toFixed(2).replace(".", decimal || ",");
document.addEventListener("input", (event) => {
  const field = event.target;
  const form = field.form;
  if (!form) return;
  const decimal = form.dataset.decimal;
  const row = field.closest("tr[data-gross]");
  if (row && /^line_(percent|amount)_/.test(field.name)) {
    const gross = parseFloat(row.dataset.gross);
    const position = field.name.replace(/^line_(percent|amount)_/, "");
    const percent = form.elements["line_percent_" + position];
    const amount = form.elements["line_amount_" + position];
    const value = parseNumber(field.value);
    if (isNaN(value) || !percent || !amount) return;
    if (field === percent) amount.value = formatNumber((gross * value) / 100, decimal);
    else if (gross > 0) percent.value = formatNumber((value / gross) * 100, decimal);
    return;
  }
  if (!form.dataset.total) return;
  const total = parseFloat(form.dataset.total);
  if (field.name === "percentage" && form.elements.amount) {
    const p = parseNumber(field.value);
    if (!isNaN(p)) form.elements.amount.value = formatNumber((total * p) / 100, decimal);
  } else if (field.name === "amount" && form.elements.percentage && total > 0) {
    const a = parseNumber(field.value);
    if (!isNaN(a)) form.elements.percentage.value = formatNumber((a / total) * 100, decimal);
  }
});
// The settle form's running difference: what is ticked in hand (and the new payment) minus what is ticked to settle.
(function () {
  const form = document.getElementById("settle-form");
  const out = document.getElementById("settle-difference");
  if (!form || !out) return;
  const parse = (t) => { const n = parseFloat(String(t).replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".")); return isNaN(n) ? 0 : n; };
  const update = () => {
    let diff = 0;
    form.querySelectorAll('input[name="credit"]:checked').forEach((c) => { diff += parse(c.dataset.remaining); });
    if (form.elements.np_amount) diff += parse(form.elements.np_amount.value);
    form.querySelectorAll('input[name="doc"]:checked').forEach((d) => { const a = form.elements["amount_" + d.value]; if (a) diff -= parse(a.value); });
    // Formatted like every amount on the page (1 234,56 €), with the minus sign rather than a hyphen.
    const money = new Intl.NumberFormat(out.dataset.locale || "fr-FR", { style: "currency", currency: out.dataset.currency || "EUR" });
    out.textContent = money.format(Math.round(diff * 100) / 100).replace(/^-|-(?=\d)/, "\u2212");
  };
  form.addEventListener("input", update); form.addEventListener("change", update); update();
})();
// « Retour » on an error page goes back where the user came from (home without JavaScript).
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-back]");
  if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
});
