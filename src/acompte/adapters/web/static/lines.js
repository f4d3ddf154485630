// Line entry on the document form: add and remove rows in place, an article fills its line, totals per VAT rate
// follow the typing. Without JavaScript the form works as before (« Ajouter des lignes » posts it back), and
// whatever this shows, the server checks every field again and computes the authoritative totals on saving.
(function () {
  "use strict";
  const table = document.getElementById("lines");
  const totals = document.getElementById("line-totals");
  if (!table || !table.tBodies[0]) return;
  const body = table.tBodies[0];
  const form = table.closest("form");
  const rowsField = form && form.elements.rows;

  // -- exact decimals: { m: BigInt mantissa, s: scale } so that 2,5 × 1 234,50 × 0,9 = 2 777,625 rounds to 2 777,63
  // like the server's Decimal (ROUND_HALF_UP: halves away from zero), which floats would not guarantee.
  const parse = (text) => {
    // Read like the server's parse_amount: « 1 234,56 », « 1234.56 », « −4 »; whichever mark comes last is decimal.
    let t = String(text).trim().replace(/[€%\s\u00a0\u202f]/g, "").replace("\u2212", "-");
    if (t.includes(",") && t.includes(".")) t = t.lastIndexOf(".") > t.lastIndexOf(",") ? t.replace(/,/g, "") : t.replace(/\./g, "");
    t = t.replace(",", ".");
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(t);
    if (!t || !match || (match[2] + (match[3] || "")) === "") return null;
    const fraction = match[3] || "";
    const m = BigInt((match[2] || "0") + fraction);
    return { m: match[1] ? -m : m, s: fraction.length };
  };
  const pow10 = (n) => 10n ** BigInt(n);
  const mul = (a, b) => ({ m: a.m * b.m, s: a.s + b.s });
  const roundTo = (a, places) => {
    // Half-up (away from zero) to `places` decimals, the mantissa returned as an integer of minor units.
    if (a.s <= places) return a.m * pow10(places - a.s);
    const divisor = pow10(a.s - places);
    const negative = a.m < 0n;
    const abs = negative ? -a.m : a.m;
    let q = abs / divisor;
    if ((abs % divisor) * 2n >= divisor) q += 1n;
    return negative ? -q : q;
  };

  // -- totals -----------------------------------------------------------------------------------------------
  const places = totals ? Number(totals.dataset.places || 2) : 2;
  const money = totals
    ? new Intl.NumberFormat(totals.dataset.locale || "fr-FR", { style: "currency", currency: totals.dataset.currency || "EUR" })
    : null;
  // Formatted like the server's amounts (1 234,50 €), with the minus sign U+2212 rather than a hyphen.
  const show = (units) => money.format(Number(units) / 10 ** places).replace("-", "\u2212");
  const field = (row, name) => row.querySelector('[name$="-' + name + '"]');
  const lineRows = () => Array.from(body.querySelectorAll("tr[data-line]"));
  const hundred = { m: 100n, s: 0 };
  const vatOf = (units, rate) => roundTo({ m: units * rate.m, s: places + rate.s + 2 }, places);

  const update = () => {
    if (!totals) return;
    // Each line's net rounded half-up to the cent (like price_line), then VAT per rate on the sum of the nets,
    // or line by line when the company rounds per line (domain/vat.py compute_totals).
    const perLine = totals.dataset.rounding === "per_line";
    const byRate = new Map();
    lineRows().forEach((row) => {
      const quantity = parse(field(row, "quantity").value);
      const price = parse(field(row, "unit_price").value);
      const discountText = field(row, "discount").value.trim();
      const discount = discountText ? parse(discountText) : { m: 0n, s: 0 };
      const rateSelect = field(row, "vat_rate");
      const rate = parse(rateSelect.value);
      if (!quantity || !price || !discount || !rate) return;
      const keep = { m: hundred.m * pow10(discount.s) - discount.m, s: discount.s };
      const net = roundTo({ m: mul(mul(quantity, price), keep).m, s: quantity.s + price.s + keep.s + 2 }, places);
      const key = rateSelect.value;
      const entry = byRate.get(key) || { rate: rate, label: rateSelect.selectedOptions[0].textContent, net: 0n, vat: 0n };
      entry.net += net;
      if (perLine) entry.vat += vatOf(net, rate);
      byRate.set(key, entry);
    });
    const rows = Array.from(byRate.values()).sort((a, b) => Number(b.rate.m * pow10(a.rate.s) - a.rate.m * pow10(b.rate.s)));
    const tbody = totals.tBodies[0];
    tbody.replaceChildren();
    let net = 0n;
    let vat = 0n;
    rows.forEach((entry) => {
      if (!perLine) entry.vat = vatOf(entry.net, entry.rate);
      net += entry.net;
      vat += entry.vat;
      const tr = tbody.insertRow();
      tr.dataset.rate = entry.label;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = entry.label;
      tr.appendChild(th);
      [entry.net, entry.vat, entry.net + entry.vat].forEach((units) => {
        const td = tr.insertCell();
        td.className = "num";
        td.textContent = show(units);
      });
    });
    totals.querySelector('[data-total="net"]').textContent = show(net);
    totals.querySelector('[data-total="vat"]').textContent = show(vat);
    totals.querySelector('[data-total="gross"]').textContent = show(net + vat);
  };

  // -- rows: names line-N-field, N from 0 in order, and `rows` = their count (what the server's parser reads) --
  const renumber = () => {
    lineRows().forEach((row, i) => {
      row.querySelectorAll("[name]").forEach((el) => {
        el.name = el.name.replace(/^line-\d+-/, "line-" + i + "-");
        el.id = "f-" + el.name;
      });
      row.querySelectorAll("label[for]").forEach((label) => {
        label.htmlFor = label.htmlFor.replace(/^f-line-\d+-/, "f-line-" + i + "-");
        label.textContent = label.textContent.replace(/\d+(?!.*\d)/, String(i + 1));
      });
      row.querySelectorAll("[aria-describedby]").forEach((el) => {
        el.setAttribute("aria-describedby", "e-" + el.name);
        const error = el.parentElement.querySelector(".field-error");
        if (error) error.id = "e-" + el.name;
      });
      const remove = row.querySelector("[data-remove-line]");
      remove.textContent = remove.textContent.replace(/\d+(?!.*\d)/, String(i + 1));
    });
    if (rowsField) rowsField.value = String(lineRows().length);
  };

  const clear = (row) => {
    row.querySelectorAll("input").forEach((input) => { input.value = ""; input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); });
    row.querySelectorAll(".field-error").forEach((error) => error.remove());
    row.querySelectorAll(".has-error").forEach((cell) => cell.classList.remove("has-error"));
    const item = field(row, "item_id");
    item.value = "";
    const rate = field(row, "vat_rate");
    rate.value = table.dataset.defaultRate;
    if (rate.selectedIndex < 0) rate.selectedIndex = 0;
  };

  const errorRowOf = (row) => {
    const next = row.nextElementSibling;
    return next && next.hasAttribute("data-line-error") ? next : null;
  };

  table.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-line]");
    if (!button) return;
    const row = button.closest("tr[data-line]");
    if (lineRows().length > 1) {
      const error = errorRowOf(row);
      if (error) error.remove();
      row.remove();
    } else {
      clear(row); // the last row is emptied rather than removed: the form keeps one line to type in
    }
    renumber();
    update();
  });

  const add = document.querySelector("[data-add-line]");
  if (add) {
    add.addEventListener("click", () => {
      const rows = lineRows();
      const copy = rows[rows.length - 1].cloneNode(true);
      clear(copy);
      body.appendChild(copy);
      renumber();
      update();
      field(copy, "item_id").focus();
    });
    add.parentElement.hidden = false;
  }

  // Choosing an article fills its designation, unit price and VAT rate at once (data-* rendered by the server,
  // the price already written the user's way); a rate the company no longer offers leaves the rate as it is.
  table.addEventListener("change", (event) => {
    const select = event.target;
    if (!select.matches('select[name$="-item_id"]')) { update(); return; }
    const option = select.selectedOptions[0];
    if (!option || !option.value) { update(); return; }
    const row = select.closest("tr[data-line]");
    field(row, "designation").value = option.dataset.designation || "";
    field(row, "unit_price").value = option.dataset.price || "";
    const rate = field(row, "vat_rate");
    if (Array.from(rate.options).some((o) => o.value === option.dataset.vat)) rate.value = option.dataset.vat;
    update();
  });
  table.addEventListener("input", update);

  table.querySelectorAll("[hidden]").forEach((el) => { el.hidden = false; });
  if (totals) totals.hidden = false;
  renumber();
  update();
})();
