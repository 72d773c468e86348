// The site menu's disclosures: on a phone one "Menu" button opens and closes the grouped menu; on
// a desktop the Leadership group opens under its own button. Each is a button with
// aria-expanded and aria-controls (`data-disclosure`); Escape closes an open one and puts focus
// back on its button, a click elsewhere closes the Leadership group. Loaded in <head>, not
// deferred, so a page is never drawn with the menu open and then closed. Without JavaScript the
// `js` class is missing and every group stays open (static/css/site.css).
document.documentElement.classList.add("js");
(() => {
  const toggle = (button, open) => {
    const target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    button.setAttribute("aria-expanded", String(open));
    target.classList.toggle("open", open);
  };
  const openOnes = () => document.querySelectorAll('[data-disclosure][aria-expanded="true"]');
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-disclosure]");
    if (button) {
      toggle(button, button.getAttribute("aria-expanded") !== "true");
      return;
    }
    for (const open of openOnes()) {
      const target = document.getElementById(open.getAttribute("aria-controls"));
      if (open.classList.contains("group-toggle") && !target?.contains(event.target)) toggle(open, false);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = [...openOnes()].pop();  // the innermost: the Leadership group before the menu
    if (!open) return;
    toggle(open, false);
    open.focus();
  });
})();
