// Show-password switches for buttons marked up as
//   <button type="button" hidden data-password-toggle="ID" aria-controls="ID"
//           aria-pressed="false">Show password</button>
// under a password input. The button starts hidden and is shown only here, so without
// JavaScript the field stays a plain password field. Pressing it shows or hides the password
// (aria-pressed tells screen readers which); the field is hidden again before the form is sent,
// so browsers never store it as plain text.
(function () {
  "use strict";
  function setup(button) {
    var input = document.getElementById(button.getAttribute("data-password-toggle"));
    if (!input || input.type !== "password") {
      return;
    }
    function show(on) {
      input.type = on ? "text" : "password";
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      show(input.type === "password");
      input.focus();
    });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        show(false);
      });
    }
  }
  function init() {
    var buttons = document.querySelectorAll("[data-password-toggle]");
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
