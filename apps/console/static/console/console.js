// memberhub console: keyboard shortcut "/" focuses the member search; Escape clears it.
document.addEventListener("keydown", function (event) {
  var search = document.getElementById("member-search-q");
  if (!search) { return; }
  var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
  if (event.key === "/" && !typing) { event.preventDefault(); search.focus(); }
  if (event.key === "Escape" && document.activeElement === search) { search.value = ""; search.dispatchEvent(new Event("input", {bubbles: true})); }
});
