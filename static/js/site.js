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
