// A classic script, deferred before the modules: when the page opens on the overview, it starts the
// three requests the first page needs while the modules are still loading. api.js takes the answers
// over (once each, during start-up only); with another address or no answer, the modules make their
// own requests as usual. If main.js has started already, it has made its own requests: nothing to do.
(function () {
  var hash = location.hash.replace(/^#/, '') || '/';
  if (hash !== '/' || window.slipwayStarted) return;
  var token = sessionStorage.getItem('slipway.token');
  var headers = { Accept: 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  var early = {};
  ['/whoami', '/environments', '/applications?limit=50'].forEach(function (path) {
    var answer = fetch('/api/v1' + path, { headers: headers, cache: 'no-store' });
    answer.catch(function () {});
    early[path] = { token: token, answer: answer };
  });
  window.slipwayEarly = early;
})();
