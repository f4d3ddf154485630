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
// Deposit-invoice form: the percentage and the amount compute each other (data-total holds the base).
document.addEventListener("input", (event) => {
  const field = event.target;
  const form = field.form;
  if (!form || !form.dataset.total) return;
  const total = parseFloat(form.dataset.total);
  const parse = (text) => parseFloat(String(text).replace(/[\s\u00a0\u202f€%]/g, "").replace(",", "."));
  const format = (n) => n.toFixed(2).replace(".", form.dataset.decimal || ",");
  if (field.name === "percentage" && form.elements.amount) {
    const p = parse(field.value);
    if (!isNaN(p)) form.elements.amount.value = format((total * p) / 100);
  } else if (field.name === "amount" && form.elements.percentage && total > 0) {
    const a = parse(field.value);
    if (!isNaN(a)) form.elements.percentage.value = format((a / total) * 100);
  }
});
