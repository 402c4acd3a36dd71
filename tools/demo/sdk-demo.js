// Glue for the SDK demo page: TapiMessenger comes from tapi-messenger.js, served by the agent;
// byId and pageLog from page-log.js.
(function () {
  'use strict';
  var client = null;
  var el = byId;
  var log = pageLog;
  function describe(status) {
    var text = status.state;
    if (status.phone) text += ' on ' + status.phone + ' (' + status.user + ')';
    if (status.reason) text += ': ' + status.reason;
    return text;
  }
  el('connect').addEventListener('submit', function (e) {
    e.preventDefault();
    if (client) client.close();
    client = TapiMessenger.connect({
      apexSession: el('apex').value,
      clickToDial: true,
      popIn: 'one-tab',
    })
      .on('status', function (status) {
        el('state').textContent = describe(status);
        log('log', 'status: ' + describe(status));
      })
      .on('call', function (call) {
        var who = call.direction === 'in' ? call.from : call.to;
        var text = call.state + ': ' + who + (call.name ? ' (' + call.name + ')' : '');
        log('pops', text + (call.shown ? '' : ', raised in another tab'));
      })
      .on('error', function (error) {
        log('log', 'error: ' + error.message);
      });
    el('state').textContent = describe(client.status);
  });
  el('dial').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!client) return log('log', 'connect first');
    var number = el('number').value;
    client.dial(number).then(
      function () {
        log('log', 'dial ' + number + ': accepted by the agent');
      },
      function (error) {
        log('log', 'dial ' + number + ': ' + error.message);
      },
    );
  });
})();
