// Copy-to-clipboard for elements marked up as
//   <button type="button" hidden data-copy-target="ID" data-copy-status="ID"
//           data-copied-message="Copied.">Copy</button>
// The button starts hidden and is only shown when the Clipboard API is
// available, so the page works (and makes sense) without JavaScript.
// Spaces in the target's text (grouping for readability) are not copied.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  function setup(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var status = document.getElementById(button.getAttribute("data-copy-status") || "");
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = (target.textContent || "").replace(/\s+/g, "");
      navigator.clipboard.writeText(text).then(function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied-message") || "";
        }
      }, function () {
        if (status) {
          status.textContent = "";
        }
      });
    });
  }
  function init() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    for (var i = 0; i < buttons.length; i++) {
      setup(buttons[i]);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
