// Copy buttons: <button data-copy="#input-id">Copy</button>
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  source.select();
  const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 2000); };
  if (navigator.clipboard) { navigator.clipboard.writeText(source.value).then(done, () => { document.execCommand("copy"); done(); }); }
  else { document.execCommand("copy"); done(); }
});
// Confirm before destructive actions: <form data-confirm="Really?">, or on one of a form's
// buttons: <button data-confirm="Really?">.
document.addEventListener("submit", (event) => {
  const message = event.submitter?.dataset.confirm || event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// Searchable select: <input data-filter-select="#select-id"> hides options that do not match.
document.addEventListener("input", (event) => {
  const input = event.target.closest("[data-filter-select]");
  if (!input) return;
  const select = document.querySelector(input.dataset.filterSelect);
  if (!select) return;
  const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
  let firstMatch = null;
  for (const option of select.options) {
    const keep = !option.value || option.value === "none" ||
      words.every((word) => option.text.toLowerCase().includes(word));
    option.hidden = !keep;
    if (keep && option.value && option.value !== "none" && !firstMatch) firstMatch = option;
  }
  if (firstMatch && words.length && select.selectedOptions[0]?.hidden !== false) select.value = firstMatch.value;
});
// Reply-deadline countdowns: <span data-deadline="ISO" data-remind-at="ISO"> shows "5 h 12 min
// left" / "overdue by 2 h" (the same words the server renders), refreshed every minute.
(() => {
  const duration = (ms) => {
    let minutes = Math.floor(ms / 60000);
    if (minutes < 1) return "under 1 min";
    let hours = Math.floor(minutes / 60);
    minutes %= 60;
    if (hours === 0) return `${minutes} min`;
    if (hours < 48) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
    const days = Math.floor(hours / 24);
    hours %= 24;
    return hours ? `${days} days ${hours} h` : `${days} days`;
  };
  const overdue = (ms) => {
    if (ms < 3600000) return `overdue by ${Math.max(Math.floor(ms / 60000), 1)} min`;
    if (ms < 48 * 3600000) return `overdue by ${Math.floor(ms / 3600000)} h`;
    return `overdue by ${Math.floor(ms / 86400000)} days`;
  };
  const update = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll("[data-deadline]")) {
      const due = Date.parse(el.dataset.deadline);
      if (Number.isNaN(due)) continue;
      const remind = Date.parse(el.dataset.remindAt || "");
      const state = now >= due ? "overdue" : (!Number.isNaN(remind) && now >= remind ? "soon" : "ok");
      el.textContent = now < due ? `${duration(due - now)} left` : overdue(now - due);
      el.classList.remove("countdown-ok", "countdown-soon", "countdown-overdue");
      el.classList.add(`countdown-${state}`);
    }
  };
  if (document.querySelector("[data-deadline]")) { update(); setInterval(update, 60000); }
})();
// Tables wider than their box scroll inside it (.table-scroll): a box that scrolls gets into the
// tab order (tabindex=0) as a named region, so a keyboard can scroll it; one that fits does not.
// Re-checked when its size changes (a phone turned sideways). Boxes marked up with their own
// tabindex in the template keep it.
(() => {
  const name = (box) => {
    const caption = box.querySelector("caption");
    if (caption) {
      caption.id ||= `table-caption-${Math.random().toString(36).slice(2, 9)}`;
      return ["aria-labelledby", caption.id];
    }
    const heading = box.closest("section, .card, main")?.querySelector("h2, h3, h1");
    return ["aria-label", heading ? heading.textContent.trim() : "Table"];
  };
  const update = (box) => {
    if (box.dataset.scrollFocus === undefined) {
      if (box.hasAttribute("tabindex")) return;
      box.dataset.scrollFocus = "";
    }
    if (box.scrollWidth > box.clientWidth + 1) {
      if (!box.hasAttribute("role")) {
        const [attribute, value] = name(box);
        box.setAttribute("role", "region");
        box.setAttribute(attribute, value);
      }
      box.tabIndex = 0;
    } else {
      box.removeAttribute("tabindex");
    }
  };
  const boxes = document.querySelectorAll(".table-scroll");
  if (!boxes.length) return;
  const observer = new ResizeObserver((entries) => { for (const entry of entries) update(entry.target); });
  for (const box of boxes) { update(box); observer.observe(box); }
})();
