// connectReferenceClient and referenceDial come from reference-page-client.js, loaded before this file,
// byId and pageLog from page-log.js.
// Glue for the demo page: the connect() itself is the unchanged reference client.
(function () {
  'use strict';
  var client = null;
  var el = byId;
  var log = pageLog;
  el('connect').addEventListener('submit', function (e) {
    e.preventDefault();
    if (client) client.disconnect();
    el('state').textContent = 'connecting…';
    client = connectReferenceClient({
      base: location.protocol + '//' + location.host,
      apexSession: el('apex').value,
      onCaller: function (caller) {
        log('pops', 'Call from ' + caller.phone + ' (' + caller.name + ')');
      },
      onListenInit: function (frame) {
        if (!client.errorsSubscribed) {
          client.errorsSubscribed = true;
          client.subscribe('/user/queue/errors', function (m) {
            log('log', 'error: ' + m.body);
          });
        }
        el('state').textContent = 'session ' + client.sessionId;
        log('log', 'is-listen-init: ' + frame.body);
      },
      onError: function (frame) {
        el('state').textContent = 'disconnected';
        log('log', 'error: ' + (frame.body || frame));
      },
    });
  });
  el('dial').addEventListener('submit', function (e) {
    e.preventDefault();
    if (client) referenceDial(client, el('number').value);
  });
})();
