// The reconciliation page by keyboard; every action is also a link or a form that works without this script.
// j / ArrowDown: next line · k / ArrowUp: previous line · Enter or a: accept the best candidate · s: skip
// · /: search · i: ignore the line.
(function () {
  const list = document.getElementById("bank-lines");
  if (!list) return;
  const links = () => Array.from(list.querySelectorAll("a[data-line]"));
  const current = () => links().findIndex((a) => a.parentElement.classList.contains("current"));
  const go = (step) => {
    const all = links();
    if (!all.length) return;
    const at = current();
    const next = all[Math.min(all.length - 1, Math.max(0, (at < 0 ? -1 : at) + step))];
    if (next && next.parentElement.getAttribute("aria-current") !== "true") window.location.assign(next.href);
  };
  const submit = (selector) => {
    const form = document.querySelector(selector);
    if (form) (form.requestSubmit ? form.requestSubmit() : form.submit());
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing = target.closest && target.closest("input, select, textarea, [contenteditable]");
    if (typing) {
      if (event.key === "Escape") target.blur();
      return;
    }
    const key = event.key;
    if (key === "j" || key === "ArrowDown") go(1);
    else if (key === "k" || key === "ArrowUp") go(-1);
    else if (key === "Enter" || key === "a") {
      if (key === "Enter" && target.closest && target.closest("a, button, summary")) return;
      submit("form[data-key='accept']");
    } else if (key === "s") {
      const skip = document.querySelector("a[data-key='skip']");
      if (skip) window.location.assign(skip.href);
    } else if (key === "/") {
      const search = document.getElementById("f-q");
      if (search) search.focus();
    } else if (key === "i") submit("form[data-key='ignore']");
    else return;
    event.preventDefault();
  });
  const selected = list.querySelector("li.current");
  if (selected) selected.scrollIntoView({ block: "nearest" });
})();
