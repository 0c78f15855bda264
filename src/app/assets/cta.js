// The CTA link's page (/c/{id}): sends the invitation with a POST — never on the GET, which
// mail systems' link scanners make for every link — then goes on to the organizer's landing
// page. Without script the page's <noscript> button posts the same form.
(function () {
  'use strict';
  var main = document.getElementById('cta');
  if (!main) return;
  var action = main.getAttribute('data-action');
  var status = document.getElementById('status');
  var retry = document.getElementById('retry');
  var form = document.getElementById('cta-form');
  var input = document.getElementById('email');
  var lastEmail = main.getAttribute('data-email') || '';

  function show(text, canRetry) {
    status.textContent = text;
    retry.hidden = !canRetry;
  }

  function wait(seconds) {
    if (!(seconds > 0)) return 'a moment';
    if (seconds < 90) return seconds + (seconds === 1 ? ' second' : ' seconds');
    return Math.ceil(seconds / 60) + ' minutes';
  }

  function failed(response, body) {
    if (response.status === 429) {
      var seconds = parseInt(response.headers.get('Retry-After') || '0', 10);
      show('Too many requests just now. Please try again in ' + wait(seconds) + '.', true);
    } else if (response.status === 422) {
      show((body.error && body.error.message) || 'Please check the address.', false);
      form.hidden = false;  // let the visitor correct it
      input.focus();
    } else if (response.status >= 500) {
      show('The invitation could not be sent just now. Please try again.', true);
    } else {
      show((body.error && body.error.message) || 'The invitation could not be sent.', false);
    }
  }

  function send(email) {
    lastEmail = email;
    show('Sending your invitation…', false);
    fetch(action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: JSON.stringify({email: email})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.redirect) {
          show(body.status === 'already_invited'
            ? 'You already have this invitation. Taking you on…'
            : 'Invitation sent. Taking you on…', false);
          location.replace(body.redirect);
        } else {
          failed(response, body);
        }
      });
    }, function () {
      show('The server could not be reached. Check your connection and try again.', true);
    });
  }

  retry.addEventListener('click', function () { send(lastEmail); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    send(input.value.trim());
  });
  if (lastEmail) send(lastEmail);
}());
