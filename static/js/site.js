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
// Confirm before destructive actions: <form data-confirm="Really?">
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
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
