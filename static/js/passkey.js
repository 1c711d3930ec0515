// Passkeys for forms marked up as
//   <form method="post" action="…" data-passkey="get|create" data-passkey-options-url="…"
//         data-passkey-error="Message shown when the browser gives up.">
//     <input type="hidden" name="credential" data-passkey-credential>
//     <div hidden data-passkey-ui><button type="button" data-passkey-start>Use your passkey</button></div>
//     <p role="alert" data-passkey-status></p>
//   </form>
// A click posts the form (with its CSRF field) to the options URL, which answers JSON:
// {"options": …} with the options Cognito sent (PublicKeyCredentialRequestOptionsJSON for
// "get", PublicKeyCredentialCreationOptionsJSON for "create", binary values in base64url),
// {"redirect": "/…"} to go elsewhere, or {"error": "…"} to show. The script then asks the
// browser for the credential and posts it to the form's action as the JSON Cognito expects
// (AuthenticationResponseJSON or RegistrationResponseJSON). The button's wrapper starts hidden
// (on the wrapper, so no button style can show it) and is shown only where the browser has
// WebAuthn, so without JavaScript the page's <noscript> text
// and its other ways to sign in are all there is.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials || !window.isSecureContext) {
    return;
  }

  function toBuffer(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function toBase64url(buf) {
    if (!buf) {
      return undefined;
    }
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var out = { type: d.type, id: toBuffer(d.id) };
      if (d.transports) {
        out.transports = d.transports;
      }
      return out;
    });
  }

  function publicKeyOptions(mode, o) {
    var pk = Object.assign({}, o, { challenge: toBuffer(o.challenge) });
    if (mode === "create") {
      pk.user = Object.assign({}, o.user, { id: toBuffer(o.user.id) });
      pk.excludeCredentials = descriptors(o.excludeCredentials);
    } else {
      pk.allowCredentials = descriptors(o.allowCredentials);
    }
    return pk;
  }

  function credentialJSON(mode, cred) {
    var r = cred.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (mode === "create") {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
      if (r.getAuthenticatorData) {
        response.authenticatorData = toBase64url(r.getAuthenticatorData());
      }
      if (r.getPublicKey) {
        response.publicKey = toBase64url(r.getPublicKey());
      }
      if (r.getPublicKeyAlgorithm) {
        response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
      }
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) {
        response.userHandle = toBase64url(r.userHandle);
      }
    }
    var out = {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      response: response,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {}
    };
    if (cred.authenticatorAttachment) {
      out.authenticatorAttachment = cred.authenticatorAttachment;
    }
    return out;
  }

  function setup(form) {
    var mode = form.getAttribute("data-passkey") === "create" ? "create" : "get";
    var url = form.getAttribute("data-passkey-options-url");
    var ui = form.querySelector("[data-passkey-ui]");
    var button = form.querySelector("[data-passkey-start]");
    var input = form.querySelector("[data-passkey-credential]");
    var status = form.querySelector("[data-passkey-status]");
    if (!url || !ui || !button || !input) {
      return;
    }
    function fail(message) {
      button.disabled = false;
      if (status) {
        status.textContent = message || form.getAttribute("data-passkey-error") || "";
      }
    }
    ui.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      if (status) {
        status.textContent = "";
      }
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (resp) {
        return resp.json();
      }).then(function (reply) {
        if (reply.redirect) {
          window.location.assign(reply.redirect);
          return;
        }
        if (!reply.options) {
          fail(reply.error);
          return;
        }
        var request = { publicKey: publicKeyOptions(mode, reply.options) };
        var call = mode === "create" ? navigator.credentials.create(request) : navigator.credentials.get(request);
        return call.then(function (cred) {
          input.value = JSON.stringify(credentialJSON(mode, cred));
          form.submit();
        }, function () {
          fail("");
        });
      }).catch(function () {
        fail("");
      });
    });
  }

  function init() {
    var forms = document.querySelectorAll("form[data-passkey]");
    for (var i = 0; i < forms.length; i++) {
      setup(forms[i]);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
