// Carillon's only script: the WebAuthn ceremony of the security key pages. The page renders
// the ceremony's options (JSON, binary values in base64url) in the form's data-options; on
// submit, this asks the browser for the key's answer, puts it in the form's hidden fields and
// sends the form as a normal POST (with its CSRF token). Without this script the form arrives
// empty and the server says that security keys need JavaScript.
(function () {
  'use strict';

  var form = document.querySelector('form[data-webauthn]');
  if (!form || !window.PublicKeyCredential || !navigator.credentials) return;

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    base64 += '='.repeat((4 - (base64.length % 4)) % 4);
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function withIds(list) {
    return (list || []).map(function (credential) {
      return { type: credential.type, id: fromBase64url(credential.id) };
    });
  }

  function set(name, buffer) {
    form.elements[name].value = toBase64url(buffer);
  }

  var options = JSON.parse(form.getAttribute('data-options'));
  var status = document.getElementById('webauthn-status');
  var sending = false;

  form.addEventListener('submit', function (event) {
    if (sending) return;
    // A registration without a name goes as it is: the server says what is missing.
    var name = form.elements.name;
    if (name && !name.value.trim()) return;
    event.preventDefault();
    var ceremony;
    if (form.getAttribute('data-webauthn') === 'create') {
      var creation = Object.assign({}, options, {
        challenge: fromBase64url(options.challenge),
        user: Object.assign({}, options.user, { id: fromBase64url(options.user.id) }),
        excludeCredentials: withIds(options.excludeCredentials),
      });
      ceremony = navigator.credentials.create({ publicKey: creation }).then(function (credential) {
        set('client_data_json', credential.response.clientDataJSON);
        set('attestation_object', credential.response.attestationObject);
      });
    } else {
      var request = Object.assign({}, options, {
        challenge: fromBase64url(options.challenge),
        allowCredentials: withIds(options.allowCredentials),
      });
      ceremony = navigator.credentials.get({ publicKey: request }).then(function (credential) {
        set('credential_id', credential.rawId);
        set('client_data_json', credential.response.clientDataJSON);
        set('authenticator_data', credential.response.authenticatorData);
        set('signature', credential.response.signature);
      });
    }
    ceremony.then(
      function () {
        sending = true;
        form.submit();
      },
      function () {
        // Cancelled, timed out, or no registered key answered: say so and let them retry.
        status.textContent = status.getAttribute('data-failed');
        status.hidden = false;
        status.focus();
      },
    );
  });
})();
